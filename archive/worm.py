"""Write-once storage for records kept long (issue 16): the originals and searchable PDFs of
permanent (Y) and long-term (30 years or more) records are retained by the object store until
their retention due date, in S3 object lock's COMPLIANCE mode, so that nobody (not the app, not
the bucket's administrator) can change or delete them before then.

Short-term records are left unlocked: their retention may still change at review, and COMPLIANCE
retention can be lengthened but never shortened. Permanent records have no due date; they are
retained for PERMANENT_YEARS from their retention start. The store decides whether it enforces
anything (`ObjectStore.retain`: S3 with object lock, unless ARCHIVE_S3_OBJECT_LOCK=off); legal
holds are separate (retention.holds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import ObjectRole, RecordStatus, Retention
from archive.models import AuditEvent, Record, StoredObject

LONG_TERM_YEARS = 30
PERMANENT_YEARS = 100
PROTECTED_ROLES = (ObjectRole.ORIGINAL.value, ObjectRole.PDF.value)
# A record is locked once filed: before that (received, processing, needs review) its
# retention is not settled.
LOCKED_STATUSES = (RecordStatus.FILED.value,)


def retain_until(record: Record) -> dt.datetime | None:
    """Until when the record's objects are write-once; None when they are not locked."""
    try:
        years = Retention.parse(record.retention or "").years
    except ValueError:
        return None
    if years is None:  # permanent
        start = record.retention_start
        if start is None and record.year:
            start = dt.date(record.year + 1, 1, 1)
        if start is None:
            return None
        return dt.datetime.combine(start.replace(year=start.year + PERMANENT_YEARS), dt.time(), tzinfo=dt.UTC)
    if years < LONG_TERM_YEARS or record.retention_due is None:
        return None
    return dt.datetime.combine(record.retention_due, dt.time(), tzinfo=dt.UTC)


def protect_record(session: Session, store: Any, record: Record) -> int:
    """Retain the record's originals and PDFs in the store; how many objects are now retained."""
    until = retain_until(record) if record.status in LOCKED_STATUSES else None
    if until is None or store is None or not getattr(store, "worm", False):
        return 0
    keys = session.execute(select(StoredObject.sha256).where(
        StoredObject.record_id == record.id, StoredObject.role.in_(PROTECTED_ROLES),
        StoredObject.destroyed_at.is_(None))).scalars().all()
    return sum(1 for key in dict.fromkeys(keys) if store.retain(key, until))


def protect_filed(session: Session, store: Any, *, since: dt.datetime | None = None) -> int:
    """Retain the objects of every filed permanent or long-term record (changed since `since`):
    the periodic catch-up for records filed after review or whose retention was lengthened.
    Safe to repeat: retention only ever grows."""
    if store is None or not getattr(store, "worm", False):
        return 0
    long_kept = [r.value for r in Retention if r.years is None or r.years >= LONG_TERM_YEARS]
    query = select(Record).where(Record.status.in_(LOCKED_STATUSES), Record.retention.in_(long_kept))
    if since is not None:
        query = query.where(Record.updated_at >= since)
    count = 0
    for record in session.execute(query.order_by(Record.id)).scalars():
        count += protect_record(session, store, record)
    return count


RETAIN_EVENT = "objects.retain"
RETAIN_LOCK = 0x574F524D  # "WORM": one periodic run at a time on PostgreSQL
# Records changed this long before the previous run are looked at again: a transaction that
# flushed its record before that run started may have committed after it.
OVERLAP = dt.timedelta(minutes=30)


def retain_changed(session: Session, store: Any, actor: str) -> int:
    """The periodic run: retain the objects of records filed or changed since the previous run
    (the audit trail's last `objects.retain` event; the first run covers every record)."""
    if store is None or not getattr(store, "worm", False):
        return 0
    if session.get_bind().dialect.name == "postgresql" and not session.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RETAIN_LOCK}).scalar():
        return 0  # an earlier run is still at work (the first one on a large catalog takes long)
    last = session.execute(select(AuditEvent.time).where(AuditEvent.action == RETAIN_EVENT)
                           .order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    since = dt.datetime.fromisoformat(last).astimezone(dt.UTC) - OVERLAP if last else None
    count = protect_filed(session, store, since=since)
    if count or last is None:
        audit.record(session, actor, RETAIN_EVENT, "objects", {"retained": count, "since": str(since or "")})
    return count
