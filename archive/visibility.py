"""The access policy as SQL: `policy.record_filter(viewer)` translated for catalog queries.

Every catalog list, count and look-up on behalf of a person uses these, as the search
backends use their own translation of the same AccessFilter; a test shows the SQL form
selects exactly the rows `AccessFilter.matches` accepts.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from archive.codes import RecordStatus
from archive.errors import NotFound
from archive.models import Record, Volume
from archive.policy import Viewer, can_see, rank, record_filter

MAX_ID = 2**31 - 1  # larger numbers (from a URL) would overflow the database's integer


def visible(viewer: Viewer, *, include_destroyed: bool = False, model=Record) -> ColumnElement[bool]:
    """A WHERE clause; `model` is Record or Volume (both carry secrecy, category, department, status)."""
    access = record_filter(viewer, include_destroyed=include_destroyed)
    if access.deny_all:
        return false()
    clauses = [model.secrecy.in_(sorted(access.secrecy))]
    if not access.include_destroyed:
        clauses.append(model.status != RecordStatus.DESTROYED.value)
    if access.categories is not None:
        clauses.append(model.category_code.in_(sorted(access.categories)))
    if access.departments is not None:
        clauses.append(or_(model.department == "", model.department.in_(sorted(access.departments))))
    return and_(true(), *clauses)


def record_for(session: Session, viewer: Viewer, record_id: int) -> Record:
    """One record, or NotFound when it does not exist or the viewer may not see it (the same answer)."""
    record = session.get(Record, record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(viewer, record):
        raise NotFound(f"record {record_id} does not exist")
    return record


# -- volumes and rows that only name a record or a volume ---------------------------------------
# What the services show in place of a title the viewer may not read, where the domain wants the
# event itself kept (the audit trail): the archival code stays, the words do not.
REDACTED = "〔密〕"


def volume_level(session: Session, volume: Volume) -> str:
    """A volume is as secret as its own marking and the most secret item bound in it."""
    levels = set(session.execute(select(Record.secrecy).where(Record.volume_id == volume.id).distinct()).scalars())
    levels.add(volume.secrecy)
    return max(levels, key=rank)


class _VolumeAsRecord:
    """A volume with its effective level, in the shape `can_see` reads."""

    def __init__(self, volume: Volume, level: str):
        self.secrecy = level
        self.category_code = volume.category_code
        self.department = volume.department
        self.status = volume.status


def can_see_volume(session: Session, viewer: Viewer, volume: Volume | None) -> bool:
    return volume is not None and can_see(viewer, _VolumeAsRecord(volume, volume_level(session, volume)))


def can_see_record_id(session: Session, viewer: Viewer, record_id: int | str | None) -> bool:
    """For rows that carry only a record id (holds, reports, audit events). Unknown ids are not shown."""
    if viewer.system:
        return True
    try:
        number = int(record_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    record = session.get(Record, number) if 0 < number <= MAX_ID else None
    return record is not None and can_see(viewer, record)


def can_see_volume_ref(session: Session, viewer: Viewer, ref: int | str | None) -> bool:
    """A volume named by id or by archival code (audit targets use both)."""
    if viewer.system:
        return True
    volume = None
    text = str(ref or "")
    if text.isdigit() and 0 < int(text) <= MAX_ID:
        volume = session.get(Volume, int(text))
    if volume is None and text:
        volume = session.execute(select(Volume).where(Volume.archival_code == text)).scalars().first()
    return can_see_volume(session, viewer, volume)


def can_see_target(session: Session, viewer: Viewer, kind: str, ref: int | str | None) -> bool:
    """A row that names a record or a volume (a hold, an audit event) is shown only if its
    target is; rows naming anything else (a category, a saved query, a user) name no record."""
    if kind == "record":
        return can_see_record_id(session, viewer, ref)
    if kind == "volume":
        return can_see_volume_ref(session, viewer, ref)
    return True


def visible_volumes(viewer: Viewer) -> ColumnElement[bool]:
    """`can_see_volume` as a WHERE clause on Volume: the volume's own fields pass `visible`, and no
    item bound in it is of a level the viewer is not cleared for."""
    access = record_filter(viewer)
    if access.deny_all:
        return false()
    above = select(Record.id).where(Record.volume_id == Volume.id, Record.secrecy.not_in(sorted(access.secrecy)))
    return and_(visible(viewer, model=Volume), ~above.exists())
