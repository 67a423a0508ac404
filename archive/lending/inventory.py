"""Stock check (盘点, every six months): scan volume codes shelf by shelf, then close the check to
get missing, misplaced and unexpected volumes. The result stays on the check row.

Stock checks are the archivists' (Action.LEND); each function takes the acting identity first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import utcnow
from archive.errors import Conflict, NotFound, ValidationError
from archive.lending.access import MAX_ID, Actor, Who, acting_for
from archive.lending.messages import msg
from archive.lending.models import InventoryCheck, InventoryScan
from archive.lending.store import parse_path
from archive.models import Location, Volume
from archive.policy import Action, Viewer
from archive.visibility import can_see_volume


def _archivist(session: Session, who: Who) -> Actor:
    return acting_for(session, who, Action.LEND)


def open_check(session: Session, who: Who, room: str = "") -> InventoryCheck:
    actor = _archivist(session, who).username
    room = room.strip()
    if len(room) > 20:
        raise ValidationError("a room name has at most 20 characters")
    check = InventoryCheck(room=room, opened_by=actor)
    session.add(check)
    session.flush()
    audit.record(session, actor, "inventory.open", f"inventory:{check.id}", {"room": room})
    return check


def _get(session: Session, check_id: int) -> InventoryCheck:
    check = session.get(InventoryCheck, check_id) if 0 < check_id <= MAX_ID else None
    if check is None:
        raise NotFound(msg("not_found", what=f"inventory check {check_id}"))
    return check


def _open(session: Session, check_id: int) -> InventoryCheck:
    check = _get(session, check_id)
    if check.closed_at is not None:
        raise Conflict(msg("check_closed", id=check_id))
    return check


def scan(session: Session, who: Who, check_id: int, shelf: str, codes: list[str]) -> int:
    """Record the codes found on one shelf (read by a barcode scanner or typed)."""
    actor = _archivist(session, who).username
    check = _open(session, check_id)
    path = "-".join(p for p in parse_path(shelf).values() if p)
    codes = [c.strip() for c in codes if c.strip()]
    if len(codes) > 2000 or any(len(c) > 60 for c in codes):
        raise ValidationError("one scan records at most 2000 volume codes of at most 60 characters")
    for code in codes:
        session.add(InventoryScan(check_id=check.id, location_path=path, code=code, scanned_by=actor))
    session.flush()
    audit.record(session, actor, "inventory.scan", f"inventory:{check.id}", {"shelf": path, "count": len(codes)})
    return len(codes)


def close_check(session: Session, who: Who, check_id: int) -> dict:
    archivist = _archivist(session, who)
    actor = archivist.username
    check = _open(session, check_id)
    scans = session.execute(select(InventoryScan).where(InventoryScan.check_id == check.id)).scalars().all()
    seen = {s.code: s.location_path for s in scans}
    query = select(Volume, Location.path).outerjoin(Location, Location.id == Volume.location_id)
    if check.room:
        query = query.where(Location.room == check.room)
    volumes = session.execute(query).all()
    known = {v.archival_code: (v, path) for v, path in volumes}
    missing: list[dict] = []
    misplaced: list[dict] = []
    on_loan: list[dict] = []
    for code, (volume, path) in sorted(known.items()):
        if volume.status in ("destroyed", "transferred"):
            continue
        if code not in seen:
            (on_loan if volume.status == "on_loan" else missing).append(
                {"code": code, "expected": path or ""})
        elif path != seen[code]:
            misplaced.append({"code": code, "expected": path or "", "found": seen[code]})
    elsewhere = {v.archival_code: (v, path) for v, path in session.execute(
        select(Volume, Location.path).outerjoin(Location, Location.id == Volume.location_id)
        .where(Volume.archival_code.in_(sorted(set(seen) - set(known))))).all()}
    unexpected = []
    for code, found in sorted(seen.items()):
        pair = known.get(code) or elsewhere.get(code)
        if pair is None or pair[0].status in ("destroyed", "transferred"):
            unexpected.append({"code": code, "found": found})  # not in the catalog, or no longer ours
        elif code in elsewhere:
            misplaced.append({"code": code, "expected": pair[1] or "", "found": found})  # from another room
    result = {"scanned": len(seen), "expected": len(known), "missing": missing, "misplaced": misplaced,
              "unexpected": unexpected, "on_loan": on_loan}
    check.result, check.closed_at = result, utcnow()
    audit.record(session, actor, "inventory.close", f"inventory:{check.id}", {
        k: len(v) if isinstance(v, list) else v for k, v in result.items()})
    return visible_result(session, archivist.viewer, check)


def list_checks(session: Session, who: Who, limit: int = 50) -> list[tuple[InventoryCheck, dict]]:
    """The latest checks, each with its result as the archivist may see it."""
    viewer = _archivist(session, who).viewer
    rows = session.execute(select(InventoryCheck).order_by(InventoryCheck.id.desc()).limit(limit)).scalars().all()
    return [(check, visible_result(session, viewer, check)) for check in rows]


def get_check(session: Session, who: Who, check_id: int) -> tuple[InventoryCheck, dict]:
    viewer = _archivist(session, who).viewer
    check = _get(session, check_id)
    return check, visible_result(session, viewer, check)


LISTS = ("missing", "misplaced", "unexpected", "on_loan")


def visible_result(session: Session, viewer: Viewer, check: InventoryCheck) -> dict:
    """A check's result as the viewer may see it: entries naming a volume above their clearance or
    outside their scope are left out, and the counts are of the volumes they may see."""
    result = dict(check.result or {})
    if not result or viewer.system:
        return result
    scanned = set(session.execute(select(InventoryScan.code).where(InventoryScan.check_id == check.id)).scalars())
    # The volumes the check expected: those of its room (the count is trimmed by those the viewer may not see).
    in_room = select(Volume.archival_code).outerjoin(Location, Location.id == Volume.location_id)
    expected = set(session.execute(in_room.where(Location.room == check.room) if check.room else in_room).scalars())
    codes = scanned | expected | {e["code"] for name in LISTS for e in result.get(name, [])}
    volumes = {v.archival_code: v for v in session.execute(
        select(Volume).where(Volume.archival_code.in_(sorted(codes)))).scalars()} if codes else {}
    hidden = {code for code, v in volumes.items() if not can_see_volume(session, viewer, v)}
    for name in LISTS:
        if name in result:
            result[name] = [e for e in result[name] if e["code"] not in hidden]
    result["scanned"] = len(scanned - hidden)
    result["expected"] = max(0, result.get("expected", 0) - len(expected & hidden))
    return result
