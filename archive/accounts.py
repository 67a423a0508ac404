"""Accounts under the three-officer separation (三员分立), and signing in.

- `archive init` creates the three officers once (系统管理员 sysadmin, 安全保密员 security officer,
  安全审计员 auditor), each with its own one-time password.
- The system administrator creates, enables and disables ordinary accounts, always at clearance
  `internal`, and never sees a password that stays valid (every password it sees is one-time).
- The security officer alone sets clearances and scopes; nobody sets their own.
- No officer creates, edits, enables or resets another officer.
- Every account changes its own password; a one-time password must be changed at the first login,
  before anything else, on the web and on the command line.

Every function takes the acting identity first and runs in the caller's unit of work, which
writes the audit event with the identity's channel.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from archive import audit, tokens, users
from archive.clock import utcnow
from archive.codes import Role, Secrecy
from archive.errors import ArchiveError, Forbidden, ValidationError
from archive.identity import Identity, active_user, of_user
from archive.models import User
from archive.policy import Action, require

OFFICER_ROLES = frozenset({Role.SYSADMIN.value, Role.SECURITY_OFFICER.value, Role.AUDITOR.value})
# The officers `archive init` creates: (user name, role, display name).
OFFICERS = (
    ("admin", Role.SYSADMIN.value, "系统管理员"),
    ("secadmin", Role.SECURITY_OFFICER.value, "安全保密员"),
    ("auditor", Role.AUDITOR.value, "安全审计员"),
)


class PasswordChangeRequired(ArchiveError):
    """The password was right but is one-time: a new one must be chosen first."""

    exit_code = 4


@dataclasses.dataclass(frozen=True)
class NewAccount:
    username: str
    role: str
    password: str  # one-time: must be changed at the first login

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


def create_officers(session: Session, identity: Identity, admin_name: str = "admin") -> list[NewAccount]:
    """The three officers, once (only the operator's `archive init`, on a catalog without them)."""
    if not identity.is_system:
        raise Forbidden("only archive init creates the three officers")
    if any(u.role in OFFICER_ROLES for u in users.list_users(session)):
        return []
    made = []
    for username, role, display in OFFICERS:
        name = admin_name if role == Role.SYSADMIN.value else username
        password = users.generate_password()
        user = users.add_user(session, actor=identity.username, username=name, role=role,
                              clearance=Secrecy.INTERNAL.value, password=password, display_name=display)
        user.must_change_password = True
        made.append(NewAccount(name, role, password))
    return made


def create(session: Session, identity: Identity, *, username: str, role: str, display_name: str = "",
           departments: list[str] | None = None, categories: list[str] | None = None,
           password: str | None = None) -> NewAccount:
    """An ordinary account at clearance `internal`, with a one-time password (given or generated)."""
    require(identity.viewer, Action.MANAGE_ACCOUNTS)
    if role in OFFICER_ROLES:
        raise Forbidden("the three officers are created by archive init only; no officer creates another")
    password = password or users.generate_password()
    user = users.add_user(session, actor=identity.username, username=username, role=role,
                          clearance=Secrecy.INTERNAL.value, password=password, display_name=display_name,
                          departments=departments, categories=categories)
    user.must_change_password = True
    return NewAccount(user.username, user.role, password)


def _ordinary(session: Session, identity: Identity, username: str) -> User:
    user = users.get_user(session, username)
    if user.username == identity.username:
        raise Forbidden("nobody changes their own account's role, clearance or state")
    if user.role in OFFICER_ROLES:
        raise Forbidden("no officer creates, edits, enables or resets another officer")
    return user


def set_active(session: Session, identity: Identity, username: str, active: bool) -> None:
    require(identity.viewer, Action.MANAGE_ACCOUNTS)
    user = _ordinary(session, identity, username)
    user.active = active
    audit.record(session, identity.username, "user.enable" if active else "user.disable", f"user:{username}")


def reset_password(session: Session, identity: Identity, username: str) -> NewAccount:
    """A new one-time password for an ordinary account (the system administrator's job)."""
    require(identity.viewer, Action.MANAGE_ACCOUNTS)
    user = _ordinary(session, identity, username)
    password = users.generate_password()
    user.password_hash = users.hash_password(password)
    user.must_change_password = True
    audit.record(session, identity.username, "user.password_reset", f"user:{username}")
    return NewAccount(user.username, user.role, password)


def set_clearance(session: Session, identity: Identity, username: str, *, clearance: str,
                  departments: list[str] | None = None, categories: list[str] | None = None) -> User:
    """Clearance and scope: the security officer's alone. Scope lists left as None stay as they are."""
    require(identity.viewer, Action.MANAGE_CLEARANCES)
    user = _ordinary(session, identity, username)
    try:
        level = Secrecy.parse(clearance)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    before = {"clearance": user.clearance, "departments": user.departments, "categories": user.categories}
    user.clearance = level.value
    if departments is not None:
        user.departments = sorted({d.strip() for d in departments if d.strip()})
    if categories is not None:
        user.categories = sorted({c.strip().upper() for c in categories if c.strip()})
    audit.record(session, identity.username, "user.clearance", f"user:{username}",
                 {"before": before, "after": {"clearance": user.clearance, "departments": user.departments,
                                              "categories": user.categories}})
    return user


def change_password(session: Session, username: str, old: str, new: str) -> User:
    """Self-service: the account's own password, proven by the old one."""
    user = users.authenticate(session, username, old)
    _set_password(session, user, old, new)
    return user


def _set_password(session: Session, user: User, old: str, new: str) -> None:
    if new == old:
        raise ValidationError("the new password must differ from the old one")
    user.password_hash = users.hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    audit.record(session, user.username, "user.password_change", f"user:{user.username}")


def sign_in(session: Session, username: str, password: str, *, channel: str, origin: str = "",
            new_password: str | None = None) -> Identity:
    """Check the password (lockout and audit in archive.users); a one-time password needs
    `new_password`, else PasswordChangeRequired. Returns the identity acting from now on."""
    user = users.authenticate(session, username, password)
    if user.must_change_password:
        if not new_password:
            raise PasswordChangeRequired(f"{username}: the password is one-time; choose a new one first")
        _set_password(session, user, password, new_password)
    return of_user(user, channel=channel, origin=origin)


def issue_token(session: Session, identity: Identity, *, name: str, days: int | None = 90) -> str:
    """An API token for the identity itself (the CLI's login, the token page)."""
    user = active_user(session, identity.username)
    if user.must_change_password:
        raise PasswordChangeRequired(f"{user.username}: change the one-time password first")
    _row, plain = tokens.create(session, actor=identity.username, username=identity.username, name=name, days=days)
    return plain
