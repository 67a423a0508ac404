"""Volumes (案卷) and their shelf positions, and the records bound in one volume."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from sqlalchemy import select

from archive.errors import NotFound
from archive.models import Location, Record, Volume
from archive.policy import can_see
from web.access import MAX_ID, visible
from web.auth import login_required, services

bp = Blueprint("volumes", __name__)
PAGE = 100


def list_volumes(db, viewer, page: int) -> list[dict]:  # noqa: ANN001
    rows = db.execute(
        select(Volume, Location.path).outerjoin(Location, Volume.location_id == Location.id)
        .where(visible(viewer, model=Volume)).order_by(Volume.archival_code)
        .limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    return [volume_row(v, path or "") for v, path in rows]


def volume_detail(db, viewer, volume_id: int) -> dict:  # noqa: ANN001
    volume = db.get(Volume, volume_id) if 0 < volume_id <= MAX_ID else None
    if volume is None or not can_see(viewer, volume):
        raise NotFound(f"volume {volume_id} does not exist")
    records = db.execute(
        select(Record).where(Record.volume_id == volume.id, visible(viewer)).order_by(Record.sequence, Record.id)
    ).scalars().all()
    return {"volume": volume_row(volume, volume.location.path if volume.location else ""),
            "records": [{"id": r.id, "archival_code": r.archival_code, "title": r.title, "secrecy": r.secrecy}
                        for r in records]}


def volume_row(v: Volume, location: str) -> dict:
    return {"id": v.id, "archival_code": v.archival_code, "title": v.title, "year": v.year,
            "category": v.category_code, "secrecy": v.secrecy, "pages": v.pages, "status": v.status,
            "location": location}


@bp.get("/volumes")
@login_required
def index():  # noqa: ANN201
    page = min(max(request.args.get("page", type=int) or 1, 1), 10_000)
    with services().catalog.session() as db:
        rows = list_volumes(db, g.viewer, page)
    return render_template("volumes.html", rows=rows, page=page, detail=None)


@bp.get("/volumes/<int:volume_id>")
@login_required
def show(volume_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        detail = volume_detail(db, g.viewer, volume_id)
    return render_template("volumes.html", rows=[], page=1, detail=detail)
