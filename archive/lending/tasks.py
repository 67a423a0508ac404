"""Periodic lending tasks (Celery beat)."""

from __future__ import annotations

from archive.celery_app import app
from archive.config import load_settings
from archive.db import Catalog
from archive.lending import overdue


@app.task(name="archive.lending.remind_overdue")
def remind_overdue() -> int:
    """Chase overdue loans: in-app notifications and the e-mail hook; returns reminders sent."""
    catalog = Catalog(load_settings().database_url)
    try:
        with catalog.session() as session:
            return overdue.remind(session)
    finally:
        catalog.dispose()
