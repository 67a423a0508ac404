"""The audit trail for auditors: filters, and verification of the hash chain (archive.trail)."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from archive import trail
from archive.policy import Action
from web.auth import requires, services

bp = Blueprint("audit", __name__)
PAGE = 50


def filters() -> dict:
    return {k: (request.args.get(k) or "").strip()[:100] or None for k in trail.FILTERS}


@bp.get("/audit", endpoint="trail")
@requires(Action.READ_AUDIT)
def trail_page():
    page = min(max(request.args.get("page", type=int) or 1, 1), 100_000)
    with services().unit_of_work(g.identity) as db:
        rows = trail.read(db, g.identity, **filters(), limit=PAGE, offset=(page - 1) * PAGE)
    return render_template("audit.html", rows=rows, page=page, filters=filters(), verification=None)


@bp.post("/audit/verify")
@requires(Action.READ_AUDIT)
def verify():
    with services().unit_of_work(g.identity) as db:
        result = trail.verify(db, g.identity, _anchors())
    with services().unit_of_work(g.identity) as db:
        rows = trail.read(db, g.identity, limit=PAGE)
    return render_template("audit.html", rows=rows, page=1, filters={}, verification=result)


def _anchors():
    try:
        return services().store
    except Exception:
        return None
