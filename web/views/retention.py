"""Retention (保管期限): due lists, holds, appraisal batches, destruction registers, compliance report.

Each view parses the form, calls one retention service (retention.services) in a unit of work
acting for the person logged in, and presents the answer.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.errors import Forbidden
from archive.policy import Action, may
from retention import appraisal as appraisals
from retention import holds
from retention import services as life
from web.auth import login_required, services
from web.views.loans import flashing

bp = Blueprint("retention", __name__)


@bp.get("/retention")
@login_required
def index():
    with services().unit_of_work(g.identity) as db:
        data = life.overview(db, g.identity, services().settings)
    return render_template("retention.html", **data, lists=life.LISTS, scopes=holds.SCOPES,
                           may_file=may(g.viewer, Action.FILE), may_audit=may(g.viewer, Action.READ_AUDIT))


def _done(message: str, endpoint: str, **values: int):
    flash(message, "ok")
    return redirect(url_for(endpoint, **values))


@bp.post("/retention/holds")
@login_required
@flashing
def hold_place():
    form = request.form
    with services().unit_of_work(g.identity) as db:
        life.place_hold(db, g.identity, reason=form.get("reason"), scope=form.get("scope"),
                        target=form.get("target"), store=services().store)
    return _done(_("已冻结"), "retention.index")


@bp.post("/retention/holds/<int:hold_id>/release")
@login_required
@flashing
def hold_release(hold_id: int):
    with services().unit_of_work(g.identity) as db:
        life.release_hold(db, g.identity, hold_id, reason=request.form.get("reason", ""), store=services().store)
    return _done(_("已解除冻结"), "retention.index")


@bp.post("/retention/appraisals")
@login_required
@flashing
def appraisal_create():
    form = request.form
    with services().unit_of_work(g.identity) as db:
        created = life.open_appraisal(db, g.identity, title=form.get("title"), members=form.get("members", ""),
                                      record_ids=form.get("record_ids"))
    return _done(_("鉴定批次已建立"), "retention.appraisal", batch_id=created["id"])


@bp.get("/retention/appraisals/<int:batch_id>")
@login_required
def appraisal(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        data = life.appraisal_detail(db, g.identity, batch_id)
    member = any(m["username"] == g.viewer.username for m in data["members"])
    return render_template("appraisal.html", b=data, member=member, decisions=appraisals.DECISIONS,
                           may_file=may(g.viewer, Action.FILE))


@bp.post("/retention/appraisals/<int:batch_id>/decisions")
@login_required
@flashing
def decide(batch_id: int):
    form = request.form
    with services().unit_of_work(g.identity) as db:
        life.decide(db, g.identity, batch_id, record_id=form.get("record_id"), decision=form.get("decision"),
                    reason=form.get("reason"), years=form.get("years"))
    return _done(_("已记录鉴定意见"), "retention.appraisal", batch_id=batch_id)


@bp.post("/retention/appraisals/<int:batch_id>/sign")
@login_required
@flashing
def sign(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        life.sign(db, g.identity, batch_id)
    return _done(_("已签字"), "retention.appraisal", batch_id=batch_id)


@bp.post("/retention/appraisals/<int:batch_id>/conclude")
@login_required
@flashing
def conclude(batch_id: int):
    with services().unit_of_work(g.identity) as db:
        life.conclude(db, g.identity, batch_id, opinion=request.form.get("opinion", ""), store=services().store)
    return _done(_("鉴定已完成"), "retention.appraisal", batch_id=batch_id)


@bp.post("/retention/registers")
@login_required
@flashing
def register_create():
    with services().unit_of_work(g.identity) as db:
        created = life.draft_register(db, g.identity, batch_id=request.form.get("batch_id"),
                                      title=request.form.get("title", ""))
    return _done(_("销毁清册已建立"), "retention.register", register_id=created["id"])


@bp.get("/retention/registers/<int:register_id>")
@login_required
def register(register_id: int):
    with services().unit_of_work(g.identity) as db:
        data = life.register_detail(db, g.identity, register_id)
    return render_template("destruction.html", d=data, may_file=may(g.viewer, Action.FILE),
                           may_approve=may(g.viewer, Action.APPROVE), may_witness=may(g.viewer, Action.WITNESS))


@bp.post("/retention/registers/<int:register_id>/approve")
@login_required
@flashing
def register_approve(register_id: int):
    with services().unit_of_work(g.identity) as db:
        life.approve_register(db, g.identity, register_id, opinion=request.form.get("opinion", ""))
    return _done(_("已批准"), "retention.register", register_id=register_id)


@bp.post("/retention/registers/<int:register_id>/witness")
@login_required
@flashing
def register_witness(register_id: int):
    with services().unit_of_work(g.identity) as db:
        life.witness_register(db, g.identity, register_id)
    return _done(_("已监销签字"), "retention.register", register_id=register_id)


@bp.post("/retention/registers/<int:register_id>/execute")
@login_required
@flashing
def register_execute(register_id: int):
    life.execute_register(services(), g.identity, register_id, method=request.form.get("method", ""),
                          place=request.form.get("place", ""))
    return _done(_("销毁已执行"), "retention.register", register_id=register_id)


@bp.get("/retention/registers/<int:register_id>/pdf")
@login_required
def register_pdf(register_id: int):
    certificate = request.args.get("certificate") == "1"
    with services().unit_of_work(g.identity) as db:
        body = life.register_pdf(db, g.identity, register_id, certificate=certificate)
    return Response(body, mimetype="application/pdf")


@bp.get("/retention/report")
@login_required
def report():
    fmt = request.args.get("format") or "pdf"
    if fmt == "json":
        raise Forbidden("use the API for JSON")
    with services().unit_of_work(g.identity) as db:
        body, media_type = life.compliance_report(db, g.identity, as_of=request.args.get("as_of"), fmt=fmt,
                                                  anchors=services().store)
    return Response(body, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="compliance.{fmt}"'})
