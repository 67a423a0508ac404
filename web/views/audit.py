"""The audit trail for auditors: filters, and verification of the hash chain."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from archive import audit
from archive.policy import Action
from web.auth import requires, services

bp = Blueprint("audit", __name__)
PAGE = 50


def filters() -> dict:
    return {k: (request.args.get(k) or "").strip()[:100] or None for k in ("action", "actor", "target", "since", "until")}


@bp.get("/audit")
@requires(Action.READ_AUDIT)
def trail():  # noqa: ANN201
    page = min(max(request.args.get("page", type=int) or 1, 1), 100_000)
    with services().catalog.session() as db:
        rows = audit.visible_events(db, g.viewer, **filters(), limit=PAGE, offset=(page - 1) * PAGE)
        audit.record(db, g.viewer.username, "audit.read", "", {k: v for k, v in filters().items() if v})
    return render_template("audit.html", rows=rows, page=page, filters=filters(), verification=None)


@bp.post("/audit/verify")
@requires(Action.READ_AUDIT)
def verify():  # noqa: ANN201
    with services().catalog.session() as db:
        result = audit.verify(db, anchors=_anchors())
        audit.record(db, g.viewer.username, "audit.verify", "", {"ok": result.ok, "checked": result.checked})
        rows = audit.visible_events(db, g.viewer, limit=PAGE)
    return render_template("audit.html", rows=rows, page=1, filters={}, verification=result)


def _anchors():  # noqa: ANN202
    try:
        return services().store
    except Exception:  # noqa: BLE001 - an unreachable store: verify the chain alone, say so on the page
        return None
