"""/api/v1 routes of issue 19's archive-room rules: the filing campaign, links between records, the
stack-room log and the review of incoming personnel files. Each route parses the body, calls one
service in a unit of work acting for the token's person, and answers with its rows."""

from __future__ import annotations

import datetime as dt

from flask import g, jsonify, request

from archive import personnel_review, record_links, stack_room
from archive.errors import ValidationError
from retention import campaign
from web.auth import services
from web.views.api import _body, _strings, bp, token_required


def unit_of_work():
    return services().unit_of_work(g.identity)


@bp.get("/campaign")
@token_required
def campaign_dashboard():
    with unit_of_work() as db:
        return jsonify(campaign.dashboard(db, g.identity, request.args.get("year", type=int)))


@bp.get("/records/<int:record_id>/links")
@token_required
def record_links_list(record_id: int):
    with unit_of_work() as db:
        return jsonify({"links": record_links.links(db, g.identity, record_id)})


@bp.post("/records/<int:record_id>/links")
@token_required
def record_links_add(record_id: int):
    data = _body(to=str, kind=str, note=str)
    with unit_of_work() as db:
        return jsonify(record_links.add(db, g.identity, record_id, data.get("to", ""), data.get("kind", ""),
                                        data.get("note", ""))), 201


@bp.post("/record-links/<int:link_id>/remove")
@token_required
def record_links_remove(link_id: int):
    data = _body(reason=str)
    with unit_of_work() as db:
        return jsonify(record_links.remove(db, g.identity, link_id, data.get("reason", "")))


def _time(value: object) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError("at must be a string")
    return stack_room.parse_time(value)


@bp.get("/stack-room")
@token_required
def stack_room_log():
    with unit_of_work() as db:
        return jsonify(stack_room.log(db, g.identity))


@bp.post("/stack-room/entries")
@token_required
def stack_room_enter():
    data = _body(person=str, purpose=str, approved_by=str, unit=str, room=str, at=str)
    with unit_of_work() as db:
        return jsonify(stack_room.enter(db, g.identity, person=data.get("person", ""),
                                        purpose=data.get("purpose", ""), approved_by=data.get("approved_by", ""),
                                        unit=data.get("unit", ""), room=data.get("room", ""),
                                        at=_time(data.get("at")))), 201


@bp.post("/stack-room/entries/<int:entry_id>/leave")
@token_required
def stack_room_leave(entry_id: int):
    data = _body(at=str)
    with unit_of_work() as db:
        return jsonify(stack_room.leave(db, g.identity, entry_id, _time(data.get("at"))))


@bp.post("/stack-room/readings")
@token_required
def stack_room_reading():
    data = _body(room=str, at=str)  # temperature and humidity: numbers or text, checked by the service
    with unit_of_work() as db:
        return jsonify(stack_room.record_reading(db, g.identity, temperature=data.get("temperature", ""),
                                                 humidity=data.get("humidity", ""), room=data.get("room", ""),
                                                 at=_time(data.get("at")))), 201


@bp.get("/dossier-reviews")
@token_required
def dossier_reviews():
    with unit_of_work() as db:
        return jsonify({"reviews": personnel_review.reviews(db, g.identity, request.args.get("status") or None)})


@bp.post("/dossier-reviews")
@token_required
def dossier_review_create():
    data = _body(person_id_number=str, person_name=str, from_unit=str, how_came=str, arrived_on=str,
                 alteration=str, inconsistencies=str, missing=list, wrong_key_data=str)
    arrived = data.get("arrived_on")
    try:
        arrived_on = dt.date.fromisoformat(arrived) if arrived else None
    except ValueError:
        raise ValidationError("arrived_on reads YYYY-MM-DD") from None
    with unit_of_work() as db:
        return jsonify(personnel_review.create(
            db, g.identity, person_id_number=data.get("person_id_number", ""),
            person_name=data.get("person_name", ""), from_unit=data.get("from_unit", ""),
            how_came=data.get("how_came", ""), arrived_on=arrived_on, alteration=data.get("alteration", ""),
            inconsistencies=data.get("inconsistencies", ""),
            missing=_strings(data.get("missing", []), "missing"), wrong_key_data=data.get("wrong_key_data", ""))), 201


@bp.get("/dossier-reviews/<int:review_id>")
@token_required
def dossier_review_show(review_id: int):
    with unit_of_work() as db:
        return jsonify(personnel_review.show(db, g.identity, review_id))


@bp.post("/dossier-reviews/<int:review_id>/return")
@token_required
def dossier_review_return(review_id: int):
    data = _body(reason=str)
    with unit_of_work() as db:
        return jsonify(personnel_review.return_file(db, g.identity, review_id, data.get("reason", "")))
