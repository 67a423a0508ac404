"""User accounts: roles, clearances, scopes, argon2 password hashes and login lockout.

A refused login outlives the refusal: the failure count, the lock and the audit event are written
in a transaction of their own (the caller's unit of work rolls back on the error it raises), or
guessing would cost nothing. An unknown or disabled user name costs the same argon2 check as a
wrong password, so the time of the answer does not tell which user names exist.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import secrets
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, passwords
from archive.clock import utcnow
from archive.codes import Role, Secrecy
from archive.config import load_settings
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import IDENTITY
from archive.models import Category, User
from archive.passwords import WeakPassword
from archive.unit_of_work import BUREAU_LEVEL

__all__ = ["WeakPassword"]

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,50}$")
MIN_PASSWORD = passwords.MIN_LENGTH
LOCKOUT_AFTER = 5  # failed logins in a row (default of ARCHIVE_LOGIN_LOCKOUT_AFTER)
LOCKOUT_FOR = dt.timedelta(minutes=15)  # default of ARCHIVE_LOGIN_LOCKOUT_MINUTES

_hasher = PasswordHasher()


@dataclasses.dataclass(frozen=True)
class Lockout:
    """How many failed logins in a row lock an account, and for how long."""

    after: int = LOCKOUT_AFTER
    duration: dt.timedelta = LOCKOUT_FOR

    @classmethod
    def configured(cls) -> Lockout:
        settings = load_settings()
        return cls(settings.login_lockout_after, dt.timedelta(minutes=settings.login_lockout_minutes))


class WrongPassword(Forbidden):
    """Unknown user, disabled account or wrong password: the same answer for all three."""


class AccountLocked(Forbidden):
    """Too many failed logins in a row: no password is checked until the lock expires."""


class BadUsername(ValidationError):
    """A user name outside USERNAME_RE."""


class UserExists(Conflict):
    """The user name is taken."""


def hash_password(password: str, username: str = "") -> str:
    """The argon2 hash of a new password, after the rules of archive.passwords."""
    passwords.check(password, username)
    return _hasher.hash(password)


def generate_password() -> str:
    """A random one-time password (16 characters) that the password rules accept."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            passwords.check(password)
        except WeakPassword:  # a one-kind or run-like draw: vanishingly rare, draw again
            continue
        return password


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
        password_hash=hash_password(password, username),
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


def authenticate(session: Session, username: str, password: str, *, lockout: Lockout | None = None) -> User:
    """Check a password; lock the account after repeated failures. Every outcome is audited, and
    a refusal is committed on its own before it is raised (see the module's doc)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        _verify(_dummy_hash(), password)  # as slow as a real check: the timing tells nothing
        _refuse(session, username, "login.failed", {"reason": "unknown or inactive"}, WrongPassword)
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > utcnow():
        _verify(_dummy_hash(), password)  # a locked name answers no faster than an unknown one
        _refuse(session, username, "login.refused", {"reason": "locked"}, AccountLocked, locked_until)
    if not _verify(user.password_hash, password):
        _refuse(session, username, "login.failed", {}, WrongPassword, lockout=lockout or Lockout.configured())
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, username, "login", f"user:{username}")
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _refuse(session: Session, username: str, action: str, details: dict[str, object],
            error: type[Forbidden], locked_until: dt.datetime | None = None, *,
            lockout: Lockout | None = None) -> NoReturn:
    """Write the refusal (and, with `lockout`, the failure count and lock) in a transaction of its
    own, then raise `error`. The caller's transaction is rolled back first: its work is refused
    anyway, and on SQLite it holds the write lock the refusal needs."""
    carried = {key: session.info[key] for key in (IDENTITY, BUREAU_LEVEL) if key in session.info}
    bind = session.get_bind()
    session.rollback()
    own = type(session)(bind=bind, expire_on_commit=False)  # same sessionmaker class: same events
    try:
        with own.begin():
            own.info.update(carried)
            if lockout is not None:
                details = _count_failure(own, username, lockout)
            audit.record(own, username, action, f"user:{username}", details)
    finally:
        own.close()
    if error is AccountLocked and locked_until is not None:
        raise AccountLocked(f"account locked until {locked_until:%Y-%m-%d %H:%M} UTC after repeated failed logins")
    raise error("wrong user name or password")


def _count_failure(session: Session, username: str, lockout: Lockout) -> dict[str, object]:
    """One more failed login in a row (the row locked, so concurrent guesses all count), and the
    lock after `lockout.after` of them. The attempt that locks is still answered "wrong password"."""
    user = session.execute(select(User).where(User.username == username).with_for_update()).scalar_one()
    user.failed_logins += 1
    details: dict[str, object] = {"failed_logins": user.failed_logins}
    if user.failed_logins >= lockout.after:
        user.locked_until = utcnow() + lockout.duration
        details["locked_until"] = user.locked_until.isoformat()
    return details


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every time we store is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
