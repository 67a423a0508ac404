"""Who may take part in a life-cycle step: named, active users whose role the step allows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import Forbidden, NotFound
from archive.models import User
from archive.policy import Viewer


def user(session: Session, username: str) -> User:
    found = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if found is None or not found.active:
        raise NotFound(f"user {username!r} does not exist or is disabled")
    return found


def require_role(session: Session, username: str, roles: Iterable[str], what: str) -> User:
    found = user(session, username)
    allowed = set(roles)
    if found.role not in allowed:
        raise Forbidden(f"{username} ({found.role}) may not {what}; needs one of: {', '.join(sorted(allowed))}")
    return found


def viewer(session: Session, username: str) -> Viewer:
    """The named user as archive.policy sees them (clearance and scope)."""
    return Viewer.of(user(session, username))
