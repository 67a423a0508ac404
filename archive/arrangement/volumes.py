"""Volumes (案卷): create one, put items in it in order (序号), take them out, reorder, move an item
to another volume, split and merge. Identity first; each call checks the policy, does the work
and writes its audit event in the caller's unit of work. The volume's secrecy and page count
follow its items through the unit of work (archive.arrangement.in_step); 起止日期 follows here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.archival_code import CodeParts
from archive.arrangement import case_files, codes
from archive.arrangement.common import (
    arrangeable,
    arranger,
    date_text,
    fonds_by_code,
    open_for_items,
    record_event,
    viewer_of,
    volume_ref,
)
from archive.codes import Retention
from archive.errors import Conflict, ValidationError
from archive.identity import Identity
from archive.models import Record, Volume
from archive.policy import Viewer
from archive.visibility import visible

KINDS = ("volume", "case_file", "dossier")


# -- reading -------------------------------------------------------------------------------------
def items(session: Session, volume: Volume, viewer: Viewer | None = None) -> list[Record]:
    """The volume's items in order (序号), only those the viewer may see when one is given."""
    query = select(Record).where(Record.volume_id == volume.id)
    if viewer is not None:
        query = query.where(visible(viewer))
    return list(session.execute(query.order_by(Record.sequence, Record.id)).scalars())


def item_row(volume: Volume, record: Record, first_page: int) -> dict[str, Any]:
    last = first_page + max(record.pages or 0, 1) - 1
    return {"id": record.id, "sequence": record.sequence, "item_code": codes.item_code(volume.archival_code, record.sequence),
            "archival_code": record.archival_code, "doc_no": record.doc_no, "issuer": record.issuer,
            "title": record.title, "date": date_text(record.doc_date), "pages": record.pages or 0,
            "page_range": f"{first_page}-{last}" if last > first_page else str(first_page),
            "secrecy": record.secrecy, "personnel_class": record.personnel_class, "notes": record.notes}


def volume_json(volume: Volume) -> dict[str, Any]:
    return {"id": volume.id, "archival_code": volume.archival_code, "kind": volume.kind, "title": volume.title,
            "fonds": volume.fonds.code, "category": volume.category_code, "year": volume.year,
            "retention": volume.retention, "org": volume.org_code, "volume_no": volume.volume_no,
            "secrecy": volume.secrecy, "pages": volume.pages, "status": volume.status,
            "date_range": volume.date_range, "location": volume.location.path if volume.location else "",
            "case_no": volume.case_no, "case_state": volume.case_state,
            "closed_at": volume.closed_at.isoformat() if volume.closed_at else None,
            "person_name": volume.person_name, "insurance_type": volume.insurance_type,
            "business_step": volume.business_step, "month": volume.month, "box_id": volume.box_id,
            "notes": volume.notes}


def detail(session: Session, identity: Identity, ref: str | int) -> dict[str, Any]:
    """A volume and its items in order, as the viewer may see them."""
    viewer = viewer_of(session, identity)
    volume = volume_ref(session, viewer, ref)
    return _detail(session, volume, viewer)


def _detail(session: Session, volume: Volume, viewer: Viewer) -> dict[str, Any]:
    session.flush()
    session.refresh(volume)
    rows, page = [], 1
    for record in items(session, volume, viewer):
        rows.append(item_row(volume, record, page))
        page += max(record.pages or 0, 1)
    # "records": the key `volume show --json` has always had (archive.lending.stockroom).
    return {"volume": volume_json(volume), "items": rows, "records": rows}


# -- creating --------------------------------------------------------------------------------------
def create(session: Session, identity: Identity, *, fonds: str, category: str, year: int, retention: str,
           title: str, org: str = "", department: str = "", kind: str = "volume", **fields: Any) -> dict[str, Any]:
    """A new, empty volume of a series, with the next volume number and its archival code."""
    viewer = arranger(session, identity)
    volume = new_volume(session, viewer, fonds=fonds_by_code(session, fonds).code, category=category, year=year,
                        retention=retention, title=title, org=org, department=department, kind=kind, **fields)
    return _detail(session, volume, viewer)


def new_volume(session: Session, viewer: Viewer, *, fonds: str, category: str, year: int, retention: str,
               title: str, org: str = "", department: str = "", kind: str = "volume", **fields: Any) -> Volume:
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}")
    title = (title or "").strip()
    if not title or len(title) > 500:
        raise ValidationError("a volume needs a title (at most 500 characters)")
    try:
        retention = Retention.parse(retention).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    fonds_row = fonds_by_code(session, fonds)
    parts = CodeParts(fonds_row.code, category.strip().upper(), int(year), retention, org.strip().upper())
    code, number = codes.issue_volume_code(session, parts)
    volume = Volume(fonds_id=fonds_row.id, category_code=parts.category, year=parts.year, retention=retention,
                    org_code=parts.org, volume_no=number, archival_code=code, title=title,
                    department=department.strip(), kind=kind, **fields)
    session.add(volume)
    session.flush()
    record_event(session, viewer, "volume.create", f"volume:{volume.id}",
                 {"archival_code": code, "kind": kind, "title_set": True})
    return volume


