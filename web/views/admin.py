"""Administration: accounts (system administrator), clearances (security officer), own API tokens.

Every change is one archive.accounts call acting as `g.identity`; the three-officer rules (who
creates, who sets clearances, nobody edits themselves or another officer) live there.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import accounts
from archive.codes import Role, Secrecy
from archive.errors import Forbidden, ValidationError
from archive.policy import Action, may
from archive.users import BadUsername, UserExists
from web.auth import login_required, services

bp = Blueprint("admin", __name__)

# The roles an administrator may give: the three officers come from `archive init` only.
ORDINARY_ROLES = [r for r in Role if r.value not in accounts.OFFICER_ROLES]


def _page(status: int = 200, error: str | None = None, form: dict | None = None):
    with services().unit_of_work(g.identity) as db:
        try:
            rows = accounts.list_accounts(db, g.identity)
        except Forbidden:
            abort(403)
        editable = {u.username for u in rows if accounts.editable(g.identity, u)}
    return render_template("admin_users.html", rows=rows, editable=editable, roles=ORDINARY_ROLES,
                           levels=list(Secrecy), error=error, form=form or {},
                           manage_accounts=may(g.viewer, Action.MANAGE_ACCOUNTS),
                           manage_clearances=may(g.viewer, Action.MANAGE_CLEARANCES)), status


@bp.get("/admin/users", endpoint="users")
@login_required
def users_page():
    return _page()


def _one_time(username: str, password: str) -> None:
    flash(_("%(user)s 的一次性密码（只显示这一次，首次登录时须修改）：%(password)s", user=username, password=password),
          "password")


@bp.post("/admin/users")
@login_required
def create_user():
    form = {k: (request.form.get(k) or "").strip() for k in ("username", "display_name", "role")}
    try:
        with services().unit_of_work(g.identity) as db:
            made = accounts.create(db, g.identity, username=form["username"], role=form["role"],
                                   display_name=form["display_name"])
    except UserExists:
        return _page(409, _("用户名已存在"), form)
    except BadUsername:
        return _page(400, _("用户名须为 1–50 个字母、数字、汉字或 _ . -"), form)
    except ValidationError:
        return _page(400, _("请求有误"), form)
    _one_time(made.username, made.password)
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<username>/active")
@login_required
def toggle_active(username: str):
    with services().unit_of_work(g.identity) as db:
        accounts.set_active(db, g.identity, username, request.form.get("active") == "1")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<username>/password-reset")
@login_required
def reset_password(username: str):
    with services().unit_of_work(g.identity) as db:
        made = accounts.reset_password(db, g.identity, username)
    _one_time(made.username, made.password)
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<username>/clearance")
@login_required
def clearance(username: str):
    with services().unit_of_work(g.identity) as db:
        accounts.set_clearance(db, g.identity, username, clearance=request.form.get("clearance") or "",
                               departments=(request.form.get("departments") or "").split(","),
                               categories=(request.form.get("categories") or "").split(","))
    return redirect(url_for("admin.users"))


@bp.get("/tokens", endpoint="tokens")
@login_required
def tokens_page():
    with services().unit_of_work(g.identity) as db:
        rows = accounts.list_tokens(db, g.identity)
    return render_template("tokens.html", rows=rows)


@bp.post("/tokens")
@login_required
def create_token():
    with services().unit_of_work(g.identity) as db:
        _row, plain = accounts.new_token(db, g.identity, name=(request.form.get("name") or "")[:100])
    flash(plain, "token")
    return redirect(url_for("admin.tokens"))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    with services().unit_of_work(g.identity) as db:
        accounts.revoke_token(db, g.identity, token_id)
    return redirect(url_for("admin.tokens"))
