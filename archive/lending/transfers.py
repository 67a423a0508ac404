"""Receiving (DOMAIN.md §7): a department's transfer register (移交登记表), signed by the person
handing over and by the department head, each in their own name; checked item by item against
what arrived (and, for social insurance, against the business system's CSV of transactions);
accepted (logged into the store, shelved) or rejected with reasons. And the filing deadline.

    unsigned ──sign (dept head)──▶ submitted ──check (archivist)──▶ checked ──decide every item──▶ closed

Every function takes the acting identity first. An item naming a volume the viewer may not see
does not exist for them (it is left out of what they are shown, and cannot be decided by them).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today, utcnow
from archive.codes import Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending.access import MAX_ID, Actor, Who, acting, acting_for, volume_by_code
from archive.lending.messages import msg
from archive.lending.models import TransferItem, TransferRegister
from archive.lending.store import log_movement, shelve
from archive.models import Category, Record
from archive.policy import Action, Viewer, may
from archive.visibility import can_see_volume, visible

MAX_LINES = 2000


@dataclasses.dataclass(frozen=True)
class Line:
    archival_code: str
    title: str = ""
    pages: int = 0
    transaction_no: str = ""


def _get(session: Session, register_id: int, *, lock: bool = False) -> TransferRegister:
    query = select(TransferRegister).where(TransferRegister.id == register_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    register = session.execute(query).scalar_one_or_none() if 0 < register_id <= MAX_ID else None
    if register is None:
        raise NotFound(msg("not_found", what=f"transfer register {register_id}"))
    return register


def _party(me: Actor, register: TransferRegister) -> bool:
    """Who may know of a register: the archivists who receive, the person who handed it over, and
    the department's head."""
    viewer = me.viewer
    if may(viewer, Action.FILE):
        return True
    if me.username in (register.handed_by, register.dept_head):
        return True
    return viewer.role is Role.DEPT_HEAD and _heads(viewer, register.department)


def _heads(viewer: Viewer, department: str) -> bool:
    return viewer.role is Role.DEPT_HEAD and (not viewer.departments or department in viewer.departments)


def visible_register(session: Session, who: Who, register_id: int) -> TransferRegister:
    me = acting(session, who)
    register = _get(session, register_id)
    if not _party(me, register):
        raise NotFound(msg("not_found", what=f"transfer register {register_id}"))
    return register


def _hidden_codes(session: Session, viewer: Viewer, codes: list[str]) -> set[str]:
    """Codes of catalogued volumes the viewer may not see (they do not exist for the viewer)."""
    hidden = set()
    for code in codes:
        volume = volume_by_code(session, code)
        if volume is not None and not can_see_volume(session, viewer, volume):
            hidden.add(code)
    return hidden


def submit_register(session: Session, who: Who, *, department: str, year: int, category_code: str,
                    lines: list[Line]) -> TransferRegister:
    """The department hands over: the person handing over submits the register (they sign it by
    submitting); their department head signs it next (`sign_register`), in their own name."""
    me = acting(session, who)
    department, category_code = department.strip(), category_code.strip().upper()
    if not lines:
        raise ValidationError("a transfer register lists at least one item")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"a transfer register lists at most {MAX_LINES} items")
    if not department or len(department) > 50:
        raise ValidationError("a transfer register names the department handing over")
    if not 1900 <= year <= today().year:
        raise ValidationError(f"the year is between 1900 and {today().year}")
    if session.get(Category, category_code) is None:
        raise ValidationError(f"unknown category code {category_code!r}")
    if me.user.departments and department not in me.user.departments:
        raise Forbidden(msg("transfer_own_department", department=department))
    codes = [line.archival_code.strip() for line in lines]
    if any(not c or len(c) > 60 for c in codes) or len(set(codes)) != len(codes):
        raise ValidationError("every line names one archival code (at most 60 characters), each once")
    register = TransferRegister(department=department, year=year, category_code=category_code,
                                handed_by=me.username, dept_head="", status="unsigned")
    session.add(register)
    session.flush()
    for n, (code, line) in enumerate(zip(codes, lines, strict=True), 1):
        session.add(TransferItem(register_id=register.id, line=n, archival_code=code, title=line.title.strip(),
                                 pages=max(0, int(line.pages or 0)), transaction_no=line.transaction_no.strip()))
    session.flush()
    audit.record(session, me.username, "transfer.submit", f"transfer:{register.id}",
                 {"department": department, "year": year, "category": category_code, "items": len(lines)})
    return register


