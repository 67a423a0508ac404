"""The unit of work's rule for arranged holdings: a volume's (or box's) secrecy is never below the
most secret item in it.

Kept in step by the catalog itself (archive.unit_of_work calls `note` before each flush and
`settle` after it), so every path that files, moves, re-classifies or re-counts an item (ingest
by manifest, a secrecy review, a correction, these services) keeps its volume true without
remembering to. (A volume's page count follows its items in the arrangement services instead: a
volume described by an old 案卷目录 keeps the count it was given until someone arranges it.)
Secrecy only rises here: lowering a volume is the security officer's act (§4),
and even then never below its items.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from archive.models import Box, Record, Volume
from archive.policy import rank

AFFECTED = "archive.arrangement_affected"  # session.info key: {"volume": set(ids), "box": set(ids)}
RECORD_INPUTS = ("volume_id", "box_id", "secrecy")


def note(session: Session, obj: Any) -> None:
    """Before flush: remember the volumes and boxes whose items (or own secrecy) change."""
    if isinstance(obj, Record):
        state: Any = inspect(obj)
        if not (state.pending or state.transient) and not any(
                state.attrs[name].history.has_changes() for name in RECORD_INPUTS):
            return
        affected = session.info.setdefault(AFFECTED, {"volume": set(), "box": set()})
        for kind in ("volume", "box"):
            history = state.attrs[f"{kind}_id"].history
            affected[kind].update(i for i in (getattr(obj, f"{kind}_id"), *history.deleted) if i)
    elif isinstance(obj, Volume | Box) and obj.id is not None and _secrecy_changed(obj):
        affected = session.info.setdefault(AFFECTED, {"volume": set(), "box": set()})
        affected["volume" if isinstance(obj, Volume) else "box"].add(obj.id)


def _secrecy_changed(obj: Any) -> bool:
    state: Any = inspect(obj)
    return bool(state.attrs.secrecy.history.has_changes())


def settle(session: Session) -> None:
    """After flush: raise the volumes and boxes `note` collected to their most secret item."""
    affected = session.info.pop(AFFECTED, None)
    if not affected:
        return
    connection = session.connection()
    for volume_id in sorted(affected["volume"]):
        _settle(session, connection, Volume, volume_id, Record.volume_id)
    for box_id in sorted(affected["box"]):
        _settle(session, connection, Box, box_id, Record.box_id)


def _settle(session: Session, connection, model, container_id: int, link) -> None:
    own = connection.execute(select(model.secrecy).where(model.id == container_id)).scalar_one_or_none()
    if own is None:
        return
    levels = set(connection.execute(select(Record.secrecy).where(link == container_id).distinct()).scalars())
    level = max(levels | {own}, key=rank)
    if level == own:
        return
    values = {"secrecy": level}
    connection.execute(update(model).where(model.id == container_id).values(**values))
    loaded = session.identity_map.get(session.identity_key(model, container_id))
    if loaded is not None:
        session.expire(loaded, list(values))


def forget(session: Session) -> None:
    session.info.pop(AFFECTED, None)
