"""Loans (借阅): request form, my requests, approvals inbox, issue and return, registers export."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.errors import ArchiveError, NotFound, ValidationError
from archive.lending import registers
from archive.policy import APPROVER_ROLES, Action, may
from web import lending_views as lv
from web.auth import login_required, services

bp = Blueprint("loans", __name__)


def flashing(view: Callable) -> Callable:
    """A form action: the service's refusal becomes a message on the page it came from."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):  # noqa: ANN202
        try:
            return view(*args, **kwargs)
        except NotFound:
            raise
        except ArchiveError as exc:
            flash(str(exc), "error")
            back = request.form.get("back") or ""
            local = back.startswith("/") and back[1:2] not in ("/", "\\") and "\\" not in back
            return redirect(back if local else url_for("loans.index"))

    return wrapped


@bp.get("/loans")
@login_required
def index():  # noqa: ANN201
    viewer = g.viewer
    with services().catalog.session() as db:
        rows = lv.overview(db, viewer)
        reminders = lv.notifications(db, viewer.username)
    desk = {"approved": rows["approved"], "issued": rows["issued"]} if may(viewer, Action.LEND) else {}
    return render_template("loans.html", mine=rows["mine"], inbox=rows["inbox"], reminders=reminders,
                           show_inbox=viewer.role in APPROVER_ROLES,
                           desk=desk, forms=lv.FORMS,
                           prefill=request.args.get("record", type=int), kinds=registers.KINDS,
                           may_export=may(viewer, Action.EXPORT))


@bp.post("/loans")
@login_required
@flashing
def create():  # noqa: ANN201
    with services().catalog.session() as db:
        created = lv.create(db, g.viewer.username, request.form.to_dict())
    flash(_("借阅申请已提交：%(n)s", n=created["number"]), "ok")
    return redirect(url_for("loans.show", request_id=created["id"]))


@bp.get("/loans/<int:request_id>")
@login_required
def show(request_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        data = lv.detail(db, g.viewer.username, request_id)
        in_inbox = any(r["id"] == request_id for r in lv.inbox(db, g.viewer)) if g.viewer.role in APPROVER_ROLES else False
    return render_template("loan.html", r=data, in_inbox=in_inbox, may_lend=may(g.viewer, Action.LEND))


def _act(request_id: int, do: Callable, message: str):  # noqa: ANN202
    with services().catalog.session() as db:
        do(db)
    flash(message, "ok")
    return redirect(url_for("loans.show", request_id=request_id))


@bp.post("/loans/<int:request_id>/approve")
@login_required
@flashing
def approve(request_id: int):  # noqa: ANN201
    return _act(request_id, lambda db: lv.approve(db, g.viewer.username, request_id, request.form.get("note", "")),
                _("已批准"))


@bp.post("/loans/<int:request_id>/reject")
@login_required
@flashing
def reject(request_id: int):  # noqa: ANN201
    return _act(request_id, lambda db: lv.reject(db, g.viewer.username, request_id, request.form.get("reason", "")),
                _("已驳回"))


@bp.post("/loans/<int:request_id>/cancel")
@login_required
@flashing
def cancel(request_id: int):  # noqa: ANN201
    return _act(request_id, lambda db: lv.cancel(db, g.viewer.username, request_id), _("已撤销"))


@bp.post("/loans/<int:request_id>/issue")
@login_required
@flashing
def issue(request_id: int):  # noqa: ANN201
    return _act(request_id, lambda db: lv.issue(db, g.viewer.username, request_id, request.form.to_dict()),
                _("已出借 / 已开通查阅"))


@bp.post("/loans/<int:request_id>/items/<int:loan_id>/return")
@login_required
@flashing
def give_back(request_id: int, loan_id: int):  # noqa: ANN201
    return _act(request_id, lambda db: lv.return_loan(db, g.viewer.username, loan_id, request.form.to_dict()),
                _("已归还入库"))


@bp.post("/loans/<int:request_id>/items/<int:loan_id>/renew")
@login_required
@flashing
def renew(request_id: int, loan_id: int):  # noqa: ANN201
    return _act(request_id, lambda db: lv.renew(db, g.viewer.username, loan_id, request.form.to_dict()),
                _("已续借"))


@bp.get("/loans/registers/<kind>")
@login_required
def register(kind: str):  # noqa: ANN201
    fmt = request.args.get("format") or "csv"
    if fmt not in lv.REGISTER_TYPES:
        raise ValidationError("format must be csv, xlsx or pdf")
    with services().catalog.session() as db:
        body, media_type, name = lv.export_register(db, g.viewer.username, kind, fmt)
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/inventory")
@login_required
def inventory():  # noqa: ANN201
    with services().catalog.session() as db:
        rows = lv.checks(db, g.viewer)
    return render_template("inventory.html", checks=rows, current=None)


@bp.get("/inventory/<int:check_id>")
@login_required
def inventory_check(check_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        current = lv.check(db, g.viewer, check_id)
    return render_template("inventory.html", checks=[], current=current)


@bp.post("/inventory")
@login_required
@flashing
def inventory_open():  # noqa: ANN201
    with services().catalog.session() as db:
        created = lv.check_open(db, g.viewer, request.form.get("room", ""))
    return redirect(url_for("loans.inventory_check", check_id=created["id"]))


@bp.post("/inventory/<int:check_id>/scans")
@login_required
@flashing
def inventory_scan(check_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        done = lv.check_scan(db, g.viewer, check_id, request.form.to_dict())
    flash(_("已登记 %(n)s 个案卷", n=done["scanned_now"]), "ok")
    return redirect(url_for("loans.inventory_check", check_id=check_id))


@bp.post("/inventory/<int:check_id>/close")
@login_required
@flashing
def inventory_close(check_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        lv.check_close(db, g.viewer, check_id)
    flash(_("盘点已结束"), "ok")
    return redirect(url_for("loans.inventory_check", check_id=check_id))
