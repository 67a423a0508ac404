"""The OpenAPI 3.0 description of /api/v1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

STR = {"type": "string"}
INT = {"type": "integer"}
NSTR = {"type": "string", "nullable": True}
NINT = {"type": "integer", "nullable": True}
PAIRS = {"type": "array", "items": {"type": "array", "items": {"oneOf": [STR, INT]}}}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props)}


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"status": INT, "message": STR})}),
    "Me": _obj({"username": STR, "role": STR, "clearance": STR,
                "departments": {"type": "array", "items": STR}, "categories": {"type": "array", "items": STR}}),
    "Dashboard": _obj({"total": INT, "needs_review": INT, "by_category": PAIRS, "by_year": PAIRS,
                       "due_by_year": PAIRS, "pages_per_day": PAIRS,
                       "loans_per_month": {"nullable": True}, "overdue_loans": {"nullable": True}}),
    "Snippet": _obj({"html": STR, "page": NINT}),
    "Hit": _obj({"id": INT, "archival_code": STR, "title": STR, "score": {"type": "number"},
                 "snippets": {"type": "array", "items": {"$ref": "#/components/schemas/Snippet"}},
                 "page": NINT, "doc_date": NSTR, "secrecy": STR, "category": STR}),
    "SearchResult": _obj({"total": INT, "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                          "facets": {"type": "object", "additionalProperties": PAIRS},
                          "took_ms": {"type": "number"}, "cursor": NSTR}),
    "Record": _obj({
        "record": {"type": "object", "required": ["id", "secrecy", "status"],
                   "properties": {"id": INT, "secrecy": STR, "status": STR, "title": NSTR, "archival_code": NSTR}},
        "actions": {"type": "array", "items": STR},
        "pages": {"type": "array", "items": _obj({"page_no": INT, "text": NSTR, "width": NINT, "height": NINT})},
        "history": {"type": "array", "items": _obj({"seq": INT, "time": STR, "actor": STR, "action": STR})},
        "loans": {"nullable": True},
    }),
    "UploadResult": _obj({"files": {"type": "array", "items": {
        "type": "object", "required": ["filename", "status"],
        "properties": {"filename": STR, "status": STR, "record_id": INT, "error": STR}}}}),
    "UploadStatus": _obj({"records": {"type": "array", "items": _obj(
        {"record_id": INT, "status": STR, "archival_code": NSTR, "title": NSTR, "error": NSTR})}}),
    "AuditEvents": _obj({"events": {"type": "array", "items": _obj(
        {"seq": INT, "time": STR, "actor": STR, "action": STR, "target": STR, "details": {"type": "object"},
         "hash": STR})}}),
    "Verification": _obj({"ok": {"type": "boolean"}, "checked": INT, "head_seq": INT, "anchors_checked": INT,
                          "first_broken": NINT, "reason": STR}),
    "Users": _obj({"users": {"type": "array", "items": _obj(
        {"username": STR, "display_name": STR, "role": STR, "clearance": STR,
         "departments": {"type": "array", "items": STR}, "categories": {"type": "array", "items": STR},
         "active": {"type": "boolean"}})}}),
    "Volume": _obj({"id": INT, "archival_code": STR, "title": STR, "year": INT, "category": STR, "secrecy": STR,
                    "pages": INT, "status": STR, "location": STR}),
    "Volumes": _obj({"volumes": {"type": "array", "items": {"$ref": "#/components/schemas/Volume"}}}),
    "VolumeDetail": _obj({"volume": {"$ref": "#/components/schemas/Volume"}, "records": {"type": "array", "items": _obj(
        {"id": INT, "archival_code": NSTR, "title": STR, "secrecy": STR})}}),
    "Review": _obj({"records": {"type": "array", "items": _obj(
        {"id": INT, "title": STR, "category": STR, "secrecy": STR, "review_reasons": {"type": "array", "items": STR}})}}),
    "NewUser": _obj({"username": STR, "password": STR}),
    "UserActive": _obj({"username": STR, "active": {"type": "boolean"}}),
    "UserClearance": _obj({"username": STR, "clearance": NSTR}),
    "Token": _obj({"id": INT, "name": STR, "hint": STR, "expires_at": NSTR, "revoked": {"type": "boolean"}}),
    "NewToken": {"allOf": [{"$ref": "#/components/schemas/Token"}, _obj({"token": STR})]},
    "Tokens": _obj({"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}),
}


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _op(summary: str, ok: str | dict, *, params: list | None = None, status: str = "200",
        body: dict | None = None, public: bool = False) -> dict[str, Any]:
    success = {"description": "OK", **(_json(ok) if isinstance(ok, str) else ok)}
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {status: success, "default": {"description": "Error", **_json("Error")}},
    }
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = body
    if public:
        op["security"] = []
    return op


def _q(name: str, schema: dict, description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _p(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}


def _name(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 50}}


def _jbody(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:  # OpenAPI 3.0 wants a non-empty list or none at all
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


BINARY = {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}},
                      "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}
PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


def document() -> dict[str, Any]:
    search_params = [
        _q("q", {"type": "string", "maxLength": 1000}, "words, an archival code, a document number or a name"),
        _q("category", STR), _q("year", STR), _q("secrecy", STR),
        _q("date_from", {"type": "string", "format": "date"}), _q("date_to", {"type": "string", "format": "date"}),
        _q("sort", {"type": "string", "enum": ["relevance", "date", "archival_code"]}),
        _q("page", {"type": "integer", "minimum": 1, "maximum": 100}),
        _q("size", {"type": "integer", "minimum": 1, "maximum": 100}),
        _q("cursor", STR),
    ]
    audit_params = [_q(n, {"type": "string", "maxLength": 100}) for n in ("action", "actor", "target", "since", "until")]
    audit_params += [_q("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                     _q("offset", {"type": "integer", "minimum": 0, "maximum": 10**9})]
    upload_body = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["files"],
        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                       "category": STR}}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "HRSS archive API", "version": "1", "description":
                 "Everything the web pages do. A token acts as its user: the same clearance and scope; "
                 "a record above it does not exist (404)."},
        "servers": [{"url": "/"}],
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": _op("This document", {"content": {"application/json": {
                "schema": {"type": "object"}}}}, public=True)},
            "/api/v1/me": {"get": _op("The token's user", "Me")},
            "/api/v1/dashboard": {"get": _op("Dashboard numbers over the records the user may see", "Dashboard")},
            "/api/v1/search": {"get": _op("Search the holdings", "SearchResult", params=search_params)},
            "/api/v1/search/export": {"get": _op("Search results as CSV (roles that may export)", {"content": {
                "text/csv": {"schema": {"type": "string"}}}}, params=search_params)},
            "/api/v1/records/{record_id}": {"get": _op("One record", "Record", params=[_p("record_id")])},
            "/api/v1/records/{record_id}/corrections": {"post": _op(
                "Correct catalogue fields (archivists); the record leaves the review queue", {"content": {
                    "application/json": {"schema": {"type": "object"}}}}, params=[_p("record_id")],
                body=_jbody({k: STR for k in ("title", "category_code", "doc_no", "issuer", "doc_type", "retention",
                                              "secrecy")}, []))},
            "/api/v1/records/{record_id}/pages/{page_no}/image": {"get": _op(
                "One page image", BINARY, params=[_p("record_id"), _p("page_no")])},
            "/api/v1/records/{record_id}/download": {"get": _op(
                "The searchable PDF", PDF, params=[_p("record_id")])},
            "/api/v1/uploads": {"post": _op("Upload scans; each file becomes one record", "UploadResult",
                                            status="202", body=upload_body)},
            "/api/v1/uploads/status": {"get": _op("Pipeline status of uploaded records", "UploadStatus",
                                                  params=[_q("ids", {"type": "string", "pattern": "^[0-9,]*$"})])},
            "/api/v1/audit/events": {"get": _op("The audit trail, newest first (auditors)", "AuditEvents",
                                                params=audit_params)},
            "/api/v1/audit/verify": {"post": _op("Verify the audit chain (auditors)", "Verification")},
            "/api/v1/users": {
                "get": _op("Accounts (administrator, security officer)", "Users"),
                "post": _op("Create an account at clearance internal (system administrator)", "NewUser", status="201",
                            body=_jbody({"username": STR, "role": STR, "display_name": STR}, ["username", "role"])),
            },
            "/api/v1/users/{username}/active": {"post": _op(
                "Enable or disable an account (system administrator)", "UserActive", params=[_name("username")],
                body=_jbody({"active": {"type": "boolean"}}, ["active"]))},
            "/api/v1/users/{username}/clearance": {"post": _op(
                "Set clearance and scope (security officer)", "UserClearance", params=[_name("username")],
                body=_jbody({"clearance": STR, "departments": {"type": "array", "items": STR},
                             "categories": {"type": "array", "items": STR}}, ["clearance"]))},
            "/api/v1/volumes": {"get": _op("Volumes the user may see, with shelf positions", "Volumes",
                                           params=[_q("page", {"type": "integer", "minimum": 1, "maximum": 10000})])},
            "/api/v1/volumes/{volume_id}": {"get": _op("One volume and the records bound in it", "VolumeDetail",
                                                       params=[_p("volume_id")])},
            "/api/v1/review": {"get": _op("The review queue (archivists)", "Review")},
            "/api/v1/tokens": {
                "get": _op("The caller's API tokens", "Tokens"),
                "post": _op("A new token for the caller (shown once)", "NewToken", status="201",
                            body=_jbody({"name": {"type": "string", "maxLength": 100}}, [])),
            },
            "/api/v1/tokens/{token_id}/revoke": {"post": _op("Revoke one of the caller's tokens", "Token",
                                                             params=[_p("token_id")])},
        },
    }
