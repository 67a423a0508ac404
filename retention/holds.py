"""Holds (冻结, DOMAIN.md §6.4): a record under any active hold cannot be edited, moved,
appraised for destruction or destroyed. Holds nest and are evaluated live, so a hold on a
volume, category or saved query also covers items added later; releasing one of two holds
leaves the record held. Other services call `assert_not_held` before changing a record.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import utcnow
from archive.codes import Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.holds import (  # noqa: F401 - re-exported: retention's callers use them from here
    QUERY_KEYS,
    active_holds,
    assert_not_held,
    assert_volume_not_held,
    covers,
    held_record_ids,
    hold_clause,
    hold_visible,
    holds_for,
    is_held,
    query_clause,
    query_matches,
    visible_holds,
)
from archive.identity import Identity
from archive.lifecycle_models import Hold
from archive.models import Category, Record, StoredObject, User, Volume
from archive.policy import Viewer
from retention import people

SCOPES = ("record", "volume", "category", "query")
# Lowest to highest: a hold is released by the person who placed it or by a higher role.
HOLD_ROLES = (Role.ARCHIVIST.value, Role.OFFICE_DIRECTOR.value, Role.LEADER.value, Role.DIRECTOR.value)


# -- placing and releasing --------------------------------------------------------------------
def place(session: Session, who: Identity, *, reason: str, scope: str, target: str = "", query: dict | None = None,
          store=None) -> Hold:
    actor = people.require_role(session, who, HOLD_ROLES, "place a hold")
    if not (reason or "").strip():
        raise ValidationError("a hold needs a reason (litigation, audit, investigation...)")
    if scope not in SCOPES:
        raise ValidationError(f"hold scope must be one of {', '.join(SCOPES)}")
    query = dict(query or {})
    target = str(target or "").strip()
    _check_target(session, scope, target, query)
    # A record or volume above the actor's clearance does not exist for them (same answer as a missing one).
    probe = Hold(scope=scope, target=target, query=query)
    if not hold_visible(session, Viewer.of(actor), probe):
        raise NotFound(f"{scope} {target} does not exist")
    hold = Hold(reason=reason.strip(), scope=scope, target=target if scope != "query" else "", query=query,
                placed_by=actor.username, placed_role=actor.role, placed_at=utcnow())
    session.add(hold)
    session.flush()
    locked = _set_legal_holds(session, store, hold, on=True)
    audit.record(session, actor.username, "hold.place", f"hold:{hold.id}",
                 {"reason": hold.reason, "scope": scope, "target": hold.target, "query": query, "legal_holds": locked})
    return hold


def release(session: Session, who: Identity, *, hold_id: int, reason: str, store=None) -> Hold:
    actor = people.require_role(session, who, HOLD_ROLES, "release a hold")
    if not (reason or "").strip():
        raise ValidationError("releasing a hold needs a reason")
    hold = session.get(Hold, hold_id)
    if hold is None or not hold_visible(session, Viewer.of(actor), hold):
        raise NotFound(f"hold {hold_id} does not exist")
    if hold.released_at is not None:
        raise Conflict(f"hold {hold_id} was already released")
    _may_release(session, actor, hold)
    hold.released_at, hold.released_by, hold.release_reason = utcnow(), actor.username, reason.strip()
    session.flush()
    unlocked = _set_legal_holds(session, store, hold, on=False)
    audit.record(session, actor.username, "hold.release", f"hold:{hold.id}",
                 {"reason": hold.release_reason, "legal_holds_off": unlocked})
    return hold


def _may_release(session: Session, actor: User, hold: Hold) -> None:
    """Only the placer, or a role above the placer's, lifts a hold (DOMAIN.md §6.4)."""
    if actor.username == hold.placed_by:
        return
    placed_role = hold.placed_role or _current_role(session, hold.placed_by)
    if _rank(actor.role) <= _rank(placed_role):
        raise Forbidden(f"hold {hold.id} was placed by {hold.placed_by} ({placed_role}); only they or a higher role "
                        f"may release it")


def _current_role(session: Session, username: str) -> str:
    """For holds placed before roles were recorded: the placer's role now (unknown: the highest)."""
    found = session.execute(select(User.role).where(User.username == username)).scalar()
    return found or HOLD_ROLES[-1]


def _rank(role: str) -> int:
    return HOLD_ROLES.index(role) if role in HOLD_ROLES else len(HOLD_ROLES)


def _check_target(session: Session, scope: str, target: str, query: dict) -> None:
    if scope == "record" and (not str(target).isdigit() or session.get(Record, int(target)) is None):
        raise NotFound(f"record {target} does not exist")
    if scope == "volume" and (not str(target).isdigit() or session.get(Volume, int(target)) is None):
        raise NotFound(f"volume {target} does not exist")
    if scope == "category" and session.get(Category, target) is None:
        raise NotFound(f"category {target} does not exist")
    if scope == "query":
        unknown = set(query) - QUERY_KEYS
        if not query or unknown:
            raise ValidationError(f"a saved query needs some of {', '.join(sorted(QUERY_KEYS))}; unknown: {unknown or '-'}")


def _set_legal_holds(session: Session, store, hold: Hold, *, on: bool) -> int:
    """Mirror the hold onto object-lock stores (MinIO); on release only where no other hold remains."""
    if store is None or not store.supports_object_lock:
        return 0
    rows = session.execute(
        select(StoredObject, Record).join(Record, StoredObject.record_id == Record.id)
        .where(hold_clause(hold), StoredObject.destroyed_at.is_(None))
    ).all()
    others = [h for h in active_holds(session) if h.id != hold.id]
    count = 0
    for obj, record in rows:
        if not on and any(covers(h, record) for h in others):
            continue
        if store.exists(obj.sha256):
            store.set_legal_hold(obj.sha256, on)
            count += 1
    return count
