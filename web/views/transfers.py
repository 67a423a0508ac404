"""移交进馆 (transfer to the state archive): batches, their 移交清册, the package and its
four-property check. Each view parses the form, calls one retention.state_transfer service in a
unit of work acting for the person signed in, and presents the answer. (The departments'
hand-over registers to the archive room are web/views/receiving.py at /transfers.)"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.errors import ValidationError
from archive.policy import Action, may
from retention import state_transfer
from web.auth import login_required, services
from web.views.loans import flashing

bp = Blueprint("state_transfers", __name__)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD")) from None


@bp.get("/state-transfers")
@login_required
def index():
    may_file = may(g.viewer, Action.FILE)
    with services().unit_of_work(g.identity) as db:
        rows = state_transfer.batches(db, g.identity)
        due = state_transfer.due_list(db, g.identity, services().settings, limit=200) if may_file else None
    return render_template("transfers/index.html", batches=rows, due=due, may_file=may_file)


@bp.post("/state-transfers")
@login_required
@flashing
def create():
    form = request.form
    with services().unit_of_work(g.identity) as db:
        made = state_transfer.create(db, g.identity, services().settings, title=form.get("title", ""),
                                     to_archive=form.get("to_archive", ""), day=_day(form.get("as_of")))
    flash(_("移交批次已建立"), "ok")
    return redirect(url_for("state_transfers.show", batch_id=made["id"]))


@bp.get("/state-transfers/<int:batch_id>")
@login_required
def show(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        data = state_transfer.show(db, g.identity, batch_id)
    return render_template("transfers/show.html", b=data, may_file=may(g.viewer, Action.FILE))


@bp.post("/state-transfers/<int:batch_id>/package")
@login_required
@flashing
def package(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        state_transfer.package(db, g.identity, services().store, batch_id=batch_id,
                               embed=request.form.get("files") != "1")
    flash(_("移交包已封装"), "ok")
    return redirect(url_for("state_transfers.show", batch_id=batch_id))


@bp.post("/state-transfers/<int:batch_id>/check")
@login_required
@flashing
def check(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        result = state_transfer.check(db, g.identity, services().store, batch_id=batch_id)
    flash(_("四性检测通过") if result["passed"] else _("四性检测未通过"), "ok" if result["passed"] else "error")
    return redirect(url_for("state_transfers.show", batch_id=batch_id))


@bp.post("/state-transfers/<int:batch_id>/complete")
@login_required
@flashing
def complete(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        state_transfer.complete(db, g.identity, services().store, batch_id=batch_id,
                                received_by=request.form.get("received_by", ""))
    flash(_("已确认移交进馆"), "ok")
    return redirect(url_for("state_transfers.show", batch_id=batch_id))


@bp.get("/state-transfers/<int:batch_id>/register.<fmt>")
@login_required
def register(batch_id: int, fmt: str):
    with services().unit_of_work(g.identity) as db:
        body = state_transfer.register(db, g.identity, batch_id, fmt)
    media = "application/pdf" if fmt == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=media,
                    headers={"Content-Disposition": f'attachment; filename="transfer-{batch_id}-register.{fmt}"'})


@bp.get("/state-transfers/<int:batch_id>/package.zip")
@login_required
def package_zip(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        body = state_transfer.package_bytes(db, g.identity, services().store, batch_id)
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="transfer-{batch_id}.zip"'})
