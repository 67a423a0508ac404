"""Loans (借阅): request form, my requests, approvals inbox, issue and return, extracts, registers
export, stock checks, declared relations and the approval matrix.

Each view parses the form, calls one service of archive.lending (desk, stockroom) as the
signed-in person (`g.identity`) and presents the result; the services check and audit.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.codes import Role
from archive.errors import ArchiveError, NotFound, ValidationError
from archive.lending import desk, registers, relations, stockroom
from archive.policy import APPROVER_ROLES, Action, may
from web import lending_views as lv
from web.auth import login_required, services

bp = Blueprint("loans", __name__)


def flashing(view: Callable) -> Callable:
    """A form action: the service's refusal becomes a message on the page it came from."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            raise
        except ArchiveError as exc:
            flash(str(exc), "error")
            return redirect(back_to(url_for("loans.index")))

    return wrapped


def back_to(default: str) -> str:
    """The page a form came from, if it is a page of this site."""
    back = request.form.get("back") or ""
    local = back.startswith("/") and back[1:2] not in ("/", "\\") and "\\" not in back
    return back if local else default


def unit_of_work():
    """One catalog transaction acting as the signed-in person (archive.unit_of_work)."""
    return services().unit_of_work(g.identity)


@bp.get("/loans")
@login_required
def index():
    viewer = g.viewer
    with unit_of_work() as db:
        rows = desk.overview(db, g.identity)
        reminders = desk.notifications(db, g.identity)
    lender = may(viewer, Action.LEND)
    return render_template("loans.html", mine=rows["mine"], inbox=rows["inbox"], reminders=reminders,
                           show_inbox=viewer.role in APPROVER_ROLES,
                           desk={"approved": rows["approved"], "issued": rows["issued"]} if lender else {},
                           forms=desk.FORMS, may_outside=lender,
                           prefill=request.args.get("record", type=int), kinds=registers.KINDS,
                           prefill_volume=request.args.get("volume", type=int),
                           may_export=may(viewer, Action.EXPORT), may_receive=may(viewer, Action.FILE))


@bp.post("/loans")
@login_required
@flashing
def create():
    fields = lv.loan_request(request.form.to_dict(), services().settings.loan_days)
    with unit_of_work() as db:
        created = desk.submit(db, g.identity, **fields)
    flash(_("借阅申请已提交：%(n)s", n=created["number"]), "ok")
    return redirect(url_for("loans.show", request_id=created["id"]))


@bp.get("/loans/<int:request_id>")
@login_required
def show(request_id: int):
    with unit_of_work() as db:
        page = desk.request_page(db, g.identity, request_id)
    return render_template("loan.html", r=page["request"], in_inbox=page["awaits_you"], extracts=page["extracts"],
                           may_lend=may(g.viewer, Action.LEND))


def _act(request_id: int, do: Callable, message: str):
    with unit_of_work() as db:
        do(db)
    flash(message, "ok")
    return redirect(url_for("loans.show", request_id=request_id))


@bp.post("/loans/<int:request_id>/approve")
@login_required
@flashing
def approve(request_id: int):
    note = lv._text(request.form.get("note"), "note")
    return _act(request_id, lambda db: desk.approve(db, g.identity, request_id, note), _("已批准"))


@bp.post("/loans/<int:request_id>/reject")
@login_required
@flashing
def reject(request_id: int):
    reason = lv._text(request.form.get("reason"), "reason")
    return _act(request_id, lambda db: desk.reject(db, g.identity, request_id, reason), _("已驳回"))


@bp.post("/loans/<int:request_id>/cancel")
@login_required
@flashing
def cancel(request_id: int):
    return _act(request_id, lambda db: desk.cancel(db, g.identity, request_id), _("已撤销"))


@bp.post("/loans/<int:request_id>/issue")
@login_required
@flashing
def issue(request_id: int):
    fields = lv.issue(request.form.to_dict())
    return _act(request_id, lambda db: desk.issue(db, g.identity, request_id, **fields), _("已出借 / 已开通查阅"))


@bp.post("/loans/<int:request_id>/close")
@login_required
@flashing
def close(request_id: int):
    return _act(request_id, lambda db: desk.close(db, g.identity, request_id), _("查阅已结束"))


@bp.post("/loans/<int:request_id>/extracts")
@login_required
@flashing
def extract(request_id: int):
    fields = lv.extract(request.form.to_dict())
    record_id = fields.pop("record_id")
    return _act(request_id, lambda db: desk.register_extract(db, g.identity, request_id, record_id, **fields),
                _("摘抄/复制已登记"))


@bp.post("/loans/<int:request_id>/items/<int:loan_id>/return")
@login_required
@flashing
def give_back(request_id: int, loan_id: int):
    fields = lv.returned(request.form.to_dict())
    with unit_of_work() as db:
        done = desk.return_loan(db, g.identity, loan_id, **fields)
    # The page count against the contents list is the point of the return: say how it came out.
    if done["pages_ok"]:
        flash(_("已归还入库，页数相符"), "ok")
    else:
        flash(_("已归还入库，页数不符：%(note)s", note=done["damage"]), "error")
    return redirect(url_for("loans.show", request_id=request_id))


@bp.post("/loans/<int:request_id>/items/<int:loan_id>/renew")
@login_required
@flashing
def renew(request_id: int, loan_id: int):
    days = lv._int(request.form.get("days"), "days", services().settings.loan_days, 1, 365)
    return _act(request_id, lambda db: desk.renew(db, g.identity, loan_id, days), _("已续借"))


