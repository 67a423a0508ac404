"""Log in and out, change one's password (first of all a one-time one), choose the language.

The page only parses the form and presents the outcome: passwords, the lock, one-time passwords
and the audit events are archive.accounts' business.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from archive import accounts
from archive.errors import Forbidden
from archive.identity import active_user
from archive.users import MIN_PASSWORD, AccountLocked, WeakPassword
from web.app import LANGUAGES
from web.auth import PENDING, services, start_session
from web.security import LoginLimiter, safe_next

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login would help phishing.
    return safe_next(target) or url_for("dashboard.home")


def _limiter_check() -> tuple[LoginLimiter, str]:
    limiter, address = current_app.extensions["login_limiter"], request.remote_addr or "?"
    if limiter.blocked(address):
        abort(429)
    return limiter, address


def _refused(exc: Forbidden, limiter: LoginLimiter, username: str) -> str:
    # An unknown name is "locked" after as many failures as a real account: the lock tells nothing.
    if isinstance(exc, AccountLocked) or limiter.account_locked(username):
        return _("账户已锁定，请稍后再试")
    return _("用户名或密码错误")


def _weak(exc: WeakPassword) -> str:
    return {
        "one_class": _("新密码不能只由一类字符组成：请混用字母、数字或符号"),
        "common": _("新密码过于常见或容易猜到，请换一个"),
        "personal": _("新密码不能是用户名（或其变形）"),
    }.get(exc.reason) or _("新密码至少需要 %(n)s 个字符", n=MIN_PASSWORD)


def _signed_in(db, username: str) -> tuple[str, str, int]:
    user = active_user(db, username)
    return user.username, user.role, user.session_version


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, username = None, ""
    if request.method == "POST":
        limiter, address = _limiter_check()
        username = (request.form.get("username") or "").strip()[:50]
        password = request.form.get("password") or ""
        try:
            with services().unit_of_work() as db:
                who = accounts.sign_in(db, username, password, channel="web", origin=address)
                fresh = _signed_in(db, who.username)
        except accounts.PasswordChangeRequired:
            # The password was right but one-time: the session holds no identity until it is changed.
            lang = session.get("lang")
            session.clear()
            session[PENDING] = username
            if lang:
                session["lang"] = lang
            return redirect(url_for("auth.password", next=safe_next(request.args.get("next"))))
        except Forbidden as exc:
            error = _refused(exc, limiter, username)
            limiter.failed(address, username)
        else:
            limiter.succeeded(username)
            start_session(*fresh)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error, username=username), (401 if error else 200)


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change one's own password: old, new, repeat. A user whose password is one-time comes here
    straight from the login page and reaches nothing else before the change."""
    identity, pending = g.get("identity"), session.get(PENDING)
    if identity is None and not pending:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    error = None
    if request.method == "POST":
        old = request.form.get("old_password") or ""
        new = request.form.get("new_password") or ""
        if new != (request.form.get("repeat_password") or ""):
            error = _("两次输入的新密码不一致")
        else:
            limiter, address = _limiter_check()
            try:
                if identity is not None:
                    with services().unit_of_work(identity) as db:
                        accounts.change_password(db, identity, old, new)
                        fresh = _signed_in(db, identity.username)
                else:
                    with services().unit_of_work() as db:
                        who = accounts.sign_in(db, str(pending), old, channel="web", origin=address,
                                               new_password=new)
                        fresh = _signed_in(db, who.username)
            except AccountLocked as exc:
                error = _refused(exc, limiter, _username(identity, pending))
                limiter.failed(address, _username(identity, pending))
            except Forbidden:
                limiter.failed(address, _username(identity, pending))
                error = _("原密码错误")
            except WeakPassword as exc:
                error = _weak(exc)
            except accounts.PasswordUnchanged:
                error = _("新密码不能与原密码相同")
            else:
                start_session(*fresh)  # a new stamp: other sessions of this account end here
                flash(_("密码已修改"), "ok")
                return redirect(_safe_next(request.args.get("next")))
    return render_template("password.html", error=error, pending=pending if identity is None else None,
                           min_length=MIN_PASSWORD), (400 if error else 200)


def _username(identity, pending) -> str:
    return identity.username if identity is not None else str(pending)


@bp.post("/logout")
def logout():
    identity = g.get("identity")
    if identity is not None:
        with services().unit_of_work(identity) as db:
            accounts.sign_out(db, identity)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
