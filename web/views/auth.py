"""Log in and out, choose the language."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from archive.errors import Forbidden
from archive.users import authenticate
from web.app import LANGUAGES
from web.auth import services

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login would help phishing.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    error = None
    if request.method == "POST":
        limiter, address = current_app.extensions["login_limiter"], request.remote_addr or "?"
        if limiter.blocked(address):
            abort(429)
        username = (request.form.get("username") or "").strip()[:50]
        password = request.form.get("password") or ""
        try:
            with services().catalog.session() as db:
                user = authenticate(db, username, password)
                role = user.role
        except Forbidden as exc:
            limiter.failed(address)
            error = _("账户已锁定，请稍后再试") if "locked" in str(exc) else _("用户名或密码错误")
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on login: no fixation
            session.update(user=username, role=role)
            if lang:
                session["lang"] = lang
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error), (401 if error else 200)


@bp.post("/logout")
def logout():  # noqa: ANN201
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code: str):  # noqa: ANN201
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
