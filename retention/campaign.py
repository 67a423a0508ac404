"""The yearly filing campaign (DOMAIN.md §15): departments hand over the previous year's documents
by the end of the first quarter (`handover_deadline`, default 03-31), the archive room finishes
arranging by the end of June (`filing_deadline`, default 06-30); both are life-cycle settings
(retention.rules), changed by the administrator.

The dashboard says, per department, whether it has handed over (a transfer register of
archive.lending.transfers for the year, signed by its head), and which departments are late. The
departments expected are the configured `filing_departments`, else every department the catalog
knows (users' departments, registers, records of the year).

Who reads it: the archivists who receive, the office director and the bureau's leaders, the
auditors; a department head sees their own departments' rows. Reading is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today
from archive.codes import Role
from archive.errors import Forbidden, ValidationError
from archive.identity import Identity
from archive.lending.models import TransferRegister
from archive.models import Record, User
from archive.policy import Action, Viewer, may
from archive.visibility import visible
from retention import people, rules

OVERSEERS = {Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR}
HANDED = ("submitted", "checked", "closed")  # signed by the department head: handed over
UNFILED = ("received", "processing", "needs_review")


def deadline(setting: str, year: int) -> dt.date:
    """The day (MM-DD) of the year after `year` by which `year`'s documents are due."""
    month, day = (int(x) for x in setting.split("-"))
    return dt.date(year + 1, month, day)


def deadlines(session: Session, year: int) -> dict[str, dt.date]:
    return {"handover": deadline(rules.get(session, "handover_deadline"), year),
            "filing": deadline(rules.get(session, "filing_deadline"), year)}


def _reader(session: Session, who: Identity) -> Viewer:
    viewer = people.viewer(session, who)
    if viewer.system or may(viewer, Action.FILE) or may(viewer, Action.READ_AUDIT) or viewer.role in OVERSEERS \
            or viewer.role is Role.DEPT_HEAD:
        return viewer
    raise Forbidden("the filing campaign is read by the archive room, the office director, leaders and auditors")


def expected_departments(session: Session, year: int) -> list[str]:
    configured = [n for n in str(rules.get(session, "filing_departments") or "").split(",") if n]
    if configured:
        return configured
    names: set[str] = set()
    for (departments,) in session.execute(select(User.departments).where(
            User.active.is_(True), User.role.in_([Role.STAFF.value, Role.DEPT_HEAD.value]))):
        names.update(d for d in departments or [] if d)
    names.update(session.execute(select(TransferRegister.department).where(TransferRegister.year == year)).scalars())
    names.update(session.execute(select(Record.department).where(Record.year == year, Record.department != "")
                                 .distinct()).scalars())
    return sorted(n for n in names if n)


def dashboard(session: Session, who: Identity, year: int | None = None) -> dict[str, Any]:
    """Who has handed over `year`'s documents (default: last year), who is late, and the archive
    room's own progress against its deadline."""
    viewer = _reader(session, who)
    year = today().year - 1 if year is None else int(year)
    if not 1900 <= year <= today().year:
        raise ValidationError(f"the year is between 1900 and {today().year}")
    due = deadlines(session, year)
    rows = [_department(session, year, name, due["handover"]) for name in expected_departments(session, year)]
    if viewer.role is Role.DEPT_HEAD and not viewer.system:
        rows = [r for r in rows if not viewer.departments or r["department"] in viewer.departments]
    open_registers = session.execute(select(func.count()).select_from(TransferRegister).where(
        TransferRegister.year == year, TransferRegister.status != "closed")).scalar_one()
    unfiled = session.execute(select(func.count()).select_from(Record).where(
        Record.year == year, Record.status.in_(UNFILED), visible(viewer))).scalar_one()
    filing_passed = today() > due["filing"]
    missing = [r["department"] for r in rows if not r["handed_over"]]
    data: dict[str, Any] = {
        "year": year, "today": today().isoformat(),
        "handover_deadline": due["handover"].isoformat(), "filing_deadline": due["filing"].isoformat(),
        "handover_passed": today() > due["handover"], "filing_passed": filing_passed,
        "departments": rows, "not_handed_over": missing,
        "late": [r["department"] for r in rows if r["late"]],
        "open_registers": open_registers, "unfiled": unfiled,
        "filing_late": filing_passed and bool(open_registers or unfiled),
    }
    audit.record(session, viewer.username, "campaign.view", f"campaign:{year}",
                 {"departments": len(rows), "not_handed_over": len(missing)})
    return data


def _department(session: Session, year: int, name: str, handover_due: dt.date) -> dict[str, Any]:
    registers = list(session.execute(select(TransferRegister).where(
        TransferRegister.year == year, TransferRegister.department == name).order_by(TransferRegister.id)).scalars())
    handed = [r for r in registers if r.status in HANDED]
    first = min((r.created_at for r in handed if r.created_at), default=None)
    state = ("closed" if handed and all(r.status == "closed" for r in registers) else
             "handed_over" if handed else "unsigned" if registers else "none")
    return {
        "department": name, "state": state, "registers": len(registers), "handed_over": bool(handed),
        "items": sum(len(r.items) for r in handed), "first_handed_at": first.isoformat() if first else None,
        "late": not handed and today() > handover_due,
        "register_ids": [r.id for r in registers],
    }
