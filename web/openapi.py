"""The OpenAPI 3.0 description of /api/v1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from web.openapi_disclosure import disclosure_paths

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
                       "loans_per_month": PAIRS, "overdue_loans": INT}),
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
        "readers": {"type": "array", "nullable": True, "items": _obj(
            {"reader": STR, "what": STR, "at": STR, "loan": STR})},
        "grant": {"type": "object", "nullable": True, "required": ["expires_at", "place", "download"],
                  "properties": {"expires_at": STR, "place": STR, "download": {"type": "boolean"}}},
        "links": {"type": "array", "items": {"type": "object"}},  # archive.record_links, both sides
        "four_properties": {"type": "object", "nullable": True, "properties": {  # the latest 四性检测
            "outcome": {"type": "string", "enum": ["passed", "failed", "not_checked"]}, "stage": STR,
            "checked_at": NSTR, "failed": {"type": "array", "items": _obj({"check": STR, "detail": STR})},
            "not_checked": {"type": "array", "items": _obj({"check": STR, "detail": STR})}}},
    }, ["record", "actions", "pages", "history", "loans"]),
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
    "NewUser": _obj({"username": STR, "role": STR, "clearance": STR, "password": STR,
                     "must_change_password": {"type": "boolean"}}),
    "UserActive": _obj({"username": STR, "active": {"type": "boolean"}}),
    "PasswordReset": _obj({"username": STR, "password": STR, "must_change_password": {"type": "boolean"}}),
    "UserClearance": _obj({"username": STR, "clearance": STR, "departments": {"type": "array", "items": STR},
                           "categories": {"type": "array", "items": STR}}),
    "Token": _obj({"id": INT, "name": STR, "hint": STR, "expires_at": NSTR, "revoked": {"type": "boolean"}}),
    "NewToken": {"allOf": [{"$ref": "#/components/schemas/Token"}, _obj({"token": STR})]},
    "Tokens": _obj({"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}),
    # Lending (archive.lending)
    "LoanSummary": _obj({"id": INT, "number": STR, "requester": STR, "form": STR, "purpose": STR, "level": STR,
                         "status": STR, "created_at": NSTR}),
    "LoanList": _obj({"requests": {"type": "array", "items": {"$ref": "#/components/schemas/LoanSummary"}}}),
    "Loan": {
        "type": "object",
        "required": ["id", "number", "requester", "form", "purpose", "level", "status", "rule", "steps", "readers",
                     "reason", "items", "approvals", "loans"],
        "properties": {
            "id": INT, "number": STR, "requester": STR, "form": STR, "purpose": STR, "level": STR, "status": STR,
            "rule": STR, "steps": {"type": "array", "items": {"type": "array", "items": STR}},
            "readers": {"type": "array", "items": STR}, "reason": STR,
            "items": {"type": "array", "items": {"type": "object", "required": ["code", "title", "secrecy"],
                                                 "properties": {"record": INT, "volume": INT, "code": NSTR,
                                                                "title": NSTR, "secrecy": STR}}},
            "approvals": {"type": "array", "items": _obj({"step": INT, "approver": STR, "decision": STR,
                                                          "reason": STR})},
            "loans": {"type": "array", "items": _obj({"id": INT, "volume": INT, "due_on": STR,
                                                     "active": {"type": "boolean"}})},
            "extract": {"type": "boolean"},
            "days": INT, "department": STR, "created_at": NSTR,
            "flags": {"type": "array", "items": _obj({"reader": STR, "record": STR, "reason": STR})},
            "outside": {"type": "object", "nullable": True, "properties": {"name": STR, "unit": STR, "letter": STR}},
        },
    },
    "Notifications": _obj({"notifications": {"type": "array", "items": _obj(
        {"id": INT, "kind": STR, "target": STR, "message": STR, "created_at": NSTR})}}),
    "InventoryCheck": {"type": "object", "required": ["id", "room", "opened_by", "closed_at", "result"], "properties": {
        "id": INT, "room": STR, "opened_by": STR, "opened_at": NSTR, "closed_at": NSTR, "result": {"type": "object"},
        "scanned_now": INT}},
    "InventoryChecks": _obj({"checks": {"type": "array", "items": {"$ref": "#/components/schemas/InventoryCheck"}}}),
    "LoanReturn": _obj({"loan": INT, "pages_ok": {"type": "boolean"}, "damage": STR}),
    "Extract": {"type": "object", "required": ["id", "record", "kind", "reader", "description", "copies", "secrecy"],
                "properties": {"id": INT, "record": INT, "kind": STR, "reader": STR, "description": STR, "pages": STR,
                               "copies": INT, "secrecy": STR, "registered_by": STR, "registered_at": NSTR,
                               "copies_in_circulation": INT}},
    "Extracts": _obj({"extracts": {"type": "array", "items": {"$ref": "#/components/schemas/Extract"}}}),
    "Relation": _obj({"id": INT, "username": STR, "relation": STR, "person_name": STR, "person_id_number": STR,
                      "declared_at": NSTR}),
    "Relations": _obj({"relations": {"type": "array", "items": {"$ref": "#/components/schemas/Relation"}}}),
    "ApprovalRule": {"type": "object", "required": ["name", "steps"], "properties": {
        "name": STR, "steps": {"type": "array", "items": {"type": "array", "items": STR}},
        "min_level": NSTR, "extract": {"type": "boolean", "nullable": True},
        "other_department": {"type": "boolean", "nullable": True}, "personnel": {"type": "boolean", "nullable": True},
        "consultation": {"type": "boolean", "nullable": True}}},
    "ApprovalMatrix": _obj({"rules": {"type": "array", "items": {"$ref": "#/components/schemas/ApprovalRule"}}}),
    # Receiving (archive.lending.receiving)
    "TransferItem": _obj({"line": INT, "archival_code": STR, "title": STR, "pages": INT, "transaction_no": STR,
                          "arrived": {"type": "boolean", "nullable": True}, "pages_arrived": NINT,
                          "problems": {"type": "array", "items": STR}, "decision": STR, "reason": STR}),
    "TransferRegister": {"type": "object", "required": ["id", "department", "year", "category", "status", "handed_by",
                                                        "dept_head"], "properties": {
        "id": INT, "department": STR, "year": INT, "category": STR, "status": STR, "handed_by": STR, "dept_head": STR,
        "received_by": STR, "created_at": NSTR, "closed_at": NSTR,
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/TransferItem"}}}},
    "TransferRegisters": _obj({"registers": {"type": "array",
                                             "items": {"$ref": "#/components/schemas/TransferRegister"}}}),
    "TransferCheck": _obj({"problems": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
                           "not_listed": {"type": "array", "items": STR},
                           "transactions_without_item": {"type": "array", "items": STR},
                           "register": {"$ref": "#/components/schemas/TransferRegister"}}),
    "FilingStatus": _obj({"year": INT, "deadline": STR, "passed": {"type": "boolean"}, "unfiled": INT}),
    "Dossier": _obj({"id": INT, "person_id_number": STR, "person_name": STR,
                     "materials": {"type": "object", "additionalProperties": {"type": "boolean"}},
                     "missing": {"type": "array", "items": STR}, "problems": {"type": "array", "items": STR},
                     "notice_text": STR, "notice_issued_at": NSTR, "undertaking_signed_at": NSTR, "checked_by": STR,
                     "checked_at": NSTR}),
    "PersonnelNotice": _obj({"id": INT, "number": STR, "person_id_number": STR, "person_name": STR, "to_unit": STR,
                             "carrier": STR, "carrier_name": STR, "sent_by": STR, "sent_on": STR, "receipt_due": STR,
                             "receipt_on": NSTR, "receipt_signed_by": STR, "chased_on": NSTR}),
    "PersonnelNotices": _obj({"notices": {"type": "array", "items": {"$ref": "#/components/schemas/PersonnelNotice"}}}),
    "PersonnelDesk": _obj({"dossiers": {"type": "array", "items": {"$ref": "#/components/schemas/Dossier"}},
                           "notices": {"type": "array", "items": {"$ref": "#/components/schemas/PersonnelNotice"}},
                           "to_chase": {"type": "array", "items": {"$ref": "#/components/schemas/PersonnelNotice"}},
                           "materials": {"type": "array", "items": STR}}),
    "LoanRenewal": _obj({"loan": INT, "due_on": STR, "renewals": INT}),
    # Retention (retention/)
    "DueRow": {"type": "object", "required": ["id"], "properties": {
        "id": INT, "archival_code": NSTR, "title": NSTR, "category": NSTR, "year": NINT, "retention": NSTR,
        "due": NSTR, "secrecy": STR, "declassify_on": NSTR, "status": STR}},
    "DueLists": _obj({"date": STR, "lists": {"type": "object", "additionalProperties": _obj(
        {"count": INT, "items": {"type": "array", "items": {"$ref": "#/components/schemas/DueRow"}}})}}),
    "Hold": _obj({"id": INT, "reason": STR, "scope": STR, "target": STR, "query": {"type": "object"},
                  "placed_by": STR, "placed_at": NSTR, "released_at": NSTR}),
    "Holds": _obj({"holds": {"type": "array", "items": {"$ref": "#/components/schemas/Hold"}}}),
    "Appraisal": {"type": "object", "required": ["id", "title", "status", "created_by"], "properties": {
        "id": INT, "title": STR, "status": STR, "created_by": STR, "created_at": NSTR, "opinion": NSTR,
        "report_record_id": NINT,
        "members": {"type": "array", "items": _obj({"username": STR, "signed": {"type": "boolean"}})},
        "items": {"type": "array", "items": {"type": "object", "required": ["id", "decision"], "properties": {
            "id": NINT, "archival_code": STR, "title": NSTR, "due_on": NSTR, "decision": NSTR, "reason": NSTR,
            "decided_by": NSTR, "extend_years": NINT}}}}},
    "Appraisals": _obj({"appraisals": {"type": "array", "items": {"$ref": "#/components/schemas/Appraisal"}}}),
    "Register": {"type": "object", "required": ["id", "batch_id", "title", "status", "requested_by"], "properties": {
        "id": INT, "batch_id": INT, "title": STR, "status": STR, "requested_by": STR,
        "required_roles": {"type": "array", "items": STR}, "method": NSTR, "place": NSTR, "executed_at": NSTR,
        "register_record_id": NINT, "missing_roles": {"type": "array", "items": STR},
        "approvals": {"type": "array", "items": _obj({"approver": STR, "role": STR, "opinion": NSTR,
                                                      "approved_at": NSTR})},
        "witnesses": {"type": "array", "items": _obj({"witness": STR, "signed_at": NSTR})},
        "entries": {"type": "array", "items": {"type": "object", "required": ["seq_no", "state"], "properties": {
            "id": NINT, "archival_code": STR, "title": NSTR, "seq_no": INT, "state": STR, "pages": NINT,
            "secrecy": STR, "reason": NSTR, "destroyed_at": NSTR}}}}},
    "Registers": _obj({"registers": {"type": "array", "items": {"$ref": "#/components/schemas/Register"}}}),
    "Extension": _obj({"record_id": INT, "years": INT, "old_due": NSTR, "new_due": NSTR, "decided_by": STR}),
    "SecrecyReview": _obj({"record_id": INT, "outcome": STR, "kind": STR, "secrecy": STR, "declassify_on": NSTR,
                           "reviewer": STR}),
    "LifecycleSettings": _obj({"settings": {"type": "object"}, "defaults": {"type": "object"},
                               "minimums": {"type": "object"}}),
    "Setting": _obj({"key": STR, "value": {}}),
    "ComplianceReport": {"type": "object", "required": ["as_of", "sections", "digest", "destroyed_chain_complete"],
                         "properties": {"as_of": STR, "sections": {"type": "object"}, "digest": STR,
                                        "destroyed_chain_complete": {"type": "boolean"}}},
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
    # Closed: a field the document does not name is refused (web.api_contract), so a client that
    # sends, say, "approved_by" learns it has no effect instead of believing it named an approver.
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:  # OpenAPI 3.0 wants a non-empty list or none at all
        schema["required"] = required
    return {"required": bool(required), "content": {"application/json": {"schema": schema}}}


BINARY = {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}},
                      "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}
PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
FILES = {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in (
    "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf")}}
IDS = {"type": "array", "maxItems": 50, "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
NAMES = {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 50}}


def lending_paths() -> dict[str, Any]:
    loan = [_p("request_id")]
    item = [_p("loan_id")]
    return {
        "/api/v1/loans": {
            "get": _op("Loan requests the user may know of", "LoanList", params=[_q("status", {
                "type": "string", "enum": ["pending", "approved", "rejected", "issued", "closed", "cancelled"]})]),
            "post": _op("Request a loan: reading room, electronic viewing or a physical loan of volumes", "Loan",
                        status="201", body=_jbody({
                            "purpose": {"type": "string", "maxLength": 1000},
                            "form": {"type": "string", "enum": ["reading_room", "electronic", "loan"]},
                            "record_ids": IDS, "volume_ids": IDS, "readers": NAMES,
                            "days": {"type": "integer", "minimum": 1, "maximum": 365},
                            "extract": {"type": "boolean"},
                            "outside": {"type": "object", "description": "an outside unit's borrower, registered by "
                                        "an archivist with the letter of introduction", "properties": {
                                            "name": {"type": "string", "maxLength": 50},
                                            "unit": {"type": "string", "maxLength": 100},
                                            "letter": {"type": "string", "maxLength": 100},
                                            "id_number": {"type": "string", "maxLength": 18}}}},
                            ["purpose", "form"])),
        },
        "/api/v1/loans/inbox": {"get": _op("Pending requests whose next approval step is the user's role", "LoanList")},
        "/api/v1/loans/notifications": {"get": _op("The user's unread reminders (overdue loans)", "Notifications")},
        "/api/v1/loans/{request_id}": {"get": _op("One loan request", "Loan", params=loan)},
        "/api/v1/loans/{request_id}/approve": {"post": _op(
            "Approve the current step (never one's own request)", "Loan", params=loan,
            body=_jbody({"note": {"type": "string", "maxLength": 500}}, []))},
        "/api/v1/loans/{request_id}/reject": {"post": _op(
            "Reject with a reason", "Loan", params=loan,
            body=_jbody({"reason": {"type": "string", "maxLength": 500}}, ["reason"]))},
        "/api/v1/loans/{request_id}/cancel": {"post": _op("The requester withdraws the request", "Loan", params=loan)},
        "/api/v1/loans/{request_id}/close": {"post": _op(
            "Close an issued reading-room or electronic consultation: its grants are revoked (archivists)", "Loan",
            params=loan)},
        "/api/v1/loans/{request_id}/extracts": {
            "get": _op("Extracts and copies registered under a request", "Extracts", params=loan),
            "post": _op("Register an extract or copy under an approved extract request (archivists)", "Extract",
                        params=loan, status="201", body=_jbody({
                            "record_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                            "reader": {"type": "string", "maxLength": 50},
                            "description": {"type": "string", "maxLength": 1000},
                            "pages": {"type": "string", "maxLength": 50},
                            "copies": {"type": "integer", "minimum": 1, "maximum": 100},
                            "kind": {"type": "string", "enum": ["extract", "copy"]}},
                            ["record_id", "reader", "description"]))},
        "/api/v1/loans/matrix": {
            "get": _op("The approval matrix in force", "ApprovalMatrix"),
            "put": _op("Replace the approval matrix (system administrator)", "ApprovalMatrix", body=_jbody({
                "rules": {"type": "array", "minItems": 1, "maxItems": 50,
                          "items": {"$ref": "#/components/schemas/ApprovalRule"}}}, ["rules"]))},
        "/api/v1/relations": {
            "get": _op("Declared identity and relatives (one's own; the security officer: anyone's)", "Relations",
                       params=[_q("user", {"type": "string", "maxLength": 50})]),
            "post": _op("Declare oneself or a relative (the security officer: for any user)", "Relation",
                        status="201", body=_jbody({
                            "relation": {"type": "string", "enum": ["self", "spouse", "parent", "child", "sibling",
                                                                    "in_law", "other_close"]},
                            "person_id_number": {"type": "string", "minLength": 18, "maxLength": 18},
                            "person_name": {"type": "string", "maxLength": 50},
                            "username": {"type": "string", "maxLength": 50}}, ["relation", "person_id_number"]))},
        "/api/v1/loans/{request_id}/issue": {"post": _op(
            "Issue an approved request (archivists): volumes leave the store, or viewing grants open", "Loan",
            params=loan, body=_jbody({"accompanied_by": {"type": "string", "maxLength": 50},
                                      "hours": {"type": "integer", "minimum": 1, "maximum": 2160},
                                      "carriers": NAMES}, []))},
        "/api/v1/loans/items/{loan_id}/return": {"post": _op(
            "Take a volume back with a page count and damage note (archivists)", "LoanReturn", params=item,
            body=_jbody({"pages_returned": {"type": "integer", "minimum": 0, "maximum": 100000},
                         "damage": {"type": "string", "maxLength": 500}}, ["pages_returned"]))},
        "/api/v1/loans/items/{loan_id}/renew": {"post": _op(
            "Renew a physical loan (archivists)", "LoanRenewal", params=item,
            body=_jbody({"days": {"type": "integer", "minimum": 1, "maximum": 365}}, []))},
        "/api/v1/inventory": {
            "get": _op("Stock checks (archivists)", "InventoryChecks"),
            "post": _op("Open a stock check of one room or all (archivists)", "InventoryCheck", status="201",
                        body=_jbody({"room": {"type": "string", "maxLength": 20}}, [])),
        },
        "/api/v1/inventory/{check_id}": {"get": _op("One stock check and, once closed, its result", "InventoryCheck",
                                                    params=[_p("check_id")])},
        "/api/v1/inventory/{check_id}/scans": {"post": _op(
            "Volume codes found on one shelf", "InventoryCheck", params=[_p("check_id")], body=_jbody({
                "shelf": {"type": "string", "minLength": 1, "maxLength": 100},
                "codes": {"type": "array", "maxItems": 2000, "items": {"type": "string", "maxLength": 100}}},
                ["shelf", "codes"]))},
        "/api/v1/inventory/{check_id}/close": {"post": _op(
            "Close the check: missing, misplaced, unexpected volumes", "InventoryCheck", params=[_p("check_id")])},
        "/api/v1/loans/registers/{kind}": {"get": _op(
            "A register as CSV, XLSX or PDF (roles that may export)", FILES,
            params=[{"name": "kind", "in": "path", "required": True, "schema": {
                "type": "string", "enum": ["loans", "consultation", "inout", "overdue"]}},
                _q("format", {"type": "string", "enum": ["csv", "xlsx", "pdf"]})])},
    }


def receiving_paths() -> dict[str, Any]:
    register = [_p("register_id")]
    text = {"type": "string", "maxLength": 500}
    name = {"type": "string", "minLength": 1, "maxLength": 50}
    id_number = {"type": "string", "minLength": 18, "maxLength": 18}
    return {
        "/api/v1/transfers": {
            "get": _op("Transfer registers the user may know of (archivists; the department's own)",
                       "TransferRegisters", params=[_q("status", {
                           "type": "string", "enum": ["unsigned", "submitted", "checked", "closed"]})]),
            "post": _op("Submit a transfer register of one's department (the department head signs next)",
                        "TransferRegister", status="201", body=_jbody({
                            "department": {"type": "string", "maxLength": 50},
                            "year": {"type": "integer", "minimum": 1900, "maximum": 9999},
                            "category": {"type": "string", "maxLength": 2},
                            "lines": {"type": "array", "maxItems": 2000, "items": {"type": "object", "properties": {
                                "archival_code": {"type": "string", "maxLength": 60}, "title": text,
                                "pages": {"type": "integer", "minimum": 0, "maximum": 100000},
                                "transaction_no": {"type": "string", "maxLength": 50}},
                                "required": ["archival_code"]}}}, ["department", "year", "category", "lines"]))},
        "/api/v1/transfers/filing-status": {"get": _op(
            "Last year's records not yet filed (as the user may see them) and the filing deadline", "FilingStatus")},
        "/api/v1/transfers/{register_id}": {"get": _op("One transfer register", "TransferRegister", params=register)},
        "/api/v1/transfers/{register_id}/sign": {"post": _op(
            "The department head signs the register", "TransferRegister", params=register)},
        "/api/v1/transfers/{register_id}/check": {"post": _op(
            "Check what arrived (archivists): pages counted per code, and the business system's CSV", "TransferCheck",
            params=register, body=_jbody({
                "arrived": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0,
                                                                       "maximum": 100000}},
                "transactions_csv": {"type": "string", "maxLength": 1000000}}, ["arrived"]))},
        "/api/v1/transfers/{register_id}/decide": {"post": _op(
            "Accept (log in, shelve) or reject one checked item (archivists)", "TransferRegister", params=register,
            body=_jbody({"archival_code": {"type": "string", "maxLength": 60},
                         "decision": {"type": "string", "enum": ["accept", "reject"]}, "reason": text,
                         "shelf": {"type": "string", "maxLength": 100}}, ["archival_code", "decision"]))},
        "/api/v1/personnel": {"get": _op(
            "Personnel-file intake and transfer (personnel archivists): checklists, notices, receipts to chase",
            "PersonnelDesk")},
        "/api/v1/personnel/dossiers": {"post": _op(
            "Check an incoming personnel dossier against the key materials", "Dossier", status="201", body=_jbody({
                "person_id_number": id_number, "person_name": name,
                "present": {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 100}},
                "problems": {"type": "array", "maxItems": 50, "items": text}},
                ["person_id_number", "person_name"]))},
        "/api/v1/personnel/dossiers/{dossier_id}/notice": {"post": _op(
            "Issue the one-time missing-materials notice (告知承诺)", "Dossier", params=[_p("dossier_id")])},
        "/api/v1/personnel/dossiers/{dossier_id}/undertaking": {"post": _op(
            "Record the undertaking the person signed", "Dossier", params=[_p("dossier_id")])},
        "/api/v1/personnel/notices": {"post": _op(
            "Send a personnel file to another unit with a transfer notice and receipt slip", "PersonnelNotice",
            status="201", body=_jbody({
                "person_id_number": id_number, "person_name": name,
                "to_unit": {"type": "string", "minLength": 1, "maxLength": 100},
                "carrier": {"type": "string", "enum": ["courier", "messenger"]}, "carrier_name": name,
                "carrier_id_number": {"type": "string", "maxLength": 18}},
                ["person_id_number", "person_name", "to_unit", "carrier", "carrier_name"]))},
        "/api/v1/personnel/notices/{notice_id}/receipt": {"post": _op(
            "Record the returned receipt slip", "PersonnelNotice", params=[_p("notice_id")],
            body=_jbody({"signed_by": name}, ["signed_by"]))},
        "/api/v1/personnel/notices/{notice_id}/chase": {"post": _op(
            "Record that an overdue receipt slip was chased", "PersonnelNotice", params=[_p("notice_id")])},
        "/api/v1/personnel/receipts-to-chase": {"get": _op(
            "Transfer notices whose receipt slip is overdue", "PersonnelNotices")},
    }


def retention_paths() -> dict[str, Any]:
    batch = [_p("batch_id")]
    register = [_p("register_id")]
    text = {"type": "string", "maxLength": 500}
    return {
        "/api/v1/retention/due": {"get": _op("Due lists of the daily sweep, rows the user may see", "DueLists")},
        "/api/v1/retention/holds": {
            "get": _op("Active holds", "Holds"),
            "post": _op("Place a hold (archivists and leaders)", "Hold", status="201", body=_jbody({
                "reason": text, "scope": {"type": "string", "enum": ["record", "volume", "category", "query"]},
                "target": {"type": "string", "maxLength": 60}, "query": {"type": "object"}}, ["reason", "scope"])),
        },
        "/api/v1/retention/holds/{hold_id}/release": {"post": _op(
            "Release one hold with a reason", "Hold", params=[_p("hold_id")], body=_jbody({"reason": text}, ["reason"]))},
        "/api/v1/retention/appraisals": {
            "get": _op("Appraisal batches", "Appraisals"),
            "post": _op("Open an appraisal batch of due records (archivists)", "Appraisal", status="201", body=_jbody({
                "title": {"type": "string", "maxLength": 200}, "members": NAMES, "record_ids": IDS},
                ["title", "members", "record_ids"])),
        },
        "/api/v1/retention/appraisals/{batch_id}": {"get": _op("One appraisal batch", "Appraisal", params=batch)},
        "/api/v1/retention/appraisals/{batch_id}/decisions": {"post": _op(
            "A member's decision on one record", "Appraisal", params=batch, body=_jbody({
                "record_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "decision": {"type": "string", "enum": ["destroy", "extend", "keep_permanent"]},
                "reason": text, "years": {"type": "integer", "minimum": 1, "maximum": 100}},
                ["record_id", "decision", "reason"]))},
        "/api/v1/retention/appraisals/{batch_id}/sign": {"post": _op("A member signs", "Appraisal", params=batch)},
        "/api/v1/retention/appraisals/{batch_id}/conclude": {"post": _op(
            "Conclude: apply keep/extend and file the report (archivists)", "Appraisal", params=batch,
            body=_jbody({"opinion": {"type": "string", "maxLength": 1000}}, ["opinion"]))},
        "/api/v1/retention/registers": {
            "get": _op("Destruction registers", "Registers"),
            "post": _op("Draft the register of a concluded appraisal (archivists)", "Register", status="201",
                        body=_jbody({"batch_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                     "title": {"type": "string", "maxLength": 200}}, ["batch_id"])),
        },
        "/api/v1/retention/registers/{register_id}": {"get": _op("One destruction register", "Register",
                                                                 params=register)},
        "/api/v1/retention/registers/{register_id}/approve": {"post": _op(
            "Approve (the configured approver roles; never the requester)", "Register", params=register,
            body=_jbody({"opinion": text}, []))},
        "/api/v1/retention/registers/{register_id}/witness": {"post": _op(
            "Sign as a witness (never an approver)", "Register", params=register)},
        "/api/v1/retention/registers/{register_id}/execute": {"post": _op(
            "Execute or resume the destruction (archivists); checks approvals, witnesses, holds, due dates",
            "Register", params=register, body=_jbody({"method": {"type": "string", "maxLength": 100},
                                                      "place": {"type": "string", "maxLength": 200}},
                                                     ["method", "place"]))},
        "/api/v1/retention/registers/{register_id}/pdf": {"get": _op(
            "The register (or, with certificate=1, the destruction certificate) as PDF", PDF, params=[
                *register, _q("certificate", {"type": "string", "enum": ["0", "1"]})])},
        "/api/v1/retention/records/{record_id}/extend": {"post": _op(
            "Keep one record N more years past its due date (appraisers)", "Extension", params=[_p("record_id")],
            body=_jbody({"years": {"type": "integer", "minimum": 1, "maximum": 100}, "reason": text},
                        ["years", "reason"]))},
        "/api/v1/retention/records/{record_id}/secrecy-review": {"post": _op(
            "Review a state secret: declassify, downgrade to a lower level, extend its term, or keep it "
            "(security officer; lowering needs the authority of the organ that set the level)", "SecrecyReview",
            params=[_p("record_id")], body=_jbody({
                "outcome": {"type": "string", "enum": ["declassify", "downgrade", "extend", "keep"]}, "note": text,
                "until": {"type": "string", "format": "date"},
                "level": {"type": "string", "enum": ["public", "internal", "secret", "confidential"]},
                "authority": {"type": "string", "maxLength": 500}}, ["outcome"]))},
        "/api/v1/retention/settings": {"get": _op("The life-cycle settings in force", "LifecycleSettings")},
        "/api/v1/retention/settings/{key}": {"post": _op(
            "Change one life-cycle setting (system administrator; legal minimums only made stricter)", "Setting",
            params=[{"name": "key", "in": "path", "required": True,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 60}}],
            body=_jbody({"value": {}}, ["value"]))},
        "/api/v1/retention/report": {"get": _op(
            "The auditors' compliance report as of a date", {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ComplianceReport"}},
                **FILES["content"]}},
            params=[_q("as_of", {"type": "string", "format": "date"}),
                    _q("format", {"type": "string", "enum": ["json", "csv", "xlsx", "pdf"]})])},
    }


CONFIG_SCHEMAS: dict[str, Any] = {
    "Category": _obj({"code": STR, "name_zh": STR, "name_en": STR, "active": {"type": "boolean"}}),
    "Categories": _obj({"categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}}}),
    "Rule": _obj({"id": INT, "scheme": STR, "category": STR, "kind": STR, "keywords": {"type": "array", "items": STR},
                  "retention": STR, "note": STR, "version": INT}),
    "Rules": _obj({"rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}}}),
    "RuleChange": _obj({"id": INT, "status": {"type": "string", "enum": ["proposed", "approved", "rejected"]},
                        "version": INT, "old_rule": NINT, "new_rule": NINT, "old_retention": STR,
                        "new_retention": STR, "reason": STR, "proposed_by": STR, "proposed_at": NSTR,
                        "decided_by": NSTR, "decided_at": NSTR, "decision_note": STR, "category": NSTR,
                        "kind": NSTR, "keywords": {"type": "array", "items": STR, "nullable": True},
                        "recomputed": INT}),
    "Schedule": _obj({"rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}},
                      "pending": {"type": "array", "items": {"$ref": "#/components/schemas/RuleChange"}},
                      "version": INT}),
    "ClassifierStatus": _obj({"model_path": STR, "trained_at": NSTR, "corrections": INT}),
    "TrainingReport": _obj({"model_path": STR, "corrections": INT,
                            "accuracy": {"type": "object", "additionalProperties": {"type": "number"}},
                            "train_examples": INT, "test_examples": INT}),
    "LocationHistory": _obj({"history": {"type": "array", "items": _obj(
        {"at": STR, "to": STR, "actor": STR, "reason": STR})}}),
}
SCHEMAS.update(CONFIG_SCHEMAS)


def config_paths() -> dict[str, Any]:
    code = [{"name": "code", "in": "path", "required": True,
             "schema": {"type": "string", "minLength": 1, "maxLength": 10}}]
    return {
        "/api/v1/admin/categories": {
            "get": _op("The category code table (system administrator)", "Categories"),
            "post": _op("Add a category (system administrator)", "Category", status="201",
                        body=_jbody({"code": {"type": "string", "maxLength": 10}, "name_zh": STR, "name_en": STR},
                                    ["code", "name_zh", "name_en"])),
        },
        "/api/v1/admin/categories/{code}": {"post": _op(
            "Rename, deactivate or reactivate a category (system administrator)", "Category", params=code,
            body=_jbody({"name_zh": STR, "name_en": STR, "active": {"type": "boolean"}}, []))},
        "/api/v1/admin/schedule": {
            "get": _op("The schedule in force and the changes waiting (administrator and approvers)", "Schedule"),
            "post": _op("Propose a new entry; it takes effect once another person approves it", "RuleChange",
                        status="201", body=_jbody({
                            "category": {"type": "string", "maxLength": 2}, "kind": {"type": "string", "maxLength": 100},
                            "keywords": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 50}},
                            "retention": {"type": "string", "maxLength": 5}, "reason": {"type": "string", "maxLength": 500},
                            "scheme": {"type": "string", "maxLength": 20}}, ["category", "kind", "retention", "reason"])),
        },
        "/api/v1/admin/schedule/{rule_id}": {"post": _op(
            "Propose a new retention for an entry (administrator or approver); another approver decides",
            "RuleChange", params=[_p("rule_id")], status="201",
            body=_jbody({"retention": {"type": "string", "maxLength": 5}, "reason": {"type": "string", "maxLength": 500},
                         "keywords": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 50}}},
                        ["retention", "reason"]))},
        "/api/v1/admin/schedule/changes/{change_id}/approve": {"post": _op(
            "Approve a proposed change and apply it (director, leader or office director; not the proposer)",
            "RuleChange", params=[_p("change_id")])},
        "/api/v1/admin/schedule/changes/{change_id}/reject": {"post": _op(
            "Reject a proposed change with a reason (director, leader or office director; not the proposer)",
            "RuleChange", params=[_p("change_id")],
            body=_jbody({"reason": {"type": "string", "maxLength": 500}}, ["reason"]))},
        "/api/v1/admin/classifier": {"get": _op("The active classifier model and the number of corrections",
                                                "ClassifierStatus")},
        "/api/v1/admin/classifier/train": {"post": _op(
            "Retrain the classifier with the corrections; held-out accuracy per target (archivists)", "TrainingReport")},
        "/api/v1/volumes/{volume_id}/shelve": {"post": _op(
            "Shelve a volume at a location 库房-排-列-节-层 (archivists)", "Volume", params=[_p("volume_id")],
            body=_jbody({"path": {"type": "string", "maxLength": 100}, "reason": {"type": "string", "maxLength": 200}},
                        ["path"]))},
        "/api/v1/volumes/{volume_id}/locations": {"get": _op(
            "A volume's location history (archivists)", "LocationHistory", params=[_p("volume_id")])},
        "/api/v1/volumes/labels": {"post": _op(
            "QR labels of volumes as PDF (archivists)", PDF, body=_jbody({"volume_ids": {**IDS, "minItems": 1}},
                                                                         ["volume_ids"]))},
    }


# Arrangement (archive.arrangement, web/views/api_holdings.py)
_ITEM = {"type": "object", "required": ["id", "sequence", "item_code", "title", "secrecy"], "properties": {
    "id": INT, "sequence": NINT, "item_code": STR, "archival_code": NSTR, "doc_no": NSTR, "issuer": NSTR,
    "title": NSTR, "date": STR, "pages": INT, "page_range": STR, "secrecy": STR, "personnel_class": NSTR,
    "notes": NSTR}}
_ARRANGED = {"type": "object", "required": ["volume", "items"], "properties": {
    "volume": {"type": "object", "required": ["id", "archival_code", "kind", "title", "secrecy", "pages", "status"],
               "properties": {"id": INT, "archival_code": STR, "kind": STR, "title": STR, "fonds": STR,
                              "category": STR, "year": INT, "retention": STR, "secrecy": STR, "pages": INT,
                              "status": STR, "date_range": NSTR, "location": STR, "case_no": NSTR,
                              "case_state": NSTR, "closed_at": NSTR, "box_id": NINT}},
    "items": {"type": "array", "items": _ITEM}, "records": {"type": "array", "items": _ITEM}}}
SCHEMAS.update({
    "ArrangedVolume": _ARRANGED,
    "DossierContents": {"allOf": [_ARRANGED, _obj({"catalogue": {"type": "array", "items": {"type": "object"}}})]},
    "DossierList": _obj({"dossiers": {"type": "array", "items": {"$ref": "#/components/schemas/DossierContents"}}}),
    "Box": {"type": "object", "required": ["id", "code", "box_no", "year", "retention", "secrecy", "items"],
            "properties": {"id": INT, "code": STR, "box_no": INT, "fonds": STR, "category": STR, "year": INT,
                           "retention": STR, "secrecy": STR, "status": STR, "location": STR, "first_item": NINT,
                           "last_item": NINT, "items": {"type": "array", "items": {"type": "object"}}}},
    "Arrangement": _obj({"year": INT, "category": STR, "applied": {"type": "boolean"}, "items": INT, "placed": INT,
                         "left": INT, "units": {"type": "array", "items": {"type": "object"}}}),
})


_YEAR = {"type": "integer", "minimum": 1900, "maximum": 2999}
_CODE = {"type": "string", "maxLength": 20}
_SERIES = {"fonds": _CODE, "category": _CODE, "year": _YEAR, "retention": _CODE, "org": _CODE,
           "department": {"type": "string", "maxLength": 100}, "title": {"type": "string", "maxLength": 500}}


def volume_create_op() -> dict[str, Any]:
    """POST /api/v1/volumes (its GET lists volumes)."""
    return _op("Create a volume of a series, or (kind case_file) the file of a case (archivists)", "ArrangedVolume",
               status="201", body=_jbody({**_SERIES, "kind": {"type": "string", "enum": ["volume", "case_file"]},
                                          "case_no": {"type": "string", "maxLength": 60}},
                                         ["fonds", "year", "retention", "title"]))


def holdings_paths() -> dict[str, Any]:
    volume = [_p("volume_id")]
    year, code, series = _YEAR, _CODE, _SERIES
    reason = {"type": "string", "maxLength": 500}
    ids = {**IDS, "minItems": 1, "maxItems": 500}
    printable = {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in printouts_media()}}
    return {
        "/api/v1/volumes/{volume_id}/items": {
            "get": _op("A volume and its items in order (序号), with their codes under it", "ArrangedVolume",
                       params=volume),
            "post": _op("Add items at the end (a dossier slots them by class; a closed case file needs a reason)",
                        "ArrangedVolume", params=volume, body=_jbody({"record_ids": ids, "reason": reason},
                                                                     ["record_ids"])),
            "put": _op("Put the items in the order given (every item once)", "ArrangedVolume", params=volume,
                       body=_jbody({"record_ids": ids}, ["record_ids"]))},
        "/api/v1/volumes/{volume_id}/items/remove": {"post": _op(
            "Take items out of a volume, with a reason", "ArrangedVolume", params=volume,
            body=_jbody({"record_ids": ids, "reason": reason}, ["record_ids", "reason"]))},
        "/api/v1/volumes/{volume_id}/items/move": {"post": _op(
            "Move one item of this volume into another, with a reason; answers the receiving volume",
            "ArrangedVolume", params=volume, body=_jbody({
                "record_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "to_volume_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "reason": reason},
                ["record_id", "to_volume_id", "reason"]))},
        "/api/v1/volumes/{volume_id}/split": {"post": _op(
            "Items from 序号 `at` on go into a new volume of the series; answers the new volume", "ArrangedVolume",
            params=volume, status="201", body=_jbody({
                "at": {"type": "integer", "minimum": 1, "maximum": 100000},
                "title": {"type": "string", "maxLength": 500}, "reason": reason}, ["at", "title", "reason"]))},
        "/api/v1/volumes/{volume_id}/merge": {"post": _op(
            "Append every item of the volume `source_id` to this one, with a reason", "ArrangedVolume",
            params=volume, body=_jbody({"source_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                        "reason": reason}, ["source_id", "reason"]))},
        "/api/v1/volumes/{volume_id}/check": {"post": _op(
            "Record the volume's check (the 备考表's 检查人 and date)", "ArrangedVolume", params=volume,
            body=_jbody({"note": reason}, []))},
        "/api/v1/volumes/{volume_id}/close": {"post": _op(
            "Close a case file when its case closes (结案)", "ArrangedVolume", params=volume)},
        "/api/v1/boxes": {"post": _op(
            "Create a box for item-based filing (archivists)", "Box", status="201",
            body=_jbody(series, ["fonds", "category", "year", "retention"]))},
        "/api/v1/boxes/{box_id}": {"get": _op("A box and its items in item-number order", "Box",
                                              params=[_p("box_id")])},
        "/api/v1/boxes/{box_id}/items": {"post": _op(
            "Put items of the box's series into it", "Box", params=[_p("box_id")],
            body=_jbody({"record_ids": ids}, ["record_ids"]))},
        "/api/v1/dossiers/lookup": {"post": _op(
            "A person's dossier and its 目录, by identity number (sent in the body, never in the URL)",
            "DossierContents", body=_jbody({"id_number": {"type": "string", "minLength": 1, "maxLength": 18}},
                                           ["id_number"]))},
        "/api/v1/dossiers/slot": {"post": _op(
            "Slot loose personnel materials into their persons' dossiers by class (archivists)", "DossierList",
            body=_jbody({"record_ids": ids}, ["record_ids"]))},
        "/api/v1/arrange": {"post": _op(
            "Propose (apply: carry out) the arrangement of a year's unarranged items by rule (archivists)",
            "Arrangement", body=_jbody({"year": year, "category": code, "apply": {"type": "boolean"},
                                        "box_pages": {"type": "integer", "minimum": 1, "maximum": 5000},
                                        "volume_pages": {"type": "integer", "minimum": 1, "maximum": 5000}},
                                       ["year", "category"]))},
        "/api/v1/print": {"post": _op(
            "A printout: 归档章 (stamp), 归档文件目录 (catalogue, target YEAR/CATEGORY[/RETENTION]), 案卷目录 "
            "(volume-list), 卷内文件目录 (contents), 备考表 (backsheet), box-label, 人事档案目录 (dossier, target an "
            "identity number); PDF/A, or XLSX for the tables", printable, body=_jbody({
                "kind": {"type": "string", "enum": list(printouts_kinds())},
                "target": {"type": "string", "minLength": 1, "maxLength": 100},
                "format": {"type": "string", "enum": ["pdf", "xlsx"]}}, ["kind", "target"]))},
    }


def printouts_kinds() -> tuple[str, ...]:
    from archive.arrangement.printouts import KINDS

    return KINDS


def printouts_media() -> list[str]:
    from archive.arrangement.printouts import MEDIA

    return list(MEDIA.values())


def consultation_paths() -> dict[str, Any]:
    """Issue 17: consultations under the use matrix (archive.use_matrix), their forms, the matrix."""
    consult = {"form": {"type": "string", "enum": ["electronic", "reading_room"]}, "record_ids": IDS,
               "volume_ids": IDS, "readers": NAMES, "extract": {"type": "boolean"}}
    codes = {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 20}}
    matrix = {"type": "object", "properties": {
        "categories": codes, "personal_data": {"type": "boolean"}, "exempt_roles": codes,
        "days": {"type": "integer", "minimum": 1, "maximum": 90}, "relation_categories": codes}}
    return {
        "/api/v1/consultations/plan": {"post": _op(
            "The rules a consultation request would follow: approval chain, period, download", {"content": {
                "application/json": {"schema": _obj({"rule": STR, "steps": {"type": "array", "items": {
                    "type": "array", "items": STR}}, "level": STR, "consultation": {"type": "boolean"},
                    "personnel": {"type": "boolean"}, "days": INT, "related": {"type": "boolean"},
                    "download": {"type": "boolean"}})}}},
            body=_jbody(consult, []))},
        "/api/v1/consultations": {"post": _op(
            "Request a consultation (electronic viewing with watermark and expiry, or the reading room)", "Loan",
            status="201", body=_jbody({**consult, "purpose": {"type": "string", "maxLength": 1000},
                                       "days": {"type": "integer", "minimum": 1, "maximum": 90}}, ["purpose"]))},
        "/api/v1/loans/{request_id}/form/{kind}": {"get": _op(
            "A request's 内部借阅表 (internal) or 查阅审批表 (approval) as PDF/A", PDF,
            # No enum here: a request above clearance answers 404 whatever the kind (the service checks it after).
            params=[_p("request_id"), {"name": "kind", "in": "path", "required": True, "description":
                                       "internal | approval", "schema": {"type": "string", "maxLength": 20}}])},
        "/api/v1/use-matrix": {
            "get": _op("The use matrix: content that needs an approved consultation", {"content": {
                "application/json": {"schema": matrix}}}),
            "put": _op("Change the use matrix (system administrator)", {"content": {
                "application/json": {"schema": matrix}}}, body={"required": True, "content": {
                    "application/json": {"schema": {**matrix, "additionalProperties": False}}}})},
    }


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
                                              "secrecy", "reason")}, []))},
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
                "post": _op("Create an ordinary account at clearance internal with a one-time password, shown "
                            "once (system administrator; never an officer)", "NewUser", status="201",
                            body=_jbody({"username": STR, "role": STR, "display_name": STR}, ["username", "role"])),
            },
            "/api/v1/users/{username}/active": {"post": _op(
                "Enable or disable an account (system administrator)", "UserActive", params=[_name("username")],
                body=_jbody({"active": {"type": "boolean"}}, ["active"]))},
            "/api/v1/users/{username}/password-reset": {"post": _op(
                "Reset an ordinary account to a one-time password, shown once (system administrator)",
                "PasswordReset", params=[_name("username")])},
            "/api/v1/users/{username}/clearance": {"post": _op(
                "Set clearance and scope (security officer; a scope left out stays as it is)", "UserClearance", params=[_name("username")],
                body=_jbody({"clearance": STR, "departments": {"type": "array", "items": STR},
                             "categories": {"type": "array", "items": STR}}, ["clearance"]))},
            "/api/v1/volumes": {"get": _op("Volumes the user may see, with shelf positions", "Volumes",
                                           params=[_q("page", {"type": "integer", "minimum": 1, "maximum": 10000})]),
                                "post": volume_create_op()},
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
            **lending_paths(),
            **consultation_paths(),
            **receiving_paths(),
            **retention_paths(),
            **config_paths(),
            **holdings_paths(),
            **rules_and_statistics_paths(),
            **utilization_paths(),
            **disclosure_paths(_op, _jbody, _p, _q),
            **room_paths(),
        },
    }


def rules_and_statistics_paths() -> dict[str, Any]:
    """Issue 19: every configurable rule (archive.settings_registry), the annual statistics report,
    the filing (备案) of destruction registers with the HRSS department."""
    obj = {"type": "object"}
    report = {"description": "OK", "content": {
        "application/json": {"schema": obj}, **PDF["content"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                       "format": "binary"}}}}
    filing = {"description": "OK", "content": {"application/json": {"schema": obj}}}
    key = [{"name": "key", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 100}}]
    return {
        "/api/v1/config": {"get": _op("Every configurable rule with its value in force and in words "
                                      "(system administrator, auditor)",
                                      {"content": {"application/json": {"schema": _obj({"settings": {"type": "array"}})}}})},
        "/api/v1/config/{key}": {"post": _op(
            "Change one rule (system administrator); validated, audited with the old and the new value",
            {"content": {"application/json": {"schema": _obj({"key": STR, "value": {}})}}}, params=key,
            body=_jbody({"value": {}}, ["value"]))},
        "/api/v1/statistics/annual": {"get": _op(
            "The annual statistics report of a year, counting what the caller may see (JSON, PDF/A or XLSX)", report,
            params=[_q("year", {"type": "integer", "minimum": 1900, "maximum": 2999}),
                    _q("format", {"type": "string", "enum": ["json", "pdf", "xlsx"]})])},
        "/api/v1/retention/registers/{register_id}/authority-filing": {"post": _op(
            "Record that a destruction register was filed with the HRSS department (archivists)", filing,
            params=[_p("register_id")],
            body=_jbody({"on": {"type": "string", "format": "date"},
                         "reference": {"type": "string", "minLength": 1, "maxLength": 100}}, ["on", "reference"]))},
        "/api/v1/retention/authority-filing/overdue": {"get": _op(
            "Destruction registers still to be filed with the HRSS department after the deadline", filing,
            params=[_q("on", {"type": "string", "format": "date"})])},
    }


def utilization_paths() -> dict[str, Any]:
    """Issue 17: walk-in and outside-unit requests (查档出证), the 利用登记簿, certified copies and
    their public verification, self-service codes (archive.utilization)."""
    text = {"type": "string", "maxLength": 2000}
    ids = {**IDS, "maxItems": 50}
    found = {"type": "array", "items": _obj({"id": INT, "archival_code": STR, "title": STR, "secrecy": STR,
                                             "category": STR, "pages": INT})}
    summary = {"id": INT, "number": STR, "kind": STR, "kind_label": STR, "requester_name": STR, "id_number": STR,
               "unit": STR, "letter_no": STR, "purpose": STR, "purpose_label": STR, "purpose_note": STR,
               "outcome": STR, "outcome_label": STR, "outcome_note": STR, "level": STR, "registered_by": STR,
               "registered_at": STR, "closed_at": STR}
    copy = _obj({"serial": STR, "sha256": STR, "copies": INT, "form": STR, "form_label": STR, "copying_organ": STR,
                 "requester_name": STR, "issued_at": STR, "items": {"type": "array", "items": {"type": "object"}},
                 "request_id": NINT})
    detail = {"type": "object", "required": [*summary, "found", "copies"], "properties": {
        **summary, "found": found, "copies": {"type": "array", "items": {"type": "object"}}}}
    counts = {"type": "array", "items": _obj({"code": STR, "label": STR, "count": INT})}
    stats = {"type": "object", "required": ["total", "by_purpose", "by_outcome"], "properties": {
        "year": NINT, "total": INT, "by_purpose": counts, "by_outcome": counts, "by_kind": counts}}
    checked = {"type": "object", "required": ["serial", "issued", "checked", "match"], "properties": {
        "serial": STR, "issued": {"type": "boolean"}, "issued_on": STR, "issuing_unit": STR,
        "checked": {"type": "boolean"}, "match": {"type": "boolean"}}}
    serial = [{"name": "serial", "in": "path", "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 40}}]
    year = _q("year", {"type": "integer", "minimum": 1900, "maximum": 2999})

    def js(schema: dict[str, Any]) -> dict[str, Any]:
        return {"content": {"application/json": {"schema": schema}}}

    files = {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in (
        "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}}
    request = [_p("request_id")]
    return {
        "/api/v1/utilization/requests": {
            "get": _op("The 利用登记簿: requests whose every record the caller may see (archivists)",
                       js(_obj({"requests": {"type": "array", "items": _obj(summary)}})),
                       params=[year, _q("open", {"type": "string", "enum": ["true", "false"]})]),
            "post": _op("Register a walk-in or outside-unit request: identity number checked by its check digit, "
                        "a purpose of the list (personal use refused), the records found", js(detail), status="201",
                        body=_jbody({"name": {"type": "string", "minLength": 1, "maxLength": 50},
                                     "id_number": {"type": "string", "minLength": 1, "maxLength": 18},
                                     "purpose": {"type": "string", "minLength": 1, "maxLength": 40},
                                     "unit": {"type": "string", "maxLength": 200},
                                     "letter_no": {"type": "string", "maxLength": 100}, "note": text,
                                     "record_ids": ids}, ["name", "id_number", "purpose"]))},
        "/api/v1/utilization/requests/{request_id}": {"get": _op("One request, its records and copies", js(detail),
                                                                 params=request)},
        "/api/v1/utilization/requests/{request_id}/records": {"post": _op(
            "Add records found to an open request", js(detail), params=request,
            body=_jbody({"record_ids": {**ids, "minItems": 1}}, ["record_ids"]))},
        "/api/v1/utilization/requests/{request_id}/close": {"post": _op(
            "Close a request with its outcome", js(detail), params=request,
            body=_jbody({"outcome": {"type": "string", "enum": ["provided", "certified", "not_found", "refused"]},
                         "note": text}, ["outcome"]))},
        "/api/v1/utilization/records": {"get": _op(
            "The record picker: records the caller may see by code, title, name or identity number",
            js(_obj({"records": found})), params=[_q("q", {"type": "string", "maxLength": 100})])},
        "/api/v1/utilization/stats": {"get": _op("Requests by purpose, outcome and kind", js(stats), params=[year])},
        "/api/v1/utilization/register": {"get": _op(
            "The 利用登记簿 with its statistics as PDF/A or XLSX", files,
            params=[year, _q("format", {"type": "string", "enum": ["pdf", "xlsx"]})])},
        "/api/v1/utilization/copies": {"post": _op(
            "Issue a certified copy (复制件) of chosen pages with the 档案专用章, the annotation and a serial; "
            "answers its serial and SHA-256 (the PDF: GET /api/v1/utilization/copies/{serial})", js(copy),
            status="201", body=_jbody({
                "record_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "pages": {"type": "string", "minLength": 1, "maxLength": 100},
                "copies": {"type": "integer", "minimum": 1, "maximum": 20},
                "requester": {"type": "string", "maxLength": 50},
                "request_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "approved_by": {"type": "string", "maxLength": 50},
                "issuing_organ_approval": {"type": "string", "maxLength": 200},
                "organ": {"type": "string", "maxLength": 200},
                "form": {"type": "string", "enum": ["electronic", "printed"]}}, ["record_id", "pages"]))},
        "/api/v1/utilization/copies/{serial}": {"get": _op("An issued certified copy's PDF again (archivists)", PDF,
                                                           params=serial)},
        "/api/v1/utilization/codes": {"post": _op(
            "A one-time self-service code for a person whose ID card the archivist has seen (shown once)",
            js(_obj({"code": STR, "expires_at": STR, "id_number": STR})), status="201",
            body=_jbody({"id_number": {"type": "string", "minLength": 1, "maxLength": 18},
                         "name": {"type": "string", "minLength": 1, "maxLength": 50}}, ["id_number", "name"]))},
        "/api/v1/verify/{serial}": {"post": _op(
            "Public: was a certified copy with this serial issued, and does this SHA-256 match it? No content",
            js(checked), params=serial, public=True,
            body=_jbody({"sha256": {"type": "string", "maxLength": 64}}, []))},
    }


def room_paths() -> dict[str, Any]:
    """Issue 19: the filing campaign, links between records, the stack-room log, personnel file reviews."""
    obj = {"content": {"application/json": {"schema": {"type": "object"}}}}
    text = {"type": "string", "maxLength": 2000}
    when = {"type": "string", "maxLength": 40}
    number = {"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 20}]}
    kinds = {"type": "string", "enum": ["draft_of", "instruction_on", "related"]}
    return {
        "/api/v1/campaign": {"get": _op(
            "The filing campaign: which departments have handed over a year's documents, who is late",
            obj, params=[_q("year", {"type": "integer", "minimum": 1900, "maximum": 2999})])},
        "/api/v1/records/{record_id}/links": {
            "get": _op("A record's links (签发稿/正本, 领导批示/报告) to records the caller may see", obj,
                       params=[_p("record_id")]),
            "post": _op("Link this record to another (archivists)", obj, status="201", params=[_p("record_id")],
                        body=_jbody({"to": {"type": "string", "minLength": 1, "maxLength": 60}, "kind": kinds,
                                     "note": {"type": "string", "maxLength": 500}}, ["to", "kind"]))},
        "/api/v1/record-links/{link_id}/remove": {"post": _op(
            "Remove a link made in error (archivists)", obj, params=[_p("link_id")],
            body=_jbody({"reason": {"type": "string", "maxLength": 200}}, ["reason"]))},
        "/api/v1/stack-room": {"get": _op("The stack-room log: entries, readings, alerts, limits", obj)},
        "/api/v1/stack-room/entries": {"post": _op(
            "Log someone going into the stack room (a non-archivist with a leader's approval)", obj, status="201",
            body=_jbody({"person": {"type": "string", "maxLength": 50}, "purpose": {"type": "string", "maxLength": 500},
                         "approved_by": {"type": "string", "maxLength": 50}, "unit": {"type": "string", "maxLength": 100},
                         "room": {"type": "string", "maxLength": 30}, "at": when}, ["person", "purpose"]))},
        "/api/v1/stack-room/entries/{entry_id}/leave": {"post": _op(
            "Log someone leaving the stack room", obj, params=[_p("entry_id")], body=_jbody({"at": when}, []))},
        "/api/v1/stack-room/readings": {"post": _op(
            "Record a temperature and humidity reading; an alert when out of the limits", obj, status="201",
            body=_jbody({"temperature": number, "humidity": number, "room": {"type": "string", "maxLength": 30},
                         "at": when}, ["temperature", "humidity"]))},
        "/api/v1/dossier-reviews": {
            "get": _op("Reviews of incoming personnel files (the personnel archivist)", obj,
                       params=[_q("status", {"type": "string", "enum": ["open", "returned", "committed", "accepted"]})]),
            "post": _op("Fill in the 档案审查表 of an arrived personnel file", obj, status="201", body=_jbody({
                "person_id_number": {"type": "string", "maxLength": 18}, "person_name": {"type": "string", "maxLength": 50},
                "from_unit": {"type": "string", "maxLength": 100},
                "how_came": {"type": "string", "enum": ["courier", "messenger", "post", "self_carried"]},
                "arrived_on": {"type": "string", "format": "date"}, "alteration": text, "inconsistencies": text,
                "missing": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 100}},
                "wrong_key_data": text}, ["person_id_number", "person_name", "from_unit", "how_came"]))},
        "/api/v1/dossier-reviews/{review_id}": {"get": _op("One personnel file review with its 告知承诺", obj,
                                                           params=[_p("review_id")])},
        "/api/v1/dossier-reviews/{review_id}/return": {"post": _op(
            "Return the file to the sender with a reason (default: the findings)", obj, params=[_p("review_id")],
            body=_jbody({"reason": text}, []))},
    }
