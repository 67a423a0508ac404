"""The API under schemathesis as three roles (issue 12): no server error whoever asks, answers as
the OpenAPI document says, what the document forbids is refused (the validators and the document
agree), and a method a path does not offer is a 405 that says, in `Allow`, which ones it does."""

from __future__ import annotations

import os

import pytest
from hypothesis.errors import Unsatisfiable

ROLES = ("staff", "archivist", "auditor")
METHODS = {"get", "post", "put", "patch", "delete"}
SKIP = {"/api/v1/uploads"}  # uploads run OCR: covered by test_upload; random bytes only test the refusal path


def _schema(app):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The token is the test's to send (as each role): a negative case that only drops or mangles
    # the Authorization header would be made valid again by it, and then look "accepted".
    schema.config.generation.update(with_security_parameters=False)
    return schema


def _run(operation, headers: dict, mode, checks) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=int(os.environ.get("WEB_SCHEMATHESIS_EXAMPLES", "6")), deadline=None,
              suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_and_the_document_holds(app, token_of, role):
    from schemathesis import checks as st
    from schemathesis.generation import GenerationMode

    positive = [st.not_a_server_error, st.status_code_conformance, st.content_type_conformance,
                st.response_schema_conformance]
    negative = [st.not_a_server_error, st.negative_data_rejection]
    failures = []
    for result in _schema(app).get_all_operations():
        operation = result.ok()
        if operation.path in SKIP:
            continue
        for mode, checks in ((GenerationMode.POSITIVE, positive), (GenerationMode.NEGATIVE, negative)):
            try:
                _run(operation, token_of(role), mode, checks)
            except Unsatisfiable:
                continue  # no parameters and no body: nothing a negative case could break
            except BaseException as exc:  # every operation's failure, reported together
                failures.append(f"{role} {mode.value} {operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_unsupported_methods_are_405_with_allow(app, client, token_of):
    document = client.get("/api/v1/openapi.json").get_json()
    wrong = []
    for path, item in document["paths"].items():
        offered = {m for m in item if m in METHODS}
        concrete = path.replace("{", "").replace("}", "")  # a path parameter becomes a literal segment
        for name in item.get("parameters", []) + [p for m in offered for p in item[m].get("parameters", [])]:
            if name.get("in") == "path":
                concrete = concrete.replace(name["name"], "1" if name.get("schema", {}).get("type") == "integer" else "x")
        for method in sorted(METHODS - offered - {"head", "options"}):
            response = client.open(concrete, method=method.upper(), headers=token_of("archivist"))
            allow = {m.strip().lower() for m in response.headers.get("Allow", "").split(",") if m.strip()}
            if response.status_code != 405 or not offered <= allow:
                wrong.append(f"{method.upper()} {concrete}: {response.status_code}, Allow={sorted(allow)}")
    assert not wrong, "\n".join(wrong)
