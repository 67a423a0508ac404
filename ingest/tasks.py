"""Celery tasks: one task per record, idempotent by the record's SHA-256, acknowledged late so
a worker killed mid-record has the task redelivered and the record finished exactly once."""

from __future__ import annotations

from archive.celery_app import app
from archive.config import load_settings
from archive.db import Catalog
from archive.errors import ArchiveError
from ingest.pipeline import IngestService, Options
from storage import open_store


@app.task(name="ingest.process_record", bind=True, acks_late=True, autoretry_for=(OSError, ConnectionError),
          retry_backoff=True, retry_backoff_max=300, max_retries=5)
def process_record(self, record_id: int, engine: str = "rapidocr") -> dict:
    settings = load_settings()
    catalog = Catalog(settings.database_url)
    try:
        service = IngestService(catalog, open_store(settings.storage_url), actor="worker",
                                options=Options(engine=engine, workers=1), anchor_every=settings.audit_anchor_every)
        result = service.process(record_id)
        try:
            from search.indexer import drain
            from search.open import open_index

            drain(catalog, open_index(settings.search_url))
        except (ImportError, ArchiveError):
            pass  # the outbox keeps the record until the index is back
        return result
    finally:
        catalog.dispose()
