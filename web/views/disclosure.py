"""政府信息公开: the request register with its statutory clock and reminders, each record's disclosure
attribute and its review, the annual report, and the working-day calendar the administrator keeps.

Each view calls one service of archive.disclosure or archive.workdays as the signed-in person.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import workdays
from archive.clock import today
from archive.disclosure import attributes, codes, report, requests
from archive.disclosure.common import EXTENSION_APPROVERS, is_handler
from archive.errors import ArchiveError, NotFound, ValidationError
from archive.policy import Action, may
from web.auth import login_required, services
from web.templating import page_language

bp = Blueprint("disclosure", __name__)
MAX_UPLOAD = 200_000  # a calendar file is a few kilobytes



def unit_of_work():
    return services().unit_of_work(g.identity)


def _local(url: str) -> bool:
    return url.startswith("/") and url[1:2] not in ("/", "\\") and "\\" not in url


def flashing(view: Callable) -> Callable:
    """A form action: the service's refusal becomes a message on the page the form came from."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            raise
        except ArchiveError as exc:
            flash(str(exc), "error")
            back = request.form.get("back") or ""
            return redirect(back if _local(back) else url_for("disclosure.index"))

    return wrapped


def choices(table: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(code, codes.label(table, code, page_language())) for code in table]


def _page_words() -> dict:
    return {
        "attributes": choices(codes.ATTRIBUTES), "reasons": choices(codes.REASONS),
        "outcomes": choices(codes.OUTCOMES), "forms": choices(codes.FORMS),
        "kinds": choices(codes.REQUESTER_KINDS),
        "reasons_by_outcome": {k: choices(v) for k, v in codes.REASONS_BY_OUTCOME.items()},
    }


# -- the register --------------------------------------------------------------------------------------
@bp.get("/disclosure")
@login_required
def index():
    status = request.args.get("status", "")
    status = status if status in codes.STATUSES else ""
    year = request.args.get("year", type=int)
    year = year if year and 2000 <= year <= 2200 else None
    page = min(max(request.args.get("page", type=int) or 1, 1), 10_000)
    handles = is_handler(g.viewer)
    with unit_of_work() as db:
        soon = requests.due_soon(db, g.identity, language=page_language())
        listing = requests.list_requests(db, g.identity, status=status, year=year, page=page,
                                         language=page_language()) if handles else {"requests": [], "page": 1}
        pending = attributes.unreviewed(db, g.identity, limit=20, language=page_language()) if handles else []
    return render_template("disclosure.html", soon=soon, rows=listing["requests"], page=listing["page"],
                           status=status, year=year, handles=handles, pending=pending, today=today().isoformat(),
                           this_year=today().year, statuses=choices(codes.STATUSES),
                           may_export=may(g.viewer, Action.EXPORT), **_page_words())


@bp.post("/disclosure/requests")
@login_required
@flashing
def register():
    form = request.form
    found = [part for part in form.get("records", "").replace("，", ",").replace(",", " ").split() if part][:50]
    with unit_of_work() as db:
        made = requests.register(db, g.identity, requester=form.get("requester", ""), content=form.get("content", ""),
                                 received_on=form.get("received_on", ""), requester_kind=form.get("requester_kind", "citizen"),
                                 id_number=form.get("id_number", ""), contact=form.get("contact", ""),
                                 form=form.get("form", "in_person"), records=found, language=page_language())
    flash(_("已登记申请 %(n)s，答复期限 %(due)s", n=made["number"], due=made["due_on"]), "ok")
    return redirect(url_for("disclosure.show", request_id=made["id"]))


@bp.get("/disclosure/requests/<int:request_id>")
@login_required
def show(request_id: int):
    with unit_of_work() as db:
        r = requests.show(db, g.identity, request_id, language=page_language())
    return render_template("disclosure_request.html", r=r, may_extend=g.viewer.role in EXTENSION_APPROVERS,
                           **_page_words())


def _act(request_id: int, do: Callable, message: str):
    with unit_of_work() as db:
        do(db)
    flash(message, "ok")
    return redirect(url_for("disclosure.show", request_id=request_id))


