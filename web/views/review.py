"""The review queue: records the pipeline could not file with confidence."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from archive.policy import Action
from ingest.corrections import review_queue
from web.auth import requires, services

bp = Blueprint("review", __name__)


@bp.get("/review")
@requires(Action.FILE)
def queue():
    with services().unit_of_work(g.identity) as db:
        rows = review_queue(db, g.identity)
    return render_template("review.html", rows=rows)
