"""Celery tasks: one task per record, acknowledged late so a worker killed mid-record has the task
redelivered. Each run claims the record first (ingest.leases): a redelivered copy of a task still
running elsewhere looks again a lease later (by then the record is filed and it stops, or the run
died and it takes the record over); a copy of a dead worker's task finds the lease lapsed; and
the beat reaper requeues records whose run died without a task left to redeliver. Tasks return
ids only. The unit of work queues the filed record for indexing and nudges the index after commit."""

from __future__ import annotations

import logging

from archive.celery_app import RETRY, app
from archive.identity import system
from archive.runtime import Runtime
from ingest import leases
from ingest.exactly_once import LeasedIngestService
from ingest.pipeline import Options

log = logging.getLogger(__name__)


@app.task(name="ingest.process_record", acks_late=True, **RETRY)
def process_record(record_id: int, engine: str = "rapidocr") -> dict:
    runtime = Runtime()
    try:
        service = LeasedIngestService(runtime.catalog, runtime.store, system("ingest", channel="task"),
                                      options=Options(engine=engine, workers=1),
                                      anchor_every=runtime.settings.audit_anchor_every,
                                      lease_seconds=runtime.settings.ingest_lease_seconds)
        result = service.process(record_id)
        if result.get("skipped"):
            # A copy of a task still running elsewhere (redelivered after the visibility timeout):
            # look again once that run's lease could have lapsed. If it finished by then this copy
            # stops; if its worker died, this copy takes the record over. The delay stays below
            # the visibility timeout, so the waiting copy is not itself redelivered.
            process_record.apply_async((record_id, engine), countdown=runtime.settings.ingest_lease_seconds)
        return {"id": record_id, "status": result["status"], "skipped": result.get("skipped")}
    finally:
        runtime.close()


@app.task(name="ingest.requeue_lapsed", acks_late=True, **RETRY)
def requeue_lapsed() -> list[int]:
    """Beat: records whose run died (lease lapsed while processing) go back to the workers."""
    runtime = Runtime()
    try:
        with runtime.catalog.session() as session:
            ids = leases.lapsed(session, grace=runtime.settings.task_visibility_timeout)
        for record_id in ids:
            runtime.send("ingest.process_record", record_id)
        if ids:
            log.warning("requeued %d records whose ingest run died: %s", len(ids), ids)
        return ids
    finally:
        runtime.close()
