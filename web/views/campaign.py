"""The filing campaign at /campaign (年度归档): which departments have handed over last year's
documents, who is late, the two deadlines; and the links between records (签发稿 ↔ 正本, 领导批示 ↔
报告) made from a record's page. Each view calls one service as the signed-in person."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import record_links
from archive.errors import ValidationError
from retention import campaign
from web.auth import login_required, services

bp = Blueprint("campaign", __name__)


def unit_of_work():
    return services().unit_of_work(g.identity)


@bp.get("/campaign")
@login_required
def dashboard():
    year = request.args.get("year", type=int)
    with unit_of_work() as db:
        data = campaign.dashboard(db, g.identity, year)
    return render_template("room/campaign.html", data=data)


@bp.post("/records/<int:record_id>/links")
@login_required
def add_link(record_id: int):
    form = request.form
    other, kind, direction = form.get("other", "").strip(), form.get("kind", ""), form.get("direction", "from")
    if not other:
        raise ValidationError(_("请填写另一件文件的档号"))
    source, target = (record_id, other) if direction == "from" else (other, record_id)
    with unit_of_work() as db:
        record_links.add(db, g.identity, source, target, kind, form.get("note", "")[:500])
    flash(_("已建立文件关联"), "ok")
    return redirect(url_for("records.show", record_id=record_id) + "#links")


@bp.post("/records/<int:record_id>/links/<int:link_id>/remove")
@login_required
def remove_link(record_id: int, link_id: int):
    with unit_of_work() as db:
        record_links.remove(db, g.identity, link_id, request.form.get("reason", "")[:200])
    flash(_("已删除文件关联"), "ok")
    return redirect(url_for("records.show", record_id=record_id) + "#links")
