"""Catalogue export in the layouts the import reads (归档文件目录, 案卷目录, 卷内目录), by fonds,
year, category and retention, trimmed to the viewer (archive.visibility): what a person may not
see is not in it, not even as a count. Exporting and importing the result into an empty catalog
gives the same catalogue fields (tests/catalogue/test_round_trip.py).

Words, not codes: categories, retention periods and secrecy levels are written as their Chinese
labels (the import reads labels and codes alike); dates as DA/T 22's eight digits, unknown parts
00; the old retention term in its own column beside today's period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from archive import audit, tabular
from archive.catalogue.messages import layout_name
from archive.catalogue.values import CatalogueDate
from archive.codes import DEFAULT_CATEGORIES, RETENTION_ZH, SECRECY_ZH, Retention, Secrecy
from archive.errors import ValidationError
from archive.identity import Identity
from archive.models import Fonds, Record, Volume
from archive.policy import Action, require
from archive.visibility import visible, visible_volumes

LAYOUT_ORDER = ("volumes", "items", "volume_items")
COMMON = ["档号", "全宗号", "门类", "年度", "保管期限", "原保管期限", "机构(问题)"]
COLUMNS: dict[str, list[str]] = {
    "items": ["件号", "序号", *COMMON, "文号", "责任者", "题名", "日期", "密级", "页数", "备注", "部门"],
    "volumes": ["案卷号", *COMMON, "案卷题名", "起止日期", "密级", "页数", "备注", "部门"],
    "volume_items": ["案卷档号", "序号", "件号", *COMMON, "文号", "责任者", "题名", "日期", "密级", "页数",
                     "页号", "备注", "部门"],
}
CATEGORY_ZH = {code: zh for code, zh, _ in DEFAULT_CATEGORIES}


@dataclasses.dataclass(frozen=True)
class Selection:
    fonds: str | None = None
    year: int | None = None
    category: str | None = None
    retention: str | None = None

    def normalised(self) -> Selection:
        retention = None
        if self.retention:
            try:
                retention = Retention.parse(self.retention).value
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        return Selection(self.fonds.upper() if self.fonds else None, self.year,
                         self.category.upper() if self.category else None, retention)


@dataclasses.dataclass
class Table:
    layout: str
    columns: list[str]
    rows: list[list[Any]]

    @property
    def title(self) -> str:
        return layout_name(self.layout)


def export_catalogue(session: Session, identity: Identity, *, layouts: Sequence[str] = LAYOUT_ORDER,
                     selection: Selection | None = None) -> list[Table]:
    """The chosen layouts, as the identity may see them; the export is audited."""
    require(identity.viewer, Action.EXPORT)
    wrong = [name for name in layouts if name not in COLUMNS]
    if wrong:
        raise ValidationError(f"unknown layout {wrong[0]!r}; use {', '.join(LAYOUT_ORDER)}")
    chosen = (selection or Selection()).normalised()
    tables = [Table(name, COLUMNS[name], list(_rows(session, identity, name, chosen))) for name in layouts]
    audit.record(session, identity.username, "catalogue.exported", "catalogue",
                 {"layouts": list(layouts), **{k: v for k, v in dataclasses.asdict(chosen).items() if v},
                  "rows": {t.layout: len(t.rows) for t in tables}})
    return tables


def to_xlsx(tables: Sequence[Table]) -> bytes:
    return tabular.to_xlsx_sheets([(t.title, t.columns, t.rows) for t in tables])


def to_csv(table: Table, *, gb18030: bool = False) -> bytes:
    return tabular.to_csv(table.columns, table.rows, encoding="gb18030" if gb18030 else "utf-8-sig")


# -- rows ------------------------------------------------------------------------------------------

def _filtered(query: Select, model: Any, chosen: Selection) -> Select:
    if chosen.fonds:
        query = query.where(model.fonds_id == select(Fonds.id).where(Fonds.code == chosen.fonds).scalar_subquery())
    if chosen.year:
        query = query.where(model.year == chosen.year)
    if chosen.category:
        query = query.where(model.category_code == chosen.category)
    if chosen.retention:
        query = query.where(model.retention == chosen.retention)
    return query


def _rows(session: Session, identity: Identity, layout: str, chosen: Selection) -> Iterator[list[Any]]:
    fonds = {f.id: f.code for f in session.execute(select(Fonds)).scalars()}
    viewer = identity.viewer
    if layout == "volumes":
        query = _filtered(select(Volume).where(visible_volumes(viewer)), Volume, chosen)
        for v in session.execute(query.order_by(Volume.archival_code)).scalars():
            yield [v.volume_no, *_common(v, fonds), v.title, v.date_range, _level(v.secrecy), v.pages, v.notes,
                   v.department]
        return
    base = select(Record).where(visible(viewer), Record.archival_code.is_not(None))
    if layout == "items":
        query = _filtered(base.where(Record.volume_id.is_(None)), Record, chosen)
        for r in session.execute(query.order_by(Record.archival_code)).scalars():
            yield [r.item_no, r.sequence, *_common(r, fonds), *_item(r)[:5], r.pages, r.notes, r.department]
        return
    shown = aliased(Volume)
    query = _filtered(base.join(shown, Record.volume_id == shown.id).where(_volume_visible(viewer, shown))
                      .add_columns(shown.archival_code), Record, chosen)
    for r, volume_code in session.execute(query.order_by(shown.archival_code, Record.sequence,
                                                         Record.archival_code)):
        kept = (r.extra or {}).get("catalogue", {})
        yield [volume_code, r.sequence, r.item_no, *_common(r, fonds), *_item(r)[:5], r.pages,
               kept.get("page_ref") or "", r.notes, r.department]


def _volume_visible(viewer: Any, shown: Any) -> Any:
    # An item is listed under its volume only when the volume itself may be seen.
    return shown.id.in_(select(Volume.id).where(visible_volumes(viewer)))


def _common(row: Record | Volume, fonds: dict[int, str]) -> list[Any]:
    return [row.archival_code, fonds.get(row.fonds_id, ""), CATEGORY_ZH.get(row.category_code, row.category_code),
            row.year, RETENTION_ZH.get(Retention(row.retention), row.retention), row.legacy_retention,
            row.org_code]


def _item(r: Record) -> list[Any]:
    kept = (r.extra or {}).get("catalogue", {})
    date = CatalogueDate(r.doc_date, kept.get("date_precision") or "day").written() if r.doc_date else ""
    return [r.doc_no, r.issuer, r.title, date, r.secrecy_marking or _level(r.secrecy)]


def _level(code: str) -> str:
    return SECRECY_ZH.get(Secrecy(code), code)
