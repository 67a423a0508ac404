"""Personnel-file intake and transfer (干部人事档案工作条例): an incoming dossier checked against the
key materials, the one-time 告知承诺 notice listing every missing material, the undertaking the
person signs; personnel files sent to another unit with a transfer notice (转递通知单) whose receipt
slip (回执) is chased when it is not back within a month.

This is the personnel archivist's work: an archivist (Action.FILE) whose scope includes personnel
files (category RS). The identity numbers and names it handles are personal data, shown to them
only. Every function takes the acting identity first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today, utcnow
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending.access import MAX_ID, Actor, Who, acting_for
from archive.lending.messages import msg
from archive.lending.models import DossierChecklist, PersonnelTransferNotice
from archive.policy import Action, in_scope

PERSONNEL = "RS"
KEY_MATERIALS = (  # 干部人事档案工作条例: what an incoming dossier must contain (configurable)
    "1 干部履历表", "3 年度考核登记表", "4-1 学历学位材料", "5 出生日期认定材料", "6 入党入团材料",
    "9-1 工资审批表", "9-2 任免审批表", "10 招录聘用登记表",
)
CARRIERS = ("courier", "messenger")  # 机要交通 | 专人送取


def _keeper(session: Session, who: Who) -> Actor:
    """The personnel archivist: files, and personnel files are in their scope."""
    me = acting_for(session, who, Action.FILE)
    if not in_scope(me.viewer, PERSONNEL, ""):
        raise Forbidden(msg("personnel_keeper"))
    return me


def _id_number(value: str) -> str:
    number = value.strip().upper()
    if len(number) != 18:
        raise ValidationError("an identity number has 18 characters")
    return number


def _name(value: str, what: str = "name", limit: int = 50) -> str:
    text = value.strip()
    if not text or len(text) > limit:
        raise ValidationError(f"the {what} has 1 to {limit} characters")
    return text


def _dossier(session: Session, dossier_id: int) -> DossierChecklist:
    row = session.get(DossierChecklist, dossier_id) if 0 < dossier_id <= MAX_ID else None
    if row is None:
        raise NotFound(msg("not_found", what=f"dossier checklist {dossier_id}"))
    return row


def _notice(session: Session, notice_id: int) -> PersonnelTransferNotice:
    row = session.get(PersonnelTransferNotice, notice_id) if 0 < notice_id <= MAX_ID else None
    if row is None:
        raise NotFound(msg("not_found", what=f"notice {notice_id}"))
    return row


# -- incoming dossiers ---------------------------------------------------------------------
def check_dossier(session: Session, who: Who, *, person_id_number: str, person_name: str,
                  present: list[str], problems: Sequence[str] = (), materials: tuple[str, ...] = KEY_MATERIALS,
                  ) -> DossierChecklist:
    """Record which key materials an incoming dossier holds, and any altered or inconsistent entries.
    Checking the same person's dossier again updates the checklist."""
    me = _keeper(session, who)
    number, name = _id_number(person_id_number), _name(person_name)
    unknown = sorted(set(present) - set(materials))
    if unknown:
        raise ValidationError(f"not a key material: {', '.join(unknown)}")
    checklist = session.execute(select(DossierChecklist).where(
        DossierChecklist.person_id_number == number)).scalar_one_or_none()
    if checklist is None:
        checklist = DossierChecklist(person_id_number=number, person_name=name, checked_by=me.username)
        session.add(checklist)
    checklist.person_name, checklist.checked_by = name, me.username
    checklist.materials = {m: m in present for m in materials}
    checklist.problems = [p.strip() for p in problems if p.strip()]
    checklist.checked_at = utcnow()
    session.flush()
    audit.record(session, me.username, "dossier.check", f"dossier:{checklist.id}",
                 {"missing": [m for m, ok in checklist.materials.items() if not ok],
                  "problems": len(checklist.problems)})
    return checklist


def issue_missing_notice(session: Session, who: Who, dossier_id: int) -> str:
    """The 告知承诺 notice: every missing material listed once, in full; never issued twice."""
    me = _keeper(session, who)
    checklist = _dossier(session, dossier_id)
    if checklist.notice_issued_at is not None:
        raise Conflict(msg("notice_once", at=f"{checklist.notice_issued_at:%Y-%m-%d}"))
    missing = [m for m, ok in checklist.materials.items() if not ok]
    lines = [f"{checklist.person_name}同志：经审核，您的人事档案缺少以下材料，请补齐："]
    lines += [f"{n}. {m}" for n, m in enumerate(missing, 1)] or ["（无缺少材料）"]
    lines += [f"存在问题：{p}" for p in checklist.problems]
    lines.append("本人承诺在规定期限内补齐上述材料。承诺人签字：__________ 日期：__________")
    checklist.notice_text, checklist.notice_issued_at = "\n".join(lines), utcnow()
    audit.record(session, me.username, "dossier.notice", f"dossier:{checklist.id}", {"missing": missing})
    return checklist.notice_text


