"""Volumes (案卷) and their shelf positions, and the records bound in one volume."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from archive.errors import NotFound, ValidationError
from archive.lending import labels, store
from archive.models import Location, Record, Volume
from archive.policy import Action, Viewer, may, require
from archive.visibility import can_see_volume, visible_volumes
from web.access import MAX_ID, visible
from web.auth import login_required, services

bp = Blueprint("volumes", __name__)
PAGE = 100


def list_volumes(db, viewer, page: int) -> list[dict]:  # noqa: ANN001
    rows = db.execute(
        select(Volume, Location.path).outerjoin(Location, Volume.location_id == Location.id)
        .where(visible_volumes(viewer)).order_by(Volume.archival_code)
        .limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    return [volume_row(v, path or "") for v, path in rows]


def volume_detail(db, viewer, volume_id: int) -> dict:  # noqa: ANN001
    volume = db.get(Volume, volume_id) if 0 < volume_id <= MAX_ID else None
    if volume is None or not can_see_volume(db, viewer, volume):
        raise NotFound(f"volume {volume_id} does not exist")
    records = db.execute(
        select(Record).where(Record.volume_id == volume.id, visible(viewer)).order_by(Record.sequence, Record.id)
    ).scalars().all()
    return {"volume": volume_row(volume, volume.location.path if volume.location else ""),
            "records": [{"id": r.id, "archival_code": r.archival_code, "title": r.title, "secrecy": r.secrecy}
                        for r in records]}


def shelve(db, viewer: Viewer, volume_id: int, path: object, reason: object = "") -> dict:  # noqa: ANN001
    """Put a volume on a shelf (archivists); the move is kept in its location history."""
    require(viewer, Action.FILE)
    volume_detail(db, viewer, volume_id)  # a volume the archivist may not see does not exist
    if not isinstance(path, str) or not path.strip() or len(path) > 100:
        raise ValidationError("a location reads 库房-排-列-节-层, e.g. A-01-02-03-04")
    if not isinstance(reason, str) or len(reason) > 200:
        raise ValidationError("the reason has at most 200 characters")
    store.shelve(db, viewer.username, volume_id, path.strip(), reason=reason.strip() or "shelve")
    return volume_detail(db, viewer, volume_id)["volume"]


def location_history(db, viewer: Viewer, volume_id: int) -> list[dict]:  # noqa: ANN001
    require(viewer, Action.FILE)
    volume_detail(db, viewer, volume_id)
    return store.history(db, volume_id)


def labels_of(db, viewer: Viewer, volume_ids: list[int]) -> bytes:  # noqa: ANN001
    if not volume_ids:
        raise ValidationError("choose at least one volume")
    for vid in volume_ids:
        if not 0 < vid <= MAX_ID:
            raise NotFound(f"volume {vid} does not exist")
    return labels.labels_pdf(db, viewer.username, volume_ids=list(volume_ids))


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
    return render_template("volumes.html", rows=rows, page=page, detail=None, may_label=may(g.viewer, Action.LEND))


@bp.get("/volumes/<int:volume_id>")
@login_required
def show(volume_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        detail = volume_detail(db, g.viewer, volume_id)
        may_shelve = may(g.viewer, Action.FILE)
        moves = store.history(db, volume_id) if may_shelve else []
    return render_template("volumes.html", rows=[], page=1, detail=detail, may_shelve=may_shelve,
                           may_label=may(g.viewer, Action.LEND), moves=moves)


@bp.post("/volumes/<int:volume_id>/shelve")
@login_required
def shelve_page(volume_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        shelve(db, g.viewer, volume_id, request.form.get("path", ""), request.form.get("reason", ""))
    flash(_("案卷已上架"), "ok")
    return redirect(url_for("volumes.show", volume_id=volume_id))


@bp.post("/volumes/labels")
@login_required
def labels_page():  # noqa: ANN201
    try:
        ids = [int(v) for v in request.form.getlist("volume_id")][:50]
    except ValueError:
        raise ValidationError("volume ids are numbers") from None
    with services().catalog.session() as db:
        body = labels_of(db, g.viewer, ids)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="labels.pdf"'})
