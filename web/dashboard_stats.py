"""The numbers on the dashboard, counted only over records the viewer may see (policy filter)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from archive.clock import CHINA, today
from archive.codes import RecordStatus
from archive.models import Record
from archive.policy import Viewer
from web.access import visible
from web.lending_views import month_counts

DAYS = 14


def stats(db, viewer: Viewer) -> dict:  # noqa: ANN001 - a catalog session
    where = visible(viewer)
    by_category = db.execute(
        select(Record.category_code, func.count()).where(where).group_by(Record.category_code)
        .order_by(Record.category_code)
    ).all()
    by_year = db.execute(
        select(Record.year, func.count()).where(where).group_by(Record.year).order_by(Record.year.desc()).limit(10)
    ).all()
    due = db.execute(
        select(Record.retention_due).where(where, Record.retention_due.is_not(None))
    ).scalars().all()
    due_by_year = Counter(d.year for d in due)
    since = dt.datetime.combine(today() - dt.timedelta(days=DAYS - 1), dt.time(), tzinfo=dt.UTC)
    filed = db.execute(
        select(Record.filed_at, Record.pages).where(where, Record.filed_at.is_not(None), Record.filed_at >= since)
    ).all()
    pages_per_day: Counter[str] = Counter()
    for filed_at, pages in filed:
        # SQLite returns naive UTC; the bureau's day is China time, like today().
        aware = filed_at if filed_at.tzinfo else filed_at.replace(tzinfo=dt.UTC)
        pages_per_day[aware.astimezone(CHINA).date().isoformat()] += pages or 0
    days = [(today() - dt.timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]
    review = db.scalar(select(func.count()).where(where, Record.status == RecordStatus.NEEDS_REVIEW.value)) or 0
    total = db.scalar(select(func.count()).where(where)) or 0
    # Loans come from the lending registers, whose rows archive.policy filters for this viewer.
    loans_per_month, overdue_loans = month_counts(db, viewer)
    return {
        "total": total,
        "needs_review": review,
        "by_category": [(c, n) for c, n in by_category],
        "by_year": [(str(y), n) for y, n in reversed(by_year)],
        "due_by_year": sorted((str(y), n) for y, n in due_by_year.items())[:15],
        "pages_per_day": [(d[5:], pages_per_day.get(d, 0)) for d in days],
        "loans_per_month": loans_per_month,
        "overdue_loans": overdue_loans,
    }
