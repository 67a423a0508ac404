"""The audit trail as people read and check it, identity-first, for every face (the auditors'
page, the JSON API, `archive audit log`): reading is the auditor's right (policy READ_AUDIT),
shows the events with the details of those about records above the reader's clearance, and
of every event by a person cleared above the reader (their searches' words and totals),
redacted (audit.visible_events), and is itself recorded.

Verifying the chain and anchoring its head are operator work (`archive audit verify|anchor`,
the periodic task): they act as `system` and call archive.audit directly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.identity import Identity, active_user
from archive.policy import Action, Viewer, require

FILTERS = ("action", "actor", "target", "since", "until")


def reader(session: Session, who: Identity) -> Viewer:
    """The reader as they are now (an account disabled since it logged in reads nothing)."""
    viewer = who.viewer if who.is_system else Viewer.of(active_user(session, who.username))
    require(viewer, Action.READ_AUDIT)
    return viewer


def read(session: Session, who: Identity, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
    """Events newest first, as `who` may read them; the reading goes on the trail."""
    viewer = reader(session, who)
    chosen = {k: v for k, v in filters.items() if k in FILTERS and v}
    rows = audit.visible_events(session, viewer, **chosen, limit=max(1, min(limit, 1000)), offset=max(0, offset))
    audit.record(session, viewer.username, "audit.read", "", chosen)
    return rows


def verify(session: Session, who: Identity, anchors: audit.AnchorStore | None = None, *,
           history: bool = False) -> audit.Verification:
    """An auditor checks the chain (and its anchors, when the store is reachable; with `history`
    also that every user, record, loan and approval still has its events); recorded."""
    viewer = reader(session, who)
    result = audit.verify(session, anchors, history=history)
    audit.record(session, viewer.username, "audit.verify", "", {"ok": result.ok, "checked": result.checked})
    return result