@bp.post("/disclosure/requests/<int:request_id>/answer")
@login_required
@flashing
def answer(request_id: int):
    form = request.form
    return _act(request_id, lambda db: requests.answer(
        db, g.identity, request_id, form.get("outcome", ""), reason=form.get("reason", ""), text=form.get("answer", ""),
        answered_on=form.get("answered_on", "")), _("已答复"))


@bp.post("/disclosure/requests/<int:request_id>/extend")
@login_required
@flashing
def extend(request_id: int):
    return _act(request_id, lambda db: requests.extend(db, g.identity, request_id, request.form.get("reason", "")),
                _("已延期答复（延长20个工作日）"))


@bp.post("/disclosure/requests/<int:request_id>/records")
@login_required
@flashing
def add_records(request_id: int):
    found = [p for p in request.form.get("records", "").replace("，", ",").replace(",", " ").split() if p][:50]
    return _act(request_id, lambda db: requests.add_records(db, g.identity, request_id, found), _("已补记检索结果"))


@bp.get("/disclosure/deadline")
@login_required
def deadline():
    received = request.args.get("received_on", "")
    with unit_of_work() as db:
        data = requests.deadline(db, g.identity, received) if received else None
    return render_template("disclosure_deadline.html", data=data, received=received)


@bp.get("/disclosure/report")
@login_required
def annual_report():
    year = request.args.get("year", type=int) or today().year
    fmt = request.args.get("format", "pdf")
    if fmt not in ("pdf", "xlsx"):
        raise ValidationError(_("格式须为 PDF 或 XLSX"))
    with unit_of_work() as db:
        body, media, name = report.annual(db, g.identity, year, fmt=fmt, language=page_language())
    return Response(body, mimetype=media, headers={"Content-Disposition": f"attachment; filename={name}"})


# -- a record's attribute ------------------------------------------------------------------------------
@bp.get("/records/<int:record_id>/disclosure")
@login_required
def record_page(record_id: int):
    with unit_of_work() as db:
        data = attributes.show(db, g.identity, record_id, language=page_language())
    return render_template("disclosure_record.html", d=data, **_page_words())


@bp.post("/records/<int:record_id>/disclosure")
@login_required
@flashing
def record_set(record_id: int):
    form = request.form
    reason = form.get("reason", "") if form.get("disclosure") == "not_disclosed" else ""
    with unit_of_work() as db:
        attributes.set_attribute(db, g.identity, record_id, form.get("disclosure", ""), reason, form.get("note", ""))
    flash(_("公开属性已保存"), "ok")
    return redirect(url_for("disclosure.record_page", record_id=record_id))


# -- the calendar --------------------------------------------------------------------------------------
@bp.get("/calendar")
@login_required
def calendar():
    year = request.args.get("year", type=int) or today().year
    year = year if 1900 <= year <= 2200 else today().year
    with unit_of_work() as db:
        days = workdays.year_days(db, g.identity, year)
    return render_template("calendar.html", days=days, year=year, may_edit=may(g.viewer, Action.ADMINISTER),
                           label=lambda kind: workdays.label(kind, page_language()))


@bp.post("/calendar/days")
@login_required
@flashing
def calendar_set():
    form = request.form
    with unit_of_work() as db:
        done = workdays.set_day(db, g.identity, form.get("date", ""), form.get("kind", ""),
                                name=form.get("name", ""), source=form.get("source", ""))
    flash(_("%(date)s 已设定", date=done["date"]), "ok")
    return redirect(url_for("disclosure.calendar", year=done["date"][:4]))


@bp.post("/calendar/import")
@login_required
@flashing
def calendar_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError(_("请选择日历文件"))
    raw = upload.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise ValidationError(_("日历文件过大"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("日历文件须为 UTF-8 编码的 CSV")) from None
    with unit_of_work() as db:
        result = workdays.import_file(db, g.identity, text, replace_years=bool(request.form.get("replace_years")))
    flash(_("已导入：新增 %(a)s，修改 %(c)s，未变 %(u)s，删除 %(r)s", a=result["added"], c=result["changed"],
            u=result["unchanged"], r=result["removed"]), "ok")
    for error in result["errors"][:50]:
        flash(error, "error")
    return redirect(url_for("disclosure.calendar"))
