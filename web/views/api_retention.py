"""/api/v1/retention...: due lists, holds, appraisal, destruction registers, compliance report."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from web import retention_views as rv
from web.auth import services
from web.views.api import _body, bp, token_required


@bp.get("/retention/due")
@token_required
def retention_due():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(rv.due_lists(db, g.viewer, services().settings))


@bp.get("/retention/holds")
@token_required
def retention_holds():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"holds": rv.hold_list(db, g.viewer)})


@bp.post("/retention/holds")
@token_required
def retention_hold_place():  # noqa: ANN201
    data = _body(reason=str, scope=str, target=str, query=dict)
    with services().catalog.session() as db:
        return jsonify(rv.hold_place(db, g.viewer, data, services().store)), 201


@bp.post("/retention/holds/<int:hold_id>/release")
@token_required
def retention_hold_release(hold_id: int):  # noqa: ANN201
    data = _body(reason=str)
    with services().catalog.session() as db:
        return jsonify(rv.hold_release(db, g.viewer, hold_id, data.get("reason", ""), services().store))


@bp.get("/retention/appraisals")
@token_required
def retention_appraisals():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"appraisals": rv.batches(db, g.viewer)})


@bp.post("/retention/appraisals")
@token_required
def retention_appraisal_create():  # noqa: ANN201
    data = _body(title=str, members=list, record_ids=list)
    with services().catalog.session() as db:
        return jsonify(rv.batch_create(db, g.viewer, data)), 201


@bp.get("/retention/appraisals/<int:batch_id>")
@token_required
def retention_appraisal(batch_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(rv.batch(db, g.viewer, batch_id))


@bp.post("/retention/appraisals/<int:batch_id>/decisions")
@token_required
def retention_decide(batch_id: int):  # noqa: ANN201
    data = _body(record_id=int, decision=str, reason=str, years=int)
    with services().catalog.session() as db:
        return jsonify(rv.decide(db, g.viewer, batch_id, data))


@bp.post("/retention/appraisals/<int:batch_id>/sign")
@token_required
def retention_sign(batch_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(rv.sign(db, g.viewer, batch_id))


@bp.post("/retention/appraisals/<int:batch_id>/conclude")
@token_required
def retention_conclude(batch_id: int):  # noqa: ANN201
    data = _body(opinion=str)
    with services().catalog.session() as db:
        return jsonify(rv.conclude(db, g.viewer, batch_id, data.get("opinion", ""), services().store))


@bp.get("/retention/registers")
@token_required
def retention_registers():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"registers": rv.registers(db, g.viewer)})


@bp.post("/retention/registers")
@token_required
def retention_register_create():  # noqa: ANN201
    data = _body(batch_id=int, title=str)
    with services().catalog.session() as db:
        return jsonify(rv.register_create(db, g.viewer, data)), 201


@bp.get("/retention/registers/<int:register_id>")
@token_required
def retention_register(register_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(rv.register(db, g.viewer, register_id))


@bp.post("/retention/registers/<int:register_id>/approve")
@token_required
def retention_register_approve(register_id: int):  # noqa: ANN201
    data = _body(opinion=str)
    with services().catalog.session() as db:
        return jsonify(rv.register_approve(db, g.viewer, register_id, data.get("opinion", "")))


@bp.post("/retention/registers/<int:register_id>/witness")
@token_required
def retention_register_witness(register_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(rv.register_witness(db, g.viewer, register_id))


@bp.post("/retention/registers/<int:register_id>/execute")
@token_required
def retention_register_execute(register_id: int):  # noqa: ANN201
    data = _body(method=str, place=str)
    return jsonify(rv.register_execute(services(), g.viewer, register_id, data))


@bp.get("/retention/registers/<int:register_id>/pdf")
@token_required
def retention_register_pdf(register_id: int):  # noqa: ANN201
    certificate = request.args.get("certificate") in ("1", "true")
    with services().catalog.session() as db:
        body = rv.register_pdf(db, g.viewer, register_id, certificate=certificate)
    return Response(body, mimetype="application/pdf")


@bp.get("/retention/report")
@token_required
def retention_report():  # noqa: ANN201
    fmt = request.args.get("format") or "json"
    with services().catalog.session() as db:
        body, media_type = rv.compliance_report(db, g.viewer, request.args.get("as_of"), fmt, services().store)
    if fmt == "json":
        return jsonify(body)
    return Response(body, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="compliance.{fmt}"'})