def sign_undertaking(session: Session, who: Who, dossier_id: int) -> DossierChecklist:
    """Record that the person signed the undertaking on the notice (the archivist keeps the paper)."""
    me = _keeper(session, who)
    checklist = _dossier(session, dossier_id)
    if checklist.notice_issued_at is None:
        raise Conflict(msg("no_notice"))
    if checklist.undertaking_signed_at is not None:
        raise Conflict(msg("undertaking_once", at=f"{checklist.undertaking_signed_at:%Y-%m-%d}"))
    checklist.undertaking_signed_at = utcnow()
    audit.record(session, me.username, "dossier.undertaking", f"dossier:{checklist.id}")
    return checklist


def get_dossier(session: Session, who: Who, dossier_id: int) -> DossierChecklist:
    _keeper(session, who)
    return _dossier(session, dossier_id)


def dossiers(session: Session, who: Who, limit: int = 200) -> list[DossierChecklist]:
    _keeper(session, who)
    return list(session.execute(select(DossierChecklist).order_by(DossierChecklist.id.desc()).limit(limit)).scalars())


# -- personnel files sent to another unit --------------------------------------------------
def send_personnel_file(session: Session, who: Who, *, person_id_number: str, person_name: str,
                        to_unit: str, carrier: str, carrier_name: str,
                        carrier_id_number: str = "") -> PersonnelTransferNotice:
    """A transfer notice with a receipt slip goes with the file; the person concerned never carries it."""
    me = _keeper(session, who)
    number, name = _id_number(person_id_number), _name(person_name)
    unit, carrier_name = _name(to_unit, "receiving unit", 100), _name(carrier_name, "carrier's name")
    if carrier not in CARRIERS:
        raise ValidationError(f"carrier must be one of {', '.join(CARRIERS)}")
    if carrier_name == name or (carrier_id_number.strip() and carrier_id_number.strip().upper() == number):
        raise Forbidden(msg("carrier_self"))
    sent = today()
    notice = PersonnelTransferNotice(
        number=f"ZD{sent:%Y%m%d}-{number[-6:]}-{utcnow():%H%M%S%f}"[:30], person_id_number=number,
        person_name=name, to_unit=unit, carrier=carrier, carrier_name=carrier_name, sent_by=me.username,
        sent_on=sent, receipt_due=_one_month_after(sent),
    )
    session.add(notice)
    session.flush()
    audit.record(session, me.username, "personnel_file.send", f"notice:{notice.number}",
                 {"to": unit, "carrier": carrier, "carrier_name": carrier_name})
    return notice


def _one_month_after(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def record_receipt(session: Session, who: Who, notice_id: int, signed_by: str) -> PersonnelTransferNotice:
    """The receipt slip came back, signed by `signed_by` at the receiving unit (a name on paper)."""
    me = _keeper(session, who)
    notice = _notice(session, notice_id)
    if notice.receipt_on is not None:
        raise Conflict(msg("receipt_once", number=notice.number, at=notice.receipt_on.isoformat()))
    notice.receipt_on, notice.receipt_signed_by = today(), _name(signed_by, "signer's name")
    audit.record(session, me.username, "personnel_file.receipt", f"notice:{notice.number}",
                 {"signed_by": notice.receipt_signed_by})
    return notice


def notices(session: Session, who: Who, limit: int = 200) -> list[PersonnelTransferNotice]:
    _keeper(session, who)
    return list(session.execute(select(PersonnelTransferNotice).order_by(PersonnelTransferNotice.id.desc())
                                .limit(limit)).scalars())


def receipts_to_chase(session: Session, who: Who) -> list[PersonnelTransferNotice]:
    """Notices whose receipt slip is overdue (a month after sending), oldest first."""
    _keeper(session, who)
    return list(session.execute(select(PersonnelTransferNotice).where(
        PersonnelTransferNotice.receipt_on.is_(None), PersonnelTransferNotice.receipt_due < today(),
    ).order_by(PersonnelTransferNotice.receipt_due)).scalars())


def chase(session: Session, who: Who, notice_id: int) -> PersonnelTransferNotice:
    """Record that the receiving unit was reminded of an overdue receipt slip today."""
    me = _keeper(session, who)
    notice = _notice(session, notice_id)
    if notice.receipt_on is not None:
        raise Conflict(msg("receipt_once", number=notice.number, at=notice.receipt_on.isoformat()))
    if notice.receipt_due >= today():
        raise Conflict(msg("receipt_not_due", number=notice.number, due=notice.receipt_due.isoformat()))
    notice.chased_on = today()
    audit.record(session, me.username, "personnel_file.chase", f"notice:{notice.number}",
                 {"to": notice.to_unit, "due": notice.receipt_due.isoformat()})
    return notice
