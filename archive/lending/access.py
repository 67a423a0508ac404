"""Record and volume look-ups that always go through archive.policy: what a viewer may not see
does not exist for them (NotFound, never Forbidden, so existence does not leak)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.codes import SECRECY_ORDER, Secrecy
from archive.errors import NotFound
from archive.lending.messages import msg
from archive.models import Record, User, Volume
from archive.policy import Viewer, can_see, rank
from archive.users import get_user


def viewer_of(session: Session, username: str) -> Viewer:
    return Viewer.of(get_user(session, username))


def user_of(session: Session, username: str) -> User:
    return get_user(session, username)


def highest(levels) -> str:  # noqa: ANN001
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


def visible_record(session: Session, viewer: Viewer, record_id: int) -> Record:
    record = session.get(Record, record_id)
    if record is None or not can_see(viewer, record):
        raise NotFound(msg("not_found", what=f"record {record_id}"))
    return record


def visible_volume(session: Session, viewer: Viewer, volume_id: int) -> VolumeView:
    volume = session.get(Volume, volume_id)
    if volume is None:
        raise NotFound(msg("not_found", what=f"volume {volume_id}"))
    view = VolumeView(volume, volume_level(session, volume))
    if not can_see(viewer, view):
        raise NotFound(msg("not_found", what=f"volume {volume_id}"))
    return view


def volume_by_code(session: Session, code: str) -> Volume | None:
    return session.execute(select(Volume).where(Volume.archival_code == code)).scalar_one_or_none()


def levels_up_to(level: str) -> list[str]:
    return [s.value for s in SECRECY_ORDER if s.rank <= Secrecy(level).rank]


def count_records(session: Session, volume_id: int) -> int:
    return session.execute(select(func.count()).where(Record.volume_id == volume_id)).scalar_one()