# -- items in and out ----------------------------------------------------------------------------------
def add(session: Session, identity: Identity, ref: str | int, record_refs: Sequence[str | int], *,
        reason: str = "") -> dict[str, Any]:
    """Put items at the end of a volume (a dossier slots them by class). A closed case file takes
    additions only from an archivist who gives a reason (archive.arrangement.case_files)."""
    viewer = arranger(session, identity)
    volume = volume_ref(session, viewer, ref)
    records = arrangeable(session, viewer, record_refs)
    put(session, viewer, volume, records, reason=reason)
    return _detail(session, volume, viewer)


def put(session: Session, viewer: Viewer, volume: Volume, records: Sequence[Record], *, reason: str = "",
        moving: bool = False) -> None:
    open_for_items(volume)
    case_files.check_addition(viewer, volume, reason)
    for record in records:
        _fits(volume, record, moving=moving)
    last = session.execute(select(func.max(Record.sequence)).where(Record.volume_id == volume.id)).scalar() or 0
    for n, record in enumerate(records, start=last + 1):
        record.volume_id, record.sequence = volume.id, n
    session.flush()
    if volume.kind == "dossier":
        from archive.arrangement.dossiers import resequence  # a dossier's order is its classes'

        resequence(session, volume)
    follow_dates(session, volume)
    recount(session, volume)
    record_event(session, viewer, "volume.add", f"volume:{volume.id}", {
        "archival_code": volume.archival_code, "records": [r.id for r in records],
        "codes": [r.archival_code for r in records], **({"reason": reason.strip()} if reason.strip() else {}),
        **({"after_closing": True} if volume.case_state == "closed" else {})})


def _fits(volume: Volume, record: Record, *, moving: bool) -> None:
    code = record.archival_code or record.id
    if record.volume_id is not None and record.volume_id != volume.id and not moving:
        raise Conflict(f"record {code} is already in another volume: move it with a reason")
    if record.volume_id == volume.id and not moving:
        raise Conflict(f"record {code} is already in this volume")
    if record.fonds_id != volume.fonds_id or record.category_code != volume.category_code:
        raise ValidationError(f"record {code} is of another fonds or category than the volume")
    if volume.kind == "volume" and record.year != volume.year:
        raise ValidationError(f"record {code} is of {record.year}, the volume of {volume.year}")
    if volume.kind == "dossier" and record.person_id_number != volume.person_id_number:
        raise ValidationError(f"record {code} belongs to another person's dossier")


def remove(session: Session, identity: Identity, ref: str | int, record_refs: Sequence[str | int], *,
           reason: str) -> dict[str, Any]:
    """Take items out of a volume (with a reason, kept in the 备考表); the rest close up. The
    volume's secrecy does not fall with them: lowering a level is the security officer's act."""
    viewer = arranger(session, identity)
    volume = volume_ref(session, viewer, ref)
    open_for_items(volume)
    _need_reason(reason)
    records = arrangeable(session, viewer, record_refs)
    for record in records:
        if record.volume_id != volume.id:
            raise ValidationError(f"record {record.archival_code or record.id} is not in this volume")
        record.volume_id, record.sequence = None, None
    session.flush()
    _close_up(session, volume)
    record_event(session, viewer, "volume.remove", f"volume:{volume.id}", {
        "archival_code": volume.archival_code, "records": [r.id for r in records],
        "codes": [r.archival_code for r in records], "reason": reason.strip()})
    return _detail(session, volume, viewer)


def reorder(session: Session, identity: Identity, ref: str | int, record_refs: Sequence[str | int]) -> dict[str, Any]:
    """Give the items the order named (every item of the volume, once)."""
    viewer = arranger(session, identity)
    volume = volume_ref(session, viewer, ref)
    open_for_items(volume)
    wanted = arrangeable(session, viewer, record_refs)
    present = items(session, volume)
    if sorted(r.id for r in wanted) != sorted(r.id for r in present):
        raise ValidationError("name every item of the volume once, in the new order")
    for n, record in enumerate(wanted, start=1):
        record.sequence = n
    session.flush()
    record_event(session, viewer, "volume.reorder", f"volume:{volume.id}",
                 {"archival_code": volume.archival_code, "order": [r.id for r in wanted]})
    return _detail(session, volume, viewer)


