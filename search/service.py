"""Searching the holdings as a person: what the web pages, the JSON API and `archive search` call.

The service owns the policy of search, so every face follows the same rules:
- **who may search at all**: the roles that work with records (archive.policy.READER_ROLES);
  the system administrator, the auditor and the security officer manage the system, its trail
  and its clearances, not the holdings;
- **what each person finds**: the index filters by the person's clearance and scope already, and
  matches text in a record's content only where the person may read it (search.model);
- **while the index lags the catalog** (a record changed, its outbox row not yet applied), the
  index still holds the record as it was. Before asking it, the service reads the outbox: a lagging
  record the person may not see now is left out of everything the index computes (hits, total,
  facets), one whose content they may not read now matches on its catalogue fields only. Each hit
  is also re-checked on the current catalog row (its snippets dropped when they may not read it);
- **the trail**: every search writes one `search` event (query, filters, total, page), every
  export one `export` event, in the person's unit of work (so with their channel).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from archive import audit
from archive.codes import RecordStatus, Secrecy
from archive.db import Catalog
from archive.errors import Forbidden
from archive.identity import Identity
from archive.models import IndexOutbox, Record
from archive.policy import READER_ROLES, Action, Viewer, allowed_actions, can_see, require
from search.model import IndexUnavailable, SearchIndex, SearchQuery, SearchResult

EXPORT_COLUMNS = ("archival_code", "title", "year", "category_code", "secrecy", "retention", "doc_no", "issuer",
                  "doc_date")
EXPORT_MAX_ROWS = 1000
EXPORT_PAGE = 100
EXPORT_WINDOW = 10_000  # the deepest page the index pages through
# Lagging records looked at per search. More than this many changes waiting for the index (an index
# down for long, a mass re-classification) and search waits for it rather than count from stale entries.
LAG_LIMIT = 5000


def may_search(viewer: Viewer) -> bool:
    """Does this person search the holdings at all (whatever their clearance)?"""
    return viewer.system or viewer.role in READER_ROLES


def require_search(viewer: Viewer) -> None:
    if not may_search(viewer):
        raise Forbidden("this role does not search the holdings")


@dataclasses.dataclass(frozen=True)
class Export:
    columns: tuple[str, ...]
    rows: list[list[Any]]


class SearchService:
    def __init__(self, catalog: Catalog, index: SearchIndex):
        self.catalog = catalog
        self.index = index

    def search(self, identity: Identity, query: SearchQuery) -> SearchResult:
        """The hits this person may see, checked on the catalog; audited."""
        require_search(identity.viewer)
        query = dataclasses.replace(query, viewer=identity.viewer)  # always as the person acting
        with self.catalog.session(identity) as session:
            result = self._checked(session, self._lagging(session, query))
            audit.record(session, identity.username, "search", "", {
                "q": query.text[:200], "filters": {k: list(v) for k, v in query.filters.items()},
                "total": result.total, "page": query.page,
            })
        return result

    def export(self, identity: Identity, query: SearchQuery, max_rows: int = EXPORT_MAX_ROWS) -> Export:
        """A search's results as rows, only the records this person may export; audited."""
        require(identity.viewer, Action.EXPORT)
        require_search(identity.viewer)
        query = dataclasses.replace(query, viewer=identity.viewer, facets=(), search_after=None, size=EXPORT_PAGE)
        rows: list[list[Any]] = []
        with self.catalog.session(identity) as session:
            query = self._lagging(session, query)
            for records in self._pages(session, query):
                for record in records:
                    if Action.EXPORT in allowed_actions(identity.viewer, record):
                        rows.append([getattr(record, c) for c in EXPORT_COLUMNS])
                if len(rows) >= max_rows:
                    break
            rows = rows[:max_rows]
            audit.record(session, identity.username, "export", "search", {
                "q": query.text[:200], "filters": {k: list(v) for k, v in query.filters.items()}, "rows": len(rows),
            })
        return Export(EXPORT_COLUMNS, rows)

    def suggest(self, identity: Identity, prefix: str, field: str = "person_name", limit: int = 10) -> list[str]:
        require_search(identity.viewer)
        with self.catalog.session(identity) as session:
            lagging = self._lagging(session, SearchQuery(identity.viewer))
        return self.index.suggest(prefix, identity.viewer, field, limit, exclude=lagging.exclude_ids)

    # -- the catalog as the last word ------------------------------------------------------------
    def _lagging(self, session: Any, query: SearchQuery) -> SearchQuery:
        """The query, told which records the index may still hold as they were before their last
        change: those the person may not see now are left out, those whose content they may not
        read now match on catalogue fields only (search.model.SearchQuery.exclude_ids)."""
        pending = list(session.scalars(select(IndexOutbox.record_id).distinct().limit(LAG_LIMIT + 1)))
        if not pending:
            return query
        if len(pending) > LAG_LIMIT:
            raise IndexUnavailable("the search index is catching up with recent changes; try again shortly")
        rows = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(pending)))}
        access = query.access
        exclude, catalogue_only = set(), set()
        for record_id in pending:
            record = rows.get(record_id)
            if record is None or not access.matches(record):
                exclude.add(record_id)
            elif Action.VIEW_CONTENT not in allowed_actions(query.viewer, record):
                catalogue_only.add(record_id)
        return dataclasses.replace(
            query, exclude_ids=query.exclude_ids | exclude, catalogue_only_ids=query.catalogue_only_ids | catalogue_only
        )

    def _pages(self, session: Any, query: SearchQuery) -> Iterator[list[Record]]:
        page = 1
        while True:
            result = self.index.search(dataclasses.replace(query, page=page))
            ids = [h.id for h in result.hits]
            if not ids:
                return
            rows = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))}
            yield [rows[i] for i in ids if i in rows and can_see(query.viewer, rows[i])]
            if page * query.size >= min(result.total, EXPORT_WINDOW):
                return
            page += 1

    def _checked(self, session: Any, query: SearchQuery) -> SearchResult:
        result = self.index.search(query)
        if not result.hits:
            return result
        rows = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_([h.id for h in result.hits])))}
        hits = []
        for hit in result.hits:
            record = rows.get(hit.id)
            if record is None or not can_see(query.viewer, record):
                continue
            if record.status == RecordStatus.DESTROYED and not query.include_destroyed:
                continue
            if Action.VIEW_CONTENT not in allowed_actions(query.viewer, record):
                hit = dataclasses.replace(hit, snippets=())
            if record.secrecy == Secrecy.TOP_SECRET:
                hit = dataclasses.replace(hit, title="", snippets=())
            hits.append(hit)
        return dataclasses.replace(result, hits=tuple(hits))
