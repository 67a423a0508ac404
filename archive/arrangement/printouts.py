"""The archive room's printouts (DOMAIN.md §14), each a PDF/A-2b with an embedded CJK font
(archive.paper) and, where it is a table, also an XLSX (archive.tabular):

stamp (归档章) · catalogue (归档文件目录) · volume-list (案卷目录) · contents (卷内文件目录, two copies)
· backsheet (备考表, from the audit trail) · box-label (档案盒封面与盒脊, with a QR code) · dossier
(人事档案目录).

Every printout names the unit (the catalog setting `unit_name`, else the fonds), has Chinese
headers, people's names, Beijing time and signature lines where someone signs. Clearance
applies: a printout lists only what its viewer may see, and a top-secret title is never
printed (DOMAIN.md §4, §15): its code stands alone.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import clock, paper, tabular
from archive.arrangement import boxes, codes, dossiers, volumes
from archive.arrangement.common import (
    box_ref,
    date_text,
    display_names,
    record_event,
    record_ref,
    unit_name,
    viewer_of,
    volume_ref,
)
from archive.codes import RETENTION_ZH, SECRECY_ZH, RecordStatus, Retention, Secrecy
from archive.errors import NotFound, ValidationError
from archive.identity import Identity
from archive.models import AuditEvent, Fonds, Record, Volume
from archive.policy import Action, Viewer, require
from archive.visibility import visible, visible_volumes

KINDS = ("stamp", "catalogue", "volume-list", "contents", "backsheet", "box-label", "dossier")
TABLE_KINDS = frozenset({"catalogue", "volume-list", "contents", "backsheet", "dossier"})
TOP_SECRET_TITLE = "〔绝密件，题名不登记〕"
MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# A printout as data: title, lines, tables (caption, headers, rows), signature labels, landscape.
Sheet = dict[str, Any]


def render(session: Session, identity: Identity, kind: str, target: str, fmt: str = "pdf") -> bytes:
    """The printout `kind` of `target` as `fmt` bytes, as the acting person may see it."""
    viewer = viewer_of(session, identity)
    require(viewer, Action.EXPORT)
    if kind not in KINDS:
        raise ValidationError(f"unknown printout {kind!r}; one of {', '.join(KINDS)}")
    if fmt not in MEDIA:
        raise ValidationError("format is pdf or xlsx")
    if fmt == "xlsx" and kind not in TABLE_KINDS:
        raise ValidationError(f"{kind} is printed as PDF only")
    if kind == "box-label" and fmt == "pdf":
        body = _box_label(session, viewer, target)
    else:
        sheet = BUILDERS[kind](session, viewer, target)
        body = _pdf(sheet) if fmt == "pdf" else _xlsx(sheet)
    record_event(session, viewer, f"print.{kind}", f"print:{kind}", {"target": str(target)[:100], "format": fmt})
    return body


def title_of(record: Record) -> str:
    return TOP_SECRET_TITLE if record.secrecy == Secrecy.TOP_SECRET.value else record.title


def _pdf(sheet: Sheet) -> bytes:
    return paper.document(sheet["title"], sheet["lines"], sheet["tables"], landscape=sheet.get("landscape", False),
                          signatures=sheet.get("signatures", ()), unit=sheet["unit"])


def _xlsx(sheet: Sheet) -> bytes:
    """One sheet per table: its headers, its rows, then the unit, title, heading lines and signatures."""
    tail: list[list[object]] = [[], [sheet["unit"]], [sheet["title"]], *[[line] for line in sheet["lines"]]]
    tail += [[f"{label}：", "", "日期：", ""] for label in sheet.get("signatures", ())]
    return tabular.to_xlsx_sheets([(caption or sheet["title"], headers, [*rows, *tail])
                                   for caption, headers, rows in sheet["tables"]])


def _retention_label(code: str) -> str:
    try:
        return RETENTION_ZH[Retention(code)]
    except ValueError:
        return code


def _secrecy_label(code: str) -> str:
    try:
        return SECRECY_ZH[Secrecy(code)]
    except ValueError:
        return code


# -- 归档章 -----------------------------------------------------------------------------------------
def _stamp(session: Session, viewer: Viewer, target: str) -> Sheet:
    record = record_ref(session, viewer, target)
    fonds = session.get_one(Fonds, record.fonds_id)
    item = str(record.item_no or "")
    volume = session.get(Volume, record.volume_id) if record.volume_id else None
    if volume is not None:  # 卷号-卷内序号, e.g. 0003-012
        item = "-".join(codes.item_code(volume.archival_code, record.sequence).rsplit("-", 2)[-2:])
    return {"unit": unit_name(session, fonds), "title": "归档章", "lines": [f"档号：{record.archival_code or ''}"],
            "tables": [("", ["全宗号", "年度", "件号"], [[fonds.code, record.year, item]]),
                       ("", ["机构（问题）", "保管期限", "页数"],
                        [[record.org_code or "", _retention_label(record.retention), record.pages or 0]])]}


# -- 归档文件目录 --------------------------------------------------------------------------------------
CATALOGUE_HEADERS = ["件号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]


def _series_target(target: str) -> tuple[int, str, str]:
    m = re.fullmatch(r"\s*(\d{4})\s*/\s*([A-Za-z]{2})\s*(?:/\s*([A-Za-z0-9]{1,4}))?\s*", target or "")
    if not m:
        raise ValidationError("name the series as YEAR/CATEGORY[/RETENTION], e.g. 2022/WS/Y")
    retention = ""
    if m[3]:
        try:
            retention = Retention.parse(m[3]).value
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
    return int(m[1]), m[2].upper(), retention


def _catalogue(session: Session, viewer: Viewer, target: str) -> Sheet:
    year, category, retention = _series_target(target)
    query = select(Record).where(Record.year == year, Record.category_code == category, visible(viewer),
                                 Record.archival_code.is_not(None),
                                 Record.status.in_([RecordStatus.FILED.value, RecordStatus.NEEDS_REVIEW.value]))
    if retention:
        query = query.where(Record.retention == retention)
    records = session.execute(query.order_by(Record.retention, Record.org_code, Record.item_no, Record.id)).scalars().all()
    rows = [[r.item_no or "", r.archival_code, r.doc_no, r.issuer, title_of(r), date_text(r.doc_date),
             _secrecy_label(r.secrecy), r.pages or 0, r.notes] for r in records]
    period = f"　保管期限：{_retention_label(retention)}" if retention else ""
    return {"unit": unit_name(session), "title": "归档文件目录", "landscape": True,
            "lines": [f"年度：{year}　门类：{category}{period}　共 {len(rows)} 件"],
            "tables": [("归档文件目录", CATALOGUE_HEADERS, rows)], "signatures": ("编制人", "审核人")}


# -- 案卷目录 ----------------------------------------------------------------------------------------
VOLUME_LIST_HEADERS = ["序号", "档号", "案卷题名", "起止日期", "件数", "页数", "保管期限", "密级", "备注"]


def _volume_list(session: Session, viewer: Viewer, target: str) -> Sheet:
    year, category, retention = _series_target(target)
    query = select(Volume).where(Volume.year == year, Volume.category_code == category, visible_volumes(viewer))
    if retention:
        query = query.where(Volume.retention == retention)
    found = session.execute(query.order_by(Volume.archival_code)).scalars().all()
    rows = []
    for n, v in enumerate(found, start=1):
        count = len(volumes.items(session, v, viewer))
        title = TOP_SECRET_TITLE if v.secrecy == Secrecy.TOP_SECRET.value else v.title
        rows.append([n, v.archival_code, title, v.date_range, count, v.pages, _retention_label(v.retention),
                     _secrecy_label(v.secrecy), v.notes])
    return {"unit": unit_name(session), "title": "案卷目录", "landscape": True,
            "lines": [f"年度：{year}　门类：{category}　共 {len(rows)} 卷"],
            "tables": [("案卷目录", VOLUME_LIST_HEADERS, rows)], "signatures": ("编制人", "审核人")}


# -- 卷内文件目录 --------------------------------------------------------------------------------------
CONTENTS_HEADERS = ["序号", "档号", "文号", "责任者", "题名", "日期", "页号", "备注"]


def _contents_rows(session: Session, viewer: Viewer, volume: Volume) -> list[list[object]]:
    data = volumes._detail(session, volume, viewer)
    records = {r.id: r for r in volumes.items(session, volume, viewer)}
    return [[i["sequence"], i["item_code"], i["doc_no"], i["issuer"], title_of(records[i["id"]]), i["date"],
             i["page_range"], i["notes"]] for i in data["items"]]


def _volume_lines(volume: Volume) -> list[str]:
    title = TOP_SECRET_TITLE if volume.secrecy == Secrecy.TOP_SECRET.value else volume.title
    return [f"档号：{volume.archival_code}", f"案卷题名：{title}",
            f"保管期限：{_retention_label(volume.retention)}　密级：{_secrecy_label(volume.secrecy)}"
            f"　起止日期：{volume.date_range or '—'}　页数：{volume.pages}"]


def _contents(session: Session, viewer: Viewer, target: str) -> Sheet:
    volume = volume_ref(session, viewer, target)
    rows = _contents_rows(session, viewer, volume)
    # Two copies (DOMAIN.md §13): one bound into the volume, one kept by the archive room.
    return {"unit": unit_name(session, volume.fonds), "title": "卷内文件目录", "lines": _volume_lines(volume),
            "landscape": True, "tables": [("第一份（装订入卷）", CONTENTS_HEADERS, rows),
                                          ("第二份（档案室留存）", CONTENTS_HEADERS, rows)]}


# -- 备考表 ----------------------------------------------------------------------------------------
EVENT_NAMES = {
    "volume.create": "立卷", "volume.add": "加入文件", "volume.remove": "移出文件", "volume.reorder": "调整顺序",
    "volume.move_item": "文件移出至他卷", "volume.split": "分卷", "volume.merge": "并卷", "volume.check": "检查",
    "case_file.close": "结案归卷", "volume.shelve": "上架/移架", "store.in": "入库", "store.out": "出库",
}


def _history(session: Session, volume: Volume) -> list[AuditEvent]:
    targets = [f"volume:{volume.id}", f"volume:{volume.archival_code}"]
    return list(session.execute(select(AuditEvent).where(AuditEvent.target.in_(targets))
                                .order_by(AuditEvent.seq)).scalars())


def _when(event: AuditEvent) -> str:
    moment = dt.datetime.fromisoformat(event.time.replace("Z", "+00:00"))
    return moment.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")


def _event_text(event: AuditEvent) -> str:
    details = event.details or {}
    listed = details.get("codes") or ([details["code"]] if details.get("code") else [])
    parts = [EVENT_NAMES.get(event.action, event.action)]
    if listed:
        parts.append("、".join(str(c) for c in listed if c))
    for key, label in (("to", "移至 "), ("into", "→ "), ("note", "")):
        if details.get(key):
            parts.append(f"{label}{details[key]}")
    return " ".join(parts)


def _backsheet(session: Session, viewer: Viewer, target: str) -> Sheet:
    volume = volume_ref(session, viewer, target)
    events = _history(session, volume)
    names = display_names(session, [e.actor for e in events])
    made = next((e for e in events if e.action == "volume.create"), None)
    checked = [e for e in events if e.action == "volume.check"]
    count = len(volumes.items(session, volume, viewer))
    lines = [*_volume_lines(volume),
             f"本卷共有文件 {count} 件，{volume.pages} 页。",
             f"立卷人：{names.get(made.actor, '') if made else ''}　立卷时间：{_when(made) if made else ''}",
             f"检查人：{names.get(checked[-1].actor, '') if checked else ''}　检查时间：{_when(checked[-1]) if checked else ''}"]
    rows = [[_when(e), _event_text(e), names.get(e.actor, e.actor), (e.details or {}).get("reason", "")]
            for e in events if e.action != "volume.create"]
    return {"unit": unit_name(session, volume.fonds), "title": "备考表", "lines": lines,
            "tables": [("卷内文件情况及其后的增补、更换、移出（据审计记录）", ["时间（北京时间）", "事项", "经办人", "事由"], rows)],
            "signatures": ("立卷人", "检查人")}


# -- 人事档案目录 ------------------------------------------------------------------------------------
DOSSIER_HEADERS = ["类号", "类别", "序号", "材料名称", "材料形成时间", "页数", "备注"]


def _dossier(session: Session, viewer: Viewer, target: str) -> Sheet:
    dossier = dossiers.dossier_of(session, (target or "").strip().upper())
    if dossier is None:
        raise NotFound("no dossier for this identity number")
    volume = volume_ref(session, viewer, dossier.id)
    data = dossiers.contents(session, viewer, volume)
    records = {r.id: r for r in volumes.items(session, volume, viewer)}
    rows = [[i["class"], i["class_name"], i["number_in_class"], title_of(records[i["id"]]), i["date"], i["pages"],
             i["notes"]] for i in data["catalogue"]]
    return {"unit": unit_name(session, volume.fonds), "title": "人事档案目录",
            "lines": [f"姓名：{volume.person_name}　档号：{volume.archival_code}　共 {len(rows)} 份材料"],
            "tables": [("目录", DOSSIER_HEADERS, rows)], "signatures": ("整理人", "审核人")}


BUILDERS: dict[str, Callable[[Session, Viewer, str], Sheet]] = {
    "stamp": _stamp, "catalogue": _catalogue, "volume-list": _volume_list, "contents": _contents,
    "backsheet": _backsheet, "dossier": _dossier,
}


# -- 档案盒封面与盒脊 ---------------------------------------------------------------------------------
def _box_label(session: Session, viewer: Viewer, target: str) -> bytes:
    from reportlab.lib.pagesizes import A4

    box = box_ref(session, viewer, target)
    data = boxes.box_json(session, box, viewer)
    unit = unit_name(session, box.fonds)
    span = f"{data['first_item'] or ''}—{data['last_item'] or ''}" if data["first_item"] else "—"
    fields = [("全宗号", box.fonds.code), ("全宗名称", box.fonds.name), ("年度", str(box.year)),
              ("保管期限", _retention_label(box.retention)), ("机构（问题）", box.org_code or "—"),
              ("起止件号", span), ("盒号", f"{box.box_no:03d}")]
    out = io.BytesIO()
    pdf = paper.canvas(out, pagesize=A4, title="档案盒封面与盒脊")
    font = paper.font()
    width, height = A4
    _cover(pdf, font, unit, fields, box.code, width, height)
    pdf.showPage()
    _spine(pdf, font, fields, box.code, height)
    pdf.showPage()
    pdf.save()
    return paper.pdfa_bytes(out.getvalue())


def _qr(pdf, font: str, code: str, x: float, y: float, size: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(code)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.initialFontName = font  # else the renderer names an unembedded Helvetica
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def _cover(pdf, font: str, unit: str, fields: Sequence[tuple[str, str]], code: str, width: float, height: float) -> None:
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 80, unit)
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 130, "档　案")
    pdf.setFont(font, 13)
    y = height - 220
    for label, value in fields:
        pdf.drawString(140, y, f"{label}：")
        pdf.drawString(250, y, value)
        pdf.line(245, y - 4, width - 140, y - 4)
        y -= 36
    _qr(pdf, font, code, width / 2 - 45, y - 120, 90)
    pdf.setFont(font, 9)
    pdf.drawCentredString(width / 2, y - 135, code)
    pdf.drawCentredString(width / 2, 40, f"打印时间 {paper.beijing_time()}（北京时间）")


def _spine(pdf, font: str, fields: Sequence[tuple[str, str]], code: str, height: float) -> None:
    # A spine strip 5 cm wide: the fields stacked, the QR code at the foot.
    left, strip = 60, 142
    pdf.rect(left, 60, strip, height - 120)
    y = height - 100
    for label, value in fields:
        if label == "全宗名称":
            continue
        pdf.setFont(font, 9)
        pdf.drawCentredString(left + strip / 2, y, label)
        pdf.setFont(font, 13)
        pdf.drawCentredString(left + strip / 2, y - 18, value)
        y -= 60
    _qr(pdf, font, code, left + (strip - 80) / 2, 90, 80)
    pdf.setFont(font, 7)
    pdf.drawCentredString(left + strip / 2, 78, code)
