"""Filing: the record, its pages and objects in one catalog transaction, with an archival code
and an index outbox row, or nothing at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from archive import archival_code, audit
from archive.archival_code import CodeParts
from archive.clock import utcnow
from archive.codes import SECRECY_ORDER, RecordStatus, Secrecy
from archive.models import Page, Record, StoredObject
from ingest import leases


@dataclasses.dataclass
class PageResult:
    page_no: int
    width: int | None
    height: int | None
    dpi: int | None
    color_mode: str
    sha256: str  # the stored page image
    ocr_engine: str
    ocr_confidence: float | None
    text: str
    blank: bool
    rotation: int
    skew_angle: float
    flags: list[str]
    operator: str = ""  # who scanned or uploaded it
    scanned_at: dt.datetime | None = None  # the file's capture time, else when it was received
    phash: int | None = None


@dataclasses.dataclass
class Derived:
    """An object made from the originals (page image, thumbnail, PDF, text)."""

    sha256: str
    size: int
    media_type: str
    role: str
    page_no: int | None = None
    filename: str = ""


def higher_secrecy(a: str, b: str) -> str:
    """Never under-classify: of two levels, keep the higher."""
    return max(Secrecy(a), Secrecy(b), key=SECRECY_ORDER.index).value


def code_parts(record: Record) -> CodeParts:
    return CodeParts(record.fonds.code, record.category_code, record.year, record.retention, record.org_code or "")


def ensure_code(session: Session, record: Record) -> str:
    """The record's archival code, issued now from its current parts if it has none yet."""
    if record.archival_code is None:
        record.archival_code, record.item_no = archival_code.issue(session, code_parts(record))
    return record.archival_code


def set_status(session: Session, record: Record, status: RecordStatus, actor: str, **details) -> None:
    if status in (RecordStatus.PROCESSING, RecordStatus.FAILED):
        # A run that lost its claim (another run filed the record, or an archivist reviewed it
        # meanwhile) neither restarts nor fails it (ingest.leases).
        leases.guard(session, record.id)
    previous = record.status
    record.status = status.value
    audit.record(session, actor, f"record.{status.value}", f"record:{record.id}",
                 {"from": previous, **{k: v for k, v in details.items() if v not in (None, "", [])}})


def transaction_elsewhere(session: Session, record: Record) -> list[str]:
    """One transaction is one item (DOMAIN.md §13): another item with the same 业务流水号 means a
    transaction split over two records, for a person to merge or correct."""
    others = session.execute(select(Record.archival_code, Record.id).where(
        Record.transaction_no == record.transaction_no, Record.id != record.id,
        Record.category_code == record.category_code)).all()
    return [f"transaction_elsewhere:{code or rid}" for code, rid in others[:3]]


def pages_elsewhere(session: Session, record: Record, pages: list[PageResult]) -> list[str]:
    """A page whose image is already a page of another record (the same sheet filed twice);
    blank pages are alike everywhere and are not counted."""
    keys = {p.sha256: p.page_no for p in pages if p.sha256 and not p.blank}
    if not keys:
        return []
    rows = session.execute(select(Page.sha256, Record.archival_code, Record.id).join(Record, Record.id == Page.record_id)
                           .where(Page.sha256.in_(list(keys)), Page.record_id != record.id, Page.blank.is_(False))).all()
    found = sorted({(keys[key], code or str(rid)) for key, code, rid in rows})
    return ["page_identical_elsewhere:" + ",".join(f"{n}={code}" for n, code in found[:5])] if found else []


def file_record(session: Session, record: Record, *, fields: dict, pages: list[PageResult],
                derived: list[Derived], review_reasons: list[str], actor: str,
                check: Callable[[Session, Record], None] | None = None) -> Record:
    """Write everything about one processed record. Runs inside the caller's transaction; `check`
    (the four-property check) runs on the written record before its status is set.

    Under the record's row lock, it first checks that the record is still being processed by
    this run (ingest.leases.guard): a late duplicate never overwrites a filed record or an
    archivist's review."""
    leases.guard(session, record.id)
    session.refresh(record)  # what another transaction committed before the lock, not a stale copy
    if record.status not in leases.CLAIMABLE:
        raise leases.LeaseLost(record.id)
    fields = dict(fields)
    evidence = fields.pop("extra_evidence", None)
    for name, value in fields.items():
        setattr(record, name, value)
    if evidence is not None:
        record.extra = {**(record.extra or {}), "evidence": evidence}
    record.pages = len(pages)
    confidences = [p.ocr_confidence for p in pages if p.ocr_confidence is not None and not p.blank]
    record.ocr_confidence = round(sum(confidences) / len(confidences), 4) if confidences else None
    # Retention start, due and transfer dates follow from year and retention in the unit of work.
    if not ensure_code(session, record).startswith(code_parts(record).prefix + "-"):
        # The code was issued before a correction changed its parts: codes are stable, note it.
        record.notes = (record.notes + " ").lstrip() + "[档号按归档时的门类/年度/期限编制]"
    # A resumed attempt may have left nothing (filing is atomic) but clear defensively.
    session.execute(delete(Page).where(Page.record_id == record.id))
    for p in pages:
        session.add(Page(
            record_id=record.id, page_no=p.page_no, width=p.width, height=p.height, dpi=p.dpi,
            color_mode=p.color_mode, sha256=p.sha256, ocr_engine=p.ocr_engine, ocr_confidence=p.ocr_confidence,
            ocr_text=p.text, blank=p.blank, rotation=p.rotation, skew_angle=p.skew_angle, flags=p.flags,
            operator=p.operator, scanned_at=p.scanned_at or record.created_at or utcnow(),
        ))
    known = {(o.sha256, o.role, o.page_no) for o in session.execute(
        select(StoredObject).where(StoredObject.record_id == record.id)).scalars()}
    for d in derived:
        if (d.sha256, d.role, d.page_no) in known:
            continue
        name = d.filename or (f"{record.archival_code}-{d.page_no:04d}" if d.page_no else record.archival_code)
        session.add(StoredObject(sha256=d.sha256, size=d.size, media_type=d.media_type, role=d.role,
                                 record_id=record.id, page_no=d.page_no, filename=name))
    review_reasons = [*review_reasons, *pages_elsewhere(session, record, pages)]
    if record.transaction_no:
        record.extra = {**(record.extra or {}), "transaction": record.transaction_no}  # auto_arrange groups by it
        review_reasons = [*review_reasons, *transaction_elsewhere(session, record)]
    record.review_reasons = review_reasons
    record.error = ""
    record.filed_at = utcnow()
    if check is not None:
        check(session, record)
    status = RecordStatus.NEEDS_REVIEW if review_reasons else RecordStatus.FILED
    set_status(session, record, status, actor, archival_code=record.archival_code, review_reasons=review_reasons)
    return record

