"""Periodic lending tasks (Celery beat). Tasks act as `system`, channel task."""

from __future__ import annotations

from archive.celery_app import RETRY, app
from archive.identity import system
from archive.lending import overdue
from archive.runtime import Runtime


@app.task(name="archive.lending.remind_overdue", **RETRY)
def remind_overdue() -> int:
    """Chase overdue loans: in-app notifications and the e-mail hook; returns reminders sent."""
    runtime = Runtime(nudge="off")
    try:
        with runtime.unit_of_work(system("remind-overdue", channel="task")) as session:
            return overdue.remind(session)
    finally:
        runtime.close()
