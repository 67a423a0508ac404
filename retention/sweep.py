"""The daily sweep (DOMAIN.md §3, §4, §7): what is due for appraisal, which secrecy terms end
(plus the yearly secrets review, and the secrets whose term is 长期 or unknown), what is due for
transfer to the state archive, and which records missed the filing deadline. The periodic task
first ends the terms that ended (retention.secrecy.end_expired_terms, `end_terms_as`); the lists
themselves change nothing. Counts are exact; lists are capped at `limit` rows so the
sweep stays cheap over millions of records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, exists, func, not_, select, true
from sqlalchemy.orm import Session

from archive.clock import today as clock_today
from archive.codes import STATE_SECRET_LEVELS, RecordStatus, VolumeStatus
from archive.config import Settings
from archive.lifecycle_models import AppraisalItem, SecrecyReview
from archive.models import Record, Volume
from archive.policy import Viewer
from archive.visibility import visible
from retention import rules, secrecy

SECRET_CODES = sorted(s.value for s in STATE_SECRET_LEVELS)
UNFILED = (RecordStatus.RECEIVED.value, RecordStatus.PROCESSING.value, RecordStatus.NEEDS_REVIEW.value,
           RecordStatus.FAILED.value)
NOT_DESTROYED = Record.status != RecordStatus.DESTROYED.value


def due_for_appraisal_clause(day: dt.date):
    """Due and not yet taken into an appraisal for this due date."""
    appraised = exists().where(AppraisalItem.record_id == Record.id, AppraisalItem.due_on == Record.retention_due)
    return and_(Record.retention_due <= day, NOT_DESTROYED, not_(appraised))


def term_end_clause(day: dt.date, window_days: int):
    """State secrets whose term ends within the window (or already ended) with no review of that term."""
    reviewed = exists().where(SecrecyReview.record_id == Record.id, SecrecyReview.kind == "term_end",
                              SecrecyReview.term_end == Record.declassify_on)
    return and_(Record.secrecy.in_(SECRET_CODES), Record.declassify_on <= day + dt.timedelta(days=window_days),
                NOT_DESTROYED, not_(reviewed))


def yearly_review_clause(day: dt.date):
    """Units review every secret they hold once a year (DOMAIN.md §4)."""
    reviewed = exists().where(SecrecyReview.record_id == Record.id, SecrecyReview.review_year == day.year)
    return and_(Record.secrecy.in_(SECRET_CODES), NOT_DESTROYED, not_(reviewed))


def open_term_clause(day: dt.date):
    """State secrets whose term never ends by itself (长期, or no known term), not yet reviewed
    this year: the security officer decides them (DOMAIN.md §4)."""
    reviewed = exists().where(SecrecyReview.record_id == Record.id, SecrecyReview.review_year == day.year)
    return and_(Record.secrecy.in_(SECRET_CODES), Record.declassify_on.is_(None), NOT_DESTROYED,
                Record.status != RecordStatus.TRANSFERRED.value, not_(reviewed))


def transfer_clause(day: dt.date, years: int):
    """Permanent records whose transfer date (1 Jan of year+1, plus N years) has come."""
    gone = exists().where(Volume.id == Record.volume_id, Volume.status == VolumeStatus.TRANSFERRED.value)
    return and_(Record.retention == "Y", Record.year + 1 + years <= day.year, NOT_DESTROYED,
                Record.status == RecordStatus.FILED.value, not_(gone))


def filing_overdue_clause(day: dt.date, deadline: str):
    """Records of a past year still not filed after that year's deadline (default 30 June)."""
    month, dom = (int(x) for x in deadline.split("-"))
    last_year_past_deadline = day.year - 1 if (day.month, day.day) > (month, dom) else day.year - 2
    return and_(Record.year <= last_year_past_deadline, Record.status.in_(UNFILED))


def run(session: Session, settings: Settings | None = None, *, day: dt.date | None = None, limit: int = 1000,
        viewer: Viewer | None = None, end_terms_as: str | None = None) -> dict[str, Any]:
    """The daily lists. With `viewer`, items and counts cover only the records that viewer may
    see (archive.visibility); without one, the whole catalog (the periodic task, a system process).
    With `end_terms_as` (the periodic task's name), the secrecy terms that ended are ended first,
    in this unit of work, as that actor."""
    day = day or clock_today()
    ended = None
    if end_terms_as is not None and viewer is None:
        ended = secrecy.end_expired_terms(session, actor=end_terms_as, day=day)
    seen = true() if viewer is None else visible(viewer, include_destroyed=True)
    window = int(rules.get(session, "declassify_window_days"))
    years = rules.transfer_years(session, settings)
    deadline = settings.filing_deadline if settings else "06-30"
    lists = {
        "due_for_appraisal": (due_for_appraisal_clause(day), Record.retention_due),
        "declassification_review": (term_end_clause(day, window), Record.declassify_on),
        "yearly_secrecy_review": (yearly_review_clause(day), Record.id),
        "due_for_transfer": (transfer_clause(day, years), Record.year),
        "filing_overdue": (filing_overdue_clause(day, deadline), Record.year),
        "secrecy_term_open": (open_term_clause(day), Record.id),
    }
    out: dict[str, Any] = {"date": day.isoformat(), "transfer_years": years, "limit": limit}
    for name, (clause, order) in lists.items():
        count = session.execute(select(func.count()).select_from(Record).where(clause, seen)).scalar_one()
        rows = session.execute(
            select(Record.id, Record.archival_code, Record.title, Record.category_code, Record.year, Record.retention,
                   Record.retention_due, Record.secrecy, Record.declassify_on, Record.status)
            .where(clause, seen).order_by(order, Record.id).limit(limit)
        ).all()
        out[name] = {"count": count, "items": [_row(r) for r in rows]}
    if ended is not None:
        out["secrecy_terms_ended"] = {"count": len(ended["declassified"]), "items": ended["declassified"][:limit],
                                      "held": ended["held"][:limit]}
    return out


def _row(r) -> dict[str, Any]:
    return {
        "id": r.id, "archival_code": r.archival_code, "title": r.title, "category": r.category_code, "year": r.year,
        "retention": r.retention, "due": r.retention_due.isoformat() if r.retention_due else None,
        "secrecy": r.secrecy, "declassify_on": r.declassify_on.isoformat() if r.declassify_on else None,
        "status": r.status,
    }
