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


def transfer_years_for(configured: int | None, bureau_level: str = "prefecture") -> int:
    """Years after which permanent records go to the state archive (DOMAIN.md §3): the
    configured value, else 20 at a prefecture-level bureau and 10 at a county-level one."""
    if configured:
        return int(configured)
    return 10 if bureau_level == "county" else 20


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))
