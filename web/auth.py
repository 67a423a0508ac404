"""Who is asking: the session user (pages) or the token user (API), as an archive.policy.Viewer.

The web layer only authenticates; what the viewer may see is decided by archive.policy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import abort, current_app, g, redirect, request, session, url_for

from archive.errors import Forbidden
from archive.identity import active_user, of_user
from archive.policy import Action, may

if TYPE_CHECKING:
    from archive.models import User


def services():
    return current_app.extensions["archive"]


PENDING = "pending_user"  # session key: password right but one-time; nothing else until it is changed


VERSION = "sv"  # session key: the account's session version at login (archive.accounts)


def start_session(username: str, role: str, version: int) -> None:
    """A fresh session after a successful login or password change (no fixation: the old one is
    dropped). `version` is the account's session version: a logout, a password change or reset,
    or disabling the account raises it, and every session holding an older one ends."""
    lang = session.get("lang")
    session.clear()
    session.update({"user": username, "role": role, VERSION: version})
    if lang:
        session["lang"] = lang
    session.permanent = True


def load_session_user() -> None:
    """Before each request: the logged-in user, re-read so that a disabled account, a changed
    role, a logout or a password changed or reset elsewhere ends the session at once (also for a
    copy of the cookie: the server compares the session version, not just the signature)."""
    g.user, g.viewer, g.identity = None, None, None
    username = session.get("user")
    if not username or request.endpoint == "static":  # static files need no catalog look-up
        return
    with services().catalog.session() as db:
        try:
            user = active_user(db, username)
        except Forbidden:
            user = None
        if (user is None or session.get("role") != user.role or user.must_change_password
                or session.get(VERSION) != user.session_version):
            session.clear()  # log in again
            return
        db.expunge(user)
    set_user(user, channel="web")


def set_user(user: User, *, channel: str) -> None:
    """The person acting in this request: `g.identity` (archive.identity) is what services take;
    `g.viewer` is its policy view."""
    g.user = user
    g.identity = of_user(user, channel=channel, origin=request.remote_addr or "")
    g.viewer = g.identity.viewer


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("viewer") is None:
            if session.get(PENDING):  # a one-time password: its change comes before anything else
                return redirect(url_for("auth.password", next=request.full_path.rstrip("?")))
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def requires(action: Action) -> Callable:
    """A page for one role-level permission (read the audit trail, manage accounts...)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not may(g.viewer, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
