"""Whether a record is under a hold (冻结, DOMAIN.md §6.4), for every service that changes records.

Holds nest and are evaluated live, so a hold on a volume, category or saved query also covers
items added later; releasing one of two holds leaves the record held. Placing and releasing
holds is retention's work (retention/holds.py); this is the catalog-only part every package
may call before an edit, a move or a destruction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session

from archive.errors import Conflict
from archive.lifecycle_models import Hold
from archive.models import Record, Volume
from archive.policy import Viewer
from archive.visibility import can_see_target

QUERY_KEYS = {"category", "fonds_id", "year", "year_from", "year_to", "department", "title_contains", "volume_id",
              "retention"}


# -- saved queries: one meaning, two forms (Python for one record, SQL for many) -------------
def query_matches(query: dict, record: Record) -> bool:
    checks = {
        "category": lambda v: record.category_code == v,
        "fonds_id": lambda v: record.fonds_id == int(v),
        "year": lambda v: record.year == int(v),
        "year_from": lambda v: record.year >= int(v),
        "year_to": lambda v: record.year <= int(v),
        "department": lambda v: record.department == v,
        "title_contains": lambda v: v in (record.title or ""),
        "volume_id": lambda v: record.volume_id == int(v),
        "retention": lambda v: record.retention == v,
    }
    return all(checks[k](v) for k, v in query.items())


def query_clause(query: dict):
    parts = {
        "category": lambda v: Record.category_code == v,
        "fonds_id": lambda v: Record.fonds_id == int(v),
        "year": lambda v: Record.year == int(v),
        "year_from": lambda v: Record.year >= int(v),
        "year_to": lambda v: Record.year <= int(v),
        "department": lambda v: Record.department == v,
        "title_contains": lambda v: Record.title.contains(v, autoescape=True),
        "volume_id": lambda v: Record.volume_id == int(v),
        "retention": lambda v: Record.retention == v,
    }
    return and_(true(), *(parts[k](v) for k, v in query.items()))


def hold_clause(hold: Hold):
    if hold.scope == "record":
        return Record.id == int(hold.target)
    if hold.scope == "volume":
        return Record.volume_id == int(hold.target)
    if hold.scope == "category":
        return Record.category_code == hold.target
    return query_clause(hold.query)


def covers(hold: Hold, record: Record) -> bool:
    if hold.scope == "record":
        return record.id == int(hold.target)
    if hold.scope == "volume":
        return record.volume_id is not None and record.volume_id == int(hold.target)
    if hold.scope == "category":
        return record.category_code == hold.target
    return query_matches(hold.query, record)


# -- reading ----------------------------------------------------------------------------------
def active_holds(session: Session, at: dt.datetime | None = None) -> list[Hold]:
    q = select(Hold).order_by(Hold.id)
    if at is None:
        q = q.where(Hold.released_at.is_(None))
    else:
        q = q.where(Hold.placed_at <= at, or_(Hold.released_at.is_(None), Hold.released_at > at))
    return list(session.execute(q).scalars())


def hold_visible(session: Session, viewer: Viewer, hold: Hold) -> bool:
    """A hold on a record or volume exists for a viewer only if its target does (DOMAIN.md §4);
    holds on a category or a saved query name no record and are shown to whoever works with holds."""
    return can_see_target(session, viewer, hold.scope, hold.target)


def visible_holds(session: Session, viewer: Viewer, at: dt.datetime | None = None) -> list[Hold]:
    """`active_holds` as the viewer may see them: every list of holds shown to a person uses this."""
    return [h for h in active_holds(session, at) if hold_visible(session, viewer, h)]


def holds_for(session: Session, record: Record, at: dt.datetime | None = None) -> list[Hold]:
    return [h for h in active_holds(session, at) if covers(h, record)]


def is_held(session: Session, record: Record) -> bool:
    return bool(holds_for(session, record))


def assert_not_held(session: Session, record: Record, action: str = "change") -> None:
    """Raise Conflict if any active hold covers the record. Call before edit, move, destroy."""
    found = holds_for(session, record)
    if found:
        ids = ", ".join(f"#{h.id} ({h.reason})" for h in found)
        raise Conflict(f"record {record.archival_code or record.id} is under hold {ids}; cannot {action} it")


def assert_volume_not_held(session: Session, volume: Volume, action: str = "move") -> None:
    """A volume moves with its items: refused if a hold covers the volume or any item in it."""
    direct = [h for h in active_holds(session) if h.scope == "volume" and int(h.target) == volume.id]
    items = select(Record.id).where(Record.volume_id == volume.id)
    held_items = held_record_ids(session, session.execute(items).scalars().all())
    if direct or held_items:
        raise Conflict(f"volume {volume.archival_code} is under hold "
                       f"({'volume hold' if direct else f'{len(held_items)} held items'}); cannot {action} it")


def held_record_ids(session: Session, record_ids: Iterable[int] | None = None) -> set[int]:
    """Ids of held records (among `record_ids`, or all): one query per active hold."""
    ids = None if record_ids is None else list(record_ids)
    found: set[int] = set()
    for hold in active_holds(session):
        q = select(Record.id).where(hold_clause(hold))
        if ids is not None:
            q = q.where(Record.id.in_(ids))
        found.update(session.execute(q).scalars())
    return found