def sign_register(session: Session, who: Who, register_id: int) -> TransferRegister:
    """The head of the department signs the register, which then goes to the archive."""
    me = acting(session, who)
    register = _get(session, register_id, lock=True)
    if not _party(me, register):
        raise NotFound(msg("not_found", what=f"transfer register {register_id}"))
    if not _heads(me.viewer, register.department):
        raise Forbidden(msg("transfer_head", department=register.department))
    if me.username == register.handed_by:
        raise Forbidden("the department head signs in addition to the person handing over")
    if register.status != "unsigned":
        raise Conflict(msg("transfer_state", id=register.id, status=register.status))
    register.dept_head, register.status = me.username, "submitted"
    audit.record(session, me.username, "transfer.sign", f"transfer:{register.id}", {"department": register.department})
    return register


def check_arrivals(session: Session, who: Who, register_id: int, arrived: dict[str, int],
                   transactions_csv: str | None = None) -> dict:
    """Compare the register with what arrived ({code: pages counted}) and, for SB, the CSV export
    of the business system (a column named 业务流水号 or transaction_no). Returns the discrepancies
    the archivist may see."""
    me = acting_for(session, who, Action.FILE)
    register = _get(session, register_id, lock=True)
    if register.status not in ("submitted", "checked"):
        raise Conflict(msg("transfer_state", id=register.id, status=register.status))
    if any(item.decision for item in register.items):
        raise Conflict(msg("transfer_decided", id=register.id))
    txns = _transactions(transactions_csv) if transactions_csv is not None else None
    listed = {i.archival_code for i in register.items}
    for item in register.items:
        problems = []
        item.arrived = item.archival_code in arrived
        item.pages_arrived = arrived.get(item.archival_code)
        if not item.arrived:
            problems.append("未到 missing")
        elif item.pages and item.pages_arrived != item.pages:
            problems.append(f"页数不符 pages {item.pages_arrived}/{item.pages}")
        if txns is not None and item.transaction_no not in txns:
            problems.append("业务系统无此业务 not in business system")
        item.problems = problems
    hidden = _hidden_codes(session, me.viewer, sorted(listed | set(arrived)))
    result = {
        "problems": {i.archival_code: i.problems for i in register.items if i.problems and i.archival_code not in hidden},
        "not_listed": sorted(set(arrived) - listed - hidden),
        "transactions_without_item": sorted(txns - {i.transaction_no for i in register.items}) if txns else [],
    }
    register.status, register.received_by = "checked", me.username
    audit.record(session, me.username, "transfer.check", f"transfer:{register.id}",
                 {k: len(v) for k, v in result.items()})
    return result


def _transactions(text: str) -> set[str]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    column = next((c for c in reader.fieldnames or [] if c.strip() in ("业务流水号", "transaction_no")), None)
    if column is None:
        raise ValidationError("the business-system CSV needs a column 业务流水号 or transaction_no")
    return {row[column].strip() for row in reader if (row.get(column) or "").strip()}


DECISIONS = ("accept", "reject")


