"""The OpenAPI document is the API's contract, checked on the way in: a query parameter the
operation does not declare, a path or query value outside its declared type or range, or a JSON
body its schema refuses is a 400 before any view runs. So what the document says and what the API accepts cannot
drift apart (schemathesis checks both directions in tests/web/test_api_fuzz.py)."""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import request
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from archive.errors import ValidationError
from web.openapi import document

_RULE_PARAM = re.compile(r"<(?:[a-z]+:)?([A-Za-z_][A-Za-z0-9_]*)>")


@functools.cache
def _operations() -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path template with {name}) → the operation, its query parameters by name."""
    doc = document()
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            params = list(item.get("parameters", [])) + list(operation.get("parameters", []))
            body = operation.get("requestBody") or {}
            out[(method.upper(), path)] = {
                "query": {p["name"]: p for p in params if p.get("in") == "query"},
                "path": {p["name"]: p for p in params if p.get("in") == "path"},
                "body": (body.get("content") or {}).get("application/json"),
                "body_required": bool(body.get("required")),  # a body with required fields
            }
    return out


_validators: dict[int, OAS30Validator] = {}  # by the id of a schema inside the cached operations


def _check(schema: dict[str, Any], value: Any, where: str) -> None:
    validator = _validators.get(id(schema))
    if validator is None:
        # Formats (date, date-time) are part of the contract: an empty or malformed date is refused here.
        validator = _validators[id(schema)] = OAS30Validator({**schema, "components": document()["components"]},
                                                             format_checker=oas30_format_checker)
    error = next(iter(validator.iter_errors(value)), None)
    if error is not None:
        place = "/".join(str(p) for p in error.absolute_path)
        raise ValidationError(f"{where}{'/' + place if place else ''}: {error.message[:200]}")


def _coerce(schema: dict[str, Any], raw: str, name: str) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ValidationError(f"query parameter {name} must be a whole number") from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValidationError(f"query parameter {name} must be true or false")
        return raw.lower() in ("true", "1")
    return raw


def check_request() -> None:
    """Before every API view: the request matches its operation in the document."""
    rule = request.url_rule
    if rule is None:
        return  # 404/405: Flask answers those itself
    operation = _operations().get((request.method, _RULE_PARAM.sub(r"{\1}", rule.rule)))
    if operation is None:
        return  # HEAD, OPTIONS, or a route the document does not describe
    for name, value in (request.view_args or {}).items():
        param = operation["path"].get(name)
        if param is not None:
            _check(param.get("schema", {}), value, f"path parameter {name}")
    declared = operation["query"]
    for name in request.args:
        param = declared.get(name)
        if param is None:
            raise ValidationError(f"unknown query parameter {name[:50]!r}")
        schema = param.get("schema", {})
        values = request.args.getlist(name)
        if schema.get("type") == "array":
            items = schema.get("items", {})
            _check(schema, [_coerce(items, v, name) for v in values], f"query parameter {name}")
        else:
            if len(values) > 1:
                raise ValidationError(f"query parameter {name} given more than once")
            _check(schema, _coerce(schema, values[0], name), f"query parameter {name}")
    body = operation["body"]
    if body is not None and request.method in ("POST", "PUT", "PATCH"):
        data = request.get_json(silent=True)
        if data is None:
            if operation["body_required"] or request.content_length:
                raise ValidationError("send a JSON object")
            return
        _check(body.get("schema", {}), data, "body")
