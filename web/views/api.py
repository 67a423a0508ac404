"""The JSON API under /api/v1: the same services as the pages, authenticated by bearer tokens."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, Response, g, jsonify, request

from archive import accounts, audit, records, tokens
from archive.dashboard import stats
from archive.errors import Forbidden, ValidationError
from archive.policy import Action, require
from ingest.corrections import correct, review_queue
from web.api_contract import check_request
from web.auth import services, set_user
from web.exports import export_csv
from web.openapi import document
from web.record_views import correction_values, send_download, send_page
from web.search_params import build_query
from web.uploads import accept, ids_of, statuses
from web.views.volumes import list_volumes, volume_detail

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(check_request)
MAX_OFFSET = 10**9  # beyond the trail's length anyway; bigger numbers overflow the database


def _unauthorised(message: str):
    response = jsonify({"error": {"status": 401, "message": message}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="archive"'
    return response


def token_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return _unauthorised("send Authorization: Bearer <token>")
        try:
            with services().catalog.session() as db:
                user = tokens.authenticate(db, header[7:].strip())
                db.expunge(user)
        except Forbidden as exc:
            return _unauthorised(str(exc))
        set_user(user, channel="api")
        return view(*args, **kwargs)

    return wrapped


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/me")
@token_required
def me():
    v = g.viewer
    return jsonify({"username": v.username, "role": v.role.value, "clearance": v.clearance.value,
                    "departments": sorted(v.departments), "categories": sorted(v.categories)})


@bp.get("/dashboard")
@token_required
def dashboard():
    with services().unit_of_work(g.identity) as db:
        numbers = stats(db, g.identity)
    return jsonify({k: ([list(x) for x in v] if isinstance(v, list) else v) for k, v in numbers.items()})


@bp.get("/search")
@token_required
def search():
    query = build_query(g.viewer, request.args, multi=request.args.getlist)
    return jsonify(services().search_service().search(g.identity, query).to_dict())


@bp.get("/records/<int:record_id>")
@token_required
def record(record_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(records.view(db, g.identity, record_id).to_dict())


@bp.get("/records/<int:record_id>/pages/<int:page_no>/image")
@token_required
def record_page(record_id: int, page_no: int):
    with services().unit_of_work(g.identity) as db:
        found = records.page_image(db, g.identity, record_id, page_no, services().store)
    return send_page(found)


@bp.get("/records/<int:record_id>/download")
@token_required
def record_download(record_id: int):
    with services().unit_of_work(g.identity) as db:
        found = records.download(db, g.identity, record_id)
    return send_download(found)


@bp.post("/uploads")
@token_required
def upload():
    rows = accept(request.files.getlist("files"), category=request.form.get("category"))
    return jsonify({"files": rows}), 202


@bp.get("/uploads/status")
@token_required
def upload_status():
    return jsonify({"records": statuses(ids_of(request.args.get("ids")))})


@bp.get("/audit/events")
@token_required
def audit_events():
    require(g.viewer, Action.READ_AUDIT)
    limit = min(max(request.args.get("limit", type=int) or 50, 1), 500)
    offset = min(max(request.args.get("offset", type=int) or 0, 0), MAX_OFFSET)
    keys = ("action", "actor", "target", "since", "until")
    filters = {k: (request.args.get(k) or "")[:100] or None for k in keys}
    with services().catalog.session() as db:
        out = audit.visible_events(db, g.viewer, **filters, limit=limit, offset=offset)
        audit.record(db, g.viewer.username, "audit.read", "", {"channel": "api"})
    return jsonify({"events": out})


@bp.post("/audit/verify")
@token_required
def audit_verify():
    require(g.viewer, Action.READ_AUDIT)
    with services().catalog.session() as db:
        result = audit.verify(db, anchors=services().store)
        audit.record(db, g.viewer.username, "audit.verify", "", {"ok": result.ok, "channel": "api"})
    return jsonify(result.to_dict())


@bp.get("/users")
@token_required
def user_list():
    with services().unit_of_work(g.identity) as db:
        rows = [{"username": u.username, "display_name": u.display_name, "role": u.role, "clearance": u.clearance,
                 "departments": u.departments, "categories": u.categories, "active": u.active}
                for u in accounts.list_accounts(db, g.identity)]
    return jsonify({"users": rows})


def _body(**fields: type) -> dict:
    """The JSON object of the request with these fields (each optional), type-checked."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("send a JSON object")
    for name, kind in fields.items():
        if name in data and not isinstance(data[name], kind):
            raise ValidationError(f"{name} must be a {kind.__name__}")
    return data


