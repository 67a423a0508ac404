"""One record's retention set by a person (DOMAIN.md §3, §6): a change with a reason, kept in
`retention_changes`.

Lengthening (a longer period, or permanent) needs a reason only and applies at once.
Shortening is what a schedule change that shortens is: proposed here with its reason, it waits
(`proposed`) until an approver of the schedule decides in their own session
(retention.schedule.approve_record_change), who may not be the proposer; only then does the
record take the shorter period and its due date follow (the unit of work derives it). A record
under hold is never made shorter. One proposal waits per record.

Faces reach this through the catalogue correction (ingest.corrections.correct).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import utcnow
from archive.codes import Retention
from archive.errors import Conflict, Forbidden, ValidationError
from archive.holds import is_held
from archive.lifecycle_models import RetentionChange
from archive.models import Record

SHORTEN, LENGTHEN = "shorten", "lengthen"
INDIVIDUAL_KINDS = ("extend", "keep_permanent", SHORTEN, LENGTHEN)  # what a schedule change leaves alone


def years(code: str) -> float:
    found = Retention.parse(code).years
    return float("inf") if found is None else float(found)


def shortens(old: str, new: str) -> bool:
    """A period of `new` is shorter than one of `old` (permanent is the longest)."""
    return years(new) < years(old)


def waiting(session: Session, record_id: int) -> RetentionChange | None:
    return session.execute(select(RetentionChange).where(
        RetentionChange.record_id == record_id, RetentionChange.status == "proposed")).scalars().first()


def request(session: Session, username: str, record: Record, new_retention: str, reason: str) -> RetentionChange:
    """Set `record`'s retention to `new_retention` on `username`'s word: applied when it
    lengthens, proposed for approval when it shortens."""
    new = Retention.parse(new_retention).value
    old = record.retention
    if new == old:
        raise ValidationError(f"record {record.id} is already kept {new}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"changing the retention of record {record.id} ({old} → {new}) needs a reason")
    if waiting(session, record.id) is not None:
        raise Conflict(f"record {record.id} already has a retention change waiting for approval")
    row = RetentionChange(record_id=record.id, old_retention=old, new_retention=new, old_due=record.retention_due,
                          reason=reason, decided_by=username, source="correction", changed_at=utcnow())
    if shortens(old, new):
        if is_held(session, record):
            raise Forbidden(f"record {record.archival_code or record.id} is under hold; its retention cannot be shortened")
        row.kind, row.status, row.new_due = SHORTEN, "proposed", None
        session.add(row)
        session.flush()
        audit.record(session, username, "retention.record.propose", f"record:{record.id}",
                     {"change": row.id, "old": old, "new": new, "reason": reason})
        return row
    record.retention = new
    session.flush()  # the unit of work derives the new due date
    row.kind, row.status, row.new_due = LENGTHEN, "applied", record.retention_due
    session.add(row)
    session.flush()
    audit.record(session, username, "retention.record.lengthen", f"record:{record.id}",
                 {"change": row.id, "old": old, "new": new, "reason": reason, "old_due": row.old_due,
                  "new_due": row.new_due})
    return row
