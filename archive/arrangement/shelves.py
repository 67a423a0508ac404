"""The store's location tree (库房 → 排 → 列 → 节 → 层) that volumes are shelved from.

An archivist lays out a room once (how many rows, columns, sections and layers); every shelf
position becomes a location, and the pages offer them as a tree to pick from, so a volume is
never shelved at a mistyped place. Shelving itself, its history and its audit event are
archive.lending.store's; here a picked location is turned into that call.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.arrangement.common import arranger, record_event
from archive.errors import NotFound, ValidationError
from archive.identity import Identity
from archive.lending import stockroom
from archive.lending.store import PARTS
from archive.models import Location
from archive.visibility import MAX_ID

MAX_PLACES = 20_000  # one room laid out at once: a generous real store, not a runaway form
LIMITS = {"rows": 99, "columns": 99, "sections": 20, "layers": 20}


def _room_name(room: str) -> str:
    room = (room or "").strip()
    if not room or len(room) > 20 or "-" in room:
        raise ValidationError("a room is named with 1 to 20 characters, without '-'")
    return room


def lay_out(session: Session, identity: Identity, *, room: str, rows: int, columns: int, sections: int,
            layers: int) -> dict[str, Any]:
    """Create every shelf position of a room (those that exist already are kept)."""
    viewer = arranger(session, identity)
    room = _room_name(room)
    counts = {"rows": rows, "columns": columns, "sections": sections, "layers": layers}
    for name, value in counts.items():
        if not isinstance(value, int) or not 1 <= value <= LIMITS[name]:
            raise ValidationError(f"{name} must be 1 to {LIMITS[name]}")
    if rows * columns * sections * layers > MAX_PLACES:
        raise ValidationError(f"at most {MAX_PLACES} shelf positions per room")
    existing = set(session.execute(select(Location.path).where(Location.room == room)).scalars())
    made = 0
    for r, c, s, lay in product(range(1, rows + 1), range(1, columns + 1), range(1, sections + 1),
                                range(1, layers + 1)):
        parts = dict(zip(PARTS, (room, f"{r:02d}", f"{c:02d}", f"{s:02d}", f"{lay:02d}"), strict=True))
        path = "-".join(parts.values())
        if path not in existing:
            session.add(Location(path=path, **parts))
            made += 1
    session.flush()
    record_event(session, viewer, "location.lay_out", f"room:{room}", {**counts, "created": made})
    return {"room": room, "created": made, "tree": tree(session, identity)}


def tree(session: Session, identity: Identity) -> list[dict[str, Any]]:
    """Rooms → rows → shelf positions (column, section, layer), in order, for a picker."""
    arranger(session, identity)
    rooms: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for loc in session.execute(select(Location).order_by(Location.room, Location.row, Location.column,
                                                         Location.section, Location.layer)).scalars():
        rooms.setdefault(loc.room, {}).setdefault(loc.row, []).append(
            {"id": loc.id, "path": loc.path, "column": loc.column, "section": loc.section, "layer": loc.layer})
    return [{"room": room, "rows": [{"row": row, "places": places} for row, places in rows.items()]}
            for room, rows in rooms.items()]


def shelve_at(session: Session, identity: Identity, volume_id: int, location_id: int, reason: str = "") -> dict:
    """Shelve a volume at a location picked from the tree."""
    arranger(session, identity)
    place = session.get(Location, location_id) if 0 < location_id <= MAX_ID else None
    if place is None:
        raise NotFound("choose a shelf position from the location tree")
    return stockroom.shelve(session, identity, volume_id, place.path, reason)
