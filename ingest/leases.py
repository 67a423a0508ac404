"""Per-record leases: at most one run processes a record at a time, and a record is filed once.

Redis hands an unacknowledged task out again after the visibility timeout, also while the first
run is still working (a long TIFF) or when its whole worker died; two `archive ingest` runs may
meet on the same files. Each run therefore claims the record first (an `ingest_leases` row: an
owner unique to this run and an expiry), renews the claim every third of its length while it
works (a heartbeat thread), and the filing step checks, under the record's row lock, that the
record is still being processed and the claim is still its own (`guard`). A second run finds a
live claim and stops (a task) or waits (the CLI); a claim whose owner died lapses and the next
run, or the beat reaper's requeue, takes the record over. A claim lasts far less than the
visibility timeout, so a redelivered task of a dead worker always finds it lapsed.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import enum
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from archive.clock import utcnow
from archive.codes import RecordStatus
from archive.db import Catalog
from archive.errors import NotFound
from archive.models import IngestLease, Record

log = logging.getLogger(__name__)

# Statuses a run may take a record in; filed, in review, destroyed or transferred never.
CLAIMABLE = (RecordStatus.RECEIVED.value, RecordStatus.PROCESSING.value, RecordStatus.FAILED.value)
QUEUED = "queued"  # owner written by the reaper: free to claim, reaped again only if it lapses

# The owner of the lease the current run holds (set by `held`), read by the filing guard.
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("ingest_lease_owner", default=None)


class Claim(enum.Enum):
    CLAIMED = "claimed"
    HELD = "held"  # another live run has it
    FINISHED = "finished"  # filed, in review or otherwise out of the pipeline's hands


class LeaseLost(BaseException):
    """This run no longer owns the record (another run took it over or filed it). A
    BaseException so that the pipeline's catch-all, which marks a record failed, lets it pass:
    a run that lost its claim must not write anything about the record."""


def new_owner() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _lock(session: Session, record_id: int) -> str | None:
    """The record's status, read under its row lock (FOR UPDATE on PostgreSQL; SQLite's
    transactions are BEGIN IMMEDIATE, so the whole catalog is locked already)."""
    return session.execute(select(Record.status).where(Record.id == record_id).with_for_update()).scalar()


def claim(catalog: Catalog, record_id: int, owner: str, seconds: int) -> Claim:
    """Compare-and-set: take the record if it is still to be processed and nobody else holds a live claim."""
    with catalog.session() as session:
        status = _lock(session, record_id)
        if status is None:
            raise NotFound(f"record {record_id} does not exist")
        if status not in CLAIMABLE:
            return Claim.FINISHED
        now = utcnow()
        lease = session.get(IngestLease, record_id)
        expires = now + dt.timedelta(seconds=seconds)
        if lease is None:
            session.add(IngestLease(record_id=record_id, owner=owner, expires_at=expires, claimed_at=now))
        elif lease.owner in (owner, QUEUED) or _aware(lease.expires_at) <= now:
            if lease.owner not in (owner, QUEUED):
                log.warning("record %s: lease of %s lapsed, taken over by %s", record_id, lease.owner, owner)
            lease.owner, lease.expires_at, lease.claimed_at = owner, expires, now
        else:
            return Claim.HELD
        return Claim.CLAIMED


def renew(catalog: Catalog, record_id: int, owner: str, seconds: int) -> bool:
    """Push the expiry on; False when the claim is no longer this run's."""
    with catalog.session() as session:
        done = session.execute(update(IngestLease).where(IngestLease.record_id == record_id,
                                                         IngestLease.owner == owner)
                               .values(expires_at=utcnow() + dt.timedelta(seconds=seconds)))
        return bool(getattr(done, "rowcount", 0))


def release(catalog: Catalog, record_id: int, owner: str) -> None:
    with catalog.session() as session:
        session.execute(delete(IngestLease).where(IngestLease.record_id == record_id, IngestLease.owner == owner))


def guard(session: Session, record_id: int) -> None:
    """Inside a write about the record: raise LeaseLost unless this run still holds its claim
    and the record is still in the pipeline's hands. A no-op outside a leased run."""
    owner = _current.get()
    if owner is None:
        return
    status = _lock(session, record_id)
    holder = session.execute(select(IngestLease.owner).where(IngestLease.record_id == record_id)).scalar()
    if status not in CLAIMABLE or holder != owner:
        log.warning("record %s: run %s lost its claim (status %s, held by %s); writing nothing",
                    record_id, owner, status, holder)
        raise LeaseLost(record_id)


class _Heartbeat(threading.Thread):
    def __init__(self, catalog: Catalog, record_id: int, owner: str, seconds: int):
        super().__init__(name=f"lease-{record_id}", daemon=True)
        self.catalog, self.record_id, self.owner, self.seconds = catalog, record_id, owner, seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(max(self.seconds / 3, 0.2)):
            try:
                if not renew(self.catalog, self.record_id, self.owner, self.seconds):
                    log.warning("record %s: lease of %s was taken over", self.record_id, self.owner)
                    return  # the filing guard stops this run's writes
            except Exception as exc:  # a database blip: try again at the next beat
                log.warning("record %s: lease not renewed (%s)", self.record_id, type(exc).__name__)


@contextlib.contextmanager
def held(catalog: Catalog, record_id: int, owner: str, seconds: int) -> Iterator[None]:
    """While the body runs: the claim (taken already) is renewed and the filing guard knows it's ours."""
    token = _current.set(owner)
    beat = _Heartbeat(catalog, record_id, owner, seconds)
    beat.start()
    try:
        yield
    finally:
        beat.stopped.set()
        beat.join(5)
        _current.reset(token)
        try:
            release(catalog, record_id, owner)
        except Exception as exc:  # the claim lapses by itself
            log.warning("record %s: lease not released (%s)", record_id, type(exc).__name__)


def lapsed(session: Session, grace: int) -> list[int]:
    """Records a run was processing whose claim lapsed (its worker or CLI died), or that were
    left `processing` without one (a run interrupted); each is marked queued for `grace` seconds
    so the next sweep does not requeue it again while the task waits in the queue."""
    now = utcnow()
    rows = session.execute(
        select(Record.id, IngestLease.record_id).outerjoin(IngestLease, IngestLease.record_id == Record.id)
        .where(or_(
            Record.status == RecordStatus.PROCESSING.value,
            (Record.status == RecordStatus.RECEIVED.value) & IngestLease.record_id.is_not(None),
        ), or_(IngestLease.record_id.is_(None), IngestLease.expires_at <= now))
        .order_by(Record.id).with_for_update(of=Record)
    ).all()
    until = now + dt.timedelta(seconds=grace)
    for record_id, leased in rows:
        if leased is None:
            session.add(IngestLease(record_id=record_id, owner=QUEUED, expires_at=until, claimed_at=now))
        else:
            session.execute(update(IngestLease).where(IngestLease.record_id == record_id)
                            .values(owner=QUEUED, expires_at=until, claimed_at=now))
    return [record_id for record_id, _ in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they are UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
