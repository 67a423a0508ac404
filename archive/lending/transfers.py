"""Receiving (DOMAIN.md §7): a department's transfer register checked item by item (and, for
social insurance, against the business system's CSV of transactions), accepted or rejected with
reasons; personnel-dossier completeness and the one-time 告知承诺 notice; personnel-file
transfer notices whose receipt slips are chased after a month; the filing deadline."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today, utcnow
from archive.codes import Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending.access import viewer_of, volume_by_code
from archive.lending.messages import msg
from archive.lending.models import DossierChecklist, PersonnelTransferNotice, TransferItem, TransferRegister
from archive.lending.store import log_movement, shelve
from archive.models import Record
from archive.policy import Action, may


@dataclasses.dataclass(frozen=True)
class Line:
    archival_code: str
    title: str = ""
    pages: int = 0
    transaction_no: str = ""


def _archivist(session: Session, actor: str) -> None:
    if not may(viewer_of(session, actor), Action.FILE):
        raise Forbidden(f"{actor} may not receive transfers")


def _register(session: Session, register_id: int) -> TransferRegister:
    register = session.get(TransferRegister, register_id)
    if register is None:
        raise NotFound(msg("not_found", what=f"transfer register {register_id}"))
    return register


def submit_register(session: Session, actor: str, *, department: str, year: int, category_code: str,
                    dept_head: str, lines: list[Line]) -> TransferRegister:
    """The department hands over: signed by the person handing over (actor) and the department head."""
    if not lines:
        raise ValidationError("a transfer register lists at least one item")
    if dept_head == actor:
        raise Forbidden("the department head signs in addition to the person handing over")
    head = viewer_of(session, dept_head)
    if head.role is not Role.DEPT_HEAD or (head.departments and department not in head.departments):
        raise Forbidden(f"{dept_head} is not the head of {department}")
    register = TransferRegister(department=department, year=year, category_code=category_code,
                                handed_by=actor, dept_head=dept_head)
    session.add(register)
    session.flush()
    for n, line in enumerate(lines, 1):
        session.add(TransferItem(register_id=register.id, line=n, archival_code=line.archival_code,
                                 title=line.title, pages=line.pages, transaction_no=line.transaction_no))
    session.flush()
    audit.record(session, actor, "transfer.submit", f"transfer:{register.id}",
                 {"department": department, "year": year, "items": len(lines), "dept_head": dept_head})
    return register


def check_arrivals(session: Session, actor: str, register_id: int, arrived: dict[str, int],
                   transactions_csv: str | None = None) -> dict:
    """Compare the register with what arrived ({code: pages counted}) and, for SB, the CSV export
    of the business system (a column named 业务流水号 or transaction_no). Returns the discrepancies."""
    _archivist(session, actor)
    register = _register(session, register_id)
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
    result = {
        "problems": {i.archival_code: i.problems for i in register.items if i.problems},
        "not_listed": sorted(set(arrived) - listed),
        "transactions_without_item": sorted(txns - {i.transaction_no for i in register.items}) if txns else [],
    }
    register.status, register.received_by = "checked", actor
    audit.record(session, actor, "transfer.check", f"transfer:{register.id}",
                 {k: len(v) for k, v in result.items()})
    return result


def _transactions(text: str) -> set[str]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    column = next((c for c in reader.fieldnames or [] if c.strip() in ("业务流水号", "transaction_no")), None)
    if column is None:
        raise ValidationError("the business-system CSV needs a column 业务流水号 or transaction_no")
    return {row[column].strip() for row in reader if row[column].strip()}


def decide(session: Session, actor: str, register_id: int, archival_code: str, decision: str, *,
           reason: str = "", shelf: str = "") -> TransferItem:
    """Accept (and shelve, logging the volume into the store) or reject one item, with a reason."""
    _archivist(session, actor)
    register = _register(session, register_id)
    item = next((i for i in register.items if i.archival_code == archival_code), None)
    if item is None:
        raise NotFound(msg("not_found", what=f"item {archival_code}"))
    if decision not in ("accept", "reject"):
        raise ValidationError("decision is accept or reject")
    if decision == "reject" and not reason.strip():
        raise ValidationError(msg("reason_required"))
    if decision == "accept" and item.arrived is False:
        raise Conflict(f"{archival_code} did not arrive and cannot be accepted")
    item.decision, item.reason = decision, reason
    volume = volume_by_code(session, archival_code)
    if decision == "accept" and volume is not None:
        item.volume_id = volume.id
        log_movement(session, actor, volume.id, "in", "receive", note=f"transfer {register.id}")
        if shelf:
            shelve(session, actor, volume.id, shelf, reason="receive")
    if all(i.decision for i in register.items):
        register.status, register.closed_at = "closed", utcnow()
    audit.record(session, actor, f"transfer.{decision}", f"transfer:{register.id}",
                 {"code": archival_code, "reason": reason, "shelf": shelf})
    return item


# -- personnel dossiers --------------------------------------------------------------------
KEY_MATERIALS = (  # 干部人事档案工作条例: what an incoming dossier must contain (configurable)
    "1 干部履历表", "3 年度考核登记表", "4-1 学历学位材料", "5 出生日期认定材料", "6 入党入团材料",
    "9-1 工资审批表", "9-2 任免审批表", "10 招录聘用登记表",
)


def check_dossier(session: Session, actor: str, *, person_id_number: str, person_name: str,
                  present: list[str], problems: list[str] = (), materials: tuple[str, ...] = KEY_MATERIALS,
                  ) -> DossierChecklist:
    _archivist(session, actor)
    checklist = session.execute(select(DossierChecklist).where(
        DossierChecklist.person_id_number == person_id_number)).scalar_one_or_none()
    if checklist is None:
        checklist = DossierChecklist(person_id_number=person_id_number, person_name=person_name, checked_by=actor)
        session.add(checklist)
    checklist.materials = {m: m in present for m in materials}
    checklist.problems = list(problems)
    checklist.checked_at = utcnow()
    session.flush()
    audit.record(session, actor, "dossier.check", f"dossier:{person_id_number}",
                 {"missing": [m for m, ok in checklist.materials.items() if not ok], "problems": list(problems)})
    return checklist


def issue_missing_notice(session: Session, actor: str, person_id_number: str) -> str:
    """The 告知承诺 notice: every missing material listed once, in full; never issued twice."""
    _archivist(session, actor)
    checklist = session.execute(select(DossierChecklist).where(
        DossierChecklist.person_id_number == person_id_number)).scalar_one_or_none()
    if checklist is None:
        raise NotFound(msg("not_found", what=f"dossier checklist {person_id_number}"))
    if checklist.notice_issued_at is not None:
        raise Conflict(msg("notice_once", at=f"{checklist.notice_issued_at:%Y-%m-%d}"))
    missing = [m for m, ok in checklist.materials.items() if not ok]
    lines = [f"{checklist.person_name}同志：经审核，您的人事档案缺少以下材料，请补齐："]
    lines += [f"{n}. {m}" for n, m in enumerate(missing, 1)] or ["（无缺少材料）"]
    lines += [f"存在问题：{p}" for p in checklist.problems]
    lines.append("本人承诺在规定期限内补齐上述材料。承诺人签字：__________ 日期：__________")
    checklist.notice_text, checklist.notice_issued_at = "\n".join(lines), utcnow()
    audit.record(session, actor, "dossier.notice", f"dossier:{person_id_number}", {"missing": missing})
    return checklist.notice_text


def sign_undertaking(session: Session, actor: str, person_id_number: str) -> DossierChecklist:
    checklist = session.execute(select(DossierChecklist).where(
        DossierChecklist.person_id_number == person_id_number)).scalar_one()
    if checklist.notice_issued_at is None:
        raise Conflict("no notice was issued to sign")
    checklist.undertaking_signed_at = utcnow()
    audit.record(session, actor, "dossier.undertaking", f"dossier:{person_id_number}")
    return checklist


CARRIERS = ("courier", "messenger")  # 机要交通 | 专人送取


def send_personnel_file(session: Session, actor: str, *, person_id_number: str, person_name: str, to_unit: str,
                        carrier: str, carrier_name: str, carrier_id_number: str = "") -> PersonnelTransferNotice:
    """A transfer notice with a receipt slip goes with the file; the person concerned never carries it."""
    _archivist(session, actor)
    if carrier not in CARRIERS:
        raise ValidationError(f"carrier must be one of {', '.join(CARRIERS)}")
    if carrier_name == person_name or (carrier_id_number and carrier_id_number == person_id_number):
        raise Forbidden(msg("carrier_self"))
    sent = today()
    notice = PersonnelTransferNotice(
        number=f"ZD{sent:%Y%m%d}-{person_id_number[-6:]}-{utcnow():%H%M%S%f}"[:30], person_id_number=person_id_number,
        person_name=person_name, to_unit=to_unit, carrier=carrier, carrier_name=carrier_name, sent_by=actor,
        sent_on=sent, receipt_due=_one_month_after(sent),
    )
    session.add(notice)
    session.flush()
    audit.record(session, actor, "personnel_file.send", f"notice:{notice.number}",
                 {"to": to_unit, "carrier": carrier, "carrier_name": carrier_name})
    return notice


def _one_month_after(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def record_receipt(session: Session, actor: str, notice_id: int, signed_by: str) -> PersonnelTransferNotice:
    notice = session.get(PersonnelTransferNotice, notice_id)
    if notice is None:
        raise NotFound(msg("not_found", what=f"notice {notice_id}"))
    notice.receipt_on, notice.receipt_signed_by = today(), signed_by
    audit.record(session, actor, "personnel_file.receipt", f"notice:{notice.number}", {"signed_by": signed_by})
    return notice


def receipts_to_chase(session: Session) -> list[PersonnelTransferNotice]:
    return list(session.execute(select(PersonnelTransferNotice).where(
        PersonnelTransferNotice.receipt_on.is_(None), PersonnelTransferNotice.receipt_due < today(),
    ).order_by(PersonnelTransferNotice.receipt_due)).scalars())


# -- filing deadline -----------------------------------------------------------------------
def filing_deadline(year: int, setting: str = "06-30") -> dt.date:
    """Records of `year` are filed by this day of the next year (Settings.filing_deadline)."""
    month, day = (int(x) for x in setting.split("-"))
    return dt.date(year + 1, month, day)


def filing_status(session: Session, setting: str = "06-30") -> dict:
    """Last year's records not yet filed, and whether the deadline has passed."""
    year = today().year - 1
    deadline = filing_deadline(year, setting)
    unfiled = session.execute(select(Record.id).where(
        Record.year == year, Record.status.in_(("received", "processing", "needs_review")))).scalars().all()
    return {"year": year, "deadline": deadline.isoformat(), "passed": today() > deadline, "unfiled": len(unfiled)}
