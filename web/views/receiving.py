"""Receiving (接收): transfer registers (移交登记表) from the departments, the filing deadline, and
personnel-file intake and transfer. Plain pages: each view parses the form, calls one service of
archive.lending.receiving as the signed-in person and presents the result."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.lending import personnel, receiving
from archive.policy import Action, may
from web import lending_views as lv
from web.auth import login_required, services
from web.views.loans import back_to, flashing  # a refusal returns, as a message, to the form's page

bp = Blueprint("receiving", __name__)


def unit_of_work():
    return services().unit_of_work(g.identity)


def _deadline() -> str:
    return services().settings.filing_deadline


# -- transfer registers -------------------------------------------------------------------------
@bp.get("/transfers")
@login_required
def transfers():
    with unit_of_work() as db:
        rows = receiving.registers(db, g.identity)
        status = receiving.filing_status(db, g.identity, _deadline())
    return render_template("transfers.html", rows=rows, current=None, filing=status,
                           may_receive=may(g.viewer, Action.FILE))


@bp.post("/transfers")
@login_required
@flashing
def transfer_submit():
    form = request.form
    year = lv._int(form.get("year"), "year", 0, 1900, 9999)
    lines = lv.transfer_lines(form.get("lines"))
    with unit_of_work() as db:
        made = receiving.submit_register(db, g.identity, department=lv._text(form.get("department"), "department", 50),
                                         year=year, category_code=lv._text(form.get("category"), "category", 2),
                                         lines=lines)
    flash(_("移交登记表已提交，待部门负责人签字"), "ok")
    return redirect(url_for("receiving.transfer", register_id=made["id"]))


@bp.get("/transfers/<int:register_id>")
@login_required
def transfer(register_id: int):
    with unit_of_work() as db:
        current = receiving.register(db, g.identity, register_id)
    return render_template("transfers.html", rows=[], current=current, filing=None,
                           may_receive=may(g.viewer, Action.FILE))


def _done(register_id: int, message: str):
    flash(message, "ok")
    return redirect(url_for("receiving.transfer", register_id=register_id))


@bp.post("/transfers/<int:register_id>/sign")
@login_required
@flashing
def transfer_sign(register_id: int):
    with unit_of_work() as db:
        receiving.sign_register(db, g.identity, register_id)
    return _done(register_id, _("已签字"))


@bp.post("/transfers/<int:register_id>/check")
@login_required
@flashing
def transfer_check(register_id: int):
    arrived = lv.arrivals(request.form.get("arrived"))
    csv_text = request.form.get("transactions") or None
    with unit_of_work() as db:
        result = receiving.check_arrivals(db, g.identity, register_id, arrived, csv_text)
    problems = len(result["problems"]) + len(result["not_listed"]) + len(result["transactions_without_item"])
    return _done(register_id, _("核对完成，发现 %(n)s 处问题", n=problems))


@bp.post("/transfers/<int:register_id>/decide")
@login_required
@flashing
def transfer_decide(register_id: int):
    form = request.form
    with unit_of_work() as db:
        receiving.decide(db, g.identity, register_id, lv._text(form.get("archival_code"), "archival_code", 60),
                         lv._text(form.get("decision"), "decision", 10), reason=lv._text(form.get("reason"), "reason"),
                         shelf=lv._text(form.get("shelf"), "shelf", 100))
    return _done(register_id, _("已处理"))


# -- personnel files ----------------------------------------------------------------------------
@bp.get("/personnel")
@login_required
def personnel_page():
    with unit_of_work() as db:
        data = receiving.personnel_desk(db, g.identity)
    return render_template("personnel.html", carriers=personnel.CARRIERS, **data)


def _back() -> str:
    return back_to(url_for("receiving.personnel_page"))


@bp.post("/personnel/dossiers")
@login_required
@flashing
def dossier_check():
    form = request.form
    with unit_of_work() as db:
        receiving.check_dossier(db, g.identity, person_id_number=lv._text(form.get("person_id_number"), "id", 18),
                                person_name=lv._text(form.get("person_name"), "name", 50),
                                present=form.getlist("present"), problems=lv._lines(form.get("problems"), "problems"))
    flash(_("已登记审核结果"), "ok")
    return redirect(_back())


@bp.post("/personnel/dossiers/<int:dossier_id>/notice")
@login_required
@flashing
def dossier_notice(dossier_id: int):
    with unit_of_work() as db:
        receiving.issue_missing_notice(db, g.identity, dossier_id)
    flash(_("缺件告知已发出"), "ok")
    return redirect(_back())


@bp.post("/personnel/dossiers/<int:dossier_id>/undertaking")
@login_required
@flashing
def dossier_undertaking(dossier_id: int):
    with unit_of_work() as db:
        receiving.sign_undertaking(db, g.identity, dossier_id)
    flash(_("已登记承诺书"), "ok")
    return redirect(_back())


@bp.post("/personnel/notices")
@login_required
@flashing
def notice_send():
    form = request.form
    with unit_of_work() as db:
        receiving.send_personnel_file(
            db, g.identity, person_id_number=lv._text(form.get("person_id_number"), "id", 18),
            person_name=lv._text(form.get("person_name"), "name", 50), to_unit=lv._text(form.get("to_unit"), "unit", 100),
            carrier=lv._text(form.get("carrier"), "carrier", 20),
            carrier_name=lv._text(form.get("carrier_name"), "carrier_name", 50),
            carrier_id_number=lv._text(form.get("carrier_id_number"), "carrier_id_number", 18))
    flash(_("转递通知单已开具"), "ok")
    return redirect(_back())


@bp.post("/personnel/notices/<int:notice_id>/receipt")
@login_required
@flashing
def notice_receipt(notice_id: int):
    with unit_of_work() as db:
        receiving.record_receipt(db, g.identity, notice_id, lv._text(request.form.get("signed_by"), "signed_by", 50))
    flash(_("回执已登记"), "ok")
    return redirect(_back())


@bp.post("/personnel/notices/<int:notice_id>/chase")
@login_required
@flashing
def notice_chase(notice_id: int):
    with unit_of_work() as db:
        receiving.chase(db, g.identity, notice_id)
    flash(_("已登记催收"), "ok")
    return redirect(_back())
