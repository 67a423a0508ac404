"""API tokens: long random secrets for integrations, stored only as SHA-256 digests.

A token acts as its user: the same role, clearance and scope, so the policy decides exactly as
for the pages. The plain token is shown once at creation; the catalog never holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive import audit
from archive.clock import utcnow
from archive.errors import Forbidden, NotFound, ValidationError
from archive.models import Base, User

PREFIX = "arc_"  # recognisable in logs and secret scanners


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the plain token
    hint: Mapped[str] = mapped_column(String(12), default="")  # first characters, to tell tokens apart
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


def _digest(plain: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain hash (not a slow KDF) is enough.
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create(session: Session, *, actor: str, username: str, name: str = "",
           days: int | None = 90) -> tuple[ApiToken, str]:
    """A new token for `username`; returns the row and the plain token (shown once)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise NotFound(f"no active user {username!r}")
    if len(name) > 100:
        raise ValidationError("token name is longer than 100 characters")
    plain = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, name=name, digest=_digest(plain), hint=plain[:10],
        expires_at=utcnow() + dt.timedelta(days=days) if days else None,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", f"user:{username}", {"token_id": row.id, "name": name})
    return row, plain


def revoke(session: Session, *, actor: str, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"token {token_id} does not exist")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, actor, "token.revoke", f"token:{token_id}")
    return row


def revoke_plain(session: Session, plain: str) -> None:
    """Revoke the token whose plain text is `plain` (the CLI's logout); unknown tokens are ignored."""
    row = session.execute(select(ApiToken).where(ApiToken.digest == _digest(plain))).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        user = session.get(User, row.user_id)
        audit.record(session, user.username if user else "?", "token.revoke", f"token:{row.id}", {"logout": True})


def authenticate(session: Session, plain: str) -> User:
    """The active user behind a token; Forbidden for unknown, revoked or expired tokens, and while
    the account's password is one-time (after a reset)."""
    if not plain or not plain.startswith(PREFIX) or len(plain) > 200:
        raise Forbidden("invalid API token")
    row = session.execute(select(ApiToken).where(ApiToken.digest == _digest(plain))).scalar_one_or_none()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and _aware(row.expires_at) <= now):
        raise Forbidden("invalid API token")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise Forbidden("invalid API token")
    if user.must_change_password:  # reset to a one-time password: nothing acts until it is changed
        raise Forbidden("the account's password is one-time: log in and change it first")
    row.last_used_at = now
    return user


def list_tokens(session: Session, username: str) -> list[ApiToken]:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        return []
    return list(session.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).scalars())


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
