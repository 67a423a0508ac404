"""Who takes part in a life-cycle step, on top of archive.identity's one rule: an account acts,
sits on a group, approves, witnesses or signs only while it exists and is active.

The person acting is an `Identity` (resolved by the face: web login, API token, CLI login);
every step re-reads their account in its own unit of work, so an account disabled after its
token was issued can do nothing from any face. A system identity (a task, an operator
command) is never a person: it approves, witnesses and signs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from archive.errors import Forbidden
from archive.identity import Identity, active_user
from archive.models import User
from archive.policy import Viewer


def user(session: Session, username: str) -> User:
    """The active account named `username` (a group member, an approver named by a rule)."""
    return active_user(session, username)


def acting(session: Session, who: Identity) -> User:
    """The account of the person acting, read now: refused when disabled or when `who` is a system."""
    if who.is_system:
        raise Forbidden(f"{who.username} is not a person and takes no part in a life-cycle step")
    return active_user(session, who.username)


def viewer(session: Session, who: Identity) -> Viewer:
    """What `who` may see now: a person's current clearance and scope, or the system's."""
    return who.viewer if who.is_system else Viewer.of(acting(session, who))


def has_role(found: User, roles: Iterable[str]) -> bool:
    return found.role in set(roles)


def require_role(session: Session, who: Identity, roles: Iterable[str], what: str) -> User:
    """The acting person, whose role must be one of `roles` for `what`."""
    return _role(acting(session, who), roles, what)


def require_member_role(session: Session, username: str, roles: Iterable[str], what: str) -> User:
    """A person named by the actor (a group member): active, with one of `roles`."""
    return _role(user(session, username), roles, what)


def _role(found: User, roles: Iterable[str], what: str) -> User:
    allowed = set(roles)
    if found.role not in allowed:
        raise Forbidden(f"{found.username} ({found.role}) may not {what}; needs one of: {', '.join(sorted(allowed))}")
    return found
