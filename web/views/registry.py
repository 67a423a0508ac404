"""Registers of issue 19 (DOMAIN.md §15): the copy and extract register at /copies (also per
record at /records/<id>/copies), non-record documents destroyed at /non-records, and the
deliberation committee's approvals at /special-access. Each view parses the form and calls one
service as the signed-in person."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import copying, special_access
from archive.codes import Role, Secrecy, registry_label
from archive.errors import ValidationError
from retention import non_record_destruction as nonrecord
from web.auth import login_required, services
from web.templating import page_language

bp = Blueprint("registry", __name__)


def unit_of_work():
    return services().unit_of_work(g.identity)


def label(field: str, code: str) -> str:
    return registry_label(field, code, page_language())


def _int(value: str | None, what: str, default: int | None = None) -> int:
    text = (value or "").strip()
    if not text and default is not None:
        return default
    try:
        return int(text)
    except ValueError:
        raise ValidationError(_("%(what)s须为整数", what=what)) from None


def _role() -> str:
    return g.viewer.role.value


# -- the copy and extract register ----------------------------------------------------------------
@bp.get("/copies")
@login_required
def copies():
    return _copies(request.args.get("record", type=int))


@bp.get("/records/<int:record_id>/copies")
@login_required
def record_copies(record_id: int):
    return _copies(record_id)


def _copies(record_id: int | None):
    with unit_of_work() as db:
        rows = copying.entries(db, g.identity, record_id=record_id)
    return render_template("registry/copies.html", rows=rows, record_id=record_id, label=label,
                           may_register=_role() == Role.ARCHIVIST.value, kinds=copying.KINDS)


@bp.post("/copies")
@login_required
def register_copy():
    form = request.form
    record_id = _int(form.get("record"), _("档案编号"))
    superior = {"yes": True, "no": False}.get(form.get("superior", ""))
    with unit_of_work() as db:
        entry = copying.as_dict(copying.register(
            db, g.identity, record_id, pages=form.get("pages", ""), copies=_int(form.get("copies"), _("份数"), 1),
            copying_organ=form.get("copying_organ", ""), purpose=form.get("purpose", ""),
            approved_by=form.get("approved_by", "") or None, kind=form.get("kind", "copy"),
            reader=form.get("reader", ""), reader_unit=form.get("reader_unit", ""),
            request_no=form.get("request_no", ""),
            issuing_organ_approval=form.get("issuing_organ_approval", "") or None, superior_secret=superior))
    flash(_("已登记 %(number)s：%(annotation)s", number=entry["number"], annotation=entry["annotation"]), "ok")
    return redirect(url_for("registry.copies", record=record_id))


# -- non-record documents -------------------------------------------------------------------------
@bp.get("/non-records")
@login_required
def non_records():
    status = request.args.get("status") or None
    with unit_of_work() as db:
        rows = nonrecord.register_rows(db, g.identity, status=status)
    role = _role()
    return render_template(
        "registry/non_records.html", rows=rows, status=status, label=label, secrecy_levels=[s.value for s in Secrecy],
        carriers=nonrecord.CARRIERS, methods=nonrecord.METHODS, is_secret=nonrecord.is_secret,
        may_register=g.viewer.role in nonrecord.REGISTRAR_ROLES, may_approve=g.viewer.role in nonrecord.APPROVER_ROLES,
        may_destroy=g.viewer.role in nonrecord.EXECUTOR_ROLES, me=g.viewer.username, role=role)


@bp.post("/non-records")
@login_required
def register_non_record():
    form = request.form
    with unit_of_work() as db:
        row = nonrecord.as_dict(nonrecord.register(
            db, g.identity, description=form.get("description", ""), items=_int(form.get("items"), _("件数")),
            pages=_int(form.get("pages"), _("页数"), 0), reason=form.get("reason", ""),
            secrecy=form.get("secrecy", "internal"), carrier=form.get("carrier", "paper"),
            department=form.get("department", "")))
    flash(_("已登记 %(number)s，待办公室主任批准", number=row["number"]), "ok")
    return redirect(url_for("registry.non_records"))


@bp.post("/non-records/<int:lot_id>/decide")
@login_required
def decide_non_record(lot_id: int):
    approve = request.form.get("decision") == "approve"
    with unit_of_work() as db:
        row = nonrecord.as_dict(nonrecord.decide(db, g.identity, lot_id, approve=approve,
                                                 note=request.form.get("note", "")))
    flash(_("%(number)s：%(status)s", number=row["number"], status=label("non_record_status", row["status"])), "ok")
    return redirect(url_for("registry.non_records"))


@bp.post("/non-records/<int:lot_id>/destroy")
@login_required
def destroy_non_record(lot_id: int):
    form = request.form
    attendees = [a for a in (form.get("attendees", "").replace("，", ",").split(",")) if a.strip()]
    with unit_of_work() as db:
        row = nonrecord.as_dict(nonrecord.destroy(
            db, g.identity, lot_id, method=form.get("method", ""), place=form.get("place", ""), attendees=attendees,
            destruction_unit=form.get("destruction_unit", ""), receipt_no=form.get("receipt_no", "")))
    flash(_("%(number)s 已销毁", number=row["number"]), "ok")
    return redirect(url_for("registry.non_records"))


# -- 合议 records: the committee's officers and approvals ----------------------------------------------
@bp.get("/special-access")
@login_required
def special():
    with unit_of_work() as db:
        officers = special_access.officer_rows(db, g.identity)
    mine = {o["office"] for o in officers if o["username"] == g.viewer.username}
    return render_template("registry/special_access.html", officers=officers, label=label, offices=special_access.OFFICES,
                           uses=special_access.USES, may_appoint=g.viewer.role in special_access.APPOINTER_ROLES,
                           may_approve=bool(mine))


@bp.post("/special-access/officers")
@login_required
def appoint():
    form = request.form
    with unit_of_work() as db:
        if form.get("action") == "dismiss":
            special_access.dismiss(db, g.identity, form.get("username", ""), form.get("office", ""))
        else:
            special_access.appoint(db, g.identity, form.get("username", ""), form.get("office", ""))
    flash(_("已更新合议委员会职务"), "ok")
    return redirect(url_for("registry.special"))


@bp.post("/special-access/approvals")
@login_required
def approve_special():
    form = request.form
    until_text = form.get("valid_until", "").strip()
    try:
        until = dt.date.fromisoformat(until_text) if until_text else None
    except ValueError:
        raise ValidationError(_("有效期须为 YYYY-MM-DD")) from None
    with unit_of_work() as db:
        row = special_access.approve_record(db, g.identity, _int(form.get("record"), _("档案编号")),
                                            form.get("grantee", ""), form.getlist("uses"),
                                            reason=form.get("reason", ""), valid_until=until)
    flash(_("已批准（编号 %(id)s）", id=row["id"]), "ok")
    return redirect(url_for("registry.special"))
