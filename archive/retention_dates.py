"""Retention and transfer dates (DOMAIN.md §3): a fixed term counts from 1 January of the
year after the record was formed."""

from __future__ import annotations

import datetime as dt

from archive.codes import Retention


def retention_dates(year: int | None, retention: str, transfer_after_years: int = 20
                    ) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(retention start, appraisal due date or None for permanent, transfer due date)."""
    if not year:
        return None, None, None
    start = dt.date(year + 1, 1, 1)
    years = Retention.parse(retention).years
    due = start.replace(year=start.year + years) if years is not None else None
    transfer = start.replace(year=start.year + transfer_after_years)
    return start, due, transfer
