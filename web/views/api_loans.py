"""/api/v1/loans...: the loan workflow, electronic viewing and the registers (archive.lending)."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from archive.errors import ValidationError
from web import lending_views as lv
from web.auth import services
from web.views.api import _body, bp, token_required

STATUSES = ("pending", "approved", "rejected", "issued", "closed", "cancelled")


@bp.get("/loans")
@token_required
def loans():  # noqa: ANN201
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError(f"status must be one of {', '.join(STATUSES)}")
    with services().catalog.session() as db:
        return jsonify({"requests": lv.listing(db, g.viewer.username, status)})


@bp.post("/loans")
@token_required
def loan_create():  # noqa: ANN201
    data = _body(purpose=str, form=str, days=int, record_ids=list, volume_ids=list, readers=list)
    with services().catalog.session() as db:
        return jsonify(lv.create(db, g.viewer.username, data)), 201


@bp.get("/loans/inbox")
@token_required
def loan_inbox():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"requests": lv.inbox(db, g.viewer)})


@bp.get("/loans/notifications")
@token_required
def loan_notifications():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"notifications": lv.notifications(db, g.viewer.username)})


@bp.get("/loans/<int:request_id>")
@token_required
def loan_detail(request_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(lv.detail(db, g.viewer.username, request_id))


@bp.post("/loans/<int:request_id>/approve")
@token_required
def loan_approve(request_id: int):  # noqa: ANN201
    data = _body(note=str)
    with services().catalog.session() as db:
        return jsonify(lv.approve(db, g.viewer.username, request_id, data.get("note", "")))


@bp.post("/loans/<int:request_id>/reject")
@token_required
def loan_reject(request_id: int):  # noqa: ANN201
    data = _body(reason=str)
    with services().catalog.session() as db:
        return jsonify(lv.reject(db, g.viewer.username, request_id, data.get("reason", "")))


@bp.post("/loans/<int:request_id>/cancel")
@token_required
def loan_cancel(request_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(lv.cancel(db, g.viewer.username, request_id))


@bp.post("/loans/<int:request_id>/issue")
@token_required
def loan_issue(request_id: int):  # noqa: ANN201
    data = _body(accompanied_by=str, hours=int, carriers=list)
    with services().catalog.session() as db:
        return jsonify(lv.issue(db, g.viewer.username, request_id, data))


@bp.post("/loans/items/<int:loan_id>/return")
@token_required
def loan_return(loan_id: int):  # noqa: ANN201
    data = _body(pages_returned=int, damage=str)
    with services().catalog.session() as db:
        return jsonify(lv.return_loan(db, g.viewer.username, loan_id, data))


@bp.post("/loans/items/<int:loan_id>/renew")
@token_required
def loan_renew(loan_id: int):  # noqa: ANN201
    data = _body(days=int)
    with services().catalog.session() as db:
        return jsonify(lv.renew(db, g.viewer.username, loan_id, data))


@bp.get("/loans/registers/<kind>")
@token_required
def loan_register(kind: str):  # noqa: ANN201
    fmt = request.args.get("format") or "csv"
    if fmt not in lv.REGISTER_TYPES:
        raise ValidationError("format must be csv, xlsx or pdf")
    with services().catalog.session() as db:
        body, media_type, name = lv.export_register(db, g.viewer.username, kind, fmt)
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/inventory")
@token_required
def inventory_checks():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"checks": lv.checks(db, g.viewer)})


@bp.post("/inventory")
@token_required
def inventory_open():  # noqa: ANN201
    data = _body(room=str)
    with services().catalog.session() as db:
        return jsonify(lv.check_open(db, g.viewer, data.get("room", ""))), 201


@bp.get("/inventory/<int:check_id>")
@token_required
def inventory_check(check_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(lv.check(db, g.viewer, check_id))


@bp.post("/inventory/<int:check_id>/scans")
@token_required
def inventory_scan(check_id: int):  # noqa: ANN201
    data = _body(shelf=str, codes=list)
    with services().catalog.session() as db:
        return jsonify(lv.check_scan(db, g.viewer, check_id, data))


@bp.post("/inventory/<int:check_id>/close")
@token_required
def inventory_close(check_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(lv.check_close(db, g.viewer, check_id))
