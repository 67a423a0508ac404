"""API routes of the configuration pages (categories, retention schedule proposals and decisions,
classifier) and of shelving. Each route parses, calls one service, answers."""

from __future__ import annotations

from flask import Response, g, jsonify

from archive import categories
from archive import settings_registry as rules_registry
from archive.errors import ValidationError
from ingest import retraining
from retention import services as life
from web.auth import services
from web.views.api import _body, bp, token_required
from web.views.volumes import labels_of, location_history, shelve


@bp.get("/admin/categories")
@token_required
def categories_list():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"categories": categories.list_categories(db, g.identity)})


@bp.post("/admin/categories")
@token_required
def category_add():
    data = _body(code=str, name_zh=str, name_en=str)
    with services().unit_of_work(g.identity) as db:
        row = categories.add_category(db, g.identity, code=data.get("code", ""), name_zh=data.get("name_zh", ""),
                                      name_en=data.get("name_en", ""))
    return jsonify(row), 201


@bp.post("/admin/categories/<code>")
@token_required
def category_change(code: str):
    data = _body(name_zh=str, name_en=str, active=bool)
    with services().unit_of_work(g.identity) as db:
        row = categories.change_category(db, g.identity, code, name_zh=data.get("name_zh"),
                                         name_en=data.get("name_en"), active=data.get("active"))
    return jsonify(row)


@bp.get("/admin/schedule")
@token_required
def schedule():
    with services().unit_of_work(g.identity) as db:
        view = life.schedule_view(db, g.identity)
    return jsonify({"rules": view["rules"], "pending": view["pending"], "version": view["version"]})


@bp.post("/admin/schedule")
@token_required
def schedule_add():
    data = _body(category=str, kind=str, keywords=list, retention=str, reason=str, scheme=str)
    with services().unit_of_work(g.identity) as db:
        out = life.propose_schedule_entry(db, g.identity, category=data.get("category"), kind=data.get("kind"),
                                          keywords=data.get("keywords") or [], retention=data.get("retention"),
                                          reason=data.get("reason"), scheme=data.get("scheme", ""))
    return jsonify(out), 201


@bp.post("/admin/schedule/<int:rule_id>")
@token_required
def schedule_change(rule_id: int):
    data = _body(retention=str, reason=str, keywords=list)
    with services().unit_of_work(g.identity) as db:
        out = life.propose_schedule_change(db, g.identity, rule_id, retention=data.get("retention"),
                                           reason=data.get("reason"), keywords=data.get("keywords"))
    return jsonify(out), 201


@bp.post("/admin/schedule/changes/<int:change_id>/approve")
@token_required
def schedule_approve(change_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.decide_schedule_change(db, g.identity, change_id, approve=True))


@bp.post("/admin/schedule/changes/<int:change_id>/reject")
@token_required
def schedule_reject(change_id: int):
    data = _body(reason=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(life.decide_schedule_change(db, g.identity, change_id, approve=False,
                                                   reason=data.get("reason", "")))


@bp.get("/config")
@token_required
def config_show():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"settings": rules_registry.show(db, g.identity)})


@bp.post("/config/<key>")
@token_required
def config_set(key: str):
    data = _body()
    if "value" not in data:
        raise ValidationError("value is required")
    with services().unit_of_work(g.identity) as db:
        return jsonify(rules_registry.change(db, g.identity, key, data["value"]))


@bp.get("/admin/classifier")
@token_required
def classifier():
    with services().unit_of_work(g.identity) as db:
        return jsonify(retraining.status(db, g.identity, services().settings))


@bp.post("/admin/classifier/train")
@token_required
def classifier_train():
    with services().unit_of_work(g.identity) as db:
        return jsonify(retraining.retrain(db, g.identity, services().settings))


@bp.post("/volumes/<int:volume_id>/shelve")
@token_required
def volume_shelve(volume_id: int):
    data = _body(path=str, reason=str)
    with services().catalog.session() as db:
        return jsonify(shelve(db, g.viewer, volume_id, data.get("path", ""), data.get("reason", "")))


@bp.get("/volumes/<int:volume_id>/locations")
@token_required
def volume_locations(volume_id: int):
    with services().catalog.session() as db:
        return jsonify({"history": location_history(db, g.viewer, volume_id)})


@bp.post("/volumes/labels")
@token_required
def volume_labels():
    data = _body(volume_ids=list)
    ids = data.get("volume_ids", [])
    if not ids or len(ids) > 50 or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationError("volume_ids is a list of 1 to 50 volume ids")
    with services().catalog.session() as db:
        body = labels_of(db, g.viewer, ids)
    return Response(body, mimetype="application/pdf")