def move_item(session: Session, identity: Identity, record_ref_: str | int, to: str | int, *,
              reason: str) -> dict[str, Any]:
    """Move one item from its volume to another, with a reason kept on both volumes' 备考表."""
    viewer = arranger(session, identity)
    _need_reason(reason)
    (record,) = arrangeable(session, viewer, [record_ref_])
    target = volume_ref(session, viewer, to)
    source = session.get(Volume, record.volume_id) if record.volume_id else None
    if source is None:
        raise ValidationError(f"record {record.archival_code or record.id} is in no volume: add it instead")
    if source.id == target.id:
        raise ValidationError("the item is in that volume already")
    open_for_items(source)
    put(session, viewer, target, [record], reason=reason, moving=True)
    _close_up(session, source)
    record_event(session, viewer, "volume.move_item", f"volume:{source.id}", {
        "archival_code": source.archival_code, "record": record.id, "code": record.archival_code,
        "to": target.archival_code, "reason": reason.strip()})
    return _detail(session, target, viewer)


def split(session: Session, identity: Identity, ref: str | int, at: int, *, title: str, reason: str) -> dict[str, Any]:
    """Items from 序号 `at` on go into a new volume of the same series (a volume grown too thick)."""
    viewer = arranger(session, identity)
    _need_reason(reason)
    volume = volume_ref(session, viewer, ref)
    open_for_items(volume)
    present = items(session, volume)
    moving = [r for r in present if (r.sequence or 0) >= at]
    if not moving or len(moving) == len(present):
        raise ValidationError("split at a 序号 that leaves items in both volumes")
    new = new_volume(session, viewer, fonds=volume.fonds.code, category=volume.category_code, year=volume.year,
                     retention=volume.retention, title=title, org=volume.org_code, department=volume.department,
                     kind=volume.kind)
    new.secrecy = volume.secrecy  # never under-classify: the new volume starts at the old one's level
    put(session, viewer, new, moving, reason=reason, moving=True)
    _close_up(session, volume)
    record_event(session, viewer, "volume.split", f"volume:{volume.id}", {
        "archival_code": volume.archival_code, "into": new.archival_code, "at": at, "reason": reason.strip()})
    return _detail(session, new, viewer)


def merge(session: Session, identity: Identity, into: str | int, source_ref: str | int, *, reason: str) -> dict[str, Any]:
    """All items of `source` follow those of `into`; the emptied volume keeps its code (never reused)."""
    viewer = arranger(session, identity)
    _need_reason(reason)
    target = volume_ref(session, viewer, into)
    source = volume_ref(session, viewer, source_ref)
    if source.id == target.id:
        raise ValidationError("a volume cannot be merged into itself")
    open_for_items(source)
    moving = items(session, source)
    if not moving:
        raise ValidationError(f"volume {source.archival_code} has no items")
    put(session, viewer, target, moving, reason=reason, moving=True)
    _close_up(session, source)  # the emptied volume counts no pages any more
    source.notes = (source.notes + " ").lstrip() + f"[已并入 {target.archival_code}]"
    record_event(session, viewer, "volume.merge", f"volume:{source.id}", {
        "archival_code": source.archival_code, "into": target.archival_code, "reason": reason.strip()})
    return _detail(session, target, viewer)


# -- keeping the volume true --------------------------------------------------------------------------
def recount(session: Session, volume: Volume) -> None:
    """The page count is the sum of the items' pages once the volume is arranged here."""
    session.flush()
    volume.pages = session.execute(select(func.coalesce(func.sum(Record.pages), 0))
                                   .where(Record.volume_id == volume.id)).scalar_one()


def follow_dates(session: Session, volume: Volume) -> None:
    """起止日期 from the items' dates (an imported volume with no items keeps what it was given)."""
    first, last = session.execute(select(func.min(Record.doc_date), func.max(Record.doc_date))
                                  .where(Record.volume_id == volume.id)).one()
    if first is not None:
        volume.date_range = f"{date_text(first)}-{date_text(last)}"


def _close_up(session: Session, volume: Volume) -> None:
    for n, record in enumerate(items(session, volume), start=1):
        record.sequence = n
    session.flush()
    follow_dates(session, volume)
    recount(session, volume)


def _need_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("give a reason: it is kept in the volume's 备考表")


def check(session: Session, identity: Identity, ref: str | int, *, note: str = "") -> dict[str, Any]:
    """The volume checked (检查): the 检查人 and date of its 备考表."""
    viewer = arranger(session, identity)
    volume = volume_ref(session, viewer, ref)
    record_event(session, viewer, "volume.check", f"volume:{volume.id}",
                 {"archival_code": volume.archival_code, **({"note": note.strip()[:500]} if note.strip() else {})})
    return _detail(session, volume, viewer)
