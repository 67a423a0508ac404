"""The /api/v1 operations of government information disclosure and the working-day calendar
(web/views/api_disclosure.py), for web/openapi.py's document."""

from __future__ import annotations

from typing import Any

from archive.disclosure import codes

OBJ = {"content": {"application/json": {"schema": {"type": "object"}}}}
FILE = {"content": {"application/json": {"schema": {"type": "object"}}, **{t: {"schema": {"type": "string", "format": "binary"}} for t in (
    "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}}}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
OPT_DATE = {"type": "string", "pattern": r"^(\d{4}-\d{2}-\d{2})?$"}
REFS = {"type": "array", "maxItems": 50, "items": {"oneOf": [
    {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, {"type": "string", "minLength": 1, "maxLength": 60}]}}


def _s(n: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": n}


def disclosure_paths(op: Any, jbody: Any, p: Any, q: Any) -> dict[str, Any]:
    """The operations, built with web.openapi's helpers (_op, _jbody, _p, _q)."""
    year = {"type": "integer", "minimum": 2000, "maximum": 2200}
    return {
        "/api/v1/records/{record_id}/disclosure": {
            "get": op("A record's disclosure attribute (主动公开/依申请公开/不予公开), its reason and review history",
                      OBJ, params=[p("record_id")]),
            "post": op("Decide or review a record's disclosure attribute; 不予公开 needs a statutory reason "
                       "(archivists, the office director, leaders)", OBJ, params=[p("record_id")], body=jbody({
                           "disclosure": {"type": "string", "enum": list(codes.ATTRIBUTES)},
                           "reason": {"type": "string", "enum": ["", *codes.REASONS]}, "note": _s(500)},
                           ["disclosure"]))},
        "/api/v1/disclosure/unreviewed": {"get": op(
            "Records whose disclosure attribute awaits review", OBJ,
            params=[q("limit", {"type": "integer", "minimum": 1, "maximum": 1000})])},
        "/api/v1/disclosure/requests": {
            "get": op("The register of disclosure requests (依申请公开登记簿)", OBJ, params=[
                q("status", {"type": "string", "enum": ["", *codes.STATUSES]}), q("year", year),
                q("page", {"type": "integer", "minimum": 1, "maximum": 10000})]),
            "post": op("Register a request; answered within 20 working days of receipt (条例 第三十三条)", OBJ,
                       status="201", body=jbody({
                           "requester": {"type": "string", "minLength": 1, "maxLength": 200},
                           "content": {"type": "string", "minLength": 1, "maxLength": 2000},
                           "received_on": OPT_DATE,
                           "requester_kind": {"type": "string", "enum": list(codes.REQUESTER_KINDS)},
                           "id_number": _s(30), "contact": _s(200),
                           "form": {"type": "string", "enum": list(codes.FORMS)}, "records": REFS},
                           ["requester", "content"]))},
        "/api/v1/disclosure/requests/{request_id}": {"get": op("One request", OBJ, params=[p("request_id")])},
        "/api/v1/disclosure/requests/{request_id}/records": {"post": op(
            "Note further records found for an open request", OBJ, params=[p("request_id")],
            body=jbody({"records": REFS}, ["records"]))},
        "/api/v1/disclosure/requests/{request_id}/answer": {"post": op(
            "Answer in one of the five ways, with the reason every way but 予以公开 needs", OBJ,
            params=[p("request_id")], body=jbody({
                "outcome": {"type": "string", "enum": list(codes.OUTCOMES)},
                "reason": {"type": "string", "maxLength": 30}, "answer": _s(2000), "answered_on": OPT_DATE},
                ["outcome"]))},
        "/api/v1/disclosure/requests/{request_id}/extend": {"post": op(
            "Extend the time limit once by 20 working days (the office director or a leader approves by acting)",
            OBJ, params=[p("request_id")], body=jbody({"reason": {"type": "string", "minLength": 1,
                                                                  "maxLength": 2000}}, ["reason"]))},
        "/api/v1/disclosure/due": {"get": op(
            "Open requests due within some working days (default 5) or overdue: the reminders", OBJ,
            params=[q("within", {"type": "integer", "minimum": 0, "maximum": 60})])},
        "/api/v1/disclosure/deadline": {"get": op(
            "The deadline of a request received on a day, and with the extension", OBJ,
            params=[{**q("received_on", DATE), "required": True}])},
        "/api/v1/disclosure/report": {"get": op(
            "The annual report of requests by outcome: JSON, PDF/A or XLSX", FILE,
            params=[q("year", year), q("format", {"type": "string", "enum": ["json", "pdf", "xlsx"]})])},
        "/api/v1/calendar": {"get": op(
            "A year's public holidays and adjusted working days", OBJ,
            params=[q("year", {"type": "integer", "minimum": 1900, "maximum": 2200})])},
        "/api/v1/calendar/days": {"post": op(
            "Set one day: holiday, workday (调休上班) or normal (system administrator)", OBJ, body=jbody({
                "date": DATE, "kind": {"type": "string", "enum": ["holiday", "workday", "normal"]},
                "name": _s(50), "source": _s(100)}, ["date", "kind"]))},
        "/api/v1/calendar/import": {"post": op(
            "Load a calendar file (CSV text: date,kind,name,source,provisional; system administrator)", OBJ,
            body=jbody({"text": {"type": "string", "minLength": 1, "maxLength": 200000},
                        "replace_years": {"type": "boolean"}}, ["text"]))},
    }
