"""Boxes (档案盒) for item-based filing (DA/T 22-2015): items of one fonds, category, year,
retention (and organisation) are boxed in item-number order; the cover and spine show the box
number and the range of item numbers it holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.archival_code import CodeParts
from archive.arrangement import codes
from archive.arrangement.common import (
    arrangeable,
    arranger,
    box_ref,
    date_text,
    fonds_by_code,
    record_event,
    viewer_of,
)
from archive.codes import Retention
from archive.errors import Conflict, ValidationError
from archive.identity import Identity
from archive.models import Box, Record
from archive.policy import Viewer
from archive.visibility import visible


def box_items(session: Session, box: Box, viewer: Viewer | None = None) -> list[Record]:
    query = select(Record).where(Record.box_id == box.id)
    if viewer is not None:
        query = query.where(visible(viewer))
    return list(session.execute(query.order_by(Record.item_no, Record.id)).scalars())


def item_range(records: Sequence[Record]) -> tuple[int | None, int | None]:
    numbers = [r.item_no for r in records if r.item_no is not None]
    return (min(numbers), max(numbers)) if numbers else (None, None)


def box_json(session: Session, box: Box, viewer: Viewer) -> dict[str, Any]:
    from archive.arrangement.common import box_level

    records = box_items(session, box, viewer)
    first, last = item_range(records)
    return {"id": box.id, "code": box.code, "box_no": box.box_no, "fonds": box.fonds.code, "fonds_name": box.fonds.name,
            "category": box.category_code, "year": box.year, "retention": box.retention, "org": box.org_code,
            "title": box.title, "secrecy": box_level(session, box), "status": box.status,
            "location": box.location.path if box.location else "", "first_item": first, "last_item": last,
            "items": [{"id": r.id, "item_no": r.item_no, "archival_code": r.archival_code, "doc_no": r.doc_no,
                       "issuer": r.issuer, "title": r.title, "date": date_text(r.doc_date), "pages": r.pages or 0,
                       "secrecy": r.secrecy} for r in records]}


def create(session: Session, identity: Identity, *, fonds: str, category: str, year: int, retention: str,
           org: str = "", title: str = "", department: str = "") -> dict[str, Any]:
    viewer = arranger(session, identity)
    box = new_box(session, viewer, fonds=fonds, category=category, year=year, retention=retention, org=org,
                  title=title, department=department)
    return box_json(session, box, viewer)


def new_box(session: Session, viewer: Viewer, *, fonds: str, category: str, year: int, retention: str,
            org: str = "", title: str = "", department: str = "") -> Box:
    try:
        retention = Retention.parse(retention).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    fonds_row = fonds_by_code(session, fonds)
    parts = CodeParts(fonds_row.code, category.strip().upper(), int(year), retention, org.strip().upper())
    code, number = codes.issue_box_number(session, parts)
    box = Box(fonds_id=fonds_row.id, category_code=parts.category, year=parts.year, retention=retention,
              org_code=parts.org, box_no=number, code=code, title=(title or "").strip()[:500],
              department=department.strip())
    session.add(box)
    session.flush()
    record_event(session, viewer, "box.create", f"box:{box.id}", {"code": code})
    return box


def add(session: Session, identity: Identity, ref: str | int, record_refs: Sequence[str | int]) -> dict[str, Any]:
    """Put items into a box: items of the box's series, each in one box only."""
    viewer = arranger(session, identity)
    box = box_ref(session, viewer, ref)
    records = arrangeable(session, viewer, record_refs)
    put(session, viewer, box, records)
    return box_json(session, box, viewer)


def put(session: Session, viewer: Viewer, box: Box, records: Sequence[Record]) -> None:
    for record in records:
        code = record.archival_code or record.id
        if record.box_id is not None:
            raise Conflict(f"record {code} is in a box already")
        if (record.fonds_id, record.category_code, record.year, record.retention) != (
                box.fonds_id, box.category_code, box.year, box.retention) or (box.org_code and record.org_code != box.org_code):
            raise ValidationError(f"record {code} is not of the box's fonds, category, year and retention")
        record.box_id = box.id
    session.flush()
    record_event(session, viewer, "box.add", f"box:{box.id}",
                 {"code": box.code, "records": [r.id for r in records], "codes": [r.archival_code for r in records]})


def show(session: Session, identity: Identity, ref: str | int) -> dict[str, Any]:
    viewer = viewer_of(session, identity)
    return box_json(session, box_ref(session, viewer, ref), viewer)
