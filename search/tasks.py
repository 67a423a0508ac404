"""Keep the index in step with the catalog: drain the outbox every minute (and after filing)."""

from __future__ import annotations

from archive.celery_app import app
from archive.config import load_settings
from archive.db import Catalog
from search.indexer import drain
from search.open import open_index


@app.task(name="search.drain_outbox")
def drain_outbox() -> dict:
    """Rows stay in the outbox while the index is down; this catches up once it is back."""
    settings = load_settings()
    catalog = Catalog(settings.database_url)
    try:
        report = drain(catalog, open_index(settings.search_url))
        return {k: v for k, v in vars(report).items() if isinstance(v, int | str | list)}
    finally:
        catalog.dispose()
