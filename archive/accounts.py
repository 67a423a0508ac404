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
writes the audit event with the identity's channel. Signing in and out happen before (after)
anyone acts: `sign_in` and `sign_out_token` give the unit of work a channel-only identity, so
the trail names the user and the channel (web, api, cli) of every login and logout.

A refused password is the one thing committed on the way out: archive.users writes the failure
count, the lock and their audit events in a transaction of their own, or guessing would cost nothing.

Every web session of an account carries the account's session version; logging out, a password
change or reset and disabling the account raise it, which ends every session (and every copied
cookie) of the account on the server's side.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, tokens, users
from archive.clock import utcnow
from archive.codes import Role, Secrecy
from archive.errors import ArchiveError, Forbidden, NotFound, ValidationError
from archive.identity import IDENTITY, Identity, active_user, of_user, system
from archive.models import Category, User
from archive.policy import Action, may, require
from archive.tokens import ApiToken

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


class PasswordUnchanged(ValidationError):
    """The new password is the old one."""


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
    """An ordinary account at clearance `internal`, with a one-time password (given or generated).
    The system administrator's job; the clearance is the security officer's (`set_clearance`)."""
    require(identity.viewer, Action.MANAGE_ACCOUNTS)
    try:
        role = Role.parse(role).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if role in OFFICER_ROLES:
        raise Forbidden("the three officers are created by archive init only; no officer creates another")
    password = password or users.generate_password()
    user = users.add_user(session, actor=identity.username, username=username, role=role,
                          clearance=Secrecy.INTERNAL.value, password=password, display_name=display_name,
                          departments=_clean(departments), categories=_clean(categories, upper=True))
    user.must_change_password = True
    return NewAccount(user.username, user.role, password)


def list_accounts(session: Session, identity: Identity) -> list[User]:
    """Every account, for the system administrator and the security officer."""
    if not (may(identity.viewer, Action.MANAGE_ACCOUNTS) or may(identity.viewer, Action.MANAGE_CLEARANCES)):
        raise Forbidden("only the system administrator and the security officer list accounts")
    return users.list_users(session)


def editable(identity: Identity, user: User) -> bool:
    """Whether `identity` may change `user` at all (its role's own rights aside): never itself,
    never an officer."""
    return user.username != identity.username and user.role not in OFFICER_ROLES


def _ordinary(session: Session, identity: Identity, username: str) -> User:
    user = users.get_user(session, username)
    if user.username == identity.username:
        raise Forbidden("nobody changes their own account's role, clearance or state")
    if user.role in OFFICER_ROLES:
        raise Forbidden("no officer creates, edits, enables or resets another officer")
    return user


def _clean(values: list[str] | None, *, upper: bool = False) -> list[str]:
    return sorted({(v.strip().upper() if upper else v.strip()) for v in values or [] if v.strip()})


def set_active(session: Session, identity: Identity, username: str, active: bool) -> None:
    """Enable or disable an ordinary account (the system administrator's job). A disabled
    account acts nowhere at once: its web session, its tokens and its CLI login stop working."""
    require(identity.viewer, Action.MANAGE_ACCOUNTS)
    user = _ordinary(session, identity, username)
    user.active = active
    if not active:
        _end_sessions(user)
    audit.record(session, identity.username, "user.enable" if active else "user.disable", f"user:{username}")


def reset_password(session: Session, identity: Identity, username: str) -> NewAccount:
    """A new one-time password for an ordinary account (the system administrator's job). Until
    it is changed the account acts nowhere: its web sessions end and its tokens are refused."""
    require(identity.viewer, Action.MANAGE_ACCOUNTS)
    user = _ordinary(session, identity, username)
    password = users.generate_password()
    user.password_hash = users.hash_password(password, user.username)
    user.must_change_password = True
    _end_sessions(user)
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
        user.departments = _clean(departments)
    if categories is not None:
        wanted = _clean(categories, upper=True)
        known = set(session.execute(select(Category.code)).scalars())
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise ValidationError(f"unknown category code(s): {', '.join(unknown)}")
        user.categories = wanted
    audit.record(session, identity.username, "user.clearance", f"user:{username}",
                 {"before": before, "after": {"clearance": user.clearance, "departments": user.departments,
                                              "categories": user.categories}})
    return user


