"""The annual report of disclosure requests (政府信息公开工作年度报告, its requests table): requests
received in the year and carried over from the last, how they were answered (the five ways and
their reasons), and what is carried into the next year; as data, PDF/A or XLSX."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive import paper, tabular
from archive.arrangement.common import unit_name
from archive.disclosure import codes
from archive.disclosure.common import handler, record_event
from archive.disclosure.models import DisclosureRequest
from archive.errors import ValidationError
from archive.identity import Identity
from archive.policy import Action, Viewer, require

FORMATS = ("json", "pdf", "xlsx")


def _numbers(session: Session, year: int) -> dict[str, Any]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = session.execute(select(DisclosureRequest).where(
        DisclosureRequest.received_on <= end,
        or_(DisclosureRequest.answered_on.is_(None), DisclosureRequest.answered_on >= start))).scalars().all()
    received = [r for r in rows if r.received_on >= start]
    carried_in = [r for r in rows if r.received_on < start]
    answered = [r for r in rows if r.answered_on is not None and start <= r.answered_on <= end]
    outcomes = Counter(r.outcome for r in answered)
    reasons = Counter((r.outcome, r.outcome_reason) for r in answered)
    by_kind = Counter(r.requester_kind for r in received)
    return {
        "year": year, "received": len(received), "carried_in": len(carried_in),
        "by_requester": {k: by_kind.get(k, 0) for k in codes.REQUESTER_KINDS},
        "answered": len(answered),
        "outcomes": {k: outcomes.get(k, 0) for k in codes.OUTCOMES},
        "reasons": {k: {r: reasons.get((k, r), 0) for r in codes.REASONS_BY_OUTCOME[k]} for k in codes.OUTCOMES},
        "carried_out": len([r for r in rows if r.answered_on is None or r.answered_on > end]),
        "extended": len([r for r in answered if r.extended]),
        "late": len([r for r in answered if r.answered_on is not None and r.answered_on > r.due_on]),
    }


def _table_rows(n: dict[str, Any], language: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for kind in codes.OUTCOMES:
        rows.append([codes.label(codes.OUTCOMES, kind, language), "", n["outcomes"][kind]])
        for reason, count in n["reasons"][kind].items():
            if count or kind != "granted":
                rows.append(["", codes.label(codes.REASONS_BY_OUTCOME[kind], reason, language), count])
    return rows


def annual(session: Session, identity: Identity, year: int, *, fmt: str = "json",
           language: str = "zh") -> dict[str, Any] | tuple[bytes, str, str]:
    """The year's numbers; with fmt pdf or xlsx the file (bytes, media type, file name), an export
    that is audited."""
    viewer: Viewer = handler(session, identity)
    if not 2000 <= int(year) <= 2200:
        raise ValidationError("year out of range")
    if fmt not in FORMATS:
        raise ValidationError(f"format must be one of {', '.join(FORMATS)}")
    numbers = _numbers(session, int(year))
    if fmt == "json":
        return numbers
    require(viewer, Action.EXPORT)
    en = language == "en"
    title = f"{year} annual report: disclosure requests" if en else f"{year}年度政府信息公开申请办理情况"
    summary = [
        (("Requests received in the year", "本年新收政府信息公开申请数量")[not en], numbers["received"]),
        (("Carried over from the last year", "上年结转政府信息公开申请数量")[not en], numbers["carried_in"]),
        *[(codes.label(codes.REQUESTER_KINDS, k, language), v) for k, v in numbers["by_requester"].items()],
        (("Answered in the year", "本年度办理结果总计")[not en], numbers["answered"]),
        (("Time limit extended", "延期答复")[not en], numbers["extended"]),
        (("Answered late", "逾期答复")[not en], numbers["late"]),
        (("Carried into the next year", "结转下年度继续办理")[not en], numbers["carried_out"]),
    ]
    headers = ["Answer", "Reason", "Number"] if en else ["办理结果", "情形", "数量"]
    rows = _table_rows(numbers, language)
    record_event(session, viewer, "disclosure.report.export", f"disclosure_report:{year}", {"format": fmt})
    if fmt == "pdf":
        body = paper.document(title, [], [("", ["Item", "Number"] if en else ["项目", "数量"], summary),
                                          ("", headers, rows)], unit=unit_name(session))
        return body, "application/pdf", f"disclosure-report-{year}.pdf"
    body = tabular.to_xlsx_sheets([
        (("Summary", "概况")[not en], ["Item", "Number"] if en else ["项目", "数量"], summary),
        (("Answers", "办理结果")[not en], headers, rows),
    ])
    return body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"disclosure-report-{year}.xlsx"

