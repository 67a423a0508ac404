"""Who acts, and what exists for them: every lending service starts here.

`acting` turns the identity a face hands over into the person the service acts for, re-read in
the service's own unit of work through `archive.identity.active_user`: the one rule that a
disabled account acts nowhere (library, CLI, web and API alike). Every other person a service
names (a reader, an accompanying archivist, a department head) is looked up the same way.

Record and volume look-ups go through archive.policy: what a viewer may not see does not exist for
them (NotFound, never Forbidden, so existence does not leak).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.codes import Secrecy
from archive.errors import Forbidden, NotFound
from archive.identity import Identity, active_user
from archive.lending.messages import msg
from archive.models import Record, User, Volume
from archive.policy import Action, Viewer, can_see, rank, require


@dataclasses.dataclass(frozen=True)
class Actor:
    """The person a service acts for, as the catalog knows them now (active, current role and clearance)."""

    viewer: Viewer
    user: User

    @property
    def username(self) -> str:
        return self.viewer.username

    @property
    def home_department(self) -> str:
        """The first department of a user's scope is their own (home) department."""
        return self.user.departments[0] if self.user.departments else ""


# What a face hands a lending service: the acting identity (or its policy view; services pass the
# Actor they resolved on to the services they call). A bare user name is accepted from library
# callers not yet moved to identities; it is resolved by the same rule.
Who = Identity | Viewer | str | Actor


def acting(session: Session, who: Who) -> Actor:
    """The person behind `who`, re-read in this unit of work. A disabled or unknown account is
    refused (Forbidden); so is a system process: lending is done by people, in their own name."""
    if isinstance(who, Actor):
        return who
    if isinstance(who, Identity):
        viewer: Viewer | None = who.viewer
    elif isinstance(who, Viewer):
        viewer = who
    elif isinstance(who, str):
        viewer = None
    else:
        raise TypeError(f"a lending service acts for an Identity, not {type(who).__name__}")
    if viewer is not None and viewer.system:
        raise Forbidden(msg("person_only", name=viewer.username))
    user = active_user(session, viewer.username if viewer is not None else who)  # type: ignore[arg-type]
    return Actor(Viewer.of(user), user)


def acting_for(session: Session, who: Who, action: Action) -> Actor:
    """`acting`, then the role-level permission the service needs (archive.policy.require)."""
    actor = acting(session, who)
    require(actor.viewer, action)
    return actor


def user_of(session: Session, username: str) -> User:
    """Another person a service names (reader, accompanying archivist, department head): active only."""
    return active_user(session, username)


def viewer_of(session: Session, who: Who) -> Viewer:
    """The policy view of a person, as the catalog knows them now (active accounts only)."""
    return acting(session, who).viewer


def name_of(who: Who) -> str:
    """The user name behind `who`, for look-ups that decide nothing (whose grant is this?)."""
    if isinstance(who, str):
        return who
    return who.username


def highest(levels) -> str:
    levels = list(levels) or [Secrecy.PUBLIC.value]
    return max(levels, key=rank)


class VolumeView:
    """A volume as the policy sees it: its own fields with the highest secrecy of its items."""

    def __init__(self, volume: Volume, level: str):
        self.volume = volume
        self.secrecy = level
        self.category_code = volume.category_code
        self.department = volume.department
        self.status = "destroyed" if volume.status == "destroyed" else "filed"


def volume_level(session: Session, volume: Volume) -> str:
    levels = set(session.execute(select(Record.secrecy).where(Record.volume_id == volume.id).distinct()).scalars())
    return highest(levels | {volume.secrecy})


MAX_ID = 2**31 - 1  # larger numbers (from a URL or a form) would overflow the database's integer


def visible_record(session: Session, viewer: Viewer, record_id: int) -> Record:
    record = session.get(Record, record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(viewer, record):
        raise NotFound(msg("not_found", what=f"record {record_id}"))
    return record


def visible_volume(session: Session, viewer: Viewer, volume_id: int) -> VolumeView:
    volume = session.get(Volume, volume_id) if 0 < volume_id <= MAX_ID else None
    if volume is None:
        raise NotFound(msg("not_found", what=f"volume {volume_id}"))
    view = VolumeView(volume, volume_level(session, volume))
    if not can_see(viewer, view):
        raise NotFound(msg("not_found", what=f"volume {volume_id}"))
    return view


def volume_by_code(session: Session, code: str) -> Volume | None:
    return session.execute(select(Volume).where(Volume.archival_code == code)).scalar_one_or_none()
