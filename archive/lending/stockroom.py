"""The stack room (库房) as every face uses it: volumes and their shelves, labels, store movements
and stock checks (盘点). One call per action; each takes the acting identity first and returns
plain data. What a viewer may not see does not exist for them (NotFound)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.lending import inventory, labels, store
from archive.lending.access import Who, acting, visible_volume
from archive.lending.models import InventoryCheck
from archive.models import Location, Record, Volume
from archive.policy import Action, may
from archive.visibility import visible, visible_volumes

PAGE = 100


def volume_row(v: Volume, location: str) -> dict:
    return {"id": v.id, "archival_code": v.archival_code, "title": v.title, "year": v.year,
            "category": v.category_code, "secrecy": v.secrecy, "pages": v.pages, "status": v.status,
            "location": location}


def list_volumes(session: Session, who: Who, page: int = 1) -> list[dict]:
    """One page of the volumes the viewer may see, by archival code, with their shelves."""
    viewer = acting(session, who).viewer
    page = min(max(page, 1), 10_000)
    rows = session.execute(
        select(Volume, Location.path).outerjoin(Location, Volume.location_id == Location.id)
        .where(visible_volumes(viewer)).order_by(Volume.archival_code)
        .limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    return [volume_row(v, path or "") for v, path in rows]


def volume_detail(session: Session, who: Who, volume_id: int) -> dict:
    """A volume and the records bound in it that the viewer may see."""
    viewer = acting(session, who).viewer
    volume = visible_volume(session, viewer, volume_id).volume
    records = session.execute(
        select(Record).where(Record.volume_id == volume.id, visible(viewer)).order_by(Record.sequence, Record.id)
    ).scalars().all()
    return {"volume": volume_row(volume, volume.location.path if volume.location else ""),
            "records": [{"id": r.id, "archival_code": r.archival_code, "title": r.title, "secrecy": r.secrecy}
                        for r in records]}


def volume_page(session: Session, who: Who, volume_id: int) -> dict:
    """What the volume page shows: the volume, and its shelf history for archivists who file."""
    me = acting(session, who)
    data = volume_detail(session, me, volume_id)
    may_shelve = may(me.viewer, Action.FILE)
    return {**data, "may_shelve": may_shelve, "may_label": may(me.viewer, Action.LEND),
            "moves": store.history(session, me, volume_id) if may_shelve else []}


def shelve(session: Session, who: Who, volume_id: int, path: str, reason: str = "") -> dict:
    """Put a volume on a shelf (archivists who file); the move is kept in its location history."""
    me = acting(session, who)
    store.shelve(session, me, volume_id, path, reason=reason or "shelve")
    return volume_detail(session, me, volume_id)["volume"]


def location_history(session: Session, who: Who, volume_id: int) -> list[dict]:
    return store.history(session, who, volume_id)


def movement(session: Session, who: Who, volume_id: int, direction: str, reason: str, *,
             carriers: Sequence[str] = (), note: str = "") -> dict:
    """Log a volume into or out of the store for anything but a loan (receiving, repair...)."""
    move = store.log_movement(session, who, volume_id, direction, reason, carriers=carriers, note=note)
    return {"id": move.id, "volume": move.volume_id, "direction": move.direction, "reason": move.reason,
            "actor": move.actor, "carriers": list(move.carriers), "note": move.note,
            "at": move.at.isoformat() if move.at else None}


def labels_pdf(session: Session, who: Who, *, volume_ids: Sequence[int] = (), shelves: Sequence[str] = ()) -> bytes:
    return labels.labels_pdf(session, who, volume_ids=volume_ids, shelves=shelves)


# -- stock checks (盘点) ------------------------------------------------------------------------
def check_row(check: InventoryCheck, result: dict) -> dict:
    """`result` is the service's view of the check for this viewer (inventory.visible_result)."""
    return {"id": check.id, "room": check.room, "opened_by": check.opened_by,
            "opened_at": check.opened_at.isoformat() if check.opened_at else None,
            "closed_at": check.closed_at.isoformat() if check.closed_at else None,
            "result": result}


def checks(session: Session, who: Who) -> list[dict]:
    return [check_row(c, result) for c, result in inventory.list_checks(session, who)]


def check(session: Session, who: Who, check_id: int) -> dict:
    return check_row(*inventory.get_check(session, who, check_id))


def open_check(session: Session, who: Who, room: str = "") -> dict:
    me = acting(session, who)
    made = inventory.open_check(session, me, room)
    return check(session, me, made.id)


def scan(session: Session, who: Who, check_id: int, shelf: str, codes: list[str]) -> dict:
    me = acting(session, who)
    count = inventory.scan(session, me, check_id, shelf, codes)
    return {**check(session, me, check_id), "scanned_now": count}


def close_check(session: Session, who: Who, check_id: int) -> dict:
    me = acting(session, who)
    inventory.close_check(session, me, check_id)
    return check(session, me, check_id)
