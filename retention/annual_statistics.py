"""The annual statistics report (档案统计年报) of a year: holdings at the year's end by category and
retention (items, volumes, pages, boxes, shelf length), the year's additions, the digitised share,
uses by purpose and form, destructions and transfers to the state archive.

Who reads it: auditors (who read compliance reports), archivists and approvers (leaders and the
director who sign the report off). Counts are counts of what the reader may see (archive.visibility):
DOMAIN.md and the architecture allow nothing above a person's clearance or outside their scope to
show anywhere, counts included, and the existence of a 绝密 item is itself a secret. A complete
report for the bureau is therefore run by a person cleared for everything (the bureau's archivist
or director); the report says in its heading whose view it counts.

A year runs from 1 January to 31 December in China time. Holdings are taken as they stood at the
end of the year (filed by then, not yet destroyed or transferred), so a past year can be reported
again with the same numbers. Shelf length is boxes × the box thickness (setting
retention.box_thickness_mm). Uses come from the lending tables (requests approved in the year).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from archive import audit, paper, tabular
from archive.clock import CHINA
from archive.codes import RETENTION_ZH, Retention
from archive.errors import Forbidden, ValidationError
from archive.identity import Identity
from archive.lending.models import LoanRequest, LoanRequestItem
from archive.lifecycle_models import DestructionEntry
from archive.models import Category, Page, Record
from archive.policy import Action, Viewer, may, rank
from archive.transfer_models import StateTransfer, StateTransferItem
from archive.visibility import visible
from retention import people, rules

READERS = (Action.READ_AUDIT, Action.FILE, Action.APPROVE)
USED = ("approved", "issued", "closed")  # a request that was granted counts as a use
FORM_ZH = {"reading_room": "阅档室查阅", "electronic": "在线查阅", "loan": "实物借出"}
FORMATS = {"json": "application/json", "pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def reader(session: Session, who: Identity) -> Viewer:
    viewer = people.viewer(session, who)
    if not any(may(viewer, action) for action in READERS):
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not read the annual statistics")
    return viewer


def bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """1 January 00:00 and the next 1 January 00:00 of `year`, China time, as UTC."""
    if not 1900 <= year <= 2999:
        raise ValidationError("year is between 1900 and 2999")
    start = dt.datetime(year, 1, 1, tzinfo=CHINA).astimezone(dt.UTC)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(dt.UTC)


def annual(session: Session, who: Identity, *, year: int) -> dict[str, Any]:
    """The report as data (every face renders this); reading it is audited."""
    viewer = reader(session, who)
    report = build(session, viewer, year)
    audit.record(session, viewer.username, "statistics.annual", f"year:{year}", {"year": year})
    return report


def build(session: Session, viewer: Viewer, year: int) -> dict[str, Any]:
    start, end = bounds(year)
    thickness = int(rules.get(session, "box_thickness_mm"))
    holdings = _holdings(session, viewer, end, thickness)
    totals = {k: sum(r[k] for r in holdings) for k in ("items", "pages", "digitised")}
    totals["volumes"], totals["boxes"] = _units(session, viewer, end)  # a unit spanning two rows counts once
    totals["linear_metres"] = round(totals["boxes"] * thickness / 1000, 2)
    totals["digitised_share"] = round(totals["digitised"] / totals["items"], 4) if totals["items"] else 0.0
    return {"year": year, "counted_for": viewer.username, "clearance": str(viewer.clearance),
            "box_thickness_mm": thickness, "holdings": holdings, "totals": totals,
            "additions": _additions(session, viewer, start, end), "uses": _uses(session, viewer, start, end),
            "destructions": _destructions(session, viewer, start, end),
            "transfers": _transfers(session, viewer, start, end)}


def _names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.code, Category.name_zh)).all())


def _held_at(end: dt.datetime) -> Any:
    return and_(Record.filed_at.is_not(None), Record.filed_at < end,
                or_(Record.destroyed_at.is_(None), Record.destroyed_at >= end),
                or_(Record.transferred_at.is_(None), Record.transferred_at >= end))


def _holdings(session: Session, viewer: Viewer, end: dt.datetime, thickness: int) -> list[dict[str, Any]]:
    digitised = select(Page.id).where(Page.record_id == Record.id).exists()
    query = (select(Record.category_code, Record.retention, func.count(Record.id),
                    func.count(func.distinct(Record.volume_id)), func.coalesce(func.sum(Record.pages), 0),
                    func.count(func.distinct(Record.box_id)),
                    func.sum(case((digitised, 1), else_=0)))
             .where(_held_at(end), visible(viewer, include_destroyed=True))
             .group_by(Record.category_code, Record.retention))
    names = _names(session)
    rows = []
    for category, retention, items, volumes, pages, boxes, digital in session.execute(query):
        rows.append({"category": category, "category_name": names.get(category, category),
                     "retention": retention, "retention_name": _retention_name(retention),
                     "items": items, "volumes": volumes, "pages": int(pages), "boxes": boxes,
                     "linear_metres": round(boxes * thickness / 1000, 2), "digitised": int(digital or 0)})
    return sorted(rows, key=lambda r: (r["category"], _retention_order(r["retention"])))


def _units(session: Session, viewer: Viewer, end: dt.datetime) -> tuple[int, int]:
    volumes, boxes = session.execute(
        select(func.count(func.distinct(Record.volume_id)), func.count(func.distinct(Record.box_id)))
        .where(_held_at(end), visible(viewer, include_destroyed=True))).one()
    return int(volumes), int(boxes)


def _retention_name(code: str) -> str:
    try:
        return RETENTION_ZH[Retention(code)]
    except ValueError:
        return code


def _retention_order(code: str) -> int:
    order = [r.value for r in Retention]
    return order.index(code) if code in order else len(order)


def _additions(session: Session, viewer: Viewer, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    query = (select(Record.category_code, func.count(Record.id), func.coalesce(func.sum(Record.pages), 0))
             .where(Record.filed_at >= start, Record.filed_at < end, visible(viewer, include_destroyed=True))
             .group_by(Record.category_code).order_by(Record.category_code))
    names = _names(session)
    return [{"category": c, "category_name": names.get(c, c), "items": n, "pages": int(p)}
            for c, n, p in session.execute(query)]


def _uses(session: Session, viewer: Viewer, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Requests granted in the year, counted when the reader is cleared for their highest level."""
    requests = session.execute(
        select(LoanRequest.id, LoanRequest.purpose, LoanRequest.form, LoanRequest.level, LoanRequest.readers)
        .where(LoanRequest.created_at >= start, LoanRequest.created_at < end, LoanRequest.status.in_(USED))
    ).all()
    cleared = rank(viewer.clearance)
    counted = [r for r in requests if rank(r[3]) <= cleared]
    items = dict(session.execute(
        select(LoanRequestItem.request_id, func.count(LoanRequestItem.id))
        .where(LoanRequestItem.request_id.in_([r[0] for r in counted] or [0]))
        .group_by(LoanRequestItem.request_id)).all())
    by_purpose: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_form: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for rid, purpose, form, _level, readers in counted:
        for key, table in ((" ".join((purpose or "").split())[:40] or "—", by_purpose), (form, by_form)):
            table[key][0] += 1
            table[key][1] += max(len(readers or []), 1)
            table[key][2] += items.get(rid, 0)

    def rows(table: dict[str, list[int]], name: str) -> list[dict[str, Any]]:
        return [{name: k, **({"form_name": FORM_ZH.get(k, k)} if name == "form" else {}),
                 "requests": v[0], "person_times": v[1], "items": v[2]}
                for k, v in sorted(table.items(), key=lambda kv: (-kv[1][0], kv[0]))]

    return {"requests": len(counted), "person_times": sum(v[1] for v in by_form.values()),
            "items": sum(items.values()), "by_purpose": rows(by_purpose, "purpose"), "by_form": rows(by_form, "form")}


