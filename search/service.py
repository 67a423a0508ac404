"""What the CLI and the web layer call: search as a viewer, with the catalog as the last word.

The index filters by the viewer already. Because it may lag the catalog by a few moments (a
record just raised to a higher level, not yet re-indexed), the service re-checks each hit on
the current catalog row and drops what the viewer may no longer see or read.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from archive.codes import RecordStatus, Secrecy
from archive.errors import NotFound
from archive.models import Record, User
from archive.policy import Action, Viewer, allowed_actions, can_see
from search.model import SearchIndex, SearchQuery, SearchResult


class SearchService:
    def __init__(self, catalog, index: SearchIndex):  # noqa: ANN001 - archive.db.Catalog
        self.catalog = catalog
        self.index = index

    def viewer(self, username: str) -> Viewer:
        with self.catalog.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.active:
                raise NotFound(f"no active user {username!r}")
            return Viewer.of(user)

    def search(self, query: SearchQuery) -> SearchResult:
        result = self.index.search(query)
        if not result.hits:
            return result
        with self.catalog.session() as session:
            rows = {
                r.id: r
                for r in session.scalars(select(Record).where(Record.id.in_([h.id for h in result.hits])))
            }
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

    def suggest(self, prefix: str, viewer: Viewer, field: str = "person_name", limit: int = 10) -> list[str]:
        return self.index.suggest(prefix, viewer, field, limit)
