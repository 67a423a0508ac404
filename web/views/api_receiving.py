"""/api/v1/transfers… and /api/v1/personnel…: receiving transfer registers (移交), the filing
deadline, personnel-file intake and transfer (archive.lending.receiving).

Each handler parses the JSON body, calls one service as the token's person and answers with its
result; the services check and audit.
"""

from __future__ import annotations

from flask import g, jsonify, request

from archive.errors import ValidationError
from archive.lending import receiving
from web import lending_views as lv
from web.auth import services
from web.views.api import _body, bp, token_required


def unit_of_work():
    return services().unit_of_work(g.identity)


@bp.get("/transfers")
@token_required
def transfers():
    status = request.args.get("status") or None
    with unit_of_work() as db:
        return jsonify({"registers": receiving.registers(db, g.identity, status)})


@bp.post("/transfers")
@token_required
def transfer_submit():
    data = _body(department=str, year=int, category=str, lines=list)
    lines = data.get("lines") or []
    if len(lines) > 2000:
        raise ValidationError("a transfer register lists at most 2000 items")
    with unit_of_work() as db:
        return jsonify(receiving.submit_register(
            db, g.identity, department=lv._text(data.get("department"), "department", 50),
            year=lv._int(data.get("year"), "year", 0, 1900, 9999),
            category_code=lv._text(data.get("category"), "category", 2), lines=lines)), 201


@bp.get("/transfers/filing-status")
@token_required
def filing_status():
    with unit_of_work() as db:
        return jsonify(receiving.filing_status(db, g.identity, services().settings.filing_deadline))


@bp.get("/transfers/<int:register_id>")
@token_required
def transfer(register_id: int):
    with unit_of_work() as db:
        return jsonify(receiving.register(db, g.identity, register_id))


@bp.post("/transfers/<int:register_id>/sign")
@token_required
def transfer_sign(register_id: int):
    with unit_of_work() as db:
        return jsonify(receiving.sign_register(db, g.identity, register_id))


@bp.post("/transfers/<int:register_id>/check")
@token_required
def transfer_check(register_id: int):
    data = _body(arrived=dict, transactions_csv=str)
    with unit_of_work() as db:
        return jsonify(receiving.check_arrivals(db, g.identity, register_id, data.get("arrived") or {},
                                                data.get("transactions_csv")))


@bp.post("/transfers/<int:register_id>/decide")
@token_required
def transfer_decide(register_id: int):
    data = _body(archival_code=str, decision=str, reason=str, shelf=str)
    with unit_of_work() as db:
        return jsonify(receiving.decide(db, g.identity, register_id,
                                        lv._text(data.get("archival_code"), "archival_code", 60),
                                        lv._text(data.get("decision"), "decision", 10),
                                        reason=lv._text(data.get("reason"), "reason"),
                                        shelf=lv._text(data.get("shelf"), "shelf", 100)))


# -- personnel files ----------------------------------------------------------------------------
@bp.get("/personnel")
@token_required
def personnel():
    with unit_of_work() as db:
        return jsonify(receiving.personnel_desk(db, g.identity))


@bp.post("/personnel/dossiers")
@token_required
def dossier_check():
    data = _body(person_id_number=str, person_name=str, present=list, problems=list)
    with unit_of_work() as db:
        return jsonify(receiving.check_dossier(
            db, g.identity, person_id_number=lv._text(data.get("person_id_number"), "person_id_number", 18),
            person_name=lv._text(data.get("person_name"), "person_name", 50),
            present=lv._lines(data.get("present"), "present", 50),
            problems=lv._lines(data.get("problems"), "problems", 50))), 201


@bp.post("/personnel/dossiers/<int:dossier_id>/notice")
@token_required
def dossier_notice(dossier_id: int):
    with unit_of_work() as db:
        return jsonify(receiving.issue_missing_notice(db, g.identity, dossier_id))


@bp.post("/personnel/dossiers/<int:dossier_id>/undertaking")
@token_required
def dossier_undertaking(dossier_id: int):
    with unit_of_work() as db:
        return jsonify(receiving.sign_undertaking(db, g.identity, dossier_id))


@bp.post("/personnel/notices")
@token_required
def notice_send():
    data = _body(person_id_number=str, person_name=str, to_unit=str, carrier=str, carrier_name=str,
                 carrier_id_number=str)
    with unit_of_work() as db:
        return jsonify(receiving.send_personnel_file(
            db, g.identity, person_id_number=lv._text(data.get("person_id_number"), "person_id_number", 18),
            person_name=lv._text(data.get("person_name"), "person_name", 50),
            to_unit=lv._text(data.get("to_unit"), "to_unit", 100), carrier=lv._text(data.get("carrier"), "carrier", 20),
            carrier_name=lv._text(data.get("carrier_name"), "carrier_name", 50),
            carrier_id_number=lv._text(data.get("carrier_id_number"), "carrier_id_number", 18))), 201


@bp.post("/personnel/notices/<int:notice_id>/receipt")
@token_required
def notice_receipt(notice_id: int):
    data = _body(signed_by=str)
    with unit_of_work() as db:
        return jsonify(receiving.record_receipt(db, g.identity, notice_id,
                                                lv._text(data.get("signed_by"), "signed_by", 50)))


@bp.get("/personnel/receipts-to-chase")
@token_required
def receipts_to_chase():
    with unit_of_work() as db:
        return jsonify({"notices": receiving.receipts_to_chase(db, g.identity)})


@bp.post("/personnel/notices/<int:notice_id>/chase")
@token_required
def notice_chase(notice_id: int):
    with unit_of_work() as db:
        return jsonify(receiving.chase(db, g.identity, notice_id))
