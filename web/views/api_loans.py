"""/api/v1/loans…, /api/v1/inventory…, /api/v1/relations: the loan workflow, electronic viewing,
extracts, the registers, stock checks, declared relations and the approval matrix.

Each handler parses the JSON body, calls one service of archive.lending (desk, stockroom) as the
token's person (`g.identity`) and answers with its result; the services check and audit.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request

from archive.errors import ValidationError
from archive.lending import desk, registers, stockroom
from web import lending_views as lv
from web.auth import services
from web.views.api import _body, bp, token_required

STATUSES = desk.STATUSES


def unit_of_work():
    return services().unit_of_work(g.identity)


@bp.get("/loans")
@token_required
def loans():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError(f"status must be one of {', '.join(STATUSES)}")
    with unit_of_work() as db:
        return jsonify({"requests": desk.listing(db, g.identity, status)})


@bp.post("/loans")
@token_required
def loan_create():
    data = _body(purpose=str, form=str, days=int, record_ids=list, volume_ids=list, readers=list, extract=bool,
                 outside=dict)
    fields = lv.loan_request(data, services().settings.loan_days)
    with unit_of_work() as db:
        return jsonify(desk.submit(db, g.identity, **fields)), 201


@bp.get("/loans/inbox")
@token_required
def loan_inbox():
    with unit_of_work() as db:
        return jsonify({"requests": desk.inbox(db, g.identity)})


@bp.get("/loans/notifications")
@token_required
def loan_notifications():
    with unit_of_work() as db:
        return jsonify({"notifications": desk.notifications(db, g.identity)})


@bp.get("/loans/<int:request_id>")
@token_required
def loan_detail(request_id: int):
    with unit_of_work() as db:
        return jsonify(desk.detail(db, g.identity, request_id))


@bp.post("/loans/<int:request_id>/approve")
@token_required
def loan_approve(request_id: int):
    note = lv._text(_body(note=str).get("note"), "note")
    with unit_of_work() as db:
        return jsonify(desk.approve(db, g.identity, request_id, note))


@bp.post("/loans/<int:request_id>/reject")
@token_required
def loan_reject(request_id: int):
    reason = lv._text(_body(reason=str).get("reason"), "reason")
    with unit_of_work() as db:
        return jsonify(desk.reject(db, g.identity, request_id, reason))


@bp.post("/loans/<int:request_id>/cancel")
@token_required
def loan_cancel(request_id: int):
    with unit_of_work() as db:
        return jsonify(desk.cancel(db, g.identity, request_id))


@bp.post("/loans/<int:request_id>/issue")
@token_required
def loan_issue(request_id: int):
    fields = lv.issue(_body(accompanied_by=str, hours=int, carriers=list))
    with unit_of_work() as db:
        return jsonify(desk.issue(db, g.identity, request_id, **fields))


@bp.post("/loans/<int:request_id>/close")
@token_required
def loan_close(request_id: int):
    with unit_of_work() as db:
        return jsonify(desk.close(db, g.identity, request_id))


@bp.get("/loans/<int:request_id>/extracts")
@token_required
def loan_extracts(request_id: int):
    with unit_of_work() as db:
        return jsonify({"extracts": desk.list_extracts(db, g.identity, request_id)})


@bp.post("/loans/<int:request_id>/extracts")
@token_required
def loan_extract_register(request_id: int):
    fields = lv.extract(_body(record_id=int, reader=str, description=str, pages=str, copies=int, kind=str))
    record_id = fields.pop("record_id")
    with unit_of_work() as db:
        return jsonify(desk.register_extract(db, g.identity, request_id, record_id, **fields)), 201


@bp.post("/loans/items/<int:loan_id>/return")
@token_required
def loan_return(loan_id: int):
    fields = lv.returned(_body(pages_returned=int, damage=str))
    with unit_of_work() as db:
        return jsonify(desk.return_loan(db, g.identity, loan_id, **fields))


@bp.post("/loans/items/<int:loan_id>/renew")
@token_required
def loan_renew(loan_id: int):
    days = lv._int(_body(days=int).get("days"), "days", services().settings.loan_days, 1, 365)
    with unit_of_work() as db:
        return jsonify(desk.renew(db, g.identity, loan_id, days))


@bp.get("/loans/registers/<kind>")
@token_required
def loan_register(kind: str):
    fmt = request.args.get("format") or "csv"
    if fmt not in registers.FORMATS:
        raise ValidationError("format must be csv, xlsx or pdf")
    with unit_of_work() as db:
        body, media_type, name = desk.export_register(db, g.identity, kind, fmt)
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/loans/matrix")
@token_required
def loan_matrix():
    with unit_of_work() as db:
        return jsonify({"rules": desk.approval_matrix(db, g.identity)})


@bp.put("/loans/matrix")
@token_required
def loan_matrix_set():
    rows = _body(rules=list).get("rules")
    with unit_of_work() as db:
        return jsonify({"rules": desk.set_approval_matrix(db, g.identity, rows)})


@bp.post("/consultations/plan")
@token_required
def consultation_plan():
    """The rules a consultation would follow (who approves, how long), before submitting it."""
    fields = lv.consultation(_body(form=str, record_ids=list, volume_ids=list, readers=list, extract=bool), plan=True)
    with unit_of_work() as db:
        return jsonify(desk.consult_plan(db, g.identity, **fields))


@bp.post("/consultations")
@token_required
def consultation_create():
    data = _body(purpose=str, form=str, days=int, record_ids=list, volume_ids=list, readers=list, extract=bool)
    with unit_of_work() as db:
        return jsonify(desk.consult(db, g.identity, **lv.consultation(data))), 201


@bp.get("/loans/<int:request_id>/form/<kind>")
@token_required
def loan_form(request_id: int, kind: str):
    """内部借阅表 (internal) or 查阅审批表 (approval) of a request, as PDF/A."""
    with unit_of_work() as db:
        body, media_type, name = desk.print_form(db, g.identity, request_id, kind)
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/use-matrix")
@token_required
def use_matrix_get():
    with unit_of_work() as db:
        return jsonify(desk.use_settings(db, g.identity))


@bp.put("/use-matrix")
@token_required
def use_matrix_set():
    data = _body(categories=list, personal_data=bool, exempt_roles=list, days=int, relation_categories=list)
    with unit_of_work() as db:
        return jsonify(desk.set_use_settings(db, g.identity, data))


@bp.get("/relations")
@token_required
def relations_list():
    subject = request.args.get("user") or None
    with unit_of_work() as db:
        return jsonify({"relations": desk.list_relations(db, g.identity, subject)})


@bp.post("/relations")
@token_required
def relations_declare():
    data = _body(relation=str, person_id_number=str, person_name=str, username=str)
    with unit_of_work() as db:
        return jsonify(desk.declare_relation(
            db, g.identity, lv._text(data.get("relation"), "relation", 20),
            lv._text(data.get("person_id_number"), "person_id_number", 18),
            lv._text(data.get("person_name"), "person_name", 50), username=data.get("username") or None)), 201


@bp.get("/inventory")
@token_required
def inventory_checks():
    with unit_of_work() as db:
        return jsonify({"checks": stockroom.checks(db, g.identity)})


@bp.post("/inventory")
@token_required
def inventory_open():
    room = lv._text(_body(room=str).get("room"), "room", 20)
    with unit_of_work() as db:
        return jsonify(stockroom.open_check(db, g.identity, room)), 201


@bp.get("/inventory/<int:check_id>")
@token_required
def inventory_check(check_id: int):
    with unit_of_work() as db:
        return jsonify(stockroom.check(db, g.identity, check_id))


@bp.post("/inventory/<int:check_id>/scans")
@token_required
def inventory_scan(check_id: int):
    data = _body(shelf=str, codes=list)
    codes = data.get("codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) <= 100 for c in codes) or len(codes) > 2000:
        raise ValidationError("codes must be a list of at most 2000 volume codes")
    with unit_of_work() as db:
        return jsonify(stockroom.scan(db, g.identity, check_id, lv._text(data.get("shelf"), "shelf", 100), codes))


@bp.post("/inventory/<int:check_id>/close")
@token_required
def inventory_close(check_id: int):
    with unit_of_work() as db:
        return jsonify(stockroom.close_check(db, g.identity, check_id))
