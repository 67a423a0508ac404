"""Who is asking: the session user (pages) or the token user (API), as an archive.policy.Viewer.

The web layer only authenticates; what the viewer may see is decided by archive.policy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, current_app, g, redirect, request, session, url_for

from archive.errors import Forbidden
from archive.identity import active_user, of_user
from archive.models import User
from archive.policy import Action, may


def services():  # noqa: ANN201 - web.services.Services
    return current_app.extensions["archive"]


def load_session_user() -> None:
    """Before each request: the logged-in user, re-read so a disabled account stops at once."""
    g.user, g.viewer, g.identity = None, None, None
    username = session.get("user")
    if not username or request.endpoint == "static":  # static files need no catalog look-up
        return
    with services().catalog.session() as db:
        try:
            user = active_user(db, username)
        except Forbidden:
            user = None
        if user is None or session.get("role") != user.role:
            session.clear()  # role changed or account disabled: log in again
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
    def wrapped(*args, **kwargs):  # noqa: ANN202
        if g.get("viewer") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def requires(action: Action) -> Callable:
    """A page for one role-level permission (read the audit trail, manage accounts...)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):  # noqa: ANN202
            if not may(g.viewer, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
