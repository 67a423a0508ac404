"""Account changes under the three-role separation (三员分立).

The system administrator creates and disables accounts (never with a clearance above 内部);
the security officer sets clearances and scopes. archive.users has no functions for these two
changes yet, so they live here, checked by archive.policy.require and audited.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive import audit, users
from archive.codes import Role, Secrecy
from archive.errors import Forbidden, ValidationError
from archive.policy import Action, Viewer, require

ADMIN_ROLES = {Role.SYSADMIN.value, Role.SECURITY_OFFICER.value, Role.AUDITOR.value}


def create(db: Session, viewer: Viewer, *, username: str, role: str, display_name: str = "") -> tuple[str, str]:
    """A new account at clearance `internal`; returns (username, one-time password)."""
    require(viewer, Action.MANAGE_ACCOUNTS)
    password = users.generate_password()
    users.add_user(db, actor=viewer.username, username=username, role=role, clearance="internal",
                   password=password, display_name=display_name)
    return username, password


def set_active(db: Session, viewer: Viewer, username: str, active: bool) -> None:
    require(viewer, Action.MANAGE_ACCOUNTS)
    if username == viewer.username:
        raise Forbidden("you cannot disable your own account")
    user = users.get_user(db, username)
    user.active = active
    audit.record(db, viewer.username, "user.enable" if active else "user.disable", f"user:{username}")


def set_clearance(db: Session, viewer: Viewer, username: str, *, clearance: str,
                  departments: list[str], categories: list[str]) -> None:
    require(viewer, Action.MANAGE_CLEARANCES)
    user = users.get_user(db, username)
    if user.username == viewer.username:
        raise Forbidden("nobody sets their own clearance")
    try:
        level = Secrecy.parse(clearance)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    before = {"clearance": user.clearance, "departments": user.departments, "categories": user.categories}
    user.clearance = level.value
    user.departments = sorted({d.strip() for d in departments if d.strip()})
    user.categories = sorted({c.strip().upper() for c in categories if c.strip()})
    audit.record(db, viewer.username, "user.clearance", f"user:{username}",
                 {"before": before, "after": {"clearance": user.clearance, "departments": user.departments,
                                              "categories": user.categories}})
