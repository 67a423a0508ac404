"""The back-end objects a request needs, opened once per application and shared by requests.

Store and index are opened lazily: a page that needs neither (login, audit) works even while
the object store or the search server is down.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from archive.config import Settings
from archive.db import Catalog


class Services:
    def __init__(self, settings: Settings, catalog: Catalog):
        self.settings = settings
        self.catalog = catalog
        self._lock = threading.Lock()
        self._store = None
        self._index = None
        # Embedded default: the pipeline runs in this process, a few records at a time, so an
        # upload answers at once and the page polls the record's status.
        self.ingest_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="web-ingest")

    @property
    def store(self):  # noqa: ANN201 - storage.ObjectStore
        with self._lock:
            if self._store is None:
                from storage import open_store

                self._store = open_store(self.settings.storage_url)
            return self._store

    @property
    def index(self):  # noqa: ANN201 - search.model.SearchIndex
        with self._lock:
            if self._index is None:
                from search.open import open_index

                self._index = open_index(self.settings.search_url)
            return self._index

    def search_service(self):  # noqa: ANN201
        from search.service import SearchService

        return SearchService(self.catalog, self.index)

    def sync_index(self) -> None:
        """Apply pending catalog changes to the index (the outbox); a down index only delays this."""
        from archive.errors import ArchiveError
        from search.indexer import drain

        try:
            drain(self.catalog, self.index)
        except ArchiveError:
            pass  # the outbox keeps the rows until the index is back

    def close(self) -> None:
        self.ingest_pool.shutdown(wait=False, cancel_futures=True)
        self.catalog.dispose()
