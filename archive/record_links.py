"""Typed links between records (DOMAIN.md §15, filing): a signed draft (签发稿) is filed with its
fair copy (正本), a leader's written instruction (领导批示) with the report it answers. The link is
shown on both records' pages, each side with its own words.

Archivists (Action.FILE) add and remove links; anyone who may see a record sees its links to the
records they may also see. A record on the other side that the viewer may not see does not exist
for them: the link is left out, never shown half.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive import audit
from archive.arrangement.common import record_ref, viewer_of
from archive.errors import Conflict, NotFound, ValidationError
from archive.identity import Identity
from archive.models import Record
from archive.policy import Action, Viewer, can_see, require
from archive.room_models import RecordLink
from archive.visibility import MAX_ID

KINDS = ("draft_of", "instruction_on", "related")
# What each side of a link is called, seen from that side: (the from side, the to side).
SIDES = {
    "draft_of": ("签发稿", "正本"),
    "instruction_on": ("领导批示", "所批报告"),
    "related": ("相关文件", "相关文件"),
}
SIDES_EN = {
    "draft_of": ("signed draft", "fair copy"),
    "instruction_on": ("leader's instruction", "report instructed"),
    "related": ("related record", "related record"),
}


def _filer(session: Session, identity: Identity) -> Viewer:
    viewer = viewer_of(session, identity)
    require(viewer, Action.FILE)
    return viewer


def add(session: Session, identity: Identity, from_ref: str | int, to_ref: str | int, kind: str,
        note: str = "") -> dict[str, Any]:
    """Link `from_ref` to `to_ref` (ids or archival codes): e.g. the draft to its fair copy."""
    viewer = _filer(session, identity)
    if kind not in KINDS:
        raise ValidationError(f"the link kind is one of {', '.join(KINDS)}")
    source, target = record_ref(session, viewer, from_ref), record_ref(session, viewer, to_ref)
    if source.id == target.id:
        raise ValidationError("a record cannot be linked to itself")
    if len(note) > 500:
        raise ValidationError("the note has at most 500 characters")
    existing = session.execute(select(RecordLink).where(
        RecordLink.from_record_id == source.id, RecordLink.to_record_id == target.id,
        RecordLink.kind == kind)).scalar_one_or_none()
    if existing is not None:
        raise Conflict(f"record {source.id} is already linked to record {target.id} as {kind}")
    link = RecordLink(from_record_id=source.id, to_record_id=target.id, kind=kind, note=note.strip(),
                      created_by=viewer.username)
    session.add(link)
    session.flush()
    details = {"link": link.id, "kind": kind, "to": target.id}
    audit.record(session, viewer.username, "record.link", f"record:{source.id}", details)
    audit.record(session, viewer.username, "record.link", f"record:{target.id}",
                 {"link": link.id, "kind": kind, "from": source.id})
    return link_row(link, source, target, source.id)


def links(session: Session, identity: Identity, ref: str | int) -> list[dict[str, Any]]:
    """The links of one record, each with the other record the viewer may also see."""
    viewer = viewer_of(session, identity)
    record = record_ref(session, viewer, ref)
    return linked(session, viewer, record)


def linked(session: Session, viewer: Viewer, record: Record) -> list[dict[str, Any]]:
    """The links of a record the viewer already sees (for the record page)."""
    rows = session.execute(select(RecordLink).where(
        or_(RecordLink.from_record_id == record.id, RecordLink.to_record_id == record.id))
        .order_by(RecordLink.id)).scalars()
    out = []
    for link in rows:
        other = session.get(Record, link.to_record_id if link.from_record_id == record.id else link.from_record_id)
        if other is None or not can_see(viewer, other):
            continue
        source, target = (record, other) if link.from_record_id == record.id else (other, record)
        out.append(link_row(link, source, target, record.id))
    return out


def remove(session: Session, identity: Identity, link_id: int, reason: str = "") -> dict[str, Any]:
    """Undo a link made in error; the trail keeps that it existed and why it went."""
    viewer = _filer(session, identity)
    link = session.get(RecordLink, link_id) if 0 < link_id <= MAX_ID else None
    source = session.get(Record, link.from_record_id) if link else None
    target = session.get(Record, link.to_record_id) if link else None
    if link is None or source is None or target is None or not (can_see(viewer, source) and can_see(viewer, target)):
        raise NotFound(f"record link {link_id} does not exist")
    row = link_row(link, source, target, source.id)
    for side in (source.id, target.id):
        audit.record(session, viewer.username, "record.unlink", f"record:{side}",
                     {"link": link.id, "kind": link.kind, "from": source.id, "to": target.id, "reason": reason[:200]})
    session.delete(link)
    return row


def link_row(link: RecordLink, source: Record, target: Record, seen_from: int) -> dict[str, Any]:
    """A link seen from one record: what this record is, and what the other one is."""
    outgoing = seen_from == source.id
    other = target if outgoing else source
    mine, theirs = (0, 1) if outgoing else (1, 0)
    return {
        "id": link.id, "kind": link.kind, "note": link.note, "outgoing": outgoing,
        "this_is": SIDES[link.kind][mine], "this_is_en": SIDES_EN[link.kind][mine],
        "other_is": SIDES[link.kind][theirs], "other_is_en": SIDES_EN[link.kind][theirs],
        "other": {"id": other.id, "archival_code": other.archival_code or "", "title": other.title},
        "created_by": link.created_by,
    }
