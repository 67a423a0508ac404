"""The stack-room log at /stack-room (库房日志): who is inside, entries with their approving leader,
temperature and humidity readings (typed or a sensor CSV), alerts. Each view parses the form and
calls one service of archive.stack_room as the signed-in person."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import stack_room
from archive.errors import ValidationError
from web.auth import login_required, services

bp = Blueprint("stack_room", __name__)
MAX_CSV = 2 * 1024 * 1024


def unit_of_work():
    return services().unit_of_work(g.identity)


def _when(value: str | None):
    return stack_room.parse_time(value.replace("T", " ")) if value and value.strip() else None


@bp.get("/stack-room")
@login_required
def page():
    with unit_of_work() as db:
        data = stack_room.log(db, g.identity)
    approvers: list[dict] = []
    if data["may_keep"]:
        with unit_of_work() as db:
            approvers = stack_room.approvers(db, g.identity)
    return render_template("room/stack_room.html", data=data, approvers=approvers,
                           errors=request.args.getlist("error"))


@bp.post("/stack-room/enter")
@login_required
def enter():
    form = request.form
    with unit_of_work() as db:
        entry = stack_room.enter(db, g.identity, person=form.get("person", ""), purpose=form.get("purpose", ""),
                                 approved_by=form.get("approved_by", ""), unit=form.get("unit", ""),
                                 room=form.get("room", ""), at=_when(form.get("at")))
    flash(_("已登记 %(person)s 进入库房", person=entry["person"]), "ok")
    return redirect(url_for("stack_room.page"))


@bp.post("/stack-room/<int:entry_id>/leave")
@login_required
def leave(entry_id: int):
    with unit_of_work() as db:
        entry = stack_room.leave(db, g.identity, entry_id)
    flash(_("已登记 %(person)s 离开库房", person=entry["person"]), "ok")
    return redirect(url_for("stack_room.page"))


@bp.post("/stack-room/readings")
@login_required
def reading():
    form = request.form
    with unit_of_work() as db:
        row = stack_room.record_reading(db, g.identity, temperature=form.get("temperature", ""),
                                        humidity=form.get("humidity", ""), room=form.get("room", ""),
                                        at=_when(form.get("at")))
    if row["alert"]:
        flash(_("温湿度超出限值：%(alert)s", alert=row["alert"]), "error")
    else:
        flash(_("已登记温湿度"), "ok")
    return redirect(url_for("stack_room.page"))


@bp.post("/stack-room/import")
@login_required
def import_csv():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError(_("请选择传感器导出的 CSV 文件"))
    raw = upload.read(MAX_CSV + 1)
    if len(raw) > MAX_CSV:
        raise ValidationError(_("文件过大（上限 2 MB）"))
    with unit_of_work() as db:
        result = stack_room.import_readings(db, g.identity, raw.decode("utf-8-sig", errors="replace"),
                                            filename=upload.filename[:100], room=request.form.get("room", ""))
    flash(_("已导入 %(n)s 条，超限 %(a)s 条，错误行 %(e)s 行", n=result["imported"], a=len(result["alerts"]),
            e=len(result["errors"])), "error" if result["errors"] or result["alerts"] else "ok")
    errors = [_("第 %(line)s 行：%(error)s", line=e["line"], error=e["error"]) for e in result["errors"][:50]]
    return redirect(url_for("stack_room.page", error=errors))
