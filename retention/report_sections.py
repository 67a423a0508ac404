"""Compliance-report sections kept in the lending and fixity tables, reproducible as of a date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive.lending.models import FixityFailure, Loan


def _cutoff(as_of: dt.date) -> dt.datetime:
    from retention.reports import cutoff

    return cutoff(as_of)


def overdue_loans(session: Session, as_of: dt.date) -> list[dict]:
    """Loans out on `as_of` whose due date had passed."""
    end = _cutoff(as_of)
    rows = session.execute(
        select(Loan).where(Loan.issued_at < end, Loan.due_on < as_of,
                           or_(Loan.returned_at.is_(None), Loan.returned_at >= end)).order_by(Loan.due_on, Loan.id)
    ).scalars()
    return [{"loan": r.id, "volume_id": r.volume_id, "borrower": r.borrower, "due_on": r.due_on.isoformat(),
             "days_overdue": (as_of - r.due_on).days} for r in rows]


def fixity_failures(session: Session, as_of: dt.date) -> list[dict]:
    """Every fixity failure found on or before `as_of`."""
    rows = session.execute(
        select(FixityFailure).where(FixityFailure.found_at < _cutoff(as_of)).order_by(FixityFailure.id)
    ).scalars()
    return [{"key": r.key, "kind": r.kind, "run": r.run_id, "found_at": r.found_at.isoformat()} for r in rows]
