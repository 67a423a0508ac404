"""备案: the destruction registers that must also be filed with the HRSS department.

DOMAIN.md §6.3: a destruction register is approved by the bureau director and, when it lists
social-insurance business files (社保业务档案, category SB; 社会保险业务档案管理规定 2009), is also
filed with the human-resources and social-security department. That is a step of its own, after
the approval: the archivist records the day it was filed and the department's reference
(`file`), the register's page shows it, and a register approved more than N days ago
(setting retention.authority_filing_days) and not yet filed is listed (`overdue`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import CHINA, today
from archive.errors import Conflict, Forbidden, ValidationError
from archive.identity import Identity
from archive.lifecycle_models import DestructionApproval, DestructionEntry, DestructionRegister
from archive.policy import Action, Viewer, may, require
from retention import destruction, people, rules

CATEGORIES = ("SB",)  # the registers of these categories' files are filed with the HRSS department
AFTER_APPROVAL = ("approved", "executing", "executed")
READERS = (Action.FILE, Action.APPRAISE, Action.APPROVE, Action.WITNESS, Action.READ_AUDIT)


def required(session: Session, register: DestructionRegister) -> bool:
    """The register lists at least one file of a category filed with the department."""
    return session.execute(select(DestructionEntry.id).where(
        DestructionEntry.register_id == register.id, DestructionEntry.category_code.in_(CATEGORIES)).limit(1)
    ).first() is not None


def approved_on(session: Session, register: DestructionRegister) -> dt.date | None:
    """The day (China time) of the register's last approval, once it is approved."""
    if register.status not in AFTER_APPROVAL:
        return None
    last = session.execute(select(func.max(DestructionApproval.approved_at))
                           .where(DestructionApproval.register_id == register.id)).scalar()
    if last is None:
        return None
    return (last if last.tzinfo else last.replace(tzinfo=dt.UTC)).astimezone(CHINA).date()


def state(session: Session, register: DestructionRegister, on: dt.date | None = None) -> dict[str, Any]:
    """What the register's page shows: whether it must be filed, when it was (or by when it is due)."""
    needed = required(session, register)
    approved = approved_on(session, register) if needed else None
    due = approved + dt.timedelta(days=int(rules.get(session, "authority_filing_days"))) if approved else None
    filed = register.filed_with_authority_on
    return {"required": needed, "filed_on": filed.isoformat() if filed else None,
            "reference": register.filed_with_authority_ref, "recorded_by": register.filed_with_authority_by,
            "approved_on": approved.isoformat() if approved else None, "due_on": due.isoformat() if due else None,
            "overdue": bool(due and not filed and (on or today()) > due)}


def file(session: Session, who: Identity, register_id: int, *, on: object, reference: object) -> dict[str, Any]:
    """The archivist records the filing: after the approval, not in the future, with the reference."""
    actor = people.acting(session, who)
    viewer = Viewer.of(actor)
    require(viewer, Action.FILE)
    register = destruction.get_register(session, register_id)
    if not required(session, register):
        raise ValidationError(f"register {register_id} lists no social-insurance files and is not filed "
                              f"with the HRSS department")
    if register.filed_with_authority_on is not None:
        raise Conflict(f"register {register_id} was filed with the HRSS department on "
                       f"{register.filed_with_authority_on.isoformat()}")
    approved = approved_on(session, register)
    if approved is None:
        raise Conflict(f"register {register_id} is filed with the HRSS department after it is approved")
    day = _day(on)
    if day > today() or day < approved:
        raise ValidationError(f"the filing date is between the approval ({approved.isoformat()}) and today")
    ref = " ".join(str(reference or "").split())
    if not ref or len(ref) > 100:
        raise ValidationError("the department's reference (备案号) has 1 to 100 characters")
    register.filed_with_authority_on, register.filed_with_authority_ref = day, ref
    register.filed_with_authority_by = actor.username
    audit.record(session, actor.username, "destruction.register.filed_with_authority", f"register:{register.id}",
                 {"on": day.isoformat(), "reference": ref})
    return {"register_id": register.id, **state(session, register)}


def overdue(session: Session, who: Identity, *, on: object = None) -> list[dict[str, Any]]:
    """Registers to be filed whose time since the approval has run out, oldest first."""
    viewer = people.viewer(session, who)
    if not any(may(viewer, action) for action in READERS):
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not work with retention")
    day = _day(on) if on is not None else today()
    out = []
    candidates = session.execute(select(DestructionRegister).where(
        DestructionRegister.status.in_(AFTER_APPROVAL), DestructionRegister.filed_with_authority_on.is_(None))
        .order_by(DestructionRegister.id)).scalars()
    for register in candidates:
        found = state(session, register, day)
        if found["overdue"]:
            out.append({"register_id": register.id, "title": register.title, "status": register.status, **found})
    return sorted(out, key=lambda r: r["due_on"])


def _day(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError("the date is YYYY-MM-DD") from None
