"""Configuration pages: categories (system administrator), the retention schedule (proposed by the
system administrator, approved or rejected by a director, leader or office director in their own
session), classifier status. Each view parses the form, calls one service, presents the answer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import categories
from archive import settings_registry as rules_registry
from archive.codes import Retention
from archive.errors import ArchiveError
from archive.policy import Action, may
from ingest import retraining
from retention import services as life
from web.auth import login_required, services
from web.templating import page_language

bp = Blueprint("config", __name__)


@bp.get("/admin/categories", endpoint="categories")
@login_required
def categories_page():
    if not may(g.viewer, Action.ADMINISTER):
        abort(403)
    with services().unit_of_work(g.identity) as db:
        rows = categories.list_categories(db, g.identity)
    return render_template("admin_categories.html", rows=rows)


@bp.post("/admin/categories")
@login_required
def add_category():
    with services().unit_of_work(g.identity) as db:
        categories.add_category(db, g.identity, code=request.form.get("code", ""),
                                name_zh=request.form.get("name_zh", ""), name_en=request.form.get("name_en", ""))
    flash(_("门类已添加"), "ok")
    return redirect(url_for("config.categories"))


@bp.post("/admin/categories/<code>")
@login_required
def change_category(code: str):
    active = request.form.get("active")
    with services().unit_of_work(g.identity) as db:
        categories.change_category(db, g.identity, code, name_zh=request.form.get("name_zh"),
                                   name_en=request.form.get("name_en"),
                                   active=None if active is None else active == "1")
    flash(_("门类已更新"), "ok")
    return redirect(url_for("config.categories"))


@bp.get("/admin/schedule", endpoint="schedule")
@login_required
def schedule_page():
    with services().unit_of_work(g.identity) as db:
        view = life.schedule_view(db, g.identity)
    return render_template("admin_schedule.html", rows=view["rules"], pending=view["pending"],
                           version=view["version"], may_propose=view["may_propose"],
                           may_approve=view["may_approve"], retentions=[r.value for r in Retention])


@bp.post("/admin/schedule/<int:rule_id>")
@login_required
def change_rule(rule_id: int):
    with services().unit_of_work(g.identity) as db:
        life.propose_schedule_change(db, g.identity, rule_id, retention=request.form.get("retention", ""),
                                     reason=request.form.get("reason", ""))
    flash(_("修改已提交，待批准后生效"), "ok")
    return redirect(url_for("config.schedule"))


@bp.post("/admin/schedule")
@login_required
def add_rule():
    form = request.form
    with services().unit_of_work(g.identity) as db:
        life.propose_schedule_entry(db, g.identity, category=form.get("category", ""), kind=form.get("kind", ""),
                                    keywords=form.get("keywords", ""), retention=form.get("retention", ""),
                                    reason=form.get("reason", ""))
    flash(_("新条目已提交，待批准后生效"), "ok")
    return redirect(url_for("config.schedule"))


@bp.post("/admin/schedule/changes/<int:change_id>/approve")
@login_required
def approve_change(change_id: int):
    with services().unit_of_work(g.identity) as db:
        out = life.decide_schedule_change(db, g.identity, change_id, approve=True)
    flash(_("已批准，重新计算了 %(n)s 件档案的到期日", n=out["recomputed"]), "ok")
    return redirect(url_for("config.schedule"))


@bp.post("/admin/schedule/changes/<int:change_id>/reject")
@login_required
def reject_change(change_id: int):
    with services().unit_of_work(g.identity) as db:
        life.decide_schedule_change(db, g.identity, change_id, approve=False, reason=request.form.get("reason", ""))
    flash(_("已驳回"), "ok")
    return redirect(url_for("config.schedule"))


@bp.get("/admin/classifier", endpoint="classifier")
@login_required
def classifier_page():
    if not retraining.may_view(g.viewer):
        abort(403)
    with services().unit_of_work(g.identity) as db:
        status = retraining.status(db, g.identity, services().settings)
    return render_template("admin_classifier.html", status=status, report=None,
                           may_train=may(g.viewer, Action.FILE))


@bp.post("/admin/classifier/train")
@login_required
def retrain():
    with services().unit_of_work(g.identity) as db:
        report = retraining.retrain(db, g.identity, services().settings)
        status = retraining.status(db, g.identity, services().settings)
    return render_template("admin_classifier.html", status=status, report=report, may_train=True)


# -- every configurable rule (archive.settings_registry) ------------------------------------------
@bp.get("/admin/settings", endpoint="settings")
@login_required
def settings_page():
    with services().unit_of_work(g.identity) as db:
        rows = rules_registry.show(db, g.identity)
    lang = page_language()
    return render_template("admin_settings.html", rows=rows, lang=lang, may_set=may(g.viewer, Action.ADMINISTER))


@bp.post("/admin/settings/<key>")
@login_required
def change_setting(key: str):
    try:
        with services().unit_of_work(g.identity) as db:
            found = {r["key"]: r for r in rules_registry.show(db, g.identity)}.get(key)
            if found is None:
                abort(404)
            rules_registry.change(db, g.identity, key, form_value(found["kind"], found["columns"]))
    except ArchiveError as exc:
        flash(str(exc), "error")
    else:
        flash(_("规则已修改"), "ok")
    return redirect(url_for("config.settings") + f"#{key}")


def form_value(kind: str, columns: list[dict]) -> object:
    """The value a setting's form sends: one field, a multi-select of roles, or the rows of a table
    (fields r<N>.<column>; a row left blank or marked for removal is dropped)."""
    if kind == "roles":
        return request.form.getlist("value")
    if kind == "bool":
        return request.form.get("value") == "1"
    if kind != "table":
        return request.form.get("value", "")
    rows = []
    for n in range(int(request.form.get("rows", "0") or 0)):
        if request.form.get(f"r{n}.remove"):
            continue
        row = {c["name"]: (request.form.getlist(f"r{n}.{c['name']}") if c["kind"] == "roles"
                           else request.form.get(f"r{n}.{c['name']}", "")) for c in columns}
        if any(v for v in row.values()):
            rows.append(row)
    return rows
