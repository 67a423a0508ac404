"""The composition root: one object that gives the catalog, the object store, the search index
and task dispatch to every face (CLI, web app, worker) alike.

Backends register by URL scheme through entry points, so archive/ names none of them:

- `archive.object_stores`: scheme -> a callable `(url) -> ObjectStore`   (storage/)
- `archive.search_indexes`: scheme -> a callable `(url) -> SearchIndex`  (search/)
- `archive.index_sync`: `drain` -> a callable `(catalog, index) -> report` (search/)

Store and index open lazily: a page that needs neither (login, the audit trail) works while the
object store or the search server is down.

After a unit of work that queued index work commits, the runtime nudges the index: on an
embedded index (one machine) it drains the outbox in-process; on a search server it sends the
`search.drain_outbox` task to the workers (and the periodic drain catches up either way).
After one that appended audit events, it anchors the chain head when an anchor is due
(archive.anchoring: every N events or M minutes, in the object store and the mirror).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from functools import cache
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from archive import audit, unit_of_work
from archive.anchoring import AfterCommitAnchoring, AnchorDirectory, AnchorSet
from archive.config import Settings, load_settings
from archive.db import Catalog
from archive.errors import ArchiveError, ConfigError, TransientError
from archive.identity import Identity, system

log = logging.getLogger(__name__)

STORE_GROUP = "archive.object_stores"
INDEX_GROUP = "archive.search_indexes"
SYNC_GROUP = "archive.index_sync"
EMBEDDED_INDEX_SCHEMES = ("embedded", "tantivy")  # one machine: drain in this process


@cache
def _registered(group: str) -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=group)}


def backend(group: str, url: str) -> Callable[..., Any]:
    scheme = urlsplit(url).scheme.lower()
    found = _registered(group).get(scheme)
    if found is None:
        known = ", ".join(sorted(s + "://" for s in _registered(group))) or "none (is the project installed?)"
        raise ConfigError(f"no backend for {scheme or '(no scheme)'}:// in {group}; known: {known}")
    return found.load()


class Runtime:
    def __init__(self, settings: Settings | None = None, *, catalog: Catalog | None = None,
                 nudge: str = "auto"):
        """`nudge`: "auto" (in-process on embedded indexes, a task otherwise), "inline", "task"
        or "off" (the outbox waits for the periodic drain)."""
        self.settings = settings or load_settings()
        self._catalog = catalog
        self._lock = threading.RLock()
        self._draining = threading.Lock()
        self._store: Any = None
        self._index: Any = None
        self._anchors: AnchorSet | None = None
        self.nudge_mode = nudge
        self.anchoring = AfterCommitAnchoring(
            lambda: self.anchors, self.anchor_audit_chain,
            every=self.settings.audit_anchor_every, minutes=self.settings.audit_anchor_minutes)
        if catalog is not None:
            self._attach(catalog)

    # -- the three stores --------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        with self._lock:
            if self._catalog is None:
                self._catalog = Catalog(self.settings.database_url, bureau_level=self.settings.bureau_level)
                self._attach(self._catalog)
            return self._catalog

    def _attach(self, catalog: Catalog) -> None:
        catalog.after_commit = self.nudge_index
        unit_of_work.anchor_after_commit(catalog.engine, self.anchoring)

    @property
    def store(self) -> Any:  # storage.ObjectStore
        with self._lock:
            if self._store is None:
                self._store = backend(STORE_GROUP, self.settings.storage_url)(self.settings.storage_url)
                if replica := self.settings.replica_dir:  # the verified copy fixity repairs from
                    url = replica if "://" in replica else f"file://{replica}"
                    self._store.add_replica(backend(STORE_GROUP, url)(url))
                if not self.settings.s3_object_lock:  # ARCHIVE_S3_OBJECT_LOCK=off: no per-object retention
                    self._store.worm = False
            return self._store

    @property
    def index(self) -> Any:  # search.model.SearchIndex
        with self._lock:
            if self._index is None:
                self._index = backend(INDEX_GROUP, self.settings.search_url)(self.settings.search_url)
            return self._index

    @property
    def anchors(self) -> AnchorSet:
        """Where the audit chain's anchors go: the object store, and the mirror when configured."""
        with self._lock:
            if self._anchors is None:
                mirror = self.settings.anchor_mirror
                self._anchors = AnchorSet(self.store, AnchorDirectory(mirror) if mirror else None)
            return self._anchors

    def anchor_audit_chain(self) -> dict[str, Any] | None:
        """Write the chain head to the anchors now (None: nothing new since the last anchor)."""
        with self.catalog.session(system("audit-anchor")) as session:
            return audit.anchor(session, self.anchors)

    @contextlib.contextmanager
    def unit_of_work(self, identity: Identity | None = None) -> Iterator[Session]:
        """One catalog transaction acting for `identity` (see archive.unit_of_work)."""
        with self.catalog.session(identity) as session:
            yield session

    # -- the index, kept in step ---------------------------------------------------------------
    def drain_index(self) -> Any:
        """Apply the outbox to the index now (search.indexer.drain); returns its report."""
        drain = _registered(SYNC_GROUP)["drain"].load()
        with self._draining:
            return drain(self.catalog, self.index)

    def nudge_index(self) -> None:
        mode = self.nudge_mode
        if mode == "off":
            return
        inline = mode == "inline" or (
            mode == "auto" and urlsplit(self.settings.search_url).scheme in EMBEDDED_INDEX_SCHEMES)
        if inline:
            try:
                self.drain_index()
            except ArchiveError as exc:  # index down: the outbox keeps the rows
                log.warning("index not updated now (%s); the outbox keeps the records", exc)
        else:
            try:
                self.send("search.drain_outbox")
            except TransientError as exc:  # broker down after a commit: the periodic drain catches up
                log.warning("index not nudged now (%s); the outbox keeps the records", exc)

    # -- tasks ------------------------------------------------------------------------------------
    def send(self, task: str, *args: Any, **kwargs: Any) -> Any:
        """Send a named task to the workers (tasks are named, so archive/ imports none of them)."""
        from kombu.exceptions import OperationalError

        from archive.celery_app import app

        try:
            # No one waits on a result here (task_ignore_result): nor does sending touch the result store.
            return app.send_task(task, args=args, kwargs=kwargs, ignore_result=True)
        except OperationalError as exc:  # the broker is down: the web answers 503, a task retries
            raise TransientError(f"task queue unavailable: {type(exc).__name__}") from exc

    def close(self) -> None:
        self.anchoring.cancel()
        with self._lock:
            if self._catalog is not None:
                unit_of_work.stop_anchoring(self._catalog.engine, self.anchoring)
                self._catalog.dispose()
            close = getattr(self._index, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):
                    close()
