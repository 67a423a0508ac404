"""Keeping the index in step with the catalog, which is the truth.

The catalog writes an IndexOutbox row in the same transaction as the record; `drain` applies
the rows to the index in bounded batches and deletes only the rows it applied. When the index
is down, the rows stay (with attempts and the error noted) and the next drain catches up.
`check` compares the catalog with the index; `reindex` rebuilds the index from the catalog alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import delete, func, select, update

from archive.clock import utcnow
from archive.models import IndexOutbox, Record
from search.documents import iter_documents, load_documents
from search.model import IndexUnavailable, SearchIndex

BATCH = 200


@dataclasses.dataclass
class DrainReport:
    applied: int = 0  # outbox rows done
    indexed: int = 0
    deleted: int = 0
    failed: int = 0  # rows left with an error noted
    remaining: int = 0
    error: str = ""


def drain(catalog, index: SearchIndex, batch: int = BATCH, max_batches: int | None = None) -> DrainReport:
    """Apply pending outbox rows to the index. Stops at the first sign the index is down."""
    report = DrainReport()
    last_id = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        with catalog.session() as session:
            rows = list(
                session.execute(
                    select(IndexOutbox.id, IndexOutbox.record_id, IndexOutbox.op)
                    .where(IndexOutbox.id > last_id)
                    .order_by(IndexOutbox.id)
                    .limit(batch)
                )
            )
            if not rows:
                break
            last_id = rows[-1].id
            # The newest row per record decides; the record as it is now is what we index.
            latest = {r.record_id: r.op for r in rows}
            docs = load_documents(session, [rid for rid, op in latest.items() if op != "delete"])
        row_ids = [r.id for r in rows]
        try:
            gone = [rid for rid in latest if rid not in docs]
            for rid in gone:
                index.delete(rid)
            if docs:
                index.bulk(docs.values())
        except IndexUnavailable as exc:
            _note_failure(catalog, row_ids, str(exc))
            report.failed += len(row_ids)
            report.error = str(exc)
            break
        with catalog.session() as session:
            session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_(row_ids)))
        report.applied += len(row_ids)
        report.indexed += len(docs)
        report.deleted += len(gone)
    with catalog.session() as session:
        report.remaining = session.scalar(select(func.count()).select_from(IndexOutbox)) or 0
    return report


def _note_failure(catalog, row_ids: list[int], error: str) -> None:
    with catalog.session() as session:
        session.execute(
            update(IndexOutbox)
            .where(IndexOutbox.id.in_(row_ids))
            .values(attempts=IndexOutbox.attempts + 1, last_error=error[:2000])
        )


@dataclasses.dataclass
class CheckReport:
    missing: list[int] = dataclasses.field(default_factory=list)  # in the catalog, not in the index
    stale: list[int] = dataclasses.field(default_factory=list)  # indexed from an older state of the record
    extra: list[int] = dataclasses.field(default_factory=list)  # in the index, not in the catalog
    catalog: int = 0
    indexed: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "ok": self.ok}


def check(catalog, index: SearchIndex) -> CheckReport:
    report = CheckReport()
    indexed = dict(index.digests())
    report.indexed = len(indexed)
    for doc in iter_documents(catalog):
        report.catalog += 1
        digest = indexed.pop(doc.id, None)
        if digest is None:
            report.missing.append(doc.id)
        elif digest != doc.digest:
            report.stale.append(doc.id)
    report.extra = sorted(indexed)
    return report


def reindex(catalog, index: SearchIndex) -> int:
    """Rebuild the index from the catalog, then re-apply records changed while it ran.

    Outbox rows that existed before the rebuild began are covered by it and removed; newer
    ones stay for the next drain.
    """
    started = utcnow() - dt.timedelta(seconds=2)
    with catalog.session() as session:
        covered = session.scalar(select(func.max(IndexOutbox.id))) or 0
    n = index.rebuild(iter_documents(catalog))
    with catalog.session() as session:
        changed = list(session.scalars(select(Record.id).where(Record.updated_at >= started)))
        docs = load_documents(session, changed)
        session.execute(delete(IndexOutbox).where(IndexOutbox.id <= covered))
    if docs:
        index.bulk(docs.values())
    return n