@bp.get("/loans/registers/<kind>")
@login_required
def register(kind: str):
    fmt = request.args.get("format") or "csv"
    if fmt not in registers.FORMATS:
        raise ValidationError("format must be csv, xlsx or pdf")
    with unit_of_work() as db:
        body, media_type, name = desk.export_register(db, g.identity, kind, fmt)
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- declared relations and the approval matrix ---------------------------------------------------
@bp.get("/relations")
@login_required
def relations_page():
    subject = request.args.get("user") or None
    with unit_of_work() as db:
        rows = desk.list_relations(db, g.identity, subject)
    return render_template("relations.html", rows=rows, relations=relations.RELATIONS, subject=subject,
                           officer=g.viewer.role is Role.SECURITY_OFFICER, relation_words=relation_words())


def relation_words() -> dict[str, str]:
    return {"self": _("本人"), "spouse": _("配偶"), "parent": _("父母"), "child": _("子女"), "sibling": _("兄弟姐妹"),
            "in_law": _("姻亲"), "other_close": _("其他近亲属")}


@bp.post("/relations")
@login_required
@flashing
def relations_declare():
    form = request.form
    subject = lv._text(form.get("username"), "username", 50) or None
    with unit_of_work() as db:
        desk.declare_relation(db, g.identity, lv._text(form.get("relation"), "relation", 20),
                              lv._text(form.get("person_id_number"), "person_id_number", 18),
                              lv._text(form.get("person_name"), "person_name", 50), username=subject)
    flash(_("已申报"), "ok")
    return redirect(url_for("loans.relations_page", user=subject) if subject else url_for("loans.relations_page"))


@bp.get("/loans/matrix")
@login_required
def matrix():
    with unit_of_work() as db:
        rows = desk.approval_matrix(db, g.identity)
    return render_template("approval_matrix.html", rows=rows, may_set=may(g.viewer, Action.ADMINISTER),
                           source=json.dumps(rows, ensure_ascii=False, indent=1))


@bp.post("/loans/matrix")
@login_required
@flashing
def matrix_set():
    try:
        rows = json.loads(request.form.get("rows") or "")
    except json.JSONDecodeError as exc:
        raise ValidationError(f"the approval matrix is JSON: {exc}") from None
    with unit_of_work() as db:
        desk.set_approval_matrix(db, g.identity, rows)
    flash(_("审批矩阵已更新"), "ok")
    return redirect(url_for("loans.matrix"))


# -- stock checks (盘点) ------------------------------------------------------------------------
@bp.get("/inventory")
@login_required
def inventory():
    with unit_of_work() as db:
        rows = stockroom.checks(db, g.identity)
    return render_template("inventory.html", checks=rows, current=None)


@bp.get("/inventory/<int:check_id>")
@login_required
def inventory_check(check_id: int):
    with unit_of_work() as db:
        current = stockroom.check(db, g.identity, check_id)
    return render_template("inventory.html", checks=[], current=current)


@bp.post("/inventory")
@login_required
@flashing
def inventory_open():
    room = lv._text(request.form.get("room"), "room", 20)
    with unit_of_work() as db:
        created = stockroom.open_check(db, g.identity, room)
    return redirect(url_for("loans.inventory_check", check_id=created["id"]))


@bp.post("/inventory/<int:check_id>/scans")
@login_required
@flashing
def inventory_scan(check_id: int):
    shelf = lv._text(request.form.get("shelf"), "shelf", 100)
    codes = (request.form.get("codes") or "").split()
    with unit_of_work() as db:
        done = stockroom.scan(db, g.identity, check_id, shelf, codes)
    flash(_("已登记 %(n)s 个案卷", n=done["scanned_now"]), "ok")
    return redirect(url_for("loans.inventory_check", check_id=check_id))


@bp.post("/inventory/<int:check_id>/close")
@login_required
@flashing
def inventory_close(check_id: int):
    with unit_of_work() as db:
        stockroom.close_check(db, g.identity, check_id)
    flash(_("盘点已结束"), "ok")
    return redirect(url_for("loans.inventory_check", check_id=check_id))


# -- consultations under the use matrix (issue 17): the rules shown before submitting -------------
@bp.get("/consult/new")
@login_required
def consult_new():
    """The consultation form: which records, and before submitting, who approves and for how long."""
    fields = lv.consultation(request.args.to_dict(), plan=True)
    fields["record_ids"] = fields["record_ids"] or lv._ids(request.args.get("record"), "record")
    plan = None
    if fields["record_ids"] or fields["volume_ids"]:
        with unit_of_work() as db:
            plan = desk.consult_plan(db, g.identity, **fields)
    return render_template("consult_new.html", plan=plan, fields=fields, forms=desk.CONSULT_FORMS)


@bp.post("/consult")
@login_required
@flashing
def consult_create():
    fields = lv.consultation(request.form.to_dict())
    with unit_of_work() as db:
        created = desk.consult(db, g.identity, **fields)
    flash(_("查阅申请已提交：%(n)s", n=created["number"]), "ok")
    return redirect(url_for("loans.show", request_id=created["id"]))


@bp.get("/consult/queue")
@login_required
def consult_queue():
    """The approver's queue: requests whose next step is the signed-in person's role."""
    with unit_of_work() as db:
        rows = desk.inbox(db, g.identity)
    return render_template("consult_queue.html", rows=rows)


@bp.get("/loans/<int:request_id>/form/<kind>")
@login_required
def print_form(request_id: int, kind: str):
    """内部借阅表 (internal) or 查阅审批表 (approval) of a request, as PDF/A."""
    with unit_of_work() as db:
        body, media_type, name = desk.print_form(db, g.identity, request_id, kind)
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})
