"""Catalog tasks that need nothing but the catalog."""

from __future__ import annotations

from archive import audit
from archive.celery_app import app
from archive.config import load_settings
from archive.db import Catalog


@app.task(name="archive.verify_audit_chain")
def verify_audit_chain() -> dict:
    """Walk the audit chain in the catalog (anchors are checked by retention's task)."""
    catalog = Catalog(load_settings().database_url)
    try:
        with catalog.session() as session:
            return audit.verify(session).to_dict()
    finally:
        catalog.dispose()


import archive.lending.tasks  # noqa: E402, F401  (registers the lending tasks with the worker)