# -- one's own account ---------------------------------------------------------------------------

def change_password(session: Session, identity: Identity, old: str, new: str) -> User:
    """Self-service: the identity's own password, proven by the old one (a wrong one counts
    towards the lock like a failed login)."""
    user = _check_password(session, identity.username, old)
    _set_password(session, user, old, new)
    return user


def _check_password(session: Session, username: str, password: str) -> User:
    # A refusal commits itself (failure count, lock, audit) before it is raised: archive.users.
    return users.authenticate(session, username, password)


def _end_sessions(user: User) -> None:
    """Every web session of the account ends at its next request (web.auth compares versions)."""
    user.session_version = (user.session_version or 0) + 1


def _set_password(session: Session, user: User, old: str, new: str) -> None:
    if new == old:
        raise PasswordUnchanged("the new password must differ from the old one")
    user.password_hash = users.hash_password(new, user.username)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    _end_sessions(user)
    audit.record(session, user.username, "user.password_change", f"user:{user.username}")


def _door(session: Session, channel: str, origin: str) -> None:
    """Nobody acts yet: the unit of work names only the channel the person comes through."""
    session.info.setdefault(IDENTITY, system("sign-in", channel=channel, origin=origin))


def sign_in(session: Session, username: str, password: str, *, channel: str, origin: str = "",
            new_password: str | None = None) -> Identity:
    """Check the password (lockout and audit in archive.users); a one-time password needs
    `new_password`, else PasswordChangeRequired. Returns the identity acting from now on.
    The login events carry `channel` and `origin`."""
    _door(session, channel, origin)
    user = _check_password(session, username, password)
    if user.must_change_password:
        if not new_password:
            raise PasswordChangeRequired(f"{username}: the password is one-time; choose a new one first")
        _set_password(session, user, password, new_password)
    return of_user(user, channel=channel, origin=origin)


def sign_out(session: Session, identity: Identity) -> None:
    """The end of a web session (the trail shows who left, and through which channel). Every web
    session of the account ends with it, so a cookie copied before the logout is worth nothing."""
    user = session.execute(select(User).where(User.username == identity.username)).scalar_one_or_none()
    if user is not None:  # disabled meanwhile: its sessions ended already
        _end_sessions(user)
    audit.record(session, identity.username, "logout", f"user:{identity.username}")


def sign_out_token(session: Session, plain: str, *, channel: str, origin: str = "") -> None:
    """The end of a command-line login: its saved token is revoked (unknown tokens are ignored)."""
    _door(session, channel, origin)
    tokens.revoke_plain(session, plain)


# -- API tokens: one's own only ------------------------------------------------------------------

def new_token(session: Session, identity: Identity, *, name: str = "",
              days: int | None = 90) -> tuple[ApiToken, str]:
    """An API token for the identity itself; the plain token is shown once. Not while the
    password is one-time."""
    user = active_user(session, identity.username)
    if user.must_change_password:
        raise PasswordChangeRequired(f"{user.username}: change the one-time password first")
    return tokens.create(session, actor=identity.username, username=identity.username, name=name, days=days)


def issue_token(session: Session, identity: Identity, *, name: str, days: int | None = 90) -> str:
    """An API token for the identity itself (the CLI's login): the plain token."""
    return new_token(session, identity, name=name, days=days)[1]


def list_tokens(session: Session, identity: Identity) -> list[ApiToken]:
    return tokens.list_tokens(session, identity.username)


def revoke_token(session: Session, identity: Identity, token_id: int) -> ApiToken:
    """Revoke one of the identity's own tokens; another's token does not exist for it."""
    if token_id not in {t.id for t in tokens.list_tokens(session, identity.username)}:
        raise NotFound(f"token {token_id} does not exist")
    return tokens.revoke(session, actor=identity.username, token_id=token_id)
