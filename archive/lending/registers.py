"""The registers the archivist prints: consultation (查阅登记簿), loans (借阅登记簿), store in/out
(出入库登记表) and the overdue list; as rows, CSV, XLSX (archive.tabular) or PDF/A (archive.paper).

Rows are filtered through archive.policy: a row about a record or volume the viewer may not see
is left out (it does not exist for them), and no top-secret title is ever written to a file.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, paper, tabular
from archive.clock import today
from archive.codes import SECRECY_ZH, Secrecy
from archive.errors import ValidationError
from archive.lending.access import VolumeView, Who, acting_for, volume_level
from archive.lending.models import Loan, LoanRequest, LoanRequestItem, StoreMovement
from archive.models import Record, Volume
from archive.policy import Action, Viewer, can_see

KINDS = ("loans", "consultation", "inout", "overdue")
FORMATS = ("csv", "xlsx", "pdf")
TITLES = {"loans": "借阅登记簿", "consultation": "查阅登记簿", "inout": "出入库登记表", "overdue": "逾期未还清单"}
COLUMNS = {
    "loans": ["借阅单号", "档号", "题名", "密级", "借阅人", "出借人", "借出日期", "应还日期", "归还日期", "页数核对", "损坏情况"],
    "consultation": ["申请单号", "查阅人", "单位", "目的", "方式", "档号", "题名", "密级", "申请日期", "状态"],
    "inout": ["时间", "出/入", "档号", "事由", "经办人", "携带人", "备注"],
    "overdue": ["借阅单号", "档号", "题名", "借阅人", "应还日期", "逾期天数"],
}


def _title(title: str, level: str) -> str:
    return "" if level == Secrecy.TOP_SECRET else title


def _volume_row(session: Session, viewer: Viewer, volume_id: int) -> tuple[Volume, str] | None:
    volume = session.get_one(Volume, volume_id)
    level = volume_level(session, volume)
    return (volume, level) if can_see(viewer, VolumeView(volume, level)) else None


def rows(session: Session, viewer: Viewer, kind: str) -> list[list[str]]:
    if kind not in KINDS:
        raise ValidationError(f"register kind must be one of {', '.join(KINDS)}")
    return {"loans": _loans, "consultation": _consultation, "inout": _inout, "overdue": _overdue}[kind](session, viewer)


def _loans(session: Session, viewer: Viewer) -> list[list[str]]:
    out = []
    for loan, number in session.execute(
        select(Loan, LoanRequest.number).join(LoanRequest, LoanRequest.id == Loan.request_id).order_by(Loan.id)
    ).all():
        seen = _volume_row(session, viewer, loan.volume_id)
        if seen is None:
            continue
        volume, level = seen
        pages = "" if loan.pages_returned is None else ("相符" if loan.pages_returned == loan.pages_expected
                                                        else f"{loan.pages_returned}/{loan.pages_expected}")
        out.append([number, volume.archival_code, _title(volume.title, level), SECRECY_ZH[Secrecy(level)],
                    loan.borrower, loan.issued_by, f"{loan.issued_at:%Y-%m-%d}", loan.due_on.isoformat(),
                    f"{loan.returned_at:%Y-%m-%d}" if loan.returned_at else "", pages, loan.damage])
    return out


def _consultation(session: Session, viewer: Viewer) -> list[list[str]]:
    out = []
    requests = session.execute(select(LoanRequest).where(LoanRequest.form != "loan").order_by(LoanRequest.id)).scalars()
    for request in requests:
        for item in session.execute(select(LoanRequestItem).where(LoanRequestItem.request_id == request.id)).scalars():
            if item.record_id is not None:
                record = session.get_one(Record, item.record_id)
                if not can_see(viewer, record):
                    continue
                code, title, level = record.archival_code or "", record.title, record.secrecy
            else:
                seen = _volume_row(session, viewer, item.volume_id) if item.volume_id is not None else None
                if seen is None:
                    continue
                code, title, level = seen[0].archival_code, seen[0].title, seen[1]
            reader = "、".join(request.readers) or request.outside_name
            out.append([request.number, reader, request.outside_unit or request.department, request.purpose,
                        {"reading_room": "阅档室", "electronic": "在线"}[request.form], code, _title(title, level),
                        SECRECY_ZH[Secrecy(level)], f"{request.created_at:%Y-%m-%d}", request.status])
    return out


def _inout(session: Session, viewer: Viewer) -> list[list[str]]:
    out = []
    for move in session.execute(select(StoreMovement).order_by(StoreMovement.id)).scalars():
        seen = _volume_row(session, viewer, move.volume_id)
        if seen is None:
            continue
        out.append([f"{move.at:%Y-%m-%d %H:%M}", "出库" if move.direction == "out" else "入库", seen[0].archival_code,
                    move.reason, move.actor, "、".join(move.carriers), move.note])
    return out


def _overdue(session: Session, viewer: Viewer) -> list[list[str]]:
    now = today()
    out = []
    for loan, number in session.execute(
        select(Loan, LoanRequest.number).join(LoanRequest, LoanRequest.id == Loan.request_id)
        .where(Loan.active.is_(True), Loan.due_on < now).order_by(Loan.due_on)
    ).all():
        seen = _volume_row(session, viewer, loan.volume_id)
        if seen is None:
            continue
        volume, level = seen
        out.append([number, volume.archival_code, _title(volume.title, level), loan.borrower,
                    loan.due_on.isoformat(), str((now - loan.due_on).days)])
    return out


MEDIA_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pdf": "application/pdf"}


def export(session: Session, who: Who, kind: str, fmt: str) -> bytes:
    """The register as a file; the export itself is audited."""
    exporter = acting_for(session, who, Action.EXPORT)
    viewer, actor = exporter.viewer, exporter.username
    if fmt not in FORMATS:
        raise ValidationError(f"format must be one of {', '.join(FORMATS)}")
    data = rows(session, viewer, kind)
    body = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}[fmt](TITLES[kind], COLUMNS[kind], data)
    audit.record(session, actor, "register.export", f"register:{kind}", {"format": fmt, "rows": len(data)})
    return body


def to_csv(_title: str, columns: list[str], data: list[list[str]]) -> bytes:
    return tabular.to_csv(columns, data)  # BOM for Excel; purposes that look like formulas stay text


def to_xlsx(title: str, columns: list[str], data: list[list[str]]) -> bytes:
    return tabular.to_xlsx(title, columns, data)


def to_pdf(title: str, columns: list[str], data: list[list[str]]) -> bytes:
    return paper.document(title, [], [("", columns, data)], landscape=True)
