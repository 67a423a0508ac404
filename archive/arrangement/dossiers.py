"""Personnel dossiers (人事档案卷宗): one per person, by identity number. Items are ordered by the
ten classes and their sub-classes (4-1…4-4, 9-1…9-4) and within a class by date; the dossier's
目录 is built from that order. Loose materials (零散材料) that arrive later are slotted in by
class automatically: adding an item re-orders the dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.arrangement import codes
from archive.arrangement.common import arrangeable, arranger, date_text, viewer_of
from archive.clock import today
from archive.codes import PERSONNEL_CLASSES
from archive.errors import NotFound, ValidationError
from archive.identity import Identity
from archive.models import Fonds, Record, Volume
from archive.policy import Viewer
from archive.visibility import can_see_volume

CATEGORY = "RS"


def order_key(record: Record) -> tuple:
    """Class, sub-class, date (undated last within its class), then arrival."""
    return (*codes.personnel_order(record.personnel_class), record.doc_date or dt.date.max, record.id)


def resequence(session: Session, volume: Volume) -> None:
    records = session.execute(select(Record).where(Record.volume_id == volume.id)).scalars().all()
    for n, record in enumerate(sorted(records, key=order_key), start=1):
        record.sequence = n
    session.flush()


def dossier_of(session: Session, id_number: str) -> Volume | None:
    return session.execute(select(Volume).where(Volume.kind == "dossier", Volume.person_id_number == id_number)
                           .order_by(Volume.id)).scalars().first()


def _id_number(value: str) -> str:
    text = (value or "").strip().upper()
    if not text or len(text) > 18:
        raise ValidationError("give the person's identity number")
    return text


def ensure_dossier(session: Session, viewer: Viewer, record: Record) -> Volume:
    """The person's dossier, opened at the first material that arrives for them."""
    from archive.arrangement import volumes

    id_number = _id_number(record.person_id_number)
    found = dossier_of(session, id_number)
    if found is not None:
        return found
    fonds = session.get_one(Fonds, record.fonds_id)
    name = record.person_name or id_number[-4:]
    return volumes.new_volume(session, viewer, fonds=fonds.code, category=CATEGORY, year=today().year,
                              retention="Y", title=f"{name}人事档案", kind="dossier",
                              person_id_number=id_number, person_name=record.person_name)


def slot(session: Session, identity: Identity, record_refs: Sequence[str | int]) -> list[dict[str, Any]]:
    """Slot personnel materials into their people's dossiers, each by its class."""
    from archive.arrangement import volumes

    viewer = arranger(session, identity)
    records = arrangeable(session, viewer, record_refs)
    touched: dict[int, Volume] = {}
    for record in records:
        if record.category_code != CATEGORY or not record.person_id_number:
            raise ValidationError(f"record {record.archival_code or record.id} is no personnel material with an identity number")
        if record.volume_id is not None:
            continue  # already in a dossier: moving it is move_item's work, with a reason
        dossier = ensure_dossier(session, viewer, record)
        volumes.put(session, viewer, dossier, [record])
        touched[dossier.id] = dossier
    return [contents(session, viewer, d) for d in touched.values()]


def show(session: Session, identity: Identity, id_number: str) -> dict[str, Any]:
    """The dossier of the person with this identity number and its 目录, as the viewer may see it."""
    viewer = viewer_of(session, identity)
    dossier = dossier_of(session, _id_number(id_number))
    if dossier is None or not can_see_volume(session, viewer, dossier):
        raise NotFound("no dossier for this identity number")
    return contents(session, viewer, dossier)


def contents(session: Session, viewer: Viewer, dossier: Volume) -> dict[str, Any]:
    """The 目录: per class (and sub-class) the materials in order, numbered within the class."""
    from archive.arrangement import volumes

    data = volumes._detail(session, dossier, viewer)
    by_id = {r.id: r for r in volumes.items(session, dossier, viewer)}
    rows: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    for item in data["items"]:
        record = by_id[item["id"]]
        klass = _class_label(record.personnel_class)
        counters[klass] = counters.get(klass, 0) + 1
        rows.append({**item, "class": klass, "class_name": PERSONNEL_CLASSES.get(klass, "未分类"),
                     "number_in_class": counters[klass], "date": date_text(record.doc_date)})
    return {**data, "catalogue": rows}


def _class_label(klass: str) -> str:
    major, minor = codes.personnel_order(klass)
    if major == 99:
        return ""
    return f"{major}-{minor}" if minor else str(major)

