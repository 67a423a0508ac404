"""/api/v1 routes of government information disclosure (issue 17): records' disclosure attributes,
the request register with its clock, reminders and annual report, and the working-day calendar.

Each handler takes the JSON body (checked against web/openapi.py on the way in), calls one
service as the token's person and answers with its result. A requester's identity number travels
only in a POST body, never in a URL.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request

from archive import workdays
from archive.clock import today
from archive.disclosure import attributes, report, requests
from archive.errors import ValidationError
from web.auth import services
from web.views.api import _body, bp, token_required


def unit_of_work():
    return services().unit_of_work(g.identity)


def _text(data: dict, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    return value


def _refs(data: dict) -> list:
    value = data.get("records", [])
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        raise ValidationError("records must be a list of record ids or archival codes")
    return value


@bp.get("/records/<int:record_id>/disclosure")
@token_required
def disclosure_show(record_id: int):
    with unit_of_work() as db:
        return jsonify(attributes.show(db, g.identity, record_id))


@bp.post("/records/<int:record_id>/disclosure")
@token_required
def disclosure_set(record_id: int):
    data = _body(disclosure=str, reason=str, note=str)
    with unit_of_work() as db:
        return jsonify(attributes.set_attribute(db, g.identity, record_id, _text(data, "disclosure"),
                                                _text(data, "reason"), _text(data, "note")))


@bp.get("/disclosure/unreviewed")
@token_required
def disclosure_unreviewed():
    limit = request.args.get("limit", type=int) or 100
    with unit_of_work() as db:
        return jsonify({"records": attributes.unreviewed(db, g.identity, limit=limit)})


@bp.get("/disclosure/requests")
@token_required
def disclosure_requests():
    with unit_of_work() as db:
        return jsonify(requests.list_requests(db, g.identity, status=request.args.get("status", ""),
                                              year=request.args.get("year", type=int),
                                              page=request.args.get("page", type=int) or 1))


@bp.post("/disclosure/requests")
@token_required
def disclosure_register():
    data = _body(requester=str, content=str, received_on=str, requester_kind=str, id_number=str, contact=str,
                 form=str, records=list)
    with unit_of_work() as db:
        made = requests.register(db, g.identity, requester=_text(data, "requester"), content=_text(data, "content"),
                                 received_on=_text(data, "received_on"),
                                 requester_kind=_text(data, "requester_kind") or "citizen",
                                 id_number=_text(data, "id_number"), contact=_text(data, "contact"),
                                 form=_text(data, "form") or "in_person", records=_refs(data))
        return jsonify(made), 201


@bp.get("/disclosure/requests/<int:request_id>")
@token_required
def disclosure_request(request_id: int):
    with unit_of_work() as db:
        return jsonify(requests.show(db, g.identity, request_id))


@bp.post("/disclosure/requests/<int:request_id>/records")
@token_required
def disclosure_request_records(request_id: int):
    data = _body(records=list)
    with unit_of_work() as db:
        return jsonify(requests.add_records(db, g.identity, request_id, _refs(data)))


@bp.post("/disclosure/requests/<int:request_id>/answer")
@token_required
def disclosure_answer(request_id: int):
    data = _body(outcome=str, reason=str, answer=str, answered_on=str)
    with unit_of_work() as db:
        return jsonify(requests.answer(db, g.identity, request_id, _text(data, "outcome"), reason=_text(data, "reason"),
                                       text=_text(data, "answer"), answered_on=_text(data, "answered_on")))


@bp.post("/disclosure/requests/<int:request_id>/extend")
@token_required
def disclosure_extend(request_id: int):
    data = _body(reason=str)
    with unit_of_work() as db:
        return jsonify(requests.extend(db, g.identity, request_id, _text(data, "reason")))


@bp.get("/disclosure/due")
@token_required
def disclosure_due():
    within = request.args.get("within", type=int)
    with unit_of_work() as db:
        return jsonify({"requests": requests.due_soon(db, g.identity, **({} if within is None else {"within": within}))})


@bp.get("/disclosure/deadline")
@token_required
def disclosure_deadline():
    with unit_of_work() as db:
        return jsonify(requests.deadline(db, g.identity, request.args.get("received_on", "")))


@bp.get("/disclosure/report")
@token_required
def disclosure_report():
    year = request.args.get("year", type=int) or today().year
    fmt = request.args.get("format", "json")
    with unit_of_work() as db:
        result = report.annual(db, g.identity, year, fmt=fmt)
    if isinstance(result, dict):
        return jsonify(result)
    body, media, name = result
    return Response(body, mimetype=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/calendar")
@token_required
def calendar_days():
    year = request.args.get("year", type=int) or today().year
    with unit_of_work() as db:
        return jsonify({"year": year, "days": workdays.year_days(db, g.identity, year)})


@bp.post("/calendar/days")
@token_required
def calendar_set():
    data = _body(date=str, kind=str, name=str, source=str)
    with unit_of_work() as db:
        return jsonify(workdays.set_day(db, g.identity, _text(data, "date"), _text(data, "kind"),
                                        name=_text(data, "name"), source=_text(data, "source")))


@bp.post("/calendar/import")
@token_required
def calendar_import():
    data = _body(text=str, replace_years=bool)
    with unit_of_work() as db:
        return jsonify(workdays.import_file(db, g.identity, _text(data, "text"),
                                            replace_years=bool(data.get("replace_years", False))))
