"""Celery tasks: one task per record, idempotent by the record's SHA-256, acknowledged late so
a worker killed mid-record has the task redelivered and the record finished exactly once.
The unit of work queues the filed record for indexing and nudges the index after commit."""

from __future__ import annotations

from archive.celery_app import app
from archive.identity import system
from archive.runtime import Runtime
from ingest.pipeline import IngestService, Options


@app.task(name="ingest.process_record", bind=True, acks_late=True, autoretry_for=(OSError, ConnectionError),
          retry_backoff=True, retry_backoff_max=300, max_retries=5)
def process_record(self, record_id: int, engine: str = "rapidocr") -> dict:
    runtime = Runtime()
    try:
        service = IngestService(runtime.catalog, runtime.store, system("ingest", channel="task"),
                                options=Options(engine=engine, workers=1),
                                anchor_every=runtime.settings.audit_anchor_every)
        return service.process(record_id)
    finally:
        runtime.close()
