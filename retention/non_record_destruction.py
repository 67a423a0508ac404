"""Non-record documents (非归档文件, DOMAIN.md §15; issue 19 #15): papers without filing value are
registered, destroyed only with the office director's approval, and the destruction is recorded.
Secret ones are destroyed before at least two people, and their carriers go to the designated
destruction unit, whose receipt is recorded. Paper is never sold as scrap.

register → approve (or reject) by the office director in their own session → destroy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import CHINA, utcnow
from archive.codes import Role, Secrecy
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity, active_user
from archive.policy import Viewer, cleared_for, distinct_people, rank
from archive.registry_models import NonRecordDestruction

CARRIERS = ("paper", "disc", "disk", "other")
METHODS = ("shred", "pulp", "incinerate", "destruction_unit")
FORBIDDEN_METHODS = ("scrap", "sell", "sale")  # never sold as scrap paper
REGISTRAR_ROLES = frozenset({Role.ARCHIVIST, Role.STAFF, Role.DEPT_HEAD, Role.OFFICE_DIRECTOR})
APPROVER_ROLES = frozenset({Role.OFFICE_DIRECTOR})
EXECUTOR_ROLES = frozenset({Role.ARCHIVIST})
READER_ROLES = frozenset({Role.ARCHIVIST, Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR, Role.AUDITOR})
SECRET_ATTENDEES = 2


def _acting(session: Session, identity: Identity) -> Viewer:
    if identity.is_system:
        raise Forbidden("a non-record destruction is done by people, not by the system")
    return Viewer.of(active_user(session, identity.username))


def is_secret(level: str) -> bool:
    return rank(level) >= rank(Secrecy.SECRET)


def _get(session: Session, viewer: Viewer, lot_id: int) -> NonRecordDestruction:
    row = session.get(NonRecordDestruction, lot_id)
    if row is None or not cleared_for(viewer, row.secrecy):  # above clearance: it does not exist
        raise NotFound(f"non-record lot {lot_id} does not exist")
    return row


def register(session: Session, identity: Identity, *, description: str, items: int, reason: str,
             pages: int = 0, secrecy: str = "internal", carrier: str = "paper", department: str = "") -> NonRecordDestruction:
    viewer = _acting(session, identity)
    if viewer.role not in REGISTRAR_ROLES:
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not register non-record documents")
    try:
        level = Secrecy(secrecy)
    except ValueError:
        raise ValidationError(f"secrecy must be one of {', '.join(s.value for s in Secrecy)}") from None
    if not cleared_for(viewer, level):
        raise Forbidden(f"{viewer.username} is not cleared for {level.value}")
    if carrier not in CARRIERS:
        raise ValidationError(f"carrier must be one of {', '.join(CARRIERS)}")
    if not description.strip() or not reason.strip():
        raise ValidationError("a non-record lot names what it is and why it has no filing value")
    if not isinstance(items, int) or items < 1 or not isinstance(pages, int) or pages < 0:
        raise ValidationError("items must be at least 1 and pages not negative")
    row = NonRecordDestruction(number="", description=description.strip(), department=department.strip(),
                               items=items, pages=pages, secrecy=level.value, carrier=carrier, reason=reason.strip(),
                               status="registered", registered_by=viewer.username, registered_at=utcnow())
    session.add(row)
    session.flush()
    row.number = f"FG{row.registered_at.astimezone(CHINA).year}-{row.id:05d}"
    audit.record(session, viewer.username, "non_record.register", f"non_record:{row.id}", {
        "number": row.number, "items": items, "pages": pages, "secrecy": level.value, "carrier": carrier,
    })
    return row


def decide(session: Session, identity: Identity, lot_id: int, *, approve: bool, note: str = "") -> NonRecordDestruction:
    """The office director approves or rejects, in their own session; never their own lot."""
    viewer = _acting(session, identity)
    if viewer.role not in APPROVER_ROLES:
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not approve non-record destruction: "
                        "the office director does")
    row = _get(session, viewer, lot_id)
    if row.status != "registered":
        raise Conflict(f"non-record lot {row.number} is {row.status}, not waiting for approval")
    if row.registered_by == viewer.username:
        raise Forbidden(f"{viewer.username} cannot approve a lot they registered")
    if not approve and not note.strip():
        raise ValidationError("a rejection states its reason")
    row.status = "approved" if approve else "rejected"
    row.approved_by, row.approved_at, row.decision_note = viewer.username, utcnow(), note.strip()
    audit.record(session, viewer.username, f"non_record.{'approve' if approve else 'reject'}", f"non_record:{row.id}",
                 {"number": row.number, **({"note": row.decision_note} if row.decision_note else {})})
    return row


def destroy(session: Session, identity: Identity, lot_id: int, *, method: str, place: str,
            attendees: Iterable[str] = (), destruction_unit: str = "", receipt_no: str = "") -> NonRecordDestruction:
    """Record the destruction of an approved lot. Secret lots: at least two people attend (not
    the approver), and the carriers are handed to the designated destruction unit against its receipt."""
    viewer = _acting(session, identity)
    if viewer.role not in EXECUTOR_ROLES:
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not carry out a destruction")
    row = _get(session, viewer, lot_id)
    if row.status != "approved":
        raise Conflict(f"non-record lot {row.number} is {row.status}: only an approved lot is destroyed")
    method = method.strip().lower()
    if method in FORBIDDEN_METHODS:
        raise Forbidden("documents are never sold as scrap paper")
    if method not in METHODS:
        raise ValidationError(f"method must be one of {', '.join(METHODS)}")
    if not place.strip():
        raise ValidationError("the place of destruction is required")
    people = sorted({a.strip() for a in attendees if a and a.strip()})
    for name in people:
        user = active_user(session, name)
        if is_secret(row.secrecy) and not cleared_for(Viewer.of(user), row.secrecy):
            raise Forbidden(f"{name} is not cleared for {row.secrecy}")
    if is_secret(row.secrecy):
        if len(people) < SECRET_ATTENDEES:
            raise ValidationError(f"a secret lot is destroyed before at least {SECRET_ATTENDEES} people (--attendee)")
        distinct_people([row.approved_by], people, what=f"non-record destruction {row.number}")
        if method != "destruction_unit" or not destruction_unit.strip() or not receipt_no.strip():
            raise ValidationError("secret carriers are handed to the designated destruction unit: "
                                  "name the unit and its receipt number")
    elif method == "destruction_unit" and not (destruction_unit.strip() and receipt_no.strip()):
        raise ValidationError("a hand-over to the destruction unit records the unit and its receipt number")
    row.status, row.method, row.place, row.attendees = "destroyed", method, place.strip(), people
    row.destruction_unit, row.receipt_no = destruction_unit.strip(), receipt_no.strip()
    row.executed_by, row.destroyed_at = viewer.username, utcnow()
    audit.record(session, viewer.username, "non_record.destroy", f"non_record:{row.id}", {
        "number": row.number, "method": method, "place": row.place, "attendees": people, "secrecy": row.secrecy,
        **({"destruction_unit": row.destruction_unit, "receipt": row.receipt_no} if row.receipt_no else {}),
    })
    return row


def as_dict(row: NonRecordDestruction) -> dict[str, Any]:
    def when(value):
        return value.isoformat() if value else None

    return {
        "id": row.id, "number": row.number, "description": row.description, "department": row.department,
        "items": row.items, "pages": row.pages, "secrecy": row.secrecy, "carrier": row.carrier,
        "reason": row.reason, "status": row.status, "registered_by": row.registered_by,
        "registered_at": when(row.registered_at), "approved_by": row.approved_by, "approved_at": when(row.approved_at),
        "decision_note": row.decision_note, "method": row.method, "place": row.place,
        "attendees": list(row.attendees or []), "destruction_unit": row.destruction_unit,
        "receipt_no": row.receipt_no, "executed_by": row.executed_by, "destroyed_at": when(row.destroyed_at),
    }


def register_rows(session: Session, identity: Identity, *, status: str | None = None, limit: int = 500) -> list[dict]:
    """The register as this person may read it: lots within their clearance; others see only
    their own lots. Reading is audited."""
    viewer = _acting(session, identity)
    query = select(NonRecordDestruction)
    if status:
        query = query.where(NonRecordDestruction.status == status)
    if viewer.role not in READER_ROLES:
        query = query.where(NonRecordDestruction.registered_by == viewer.username)
    rows = [as_dict(r) for r in session.execute(query.order_by(NonRecordDestruction.id.desc())
                                                .limit(max(1, min(limit, 2000)))).scalars()
            if cleared_for(viewer, r.secrecy)]
    audit.record(session, viewer.username, "non_record.read", "", {"rows": len(rows), **({"status": status} if status else {})})
    return rows


def one(session: Session, identity: Identity, lot_id: int) -> dict[str, Any]:
    viewer = _acting(session, identity)
    row = _get(session, viewer, lot_id)
    if viewer.role not in READER_ROLES and row.registered_by != viewer.username:
        raise NotFound(f"non-record lot {lot_id} does not exist")
    return as_dict(row)
