"""The back-end objects a request needs: the process's runtime (archive.runtime), opened once
per application and shared by requests, plus the web's own ingest pool.

Store and index are opened lazily: a page that needs neither (login, audit) works even while
the object store or the search server is down. The unit of work keeps the index in step after
each commit; no view drains the outbox itself.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from archive.config import Settings
from archive.db import Catalog
from archive.runtime import Runtime


class Services(Runtime):
    def __init__(self, settings: Settings, catalog: Catalog):
        super().__init__(settings, catalog=catalog)
        # Embedded default: the pipeline runs in this process, a few records at a time, so an
        # upload answers at once and the page polls the record's status.
        self.ingest_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="web-ingest")

    def search_service(self):
        from search.service import SearchService

        return SearchService(self.catalog, self.index)

    def close(self) -> None:
        self.ingest_pool.shutdown(wait=False, cancel_futures=True)
        super().close()
