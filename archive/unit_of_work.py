"""The unit of work: one catalog transaction that also owns the consequences of its writes.

Every session the catalog hands out (`archive.db.Catalog.session`) carries these rules, so no
service, face or task has to remember them:

- **derived dates**: when a record's year or retention changes, its retention start, appraisal
  due date and transfer date are recomputed; when its secrecy term or start changes, its
  declassification date is; when it is lowered to a non-secret level, the date is cleared.
  A date set explicitly in the same flush (an extension, a secrecy review) wins.
- **index outbox**: a record inserted, or changed in a field the index holds, or whose pages
  changed, gets an outbox row in the same transaction (a destroyed record is re-indexed as a
  tombstone with its filing data only);
- **after commit**: when outbox rows were written, the catalog's `after_commit` hook nudges
  the index (the runtime drains in-process on embedded defaults, sends a task otherwise); when
  audit events were appended, the runtime's anchoring decides whether the chain head is due
  for an anchor (archive.anchoring).

The indexer (`search.indexer`) is the only other code that touches the outbox.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Engine, Table, event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from archive.arrangement import in_step
from archive.clock import today, utcnow
from archive.codes import STATE_SECRET_LEVELS, Secrecy
from archive.lifecycle_models import LifecycleSetting
from archive.models import IndexOutbox, Page, Record
from archive.retention_dates import add_months, retention_dates, transfer_years_for

log = logging.getLogger(__name__)
OUTBOX = cast(Table, IndexOutbox.__table__)

# The record fields the search index holds (search.documents.build_document reads these).
INDEXED_FIELDS = frozenset({
    "archival_code", "title", "doc_no", "issuer", "person_name", "person_id_number", "category_code", "year",
    "retention", "secrecy", "fonds_id", "doc_type", "personnel_class", "business_step", "department",
    "status", "doc_date",
})
RETENTION_INPUTS = ("year", "retention")
RETENTION_OUTPUTS = ("retention_start", "retention_due", "transfer_due")
SECRECY_INPUTS = ("secrecy", "secrecy_term_months", "secrecy_start")

PENDING = "archive.outbox_pending"  # session.info key: {record id: op} queued in this transaction
BUREAU_LEVEL = "archive.bureau_level"  # session.info key: "prefecture" or "county" (transfer after 20/10 years)
AUDITED = "archive.audit_head"  # session.info key: (seq, anchored_seq, anchored_at) as the last append left the head

# The runtime's anchoring (archive.anchoring.AfterCommitAnchoring) per catalog engine.
_anchoring: weakref.WeakKeyDictionary[Engine, Any] = weakref.WeakKeyDictionary()


def anchor_after_commit(engine: Engine, anchoring: Any) -> None:
    """After each transaction on `engine` that appended audit events, call
    `anchoring.after_commit(seq, anchored_seq, anchored_at)`."""
    _anchoring[engine] = anchoring


def stop_anchoring(engine: Engine, anchoring: Any) -> None:
    if _anchoring.get(engine) is anchoring:
        del _anchoring[engine]


def anchoring_of(session: Session) -> Any | None:
    bind = session.bind
    return _anchoring.get(bind) if isinstance(bind, Engine) else None


def install(factory: sessionmaker, after_commit: Callable[[], Any]) -> None:
    """Attach the rules to every session of `factory`; `after_commit` is called (with no
    arguments) after a transaction that queued index work has committed."""

    @event.listens_for(factory, "before_flush")
    def derive(session: Session, _context: Any, _instances: Any) -> None:
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, Record):
                _derive_dates(session, obj)
            in_step.note(session, obj)  # volumes and boxes follow their items (archive.arrangement)

    @event.listens_for(factory, "after_flush")
    def queue(session: Session, _context: Any) -> None:
        in_step.settle(session)
        # One row per record and transaction: the drain indexes the record as it is by then.
        queued: dict[int, str] = session.info.setdefault(PENDING, {})
        rows = [row for row in _outbox_rows(session) if queued.get(row["record_id"]) != row["op"]]
        if rows:
            session.connection().execute(insert(OUTBOX), rows)
            queued.update((row["record_id"], row["op"]) for row in rows)

    @event.listens_for(factory, "after_commit")
    def nudge(session: Session) -> None:
        if session.info.pop(PENDING, None):
            try:
                after_commit()
            except Exception:  # the outbox keeps the rows; the periodic drain catches up
                log.warning("index nudge failed; the outbox keeps the rows", exc_info=True)
        head = session.info.pop(AUDITED, None)
        anchoring = anchoring_of(session) if head is not None else None
        if anchoring is not None:
            anchoring.after_commit(*head)  # cheap unless an anchor is due; never raises

    @event.listens_for(factory, "after_soft_rollback")
    def forget(session: Session, _previous: Any) -> None:
        session.info.pop(PENDING, None)
        session.info.pop(AUDITED, None)
        in_step.forget(session)


def _changed(obj: Any, names: tuple[str, ...] | frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _derive_dates(session: Session, record: Record) -> None:
    state = inspect(record)
    new = state.pending or state.transient
    if new:
        # A new record that arrives with its dates (an import, a filed report) keeps them.
        derive = record.retention_due is None or record.retention_start is None
    else:
        # Dates set explicitly in the same write (an extension, a schedule recompute) win.
        derive = _changed(record, RETENTION_INPUTS) and not _changed(record, RETENTION_OUTPUTS)
    if derive and record.retention:
        record.retention_start, record.retention_due, record.transfer_due = retention_dates(
            record.year, record.retention, _transfer_years(session))
    if not new and _changed(record, SECRECY_INPUTS) and not _changed(record, ("declassify_on",)):
        level = Secrecy(record.secrecy)
        if level not in STATE_SECRET_LEVELS:
            record.declassify_on = None
        else:
            # Unmarked terms are the statutory maximum of the level (DOMAIN.md §4), from the
            # document's date.
            record.secrecy_start = record.secrecy_start or record.doc_date or today()
            months = record.secrecy_term_months or (level.max_term_years or 0) * 12
            record.declassify_on = add_months(record.secrecy_start, months) if months else None


def _transfer_years(session: Session) -> int:
    row = session.get(LifecycleSetting, "transfer_years")
    configured = row.value.get("value") if row is not None else None
    return transfer_years_for(configured, session.info.get(BUREAU_LEVEL, "prefecture"))


def _outbox_rows(session: Session) -> list[dict[str, Any]]:
    ops: dict[int, str] = {}
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Record) and obj.id is not None:
            if obj in session.new or _changed(obj, INDEXED_FIELDS):
                # A destroyed record stays in the index as a tombstone (filing data only).
                ops[obj.id] = "upsert"
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Page) and obj.record_id is not None:
            ops.setdefault(obj.record_id, "upsert")
    for obj in session.deleted:
        if isinstance(obj, Record) and obj.id is not None:
            ops[obj.id] = "delete"
    now = utcnow()
    return [{"record_id": rid, "op": op, "created_at": now} for rid, op in sorted(ops.items())]
