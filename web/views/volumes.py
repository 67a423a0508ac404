"""Volumes (案卷) and their shelf positions, and the records bound in one volume.

Each view calls one service of archive.lending.stockroom as the signed-in person; the functions
below are also the API's (web.views.api, web.views.api_config).
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.arrangement import shelves
from archive.errors import NotFound, ValidationError
from archive.lending import stockroom
from archive.policy import Action, may
from web.auth import login_required, services

bp = Blueprint("volumes", __name__)
PAGE = stockroom.PAGE
MAX_ID = 2**31 - 1

# The API's entry points (identity or viewer first), kept under their names.
list_volumes = stockroom.list_volumes
volume_detail = stockroom.volume_detail
location_history = stockroom.location_history
volume_row = stockroom.volume_row


def shelve(db, who, volume_id: int, path: object, reason: object = "") -> dict:
    """Put a volume on a shelf (archivists); the move is kept in its location history."""
    if not isinstance(path, str) or not path.strip() or len(path) > 100:
        raise ValidationError("a location reads 库房-排-列-节-层, e.g. A-01-02-03-04")
    if not isinstance(reason, str) or len(reason) > 100:
        raise ValidationError("the reason has at most 100 characters")
    return stockroom.shelve(db, who, volume_id, path.strip(), reason.strip())


def labels_of(db, who, volume_ids: list[int]) -> bytes:
    if not volume_ids:
        raise ValidationError("choose at least one volume")
    for vid in volume_ids:
        if not 0 < vid <= MAX_ID:
            raise NotFound(f"volume {vid} does not exist")
    return stockroom.labels_pdf(db, who, volume_ids=list(volume_ids))


def unit_of_work():
    return services().unit_of_work(g.identity)


@bp.get("/volumes")
@login_required
def index():
    page = min(max(request.args.get("page", type=int) or 1, 1), 10_000)
    with unit_of_work() as db:
        rows = stockroom.list_volumes(db, g.identity, page)
    return render_template("volumes.html", rows=rows, page=page, detail=None, may_label=may(g.viewer, Action.LEND))


@bp.get("/volumes/<int:volume_id>")
@login_required
def show(volume_id: int):
    with unit_of_work() as db:
        detail = stockroom.volume_page(db, g.identity, volume_id)
        # The shelf is picked from the store's location tree, never typed (archive.arrangement.shelves).
        places = shelves.tree(db, g.identity) if detail["may_shelve"] else []
    return render_template("volumes.html", rows=[], page=1, detail=detail, may_shelve=detail["may_shelve"],
                           may_label=detail["may_label"], moves=detail["moves"], places=places)


@bp.post("/volumes/<int:volume_id>/shelve")
@login_required
def shelve_page(volume_id: int):
    picked = request.form.get("location_id", "")
    with unit_of_work() as db:
        if picked:
            if not picked.isascii() or not picked.isdigit():
                raise ValidationError(_("请从库位树中选择库位"))
            shelves.shelve_at(db, g.identity, volume_id, int(picked), request.form.get("reason", "")[:100])
        else:  # a typed path: the API's and older clients' way
            shelve(db, g.identity, volume_id, request.form.get("path", ""), request.form.get("reason", ""))
    flash(_("案卷已上架"), "ok")
    return redirect(url_for("volumes.show", volume_id=volume_id))


@bp.post("/volumes/labels")
@login_required
def labels_page():
    try:
        ids = [int(v) for v in request.form.getlist("volume_id")][:50]
    except ValueError:
        raise ValidationError("volume ids are numbers") from None
    with unit_of_work() as db:
        body = labels_of(db, g.identity, ids)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="labels.pdf"'})
