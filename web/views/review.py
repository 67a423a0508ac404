"""The review queue: records the pipeline could not file with confidence."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from sqlalchemy import select

from archive.codes import RecordStatus
from archive.models import Record
from archive.policy import Action
from web.access import visible
from web.auth import requires, services

bp = Blueprint("review", __name__)


@bp.get("/review")
@requires(Action.FILE)
def queue():  # noqa: ANN201
    with services().catalog.session() as db:
        rows = db.execute(
            select(Record).where(visible(g.viewer), Record.status == RecordStatus.NEEDS_REVIEW.value)
            .order_by(Record.id).limit(200)
        ).scalars().all()
    # Corrections (edit fields, feed classifier training) come with the ingest review service.
    return render_template("review.html", rows=rows)
