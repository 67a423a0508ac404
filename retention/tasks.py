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


@app.task(name="retention.daily_sweep")
def daily_sweep(limit: int = 1000) -> dict:
    """The daily life-cycle sweep; its counts go to the audit trail so the run itself is on record."""
    from retention import sweep

    settings = load_settings()
    catalog = Catalog(settings.database_url)
    try:
        with catalog.session() as session:
            result = sweep.run(session, settings, limit=limit)
            counts = {k: v["count"] for k, v in result.items() if isinstance(v, dict)}
            audit.record(session, "system:retention", "retention.sweep", result["date"], counts)
            return result
    finally:
        catalog.dispose()


@app.task(name="retention.fixity_nightly")
def fixity_nightly(slices: int = 7) -> dict:
    """Recompute the digests of tonight's slice of the objects: all of them once a week."""
    from retention import fixity

    settings = load_settings()
    catalog = Catalog(settings.database_url)
    try:
        with catalog.session() as session:
            n, m = fixity.nightly_slice(slices)
            result = fixity.run(session, open_store(settings.storage_url), slice_no=n, slices=m)
            return {"slice": result.slice, "checked": result.checked, "changed": len(result.changed),
                    "missing": len(result.missing), "unexpected": len(result.unexpected)}
    finally:
        catalog.dispose()
