"""The physical store: locations 库房-排-列-节-层, shelving with a history that is only appended
to, and the in/out register (出入库登记) of every movement."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.errors import NotFound, ValidationError
from archive.holds import assert_volume_not_held
from archive.lending.messages import msg
from archive.lending.models import LocationHistory, StoreMovement
from archive.models import Location, Volume

PARTS = ("room", "row", "column", "section", "layer")


def parse_path(path: str) -> dict[str, str]:
    """'1-02-03-4-5' or '一库-02-03-4-5' → its five parts. The room may have no further parts."""
    parts = [p.strip() for p in path.strip().split("-")]
    if not parts[0] or len(parts) > 5 or any(not p for p in parts):
        raise ValidationError(f"location {path!r} must read 库房-排-列-节-层, e.g. A-01-02-03-04")
    return dict(zip(PARTS, parts + [""] * (5 - len(parts)), strict=True))


def location(session: Session, path: str) -> Location:
    """The location row of a path, created on first use."""
    parts = parse_path(path)
    canonical = "-".join(p for p in parts.values() if p)
    found = session.execute(select(Location).where(Location.path == canonical)).scalar_one_or_none()
    if found is None:
        found = Location(path=canonical, **parts)
        session.add(found)
        session.flush()
    return found


def shelve(session: Session, actor: str, volume_id: int, path: str, *, reason: str = "shelve") -> Volume:
    volume = session.get(Volume, volume_id)
    if volume is None:
        raise NotFound(msg("not_found", what=f"volume {volume_id}"))
    target = location(session, path)
    previous = volume.location_id
    if previous == target.id:
        return volume
    if previous is not None:  # first shelving is filing; a move of a held volume is refused
        assert_volume_not_held(session, volume, "move")
    session.add(LocationHistory(volume_id=volume.id, from_location_id=previous, location_id=target.id,
                                actor=actor, reason=reason))
    volume.location_id = target.id
    session.flush()
    audit.record(session, actor, "volume.shelve", f"volume:{volume.archival_code}",
                 {"from": previous, "to": target.path, "reason": reason})
    return volume


def history(session: Session, volume_id: int) -> list[dict]:
    rows = session.execute(
        select(LocationHistory, Location.path).join(Location, Location.id == LocationHistory.location_id)
        .where(LocationHistory.volume_id == volume_id).order_by(LocationHistory.id)
    ).all()
    return [{"at": h.moved_at.isoformat(), "to": path, "actor": h.actor, "reason": h.reason} for h, path in rows]


def log_movement(session: Session, actor: str, volume_id: int, direction: str, reason: str, *,
                 carriers: list[str] = (), note: str = "") -> StoreMovement:
    """Anything entering or leaving the store that is not a loan (receiving, transfer, repair)."""
    if direction not in ("in", "out"):
        raise ValidationError("direction is in or out")
    move = StoreMovement(volume_id=volume_id, direction=direction, reason=reason, actor=actor,
                         carriers=list(carriers), note=note)
    session.add(move)
    session.flush()
    audit.record(session, actor, f"store.{direction}", f"volume:{volume_id}", {"reason": reason, "note": note})
    return move
