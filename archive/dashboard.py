"""The numbers on the dashboard (web page and GET /api/v1/dashboard), counted only over what the
person may see: records through the SQL form of the policy (archive.visibility), loans through
the lending registers, whose rows the policy filters for them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.clock import CHINA, today
from archive.codes import RecordStatus
from archive.disclosure.requests import due_soon
from archive.identity import Identity
from archive.lending import registers
from archive.models import Record
from archive.policy import Viewer
from archive.visibility import visible

DAYS = 14  # pages filed per day, over this many days
YEARS = 10  # records per year, the latest years
DUE_YEARS = 15  # records due for appraisal per year
MONTHS = 12  # loans per month


def stats(session: Session, identity: Identity) -> dict[str, Any]:
    viewer = identity.viewer
    where = visible(viewer)
    by_category = session.execute(
        select(Record.category_code, func.count()).where(where).group_by(Record.category_code)
        .order_by(Record.category_code)
    ).all()
    by_year = session.execute(
        select(Record.year, func.count()).where(where).group_by(Record.year).order_by(Record.year.desc()).limit(YEARS)
    ).all()
    due = session.execute(select(Record.retention_due).where(where, Record.retention_due.is_not(None))).scalars().all()
    due_by_year = Counter(d.year for d in due if d is not None)
    since = dt.datetime.combine(today() - dt.timedelta(days=DAYS - 1), dt.time(), tzinfo=dt.UTC)
    filed = session.execute(
        select(Record.filed_at, Record.pages).where(where, Record.filed_at.is_not(None), Record.filed_at >= since)
    ).all()
    pages_per_day: Counter[str] = Counter()
    for filed_at, pages in filed:
        if filed_at is None:
            continue
        # SQLite returns naive UTC; the bureau's day is China time, like today().
        aware = filed_at if filed_at.tzinfo else filed_at.replace(tzinfo=dt.UTC)
        pages_per_day[aware.astimezone(CHINA).date().isoformat()] += pages or 0
    days = [(today() - dt.timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]
    review = session.scalar(select(func.count()).where(where, Record.status == RecordStatus.NEEDS_REVIEW.value)) or 0
    total = session.scalar(select(func.count()).where(where)) or 0
    loans_per_month, overdue_loans = loan_counts(session, viewer)
    return {
        "total": total,
        "needs_review": review,
        "by_category": [(c, n) for c, n in by_category],
        "by_year": [(str(y), n) for y, n in reversed(by_year)],
        "due_by_year": sorted((str(y), n) for y, n in due_by_year.items())[:DUE_YEARS],
        "pages_per_day": [(d[5:], pages_per_day.get(d, 0)) for d in days],
        "loans_per_month": loans_per_month,
        "overdue_loans": overdue_loans,
        # Disclosure requests due within 5 working days or overdue (only for those who handle them).
        "disclosure_due": [{k: r[k] for k in ("id", "number", "due_on", "working_days_left", "overdue")}
                           for r in due_soon(session, identity)],
    }


def loan_counts(session: Session, viewer: Viewer, months: int = MONTHS) -> tuple[list[tuple[str, int]], int]:
    """Loan requests per month (physical loans and consultations) and the overdue count, over
    the register rows the policy lets the viewer see."""
    per_month: Counter[str] = Counter()
    seen: set[str] = set()
    for kind, number_col, date_col in (("loans", 0, 6), ("consultation", 0, 8)):
        for row in registers.rows(session, viewer, kind):
            if row[number_col] in seen:
                continue
            seen.add(row[number_col])
            per_month[str(row[date_col])[:7]] += 1
    first = today().replace(day=1)
    labels = []
    for _n in range(months):
        labels.append(first.isoformat()[:7])
        first = (first - dt.timedelta(days=1)).replace(day=1)
    overdue = len(registers.rows(session, viewer, "overdue"))
    return [(m, per_month.get(m, 0)) for m in reversed(labels)], overdue
