"""Retention (保管期限): due lists, holds, appraisal batches, destruction registers, compliance report."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.errors import ArchiveError, Forbidden
from archive.policy import Action, may
from retention import appraisal as appraisals
from retention import holds
from web import retention_views as rv
from web.auth import login_required, services
from web.views.loans import flashing

bp = Blueprint("retention", __name__)


@bp.get("/retention")
@login_required
def index():  # noqa: ANN201
    viewer = g.viewer
    rv.require_retention(viewer)
    with services().catalog.session() as db:
        try:
            due = rv.due_lists(db, viewer, services().settings)
        except ArchiveError:
            due = None
        data = {"due": due, "holds": rv.hold_list(db, viewer), "batches": rv.batches(db, viewer),
                "registers": rv.registers(db, viewer)}
    return render_template("retention.html", **data, lists=rv.LISTS, scopes=holds.SCOPES,
                           may_file=may(viewer, Action.FILE), may_audit=may(viewer, Action.READ_AUDIT))


def _done(message: str, endpoint: str, **values: int):  # noqa: ANN202
    flash(message, "ok")
    return redirect(url_for(endpoint, **values))


@bp.post("/retention/holds")
@login_required
@flashing
def hold_place():  # noqa: ANN201
    with services().catalog.session() as db:
        rv.hold_place(db, g.viewer, request.form.to_dict(), services().store)
    return _done(_("已冻结"), "retention.index")


@bp.post("/retention/holds/<int:hold_id>/release")
@login_required
@flashing
def hold_release(hold_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        rv.hold_release(db, g.viewer, hold_id, request.form.get("reason", ""), services().store)
    return _done(_("已解除冻结"), "retention.index")


@bp.post("/retention/appraisals")
@login_required
@flashing
def appraisal_create():  # noqa: ANN201
    with services().catalog.session() as db:
        created = rv.batch_create(db, g.viewer, request.form.to_dict())
    return _done(_("鉴定批次已建立"), "retention.appraisal", batch_id=created["id"])


@bp.get("/retention/appraisals/<int:batch_id>")
@login_required
def appraisal(batch_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        data = rv.batch(db, g.viewer, batch_id)
    member = any(m["username"] == g.viewer.username for m in data["members"])
    return render_template("appraisal.html", b=data, member=member, decisions=appraisals.DECISIONS,
                           may_file=may(g.viewer, Action.FILE))


def _batch_action(batch_id: int, do: Callable, message: str):  # noqa: ANN202
    with services().catalog.session() as db:
        do(db)
    return _done(message, "retention.appraisal", batch_id=batch_id)


@bp.post("/retention/appraisals/<int:batch_id>/decisions")
@login_required
@flashing
def decide(batch_id: int):  # noqa: ANN201
    return _batch_action(batch_id, lambda db: rv.decide(db, g.viewer, batch_id, request.form.to_dict()), _("已记录鉴定意见"))


@bp.post("/retention/appraisals/<int:batch_id>/sign")
@login_required
@flashing
def sign(batch_id: int):  # noqa: ANN201
    return _batch_action(batch_id, lambda db: rv.sign(db, g.viewer, batch_id), _("已签字"))


@bp.post("/retention/appraisals/<int:batch_id>/conclude")
@login_required
@flashing
def conclude(batch_id: int):  # noqa: ANN201
    return _batch_action(batch_id, lambda db: rv.conclude(db, g.viewer, batch_id, request.form.get("opinion", ""),
                                                          services().store), _("鉴定已完成"))


@bp.post("/retention/registers")
@login_required
@flashing
def register_create():  # noqa: ANN201
    with services().catalog.session() as db:
        created = rv.register_create(db, g.viewer, request.form.to_dict())
    return _done(_("销毁清册已建立"), "retention.register", register_id=created["id"])


@bp.get("/retention/registers/<int:register_id>")
@login_required
def register(register_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        data = rv.register(db, g.viewer, register_id)
    return render_template("destruction.html", d=data, may_file=may(g.viewer, Action.FILE),
                           may_approve=may(g.viewer, Action.APPROVE), may_witness=may(g.viewer, Action.WITNESS))


def _register_action(register_id: int, do: Callable, message: str):  # noqa: ANN202
    with services().catalog.session() as db:
        do(db)
    return _done(message, "retention.register", register_id=register_id)


@bp.post("/retention/registers/<int:register_id>/approve")
@login_required
@flashing
def register_approve(register_id: int):  # noqa: ANN201
    return _register_action(register_id, lambda db: rv.register_approve(db, g.viewer, register_id,
                                                                        request.form.get("opinion", "")), _("已批准"))


@bp.post("/retention/registers/<int:register_id>/witness")
@login_required
@flashing
def register_witness(register_id: int):  # noqa: ANN201
    return _register_action(register_id, lambda db: rv.register_witness(db, g.viewer, register_id), _("已监销签字"))


@bp.post("/retention/registers/<int:register_id>/execute")
@login_required
@flashing
def register_execute(register_id: int):  # noqa: ANN201
    rv.register_execute(services(), g.viewer, register_id, request.form.to_dict())
    return _done(_("销毁已执行"), "retention.register", register_id=register_id)


@bp.get("/retention/registers/<int:register_id>/pdf")
@login_required
def register_pdf(register_id: int):  # noqa: ANN201
    certificate = request.args.get("certificate") == "1"
    with services().catalog.session() as db:
        body = rv.register_pdf(db, g.viewer, register_id, certificate=certificate)
    return Response(body, mimetype="application/pdf")


@bp.get("/retention/report")
@login_required
def report():  # noqa: ANN201
    fmt = request.args.get("format") or "pdf"
    if fmt == "json":
        raise Forbidden("use the API for JSON")
    with services().catalog.session() as db:
        body, media_type = rv.compliance_report(db, g.viewer, request.args.get("as_of"), fmt, services().store)
    return Response(body, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="compliance.{fmt}"'})
