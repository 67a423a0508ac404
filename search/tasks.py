"""Keep the index in step with the catalog: drain the outbox every minute (and when a unit of
work that changed indexed records commits, see archive.runtime)."""

from __future__ import annotations

from archive.celery_app import RETRY, app
from archive.runtime import Runtime


@app.task(name="search.drain_outbox", **RETRY)
def drain_outbox() -> dict:
    """Rows stay in the outbox while the index is down; this catches up once it is back."""
    runtime = Runtime(nudge="off")
    try:
        report = runtime.drain_index()
        # Counts only: an index error's text can quote a document's fields, and Celery logs results.
        return {k: v for k, v in vars(report).items() if isinstance(v, int)}
    finally:
        runtime.close()
