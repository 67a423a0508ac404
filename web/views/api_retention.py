"""/api/v1/retention...: due lists, holds, appraisal, destruction registers, compliance report,
life-cycle settings. Each route parses the body, calls one retention service (retention.services)
in a unit of work acting for the token's person, and answers with its rows."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from retention import services as life
from web.auth import services
from web.views.api import _body, bp, token_required


@bp.get("/retention/due")
@token_required
def retention_due():
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.due_lists(db, g.identity, services().settings))


@bp.get("/retention/holds")
@token_required
def retention_holds():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"holds": life.hold_list(db, g.identity)})


@bp.post("/retention/holds")
@token_required
def retention_hold_place():
    data = _body(reason=str, scope=str, target=str, query=dict)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.place_hold(db, g.identity, reason=data.get("reason"), scope=data.get("scope"),
                                       target=data.get("target"), query=data.get("query"),
                                       store=services().store)), 201


@bp.post("/retention/holds/<int:hold_id>/release")
@token_required
def retention_hold_release(hold_id: int):
    data = _body(reason=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.release_hold(db, g.identity, hold_id, reason=data.get("reason", ""),
                                         store=services().store))


@bp.get("/retention/appraisals")
@token_required
def retention_appraisals():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"appraisals": life.appraisals(db, g.identity)})


@bp.post("/retention/appraisals")
@token_required
def retention_appraisal_create():
    data = _body(title=str, members=list, record_ids=list)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.open_appraisal(db, g.identity, title=data.get("title"), members=data.get("members", []),
                                           record_ids=data.get("record_ids"))), 201


@bp.get("/retention/appraisals/<int:batch_id>")
@token_required
def retention_appraisal(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.appraisal_detail(db, g.identity, batch_id))


@bp.post("/retention/appraisals/<int:batch_id>/decisions")
@token_required
def retention_decide(batch_id: int):
    data = _body(record_id=int, decision=str, reason=str, years=int)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.decide(db, g.identity, batch_id, record_id=data.get("record_id"),
                                   decision=data.get("decision"), reason=data.get("reason"), years=data.get("years")))


@bp.post("/retention/appraisals/<int:batch_id>/sign")
@token_required
def retention_sign(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.sign(db, g.identity, batch_id))


@bp.post("/retention/appraisals/<int:batch_id>/conclude")
@token_required
def retention_conclude(batch_id: int):
    data = _body(opinion=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.conclude(db, g.identity, batch_id, opinion=data.get("opinion", ""),
                                     store=services().store))


@bp.get("/retention/registers")
@token_required
def retention_registers():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"registers": life.registers(db, g.identity)})


@bp.post("/retention/registers")
@token_required
def retention_register_create():
    data = _body(batch_id=int, title=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.draft_register(db, g.identity, batch_id=data.get("batch_id"),
                                           title=data.get("title", ""))), 201


@bp.get("/retention/registers/<int:register_id>")
@token_required
def retention_register(register_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.register_detail(db, g.identity, register_id))


@bp.post("/retention/registers/<int:register_id>/approve")
@token_required
def retention_register_approve(register_id: int):
    data = _body(opinion=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.approve_register(db, g.identity, register_id, opinion=data.get("opinion", "")))


@bp.post("/retention/registers/<int:register_id>/witness")
@token_required
def retention_register_witness(register_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.witness_register(db, g.identity, register_id))


@bp.post("/retention/registers/<int:register_id>/execute")
@token_required
def retention_register_execute(register_id: int):
    data = _body(method=str, place=str)
    return jsonify(life.execute_register(services(), g.identity, register_id, method=data.get("method", ""),
                                         place=data.get("place", "")))


@bp.get("/retention/registers/<int:register_id>/pdf")
@token_required
def retention_register_pdf(register_id: int):
    certificate = request.args.get("certificate") in ("1", "true")
    with services().unit_of_work(g.identity) as db:
        body = life.register_pdf(db, g.identity, register_id, certificate=certificate)
    return Response(body, mimetype="application/pdf")


@bp.post("/retention/records/<int:record_id>/extend")
@token_required
def retention_extend(record_id: int):
    data = _body(years=int, reason=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.extend(db, g.identity, record_id, years=data.get("years"), reason=data.get("reason")))


@bp.post("/retention/records/<int:record_id>/secrecy-review")
@token_required
def retention_secrecy_review(record_id: int):
    data = _body(outcome=str, note=str, until=str, level=str, authority=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.review_secrecy(db, g.identity, record_id, outcome=data.get("outcome"),
                                           note=data.get("note", ""), until=data.get("until"),
                                           level=data.get("level"), authority=data.get("authority", "")))


@bp.get("/retention/settings")
@token_required
def retention_settings():
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.settings_view(db, g.identity))


@bp.post("/retention/settings/<key>")
@token_required
def retention_setting_put(key: str):
    data = _body()
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.put_setting(db, g.identity, key, data.get("value")))


@bp.get("/retention/report")
@token_required
def retention_report():
    fmt = request.args.get("format") or "json"
    with services().unit_of_work(g.identity) as db:
        body, media_type = life.compliance_report(db, g.identity, as_of=request.args.get("as_of"), fmt=fmt,
                                                  anchors=services().store)
    if fmt == "json":
        return jsonify(body)
    return Response(body, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="compliance.{fmt}"'})
