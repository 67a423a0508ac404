"""Periodic life-cycle tasks (Celery beat). Tasks act as `system`, channel task: their audit
events say which task wrote them, and they approve, witness or sign nothing."""

from __future__ import annotations

from archive import audit
from archive.celery_app import RETRY, app
from archive.identity import system
from archive.runtime import Runtime


def _runtime() -> Runtime:
    # The sweep's declassifications leave outbox rows in their transaction; the periodic drain indexes them.
    return Runtime(nudge="off")


@app.task(name="retention.daily_sweep", **RETRY)
def daily_sweep(limit: int = 1000) -> dict:
    """The daily life-cycle sweep; its counts go to the audit trail so the run itself is on record."""
    from retention import sweep

    runtime = _runtime()
    who = system("retention", channel="task")
    try:
        with runtime.unit_of_work(who) as session:
            result = sweep.run(session, runtime.settings, limit=limit, end_terms_as=who.username)
            counts = {k: v["count"] for k, v in result.items() if isinstance(v, dict)}
            audit.record(session, who.username, "retention.sweep", result["date"], counts)
            # Counts only (the trail and the sweep's lists hold the details): Celery logs what a task returns.
            return {"date": result["date"], **{k: {"count": c} for k, c in counts.items()}}
    finally:
        runtime.close()
