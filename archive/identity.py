"""Who acts, and through which channel: resolved once, at the face, and handed to services first.

`resolve` is the one place that turns a user name into an acting person, with the one rule
that a disabled account acts nowhere (web, API, CLI, tasks alike). Operator commands and
periodic tasks act as `system`, and say so in the trail.
"""

from __future__ import annotations

import contextvars
import dataclasses
import getpass
import socket
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import Forbidden
from archive.models import User
from archive.policy import Viewer

IDENTITY = "archive.identity"  # session.info key: the identity a unit of work acts for

CHANNELS = ("web", "api", "cli", "task", "system")


@dataclasses.dataclass(frozen=True)
class Identity:
    viewer: Viewer
    channel: str  # web | api | cli | task | system
    origin: str = ""  # cli: OS account@host; web/api: remote address; task: task name

    @property
    def username(self) -> str:
        return self.viewer.username

    @property
    def is_system(self) -> bool:
        return self.viewer.system

    def audit_details(self) -> dict[str, Any]:
        return {"channel": self.channel, **({"origin": self.origin} if self.origin else {})}


def active_user(session: Session, username: str) -> User:
    """The account behind `username`, if it may act at all: it exists and is active."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise Forbidden(f"no active user {username!r}")
    return user


def resolve(session: Session, username: str, *, channel: str, origin: str = "") -> Identity:
    return of_user(active_user(session, username), channel=channel, origin=origin)


def of_user(user: User, *, channel: str, origin: str = "") -> Identity:
    if not user.active:
        raise Forbidden(f"no active user {user.username!r}")
    return Identity(Viewer.of(user), channel, origin)


def system(name: str = "system", *, channel: str = "system", origin: str = "") -> Identity:
    """An operator command or a periodic task: acts on the system, never as a person."""
    return Identity(Viewer.process(name), channel, origin)


# The channel this thread of work came through, set once by each face (the CLI's group, the web's
# before_request, the worker's task_prerun): audit events written without an identity in their
# unit of work (sign-in, library code) still name their channel.
_channel: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("archive_channel", default=None)


def through(channel: str, origin: str = "") -> contextvars.Token:
    """Mark the current context as acting through `channel`; returns the token to reset it."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return _channel.set((channel, origin))


def leave(token: contextvars.Token) -> None:
    _channel.reset(token)


def channel_details() -> dict[str, Any]:
    current = _channel.get()
    if current is None:
        return {}
    channel, origin = current
    return {"channel": channel, **({"origin": origin} if origin else {})}


def os_origin() -> str:
    """The operating-system account and host running a command, for the trail."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return f"{user}@{socket.gethostname()}"
