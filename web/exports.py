"""Exports: a search's results as CSV, only records the policy lets this viewer export; audited."""

from __future__ import annotations

import csv
import dataclasses
import io

from sqlalchemy import select

from archive import audit
from archive.models import Record
from archive.policy import Action, Viewer
from web.access import actions_for

COLUMNS = ("archival_code", "title", "year", "category_code", "secrecy", "retention", "doc_no", "issuer", "doc_date")
MAX_ROWS = 1000
PAGE = 100


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_search(services, db, viewer: Viewer, query) -> str:  # noqa: ANN001 - query: search.model.SearchQuery
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    written, page = 0, 1
    search = services.search_service()
    while written < MAX_ROWS:
        result = search.search(dataclasses.replace(query, page=page, size=PAGE, facets=(), search_after=None))
        ids = [h.id for h in result.hits]
        if not ids:
            break
        rows = {r.id: r for r in db.execute(select(Record).where(Record.id.in_(ids))).scalars()}
        for rid in ids:
            record = rows.get(rid)
            if record is None or Action.EXPORT not in actions_for(viewer, record):
                continue
            writer.writerow([_cell(getattr(record, c)) for c in COLUMNS])
            written += 1
        if page * PAGE >= result.total or page * PAGE >= 10_000:
            break
        page += 1
    audit.record(db, viewer.username, "export", "search",
                 {"q": query.text[:200], "filters": {k: list(v) for k, v in query.filters.items()}, "rows": written})
    return out.getvalue()
