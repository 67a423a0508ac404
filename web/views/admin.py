"""Administration: accounts (system administrator), clearances (security officer), own API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from archive import tokens, users
from archive.codes import Role, Secrecy
from archive.policy import Action, may
from web import accounts
from web.auth import login_required, services

bp = Blueprint("admin", __name__)


@bp.get("/admin/users", endpoint="users")
@login_required
def users_page():  # noqa: ANN201
    if not (may(g.viewer, Action.MANAGE_ACCOUNTS) or may(g.viewer, Action.MANAGE_CLEARANCES)):
        abort(403)
    with services().catalog.session() as db:
        rows = users.list_users(db)
    return render_template("admin_users.html", rows=rows, roles=list(Role), levels=list(Secrecy),
                           manage_accounts=may(g.viewer, Action.MANAGE_ACCOUNTS),
                           manage_clearances=may(g.viewer, Action.MANAGE_CLEARANCES))


@bp.post("/admin/users")
@login_required
def create_user():  # noqa: ANN201
    with services().catalog.session() as db:
        name, password = accounts.create(db, g.viewer, username=(request.form.get("username") or "").strip(),
                                         role=request.form.get("role") or "", display_name=request.form.get("display_name") or "")
    flash(f"{name}: {password}", "password")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<username>/active")
@login_required
def toggle_active(username: str):  # noqa: ANN201
    with services().catalog.session() as db:
        accounts.set_active(db, g.viewer, username, request.form.get("active") == "1")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<username>/clearance")
@login_required
def clearance(username: str):  # noqa: ANN201
    with services().catalog.session() as db:
        accounts.set_clearance(db, g.viewer, username, clearance=request.form.get("clearance") or "",
                               departments=(request.form.get("departments") or "").split(","),
                               categories=(request.form.get("categories") or "").split(","))
    return redirect(url_for("admin.users"))


@bp.get("/tokens", endpoint="tokens")
@login_required
def tokens_page():  # noqa: ANN201
    with services().catalog.session() as db:
        rows = tokens.list_tokens(db, g.viewer.username)
    return render_template("tokens.html", rows=rows)


@bp.post("/tokens")
@login_required
def create_token():  # noqa: ANN201
    with services().catalog.session() as db:
        _row, plain = tokens.create(db, actor=g.viewer.username, username=g.viewer.username,
                                    name=(request.form.get("name") or "")[:100])
    flash(plain, "token")
    return redirect(url_for("admin.tokens"))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        own = {t.id for t in tokens.list_tokens(db, g.viewer.username)}
        if token_id not in own:
            abort(404)
        tokens.revoke(db, actor=g.viewer.username, token_id=token_id)
    return redirect(url_for("admin.tokens"))
