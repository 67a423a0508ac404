"""Configuration pages: categories and the retention schedule (system administrator), classifier status."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.codes import Retention
from archive.policy import Action, may
from web import configuration
from web.auth import login_required, services

bp = Blueprint("config", __name__)


@bp.get("/admin/categories", endpoint="categories")
@login_required
def categories_page():  # noqa: ANN201
    if not may(g.viewer, Action.ADMINISTER):
        abort(403)
    with services().catalog.session() as db:
        rows = configuration.list_categories(db, g.viewer)
    return render_template("admin_categories.html", rows=rows)


@bp.post("/admin/categories")
@login_required
def add_category():  # noqa: ANN201
    with services().catalog.session() as db:
        configuration.add_category(db, g.viewer, code=request.form.get("code", ""),
                                   name_zh=request.form.get("name_zh", ""), name_en=request.form.get("name_en", ""))
    flash(_("门类已添加"), "ok")
    return redirect(url_for("config.categories"))


@bp.post("/admin/categories/<code>")
@login_required
def change_category(code: str):  # noqa: ANN201
    active = request.form.get("active")
    with services().catalog.session() as db:
        configuration.change_category(db, g.viewer, code, name_zh=request.form.get("name_zh"),
                                      name_en=request.form.get("name_en"),
                                      active=None if active is None else active == "1")
    flash(_("门类已更新"), "ok")
    return redirect(url_for("config.categories"))


@bp.get("/admin/schedule", endpoint="schedule")
@login_required
def schedule_page():  # noqa: ANN201
    if not may(g.viewer, Action.ADMINISTER):
        abort(403)
    with services().catalog.session() as db:
        rows = configuration.list_rules(db, g.viewer)
    return render_template("admin_schedule.html", rows=rows, retentions=[r.value for r in Retention])


@bp.post("/admin/schedule/<int:rule_id>")
@login_required
def change_rule(rule_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        out = configuration.change_rule(db, g.viewer, rule_id, retention=request.form.get("retention", ""),
                                        reason=request.form.get("reason", ""),
                                        approved_by=request.form.get("approved_by", ""),
                                        settings=services().settings)
    flash(_("保管期限表已修改，重新计算了 %(n)s 件档案的到期日", n=out["recomputed"]), "ok")
    return redirect(url_for("config.schedule"))


@bp.get("/admin/classifier", endpoint="classifier")
@login_required
def classifier_page():  # noqa: ANN201
    if not configuration.may_view_classifier(g.viewer):
        abort(403)
    with services().catalog.session() as db:
        status = configuration.classifier_status(db, g.viewer, services().settings)
    return render_template("admin_classifier.html", status=status, report=None,
                           may_train=may(g.viewer, Action.FILE))


@bp.post("/admin/classifier/train")
@login_required
def retrain():  # noqa: ANN201
    with services().catalog.session() as db:
        report = configuration.retrain(db, g.viewer, services().settings)
        status = configuration.classifier_status(db, g.viewer, services().settings)
    return render_template("admin_classifier.html", status=status, report=report, may_train=True)