def _strings(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{name} must be a list of strings")
    return value


@bp.get("/review")
@token_required
def review():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"records": review_queue(db, g.identity)})


@bp.post("/users")
@token_required
def user_create():
    data = _body(username=str, role=str, display_name=str)
    with services().unit_of_work(g.identity) as db:
        made = accounts.create(db, g.identity, username=data.get("username", ""), role=data.get("role", ""),
                               display_name=data.get("display_name", ""))
    # The password is one-time: shown this once, changed at the first login.
    return jsonify({"username": made.username, "role": made.role, "clearance": "internal",
                    "password": made.password, "must_change_password": True}), 201


@bp.post("/users/<username>/active")
@token_required
def user_active(username: str):
    data = _body(active=bool)
    if "active" not in data:
        raise ValidationError("active (true or false) is required")
    with services().unit_of_work(g.identity) as db:
        accounts.set_active(db, g.identity, username, data["active"])
    return jsonify({"username": username, "active": data["active"]})


@bp.post("/users/<username>/password-reset")
@token_required
def user_password_reset(username: str):
    with services().unit_of_work(g.identity) as db:
        made = accounts.reset_password(db, g.identity, username)
    return jsonify({"username": made.username, "password": made.password, "must_change_password": True})


@bp.post("/users/<username>/clearance")
@token_required
def user_clearance(username: str):
    data = _body(clearance=str)
    scope = {name: _strings(data[name], name) if name in data else None for name in ("departments", "categories")}
    with services().unit_of_work(g.identity) as db:
        user = accounts.set_clearance(db, g.identity, username, clearance=data.get("clearance", ""), **scope)
        return jsonify({"username": user.username, "clearance": user.clearance, "departments": user.departments,
                        "categories": user.categories})


def _token_json(t: tokens.ApiToken) -> dict:
    return {"id": t.id, "name": t.name, "hint": t.hint,
            "expires_at": t.expires_at.isoformat() if t.expires_at else None,
            "revoked": t.revoked_at is not None}


@bp.get("/tokens")
@token_required
def token_list():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"tokens": [_token_json(t) for t in accounts.list_tokens(db, g.identity)]})


@bp.post("/tokens")
@token_required
def token_create():
    data = _body(name=str)
    with services().unit_of_work(g.identity) as db:
        row, plain = accounts.new_token(db, g.identity, name=data.get("name", "")[:100])
        return jsonify({**_token_json(row), "token": plain}), 201


@bp.post("/tokens/<int:token_id>/revoke")
@token_required
def token_revoke(token_id: int):
    with services().unit_of_work(g.identity) as db:
        return jsonify(_token_json(accounts.revoke_token(db, g.identity, token_id)))


@bp.get("/volumes")
@token_required
def volumes():
    page = min(max(request.args.get("page", type=int) or 1, 1), 10_000)
    with services().catalog.session() as db:
        return jsonify({"volumes": list_volumes(db, g.viewer, page)})


@bp.get("/volumes/<int:volume_id>")
@token_required
def volume(volume_id: int):
    with services().catalog.session() as db:
        return jsonify(volume_detail(db, g.viewer, volume_id))


@bp.post("/records/<int:record_id>/corrections")
@token_required
def record_correct(record_id: int):
    data = _body()
    with services().unit_of_work(g.identity) as db:
        return jsonify(records.metadata(correct(db, g.identity, record_id, correction_values(data),
                                                reason=str(data.get("reason") or ""))))


@bp.get("/search/export")
@token_required
def search_export():
    query = build_query(g.viewer, request.args, multi=request.args.getlist)
    return Response(export_csv(query), mimetype="text/csv")
