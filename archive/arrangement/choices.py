"""What the web offers people to pick from (never a typed id): fonds, categories, retention
periods, and the items that may go into a given volume or box."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.arrangement.common import arranger, box_ref, volume_ref
from archive.codes import RETENTION_ZH, RecordStatus
from archive.identity import Identity
from archive.models import Category, Fonds, Record
from archive.visibility import visible

LIMIT = 300


def series_options(session: Session, identity: Identity) -> dict[str, Any]:
    arranger(session, identity)
    return {"fonds": [{"code": f.code, "name": f.name} for f in session.execute(select(Fonds).order_by(Fonds.code)).scalars()],
            "categories": [{"code": c.code, "name": c.name_zh} for c in session.execute(
                select(Category).where(Category.active.is_(True)).order_by(Category.code)).scalars()],
            "retentions": [{"code": r.value, "name": name} for r, name in RETENTION_ZH.items()]}


def _candidates(session: Session, viewer, *where) -> list[dict[str, Any]]:
    rows = session.execute(select(Record).where(
        *where, visible(viewer), Record.status.in_([RecordStatus.FILED.value, RecordStatus.NEEDS_REVIEW.value]))
        .order_by(Record.item_no, Record.id).limit(LIMIT)).scalars()
    return [{"id": r.id, "archival_code": r.archival_code, "title": r.title} for r in rows]


def volume_candidates(session: Session, identity: Identity, ref: str | int) -> list[dict[str, Any]]:
    """Items in no volume, of the volume's fonds and category (and year, for a plain volume)."""
    viewer = arranger(session, identity)
    volume = volume_ref(session, viewer, ref)
    where = [Record.volume_id.is_(None), Record.fonds_id == volume.fonds_id, Record.category_code == volume.category_code]
    if volume.kind == "volume":
        where.append(Record.year == volume.year)
    if volume.kind == "dossier":
        where.append(Record.person_id_number == volume.person_id_number)
    return _candidates(session, viewer, *where)


def box_candidates(session: Session, identity: Identity, ref: str | int) -> list[dict[str, Any]]:
    viewer = arranger(session, identity)
    box = box_ref(session, viewer, ref)
    return _candidates(session, viewer, Record.box_id.is_(None), Record.fonds_id == box.fonds_id,
                       Record.category_code == box.category_code, Record.year == box.year,
                       Record.retention == box.retention)
