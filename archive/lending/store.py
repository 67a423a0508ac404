"""The physical store: locations 库房-排-列-节-层, shelving with a history that is only appended
to, and the in/out register (出入库登记) of every movement.

Shelving and movements are the archivists' who file (Action.FILE), on volumes they may see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.errors import ValidationError
from archive.holds import assert_volume_not_held
from archive.lending.access import Actor, Who, acting_for, visible_volume
from archive.lending.models import LocationHistory, StoreMovement
from archive.models import Location, Volume
from archive.policy import Action

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


def _filer(session: Session, who: Who, volume_id: int) -> tuple[Actor, Volume]:
    """The archivist who files, and the volume as they may see it (above clearance: NotFound)."""
    archivist = acting_for(session, who, Action.FILE)
    return archivist, visible_volume(session, archivist.viewer, volume_id).volume


def shelve(session: Session, who: Who, volume_id: int, path: str, *, reason: str = "shelve") -> Volume:
    archivist, volume = _filer(session, who, volume_id)
    actor = archivist.username
    if len(path) > 100 or len(reason) > 100:
        raise ValidationError("a location has at most 100 characters, a reason at most 100")
    target = location(session, path.strip())
    previous = volume.location_id
    if previous == target.id:
        return volume
    if previous is not None:  # first shelving is filing; a move of a held volume is refused
        assert_volume_not_held(session, volume, "move")
    session.add(LocationHistory(volume_id=volume.id, from_location_id=previous, location_id=target.id,
                                actor=actor, reason=reason.strip() or "shelve"))
    volume.location_id = target.id
    session.flush()
    audit.record(session, actor, "volume.shelve", f"volume:{volume.archival_code}",
                 {"from": previous, "to": target.path, "reason": reason})
    return volume


def history(session: Session, who: Who, volume_id: int) -> list[dict]:
    """Where a volume has been shelved, oldest first."""
    _filer(session, who, volume_id)
    rows = session.execute(
        select(LocationHistory, Location.path).join(Location, Location.id == LocationHistory.location_id)
        .where(LocationHistory.volume_id == volume_id).order_by(LocationHistory.id)
    ).all()
    return [{"at": h.moved_at.isoformat(), "to": path, "actor": h.actor, "reason": h.reason} for h, path in rows]


MOVEMENT_REASONS = ("receive", "transfer", "repair", "digitise", "reading_room", "other")


def log_movement(session: Session, who: Who, volume_id: int, direction: str, reason: str, *,
                 carriers: Sequence[str] = (), note: str = "") -> StoreMovement:
    """Anything entering or leaving the store that is not a loan (receiving, transfer, repair)."""
    archivist, volume = _filer(session, who, volume_id)
    actor = archivist.username
    if direction not in ("in", "out"):
        raise ValidationError("direction is in or out")
    if reason not in MOVEMENT_REASONS:
        raise ValidationError(f"reason must be one of {', '.join(MOVEMENT_REASONS)}")
    move = StoreMovement(volume_id=volume.id, direction=direction, reason=reason, actor=actor,
                         carriers=list(carriers), note=note[:500])
    session.add(move)
    session.flush()
    audit.record(session, actor, f"store.{direction}", f"volume:{volume_id}", {"reason": reason, "note": note})
    return move
