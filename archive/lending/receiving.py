"""Receiving as every face uses it: transfer registers (移交), the filing deadline, and
personnel-file intake and transfer. One call per action; each takes the acting identity first
and returns plain data (archive.lending.transfers and .personnel check, work and audit)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from archive.errors import ValidationError
from archive.lending import personnel, transfers
from archive.lending.access import Who, acting
from archive.lending.models import DossierChecklist, PersonnelTransferNotice

REGISTER_STATUSES = ("unsigned", "submitted", "checked", "closed")


# -- transfer registers -----------------------------------------------------------------------
def line_of(data: object) -> transfers.Line:
    """A register line as a face sends it: {"archival_code", "title"?, "pages"?, "transaction_no"?}."""
    if not isinstance(data, dict) or not isinstance(data.get("archival_code"), str):
        raise ValidationError("every line is an object with an archival_code")
    pages = data.get("pages", 0)
    if isinstance(pages, bool) or not isinstance(pages, int) or not 0 <= pages <= 100_000:
        raise ValidationError("pages is a whole number from 0 to 100000")
    title, txn = data.get("title", ""), data.get("transaction_no", "")
    if not isinstance(title, str) or not isinstance(txn, str) or len(title) > 500 or len(txn) > 50:
        raise ValidationError("title (at most 500 characters) and transaction_no (at most 50) are strings")
    return transfers.Line(data["archival_code"], title, pages, txn)


def submit_register(session: Session, who: Who, *, department: str, year: int, category_code: str,
                    lines: Sequence[transfers.Line | dict]) -> dict:
    me = acting(session, who)
    parsed = [line if isinstance(line, transfers.Line) else line_of(line) for line in lines]
    register = transfers.submit_register(session, me, department=department, year=year,
                                         category_code=category_code, lines=parsed)
    return transfers.describe(session, me, register)


def registers(session: Session, who: Who, status: str | None = None) -> list[dict]:
    if status is not None and status not in REGISTER_STATUSES:
        raise ValidationError(f"status must be one of {', '.join(REGISTER_STATUSES)}")
    me = acting(session, who)
    return [transfers.describe(session, me, r, items=False) for r in transfers.list_registers(session, me, status=status)]


def register(session: Session, who: Who, register_id: int) -> dict:
    me = acting(session, who)
    return transfers.describe(session, me, transfers.visible_register(session, me, register_id))


def sign_register(session: Session, who: Who, register_id: int) -> dict:
    me = acting(session, who)
    return transfers.describe(session, me, transfers.sign_register(session, me, register_id))


def check_arrivals(session: Session, who: Who, register_id: int, arrived: dict[str, int],
                   transactions_csv: str | None = None) -> dict:
    if not isinstance(arrived, dict) or len(arrived) > transfers.MAX_LINES or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100_000
            for k, v in arrived.items()):
        raise ValidationError("arrived maps archival codes to the pages counted")
    me = acting(session, who)
    result = transfers.check_arrivals(session, me, register_id, arrived, transactions_csv)
    return {**result, "register": register(session, me, register_id)}


def decide(session: Session, who: Who, register_id: int, archival_code: str, decision: str, *,
           reason: str = "", shelf: str = "") -> dict:
    me = acting(session, who)
    transfers.decide(session, me, register_id, archival_code, decision, reason=reason, shelf=shelf)
    return register(session, me, register_id)


def filing_status(session: Session, who: Who, setting: str = "06-30") -> dict:
    return transfers.filing_status(session, who, setting)


# -- personnel dossiers and files ---------------------------------------------------------------
def dossier_row(row: DossierChecklist) -> dict:
    return {"id": row.id, "person_id_number": row.person_id_number, "person_name": row.person_name,
            "materials": dict(row.materials or {}),
            "missing": [m for m, ok in (row.materials or {}).items() if not ok],
            "problems": list(row.problems or []), "notice_text": row.notice_text,
            "notice_issued_at": row.notice_issued_at.isoformat() if row.notice_issued_at else None,
            "undertaking_signed_at": row.undertaking_signed_at.isoformat() if row.undertaking_signed_at else None,
            "checked_by": row.checked_by, "checked_at": row.checked_at.isoformat() if row.checked_at else None}


def notice_row(row: PersonnelTransferNotice) -> dict:
    return {"id": row.id, "number": row.number, "person_id_number": row.person_id_number,
            "person_name": row.person_name, "to_unit": row.to_unit, "carrier": row.carrier,
            "carrier_name": row.carrier_name, "sent_by": row.sent_by, "sent_on": row.sent_on.isoformat(),
            "receipt_due": row.receipt_due.isoformat(),
            "receipt_on": row.receipt_on.isoformat() if row.receipt_on else None,
            "receipt_signed_by": row.receipt_signed_by,
            "chased_on": row.chased_on.isoformat() if row.chased_on else None}


def key_materials() -> list[str]:
    return list(personnel.KEY_MATERIALS)


def check_dossier(session: Session, who: Who, *, person_id_number: str, person_name: str,
                  present: Sequence[str], problems: Sequence[str] = ()) -> dict:
    return dossier_row(personnel.check_dossier(session, who, person_id_number=person_id_number,
                                               person_name=person_name, present=list(present),
                                               problems=list(problems)))


def dossiers(session: Session, who: Who) -> list[dict]:
    return [dossier_row(d) for d in personnel.dossiers(session, who)]


def issue_missing_notice(session: Session, who: Who, dossier_id: int) -> dict:
    me = acting(session, who)
    personnel.issue_missing_notice(session, me, dossier_id)
    return dossier_row(personnel.get_dossier(session, me, dossier_id))


def sign_undertaking(session: Session, who: Who, dossier_id: int) -> dict:
    return dossier_row(personnel.sign_undertaking(session, who, dossier_id))


def send_personnel_file(session: Session, who: Who, *, person_id_number: str, person_name: str, to_unit: str,
                        carrier: str, carrier_name: str, carrier_id_number: str = "") -> dict:
    return notice_row(personnel.send_personnel_file(
        session, who, person_id_number=person_id_number, person_name=person_name, to_unit=to_unit,
        carrier=carrier, carrier_name=carrier_name, carrier_id_number=carrier_id_number))


def record_receipt(session: Session, who: Who, notice_id: int, signed_by: str) -> dict:
    return notice_row(personnel.record_receipt(session, who, notice_id, signed_by))


def notices(session: Session, who: Who) -> list[dict]:
    return [notice_row(n) for n in personnel.notices(session, who)]


def receipts_to_chase(session: Session, who: Who) -> list[dict]:
    return [notice_row(n) for n in personnel.receipts_to_chase(session, who)]


def chase(session: Session, who: Who, notice_id: int) -> dict:
    return notice_row(personnel.chase(session, who, notice_id))


def personnel_desk(session: Session, who: Who) -> dict:
    """The personnel page in one call: checklists, notices, receipts to chase, the key materials."""
    me = acting(session, who)
    return {"dossiers": dossiers(session, me), "notices": notices(session, me),
            "to_chase": receipts_to_chase(session, me), "materials": key_materials()}
