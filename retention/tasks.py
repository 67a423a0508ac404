"""Periodic life-cycle tasks (Celery beat)."""

from __future__ import annotations

from archive import audit
from archive.celery_app import app
from archive.config import load_settings
from archive.db import Catalog
from storage import open_store


@app.task(name="retention.anchor_audit_chain")
def anchor_audit_chain() -> dict | None:
    """Write the audit chain head to the object store so a rolled-back catalog is caught."""
    settings = load_settings()
    catalog = Catalog(settings.database_url)
    try:
        with catalog.session() as session:
            return audit.anchor(session, open_store(settings.storage_url))
    finally:
        catalog.dispose()
