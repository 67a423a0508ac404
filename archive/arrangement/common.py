"""What every arrangement service starts from: who acts, and the volume, box or item they name.

A name (a volume's or item's archival code, or its id) is looked up through the access policy:
what the viewer may not see does not exist for them (NotFound, never Forbidden).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import RecordStatus, VolumeStatus
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity, active_user
from archive.lifecycle_models import LifecycleSetting
from archive.models import Box, Fonds, Record, User, Volume
from archive.policy import Action, Viewer, allowed_actions, can_see, rank, require
from archive.visibility import MAX_ID, can_see_volume

UNIT_SETTING = "unit_name"  # LifecycleSetting key: the unit named on every printout
CLOSED_TO_ITEMS = {VolumeStatus.TRANSFERRED.value, VolumeStatus.DESTROYED.value, VolumeStatus.ON_LOAN.value}


def viewer_of(session: Session, identity: Identity) -> Viewer:
    """The person behind `identity` as the catalog knows them now (active only); a system
    process (an operator command, a task) acts as itself."""
    if identity.is_system:
        return identity.viewer
    return Viewer.of(active_user(session, identity.username))


def arranger(session: Session, identity: Identity) -> Viewer:
    """Who may arrange holdings: those who file (archivists)."""
    viewer = viewer_of(session, identity)
    require(viewer, Action.FILE)
    return viewer


def _number(ref: str | int) -> int | None:
    text = str(ref).strip()
    # ASCII only: str.isdigit() also accepts '²', which int() refuses.
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


def volume_ref(session: Session, viewer: Viewer, ref: str | int) -> Volume:
    """A volume by id or archival code, if the viewer may see it."""
    number = _number(ref)
    volume = session.get(Volume, number) if number is not None else None
    if volume is None and str(ref).strip():
        volume = session.execute(select(Volume).where(Volume.archival_code == str(ref).strip())).scalars().first()
    if volume is None or not can_see_volume(session, viewer, volume):
        raise NotFound(f"volume {ref} does not exist")
    return volume


def box_ref(session: Session, viewer: Viewer, ref: str | int) -> Box:
    number = _number(ref)
    box = session.get(Box, number) if number is not None else None
    if box is None and str(ref).strip():
        box = session.execute(select(Box).where(Box.code == str(ref).strip())).scalars().first()
    if box is None or not can_see(viewer, _Shape(box_level(session, box), box.category_code, box.department)):
        raise NotFound(f"box {ref} does not exist")
    return box


def box_level(session: Session, box: Box) -> str:
    """A box is as secret as its own marking and the most secret item in it (like a volume)."""
    levels = set(session.execute(select(Record.secrecy).where(Record.box_id == box.id).distinct()).scalars())
    return max(levels | {box.secrecy}, key=rank)


class _Shape:
    def __init__(self, secrecy: str, category: str, department: str):
        self.secrecy, self.category_code, self.department = secrecy, category, department
        self.status = RecordStatus.FILED.value


def record_ref(session: Session, viewer: Viewer, ref: str | int) -> Record:
    """An item by id or archival code, if the viewer may see it."""
    number = _number(ref)
    record = session.get(Record, number) if number is not None else None
    if record is None and str(ref).strip():
        record = session.execute(select(Record).where(Record.archival_code == str(ref).strip())).scalars().first()
    if record is None or not can_see(viewer, record):
        raise NotFound(f"record {ref} does not exist")
    return record


def arrangeable(session: Session, viewer: Viewer, refs: Iterable[str | int]) -> list[Record]:
    """The named items, each one the viewer may file (not destroyed, not handed over), once each."""
    records: list[Record] = []
    for ref in refs:
        record = record_ref(session, viewer, ref)
        if Action.FILE not in allowed_actions(viewer, record):
            raise Forbidden(f"record {record.archival_code or record.id} cannot be arranged ({record.status})")
        if record not in records:
            records.append(record)
    if not records:
        raise ValidationError("name at least one record")
    return records


def open_for_items(volume: Volume) -> None:
    if volume.status in CLOSED_TO_ITEMS:
        raise Conflict(f"volume {volume.archival_code} is {volume.status}: its items cannot change now")


def fonds_by_code(session: Session, code: str) -> Fonds:
    fonds = session.execute(select(Fonds).where(Fonds.code == code.strip().upper())).scalar_one_or_none()
    if fonds is None:
        raise NotFound(f"fonds {code} does not exist")
    return fonds


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """People's names for printouts (never user names where a name is known)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(sorted(wanted)))).all()
    names = {u: (d or u) for u, d in rows}
    return {u: names.get(u, "系统" if u.startswith("system:") else u) for u in wanted}


def unit_name(session: Session, fonds: Fonds | None = None) -> str:
    """The unit named on printouts: the catalog setting `unit_name`, else the fonds' name."""
    row = session.get(LifecycleSetting, UNIT_SETTING)
    configured = (row.value or {}).get("value") if row is not None else None
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    if fonds is None:
        fonds = session.execute(select(Fonds).order_by(Fonds.id)).scalars().first()
    return fonds.name if fonds is not None else "档案室"


def record_event(session: Session, viewer: Viewer, action: str, target: str, details: dict[str, Any]) -> None:
    audit.record(session, viewer.username, action, target, details)


def date_text(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""
