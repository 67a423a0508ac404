"""API routes of the configuration pages (categories, retention schedule, classifier) and of shelving."""

from __future__ import annotations

from flask import Response, g, jsonify

from archive.errors import ValidationError
from web import configuration
from web.auth import services
from web.views.api import _body, bp, token_required
from web.views.volumes import labels_of, location_history, shelve


@bp.get("/admin/categories")
@token_required
def categories():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"categories": configuration.list_categories(db, g.viewer)})


@bp.post("/admin/categories")
@token_required
def category_add():  # noqa: ANN201
    data = _body(code=str, name_zh=str, name_en=str)
    with services().catalog.session() as db:
        row = configuration.add_category(db, g.viewer, code=data.get("code", ""), name_zh=data.get("name_zh", ""),
                                         name_en=data.get("name_en", ""))
    return jsonify(row), 201


@bp.post("/admin/categories/<code>")
@token_required
def category_change(code: str):  # noqa: ANN201
    data = _body(name_zh=str, name_en=str, active=bool)
    with services().catalog.session() as db:
        row = configuration.change_category(db, g.viewer, code, name_zh=data.get("name_zh"),
                                            name_en=data.get("name_en"), active=data.get("active"))
    return jsonify(row)


@bp.get("/admin/schedule")
@token_required
def schedule():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"rules": configuration.list_rules(db, g.viewer)})


@bp.post("/admin/schedule/<int:rule_id>")
@token_required
def schedule_change(rule_id: int):  # noqa: ANN201
    data = _body(retention=str, reason=str, approved_by=str)
    with services().catalog.session() as db:
        out = configuration.change_rule(db, g.viewer, rule_id, retention=data.get("retention"),
                                        reason=data.get("reason"), approved_by=data.get("approved_by"),
                                        settings=services().settings)
    return jsonify(out)


@bp.get("/admin/classifier")
@token_required
def classifier():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(configuration.classifier_status(db, g.viewer, services().settings))


@bp.post("/admin/classifier/train")
@token_required
def classifier_train():  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify(configuration.retrain(db, g.viewer, services().settings))


@bp.post("/volumes/<int:volume_id>/shelve")
@token_required
def volume_shelve(volume_id: int):  # noqa: ANN201
    data = _body(path=str, reason=str)
    with services().catalog.session() as db:
        return jsonify(shelve(db, g.viewer, volume_id, data.get("path", ""), data.get("reason", "")))


@bp.get("/volumes/<int:volume_id>/locations")
@token_required
def volume_locations(volume_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        return jsonify({"history": location_history(db, g.viewer, volume_id)})


@bp.post("/volumes/labels")
@token_required
def volume_labels():  # noqa: ANN201
    data = _body(volume_ids=list)
    ids = data.get("volume_ids", [])
    if not ids or len(ids) > 50 or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationError("volume_ids is a list of 1 to 50 volume ids")
    with services().catalog.session() as db:
        body = labels_of(db, g.viewer, ids)
    return Response(body, mimetype="application/pdf")
