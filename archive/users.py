"""User accounts: roles, clearances, scopes, argon2 password hashes and login lockout."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import utcnow
from archive.codes import Role, Secrecy
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.models import Category, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,50}$")
MIN_PASSWORD = 10
LOCKOUT_AFTER = 5  # failed logins in a row
LOCKOUT_FOR = dt.timedelta(minutes=15)

_hasher = PasswordHasher()


class WrongPassword(Forbidden):
    """Unknown user, disabled account or wrong password: the same answer for all three."""


class AccountLocked(Forbidden):
    """Too many failed logins in a row: no password is checked until the lock expires."""


class WeakPassword(ValidationError):
    """A new password shorter than MIN_PASSWORD."""


class BadUsername(ValidationError):
    """A user name outside USERNAME_RE."""


class UserExists(Conflict):
    """The user name is taken."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"password must have at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def add_user(
    session: Session,
    *,
    actor: str,
    username: str,
    role: str,
    clearance: str = "internal",
    password: str,
    departments: list[str] | None = None,
    categories: list[str] | None = None,
    display_name: str = "",
) -> User:
    if not USERNAME_RE.match(username):
        raise BadUsername(f"user name {username!r} must be 1-50 letters, digits, Chinese characters, _ . or -")
    try:
        role_code = Role.parse(role)
        clearance_code = Secrecy.parse(clearance)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise UserExists(f"user {username!r} already exists")
    cats = sorted(set(categories or []))
    if cats:
        known = set(session.execute(select(Category.code)).scalars())
        unknown = [c for c in cats if c not in known]
        if unknown:
            raise ValidationError(f"unknown category code(s): {', '.join(unknown)}")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role_code.value,
        clearance=clearance_code.value,
        departments=sorted(set(departments or [])),
        categories=cats,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor, "user.add", f"user:{username}",
        {"role": user.role, "clearance": user.clearance, "departments": user.departments, "categories": cats},
    )
    return user


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"user {username!r} does not exist")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.id)).scalars())


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a password; lock the account after repeated failures. Every outcome is audited."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    now = utcnow()
    if user is None or not user.active:
        audit.record(session, username, "login.failed", f"user:{username}", {"reason": "unknown or inactive"})
        raise WrongPassword("wrong user name or password")
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        audit.record(session, username, "login.refused", f"user:{username}", {"reason": "locked"})
        raise AccountLocked(f"account locked until {locked_until:%Y-%m-%d %H:%M} UTC after repeated failed logins")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        details: dict[str, object] = {"failed_logins": user.failed_logins}
        if user.failed_logins >= LOCKOUT_AFTER:
            user.locked_until = now + LOCKOUT_FOR
            details["locked_until"] = user.locked_until.isoformat()
        audit.record(session, username, "login.failed", f"user:{username}", details)
        raise WrongPassword("wrong user name or password") from None
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, username, "login", f"user:{username}")
    return user


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every time we store is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
