"""What /readyz and /metrics report, computed when asked (web.observability presents it).

Readiness checks each configured backend with one cheap call. A failure is logged with its
detail (host, error) and reported by name only: the answer of /readyz reaches whoever can reach
the port, so it carries no hosts, paths or passwords.

The gauges are read from the catalog (and the broker) at scrape time, so every web process
reports the same numbers and nothing has to be kept in step between processes.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, text

from archive.clock import utcnow
from archive.lending.models import FixityRun
from archive.models import AuditHead, IndexOutbox, Page, Record

log = logging.getLogger(__name__)
QUEUES = ("celery",)  # the queue every task goes to (archive.celery_app routes none elsewhere)
MISSING_KEY = "0" * 64  # asking whether this object exists is the cheapest store round trip


def readiness(runtime: Any) -> dict[str, str]:
    """`ok` or `unavailable` for the catalog, the object store, the index and the broker."""
    checks = {
        "catalog": lambda: _ping_catalog(runtime.catalog),
        "store": lambda: runtime.store.exists(MISSING_KEY),
        "index": lambda: _ping_index(runtime.index),
        "broker": lambda: _ping_broker(runtime.settings.broker_url),
    }
    out = {}
    for name, check in checks.items():
        try:
            check()
            out[name] = "ok"
        except Exception as exc:  # any failure means not ready; the log keeps the reason
            log.error("readiness: %s unavailable: %s", name, str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
            out[name] = "unavailable"
    return out


def _ping_catalog(catalog: Any) -> None:
    with catalog.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _ping_index(index: Any) -> None:
    health = index.health()
    if not health.ok:
        raise RuntimeError(health.detail or "index not healthy")


def _ping_broker(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme.startswith("redis") or scheme == "rediss":
        _redis(url).ping()
    # filesystem:// and memory:// live in this machine's files or process: nothing to reach.


def _redis(url: str) -> Any:
    import redis  # celery[redis] brings it; only production brokers need it

    return redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)


def queue_depth(url: str) -> dict[str, int] | None:
    """Messages waiting per queue, on a Redis broker (None on the embedded transports)."""
    if not urlsplit(url).scheme.startswith("redis"):
        return None
    client = _redis(url)
    return {q: int(client.llen(q)) for q in QUEUES}


def _seconds(when: dt.datetime | None, now: dt.datetime) -> float | None:
    if when is None:
        return None
    if when.tzinfo is None and now.tzinfo is not None:
        when = when.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - when).total_seconds())


def _epoch(when: dt.datetime | str | None) -> float | None:
    if when is None:
        return None
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def gauges(catalog: Any) -> dict[str, float | None]:
    """Counts and ages from the catalog: no titles, names or ids, only numbers."""
    now = utcnow()
    with catalog.session() as session:
        backlog, oldest = session.execute(select(func.count(IndexOutbox.id), func.min(IndexOutbox.created_at))).one()
        pages = session.scalar(select(func.count(Page.id)))
        statuses = dict(session.execute(select(Record.status, func.count(Record.id)).group_by(Record.status)).all())
        last_run = session.scalars(
            select(FixityRun).where(FixityRun.finished_at.is_not(None)).order_by(FixityRun.id.desc()).limit(1)
        ).first()
        head = session.get(AuditHead, 1)
    return {
        "outbox_backlog": float(backlog or 0),
        "outbox_oldest_age_seconds": _seconds(oldest, now) if backlog else 0.0,
        "ingest_pages_total": float(pages or 0),
        "records_processing": float(statuses.get("processing", 0)),
        "records_failed": float(statuses.get("failed", 0)),
        "fixity_last_run_timestamp_seconds": _epoch(last_run.finished_at) if last_run else None,
        "fixity_last_run_failures": float(last_run.failures) if last_run else None,
        "audit_unanchored_events": float(head.seq - head.anchored_seq) if head else 0.0,
        "audit_last_anchor_timestamp_seconds": _epoch(head.anchored_at) if head else None,
    }