def decide(session: Session, who: Who, register_id: int, archival_code: str, decision: str, *,
           reason: str = "", shelf: str = "") -> TransferItem:
    """Accept (log the volume into the store and shelve it) or reject one checked item, with a reason."""
    me = acting_for(session, who, Action.FILE)
    register = _get(session, register_id, lock=True)
    item = next((i for i in register.items if i.archival_code == archival_code), None)
    if item is None or archival_code in _hidden_codes(session, me.viewer, [archival_code]):
        raise NotFound(msg("not_found", what=f"item {archival_code}"))
    if register.status != "checked":
        raise Conflict(msg("transfer_state", id=register.id, status=register.status))
    if decision not in DECISIONS:
        raise ValidationError("decision is accept or reject")
    if decision == "reject" and not reason.strip():
        raise ValidationError(msg("reason_required"))
    if item.decision:
        raise Conflict(msg("transfer_item_decided", code=archival_code, decision=item.decision))
    if decision == "accept" and item.arrived is False:
        raise Conflict(f"{archival_code} did not arrive and cannot be accepted")
    item.decision, item.reason = decision, reason.strip()
    volume = volume_by_code(session, archival_code)
    if decision == "accept" and volume is not None:
        item.volume_id = volume.id
        log_movement(session, me, volume.id, "in", "receive", note=f"transfer {register.id}")
        if shelf.strip():
            shelve(session, me, volume.id, shelf, reason="receive")
    if all(i.decision for i in register.items):
        register.status, register.closed_at = "closed", utcnow()
    audit.record(session, me.username, f"transfer.{decision}", f"transfer:{register.id}",
                 {"code": archival_code, "reason": reason, "shelf": shelf})
    return item


def list_registers(session: Session, who: Who, *, status: str | None = None,
                   limit: int = 200) -> list[TransferRegister]:
    """The registers the person may know of (see `_party`), newest first."""
    me = acting(session, who)
    query = select(TransferRegister).order_by(TransferRegister.id.desc())
    if status:
        query = query.where(TransferRegister.status == status)
    if not may(me.viewer, Action.FILE):
        mine = [TransferRegister.handed_by == me.username, TransferRegister.dept_head == me.username]
        if me.viewer.role is Role.DEPT_HEAD:
            mine.append(TransferRegister.department.in_(sorted(me.viewer.departments))
                        if me.viewer.departments else true())
        query = query.where(or_(*mine))
    return list(session.execute(query.limit(limit)).scalars())


def describe(session: Session, who: Who, register: TransferRegister, *, items: bool = True) -> dict:
    """A register as plain data; items naming volumes the viewer may not see are left out."""
    me = acting(session, who)
    if not _party(me, register):
        raise NotFound(msg("not_found", what=f"transfer register {register.id}"))
    data = {
        "id": register.id, "department": register.department, "year": register.year,
        "category": register.category_code, "status": register.status, "handed_by": register.handed_by,
        "dept_head": register.dept_head, "received_by": register.received_by,
        "created_at": register.created_at.isoformat() if register.created_at else None,
        "closed_at": register.closed_at.isoformat() if register.closed_at else None,
    }
    if items:
        shown = register.items
        hidden = _hidden_codes(session, me.viewer, [i.archival_code for i in shown])
        data["items"] = [
            {"line": i.line, "archival_code": i.archival_code, "title": i.title, "pages": i.pages,
             "transaction_no": i.transaction_no, "arrived": i.arrived, "pages_arrived": i.pages_arrived,
             "problems": list(i.problems or []), "decision": i.decision, "reason": i.reason}
            for i in shown if i.archival_code not in hidden
        ]
    return data


# -- filing deadline -----------------------------------------------------------------------
def filing_deadline(year: int, setting: str = "06-30") -> dt.date:
    """Records of `year` are filed by this day of the next year (Settings.filing_deadline)."""
    try:
        month, day = (int(x) for x in setting.split("-"))
        return dt.date(year + 1, month, day)
    except ValueError:
        raise ValidationError(f"the filing deadline reads MM-DD, not {setting!r}") from None


UNFILED = ("received", "processing", "needs_review")


def filing_status(session: Session, who: Who, setting: str = "06-30") -> dict:
    """Last year's records not yet filed, and whether the deadline has passed. The count is of the
    records the person may see (above clearance a record does not count)."""
    me = acting(session, who)
    year = today().year - 1
    deadline = filing_deadline(year, setting)
    unfiled = session.execute(select(func.count()).select_from(Record).where(
        Record.year == year, Record.status.in_(UNFILED), visible(me.viewer))).scalar_one()
    return {"year": year, "deadline": deadline.isoformat(), "passed": today() > deadline, "unfiled": unfiled}