def _destructions(session: Session, viewer: Viewer, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    query = (select(DestructionEntry.category_code, func.count(DestructionEntry.id),
                    func.coalesce(func.sum(DestructionEntry.pages), 0))
             .join(Record, Record.id == DestructionEntry.record_id)
             .where(DestructionEntry.state == "destroyed", DestructionEntry.destroyed_at >= start,
                    DestructionEntry.destroyed_at < end, visible(viewer, include_destroyed=True))
             .group_by(DestructionEntry.category_code).order_by(DestructionEntry.category_code))
    names = _names(session)
    return [{"category": c, "category_name": names.get(c, c), "items": n, "pages": int(p)}
            for c, n, p in session.execute(query)]


def _transfers(session: Session, viewer: Viewer, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Items of transfers completed in the year (the state archive signed for them)."""
    query = (select(Record.category_code, func.count(StateTransferItem.id),
                    func.coalesce(func.sum(StateTransferItem.pages), 0))
             .join(StateTransfer, StateTransfer.id == StateTransferItem.transfer_id)
             .join(Record, Record.id == StateTransferItem.record_id)
             .where(StateTransfer.status == "completed", StateTransfer.completed_at >= start,
                    StateTransfer.completed_at < end, visible(viewer, include_destroyed=True))
             .group_by(Record.category_code).order_by(Record.category_code))
    names = _names(session)
    return [{"category": c, "category_name": names.get(c, c), "items": n, "pages": int(p)}
            for c, n, p in session.execute(query)]


# -- the report as a file ------------------------------------------------------------------------
def render(session: Session, who: Identity, *, year: int, fmt: str) -> tuple[bytes, str, dict[str, Any]]:
    """(bytes, media type, data) in `fmt` (json, pdf, xlsx); the export is audited with its format."""
    if fmt not in FORMATS:
        raise ValidationError(f"format is one of {', '.join(FORMATS)}")
    viewer = reader(session, who)
    report = build(session, viewer, year)
    audit.record(session, viewer.username, "statistics.annual", f"year:{year}", {"year": year, "format": fmt})
    if fmt == "pdf":
        return to_pdf(report), FORMATS[fmt], report
    if fmt == "xlsx":
        return to_xlsx(report), FORMATS[fmt], report
    return json.dumps(report, ensure_ascii=False).encode("utf-8"), FORMATS[fmt], report


HOLDINGS_COLUMNS = ["门类", "保管期限", "件数", "卷数", "页数", "盒数", "排架长度（米）", "已数字化（件）"]
CATEGORY_COLUMNS = ["门类", "件数", "页数"]
USE_COLUMNS = ["申请（次）", "人次", "件（卷）次"]


def tables(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[object]]]]:
    """The report as captioned tables, the same for the PDF and the spreadsheet."""
    t = report["totals"]
    holdings = [[r["category_name"], r["retention_name"], r["items"], r["volumes"], r["pages"], r["boxes"],
                 r["linear_metres"], r["digitised"]] for r in report["holdings"]]
    holdings.append(["合计", "", t["items"], t["volumes"], t["pages"], t["boxes"], t["linear_metres"], t["digitised"]])
    uses = report["uses"]

    def by_category(rows: list[dict[str, Any]]) -> list[list[object]]:
        return [[r["category_name"], r["items"], r["pages"]] for r in rows] or [["—", 0, 0]]

    return [
        ("一、馆（室）藏档案", HOLDINGS_COLUMNS, holdings),
        ("二、本年度新增档案", CATEGORY_COLUMNS, by_category(report["additions"])),
        ("三、数字化", ["档案总件数", "已数字化件数", "数字化比例"],
         [[t["items"], t["digitised"], f"{t['digitised_share'] * 100:.1f}%"]]),
        ("四、档案利用（按利用目的）", ["利用目的", *USE_COLUMNS],
         [[r["purpose"], r["requests"], r["person_times"], r["items"]] for r in uses["by_purpose"]] or [["—", 0, 0, 0]]),
        ("五、档案利用（按利用方式）", ["利用方式", *USE_COLUMNS],
         [[r["form_name"], r["requests"], r["person_times"], r["items"]] for r in uses["by_form"]] or [["—", 0, 0, 0]]),
        ("六、本年度销毁档案", CATEGORY_COLUMNS, by_category(report["destructions"])),
        ("七、本年度移交进馆档案", CATEGORY_COLUMNS, by_category(report["transfers"])),
    ]


def heading(report: dict[str, Any]) -> list[str]:
    return [f"统计年度：{report['year']}年（截至{report['year']}年12月31日）",
            f"统计范围：{report['counted_for']} 有权查看的档案（密级与范围以内）",
            f"排架长度按每盒 {report['box_thickness_mm']} 毫米计"]


def to_pdf(report: dict[str, Any]) -> bytes:
    return paper.document(f"{report['year']}年度档案统计年报", heading(report), tables(report), landscape=True,
                          signatures=("填报人", "审核人", "单位负责人"))


def to_xlsx(report: dict[str, Any]) -> bytes:
    sheets: list[tuple[str, list[str], list[list[object]]]] = [("说明", ["项目"], [[line] for line in heading(report)])]
    sheets += [(caption.split("、", 1)[-1], columns, rows) for caption, columns, rows in tables(report)]
    return tabular.to_xlsx_sheets(sheets)
