"""Files to sheets of rows: XLSX (streamed, openpyxl read-only) and CSV in UTF-8, GBK or GB18030.

A sheet's header row is found among its first rows (old workbooks put a caption such as
“归档文件目录” above it); headers are recognised in Chinese and English, and a mapping file
names odd ones. The layout (归档文件目录 items, 案卷目录 volumes, 卷内目录 rows under a volume)
comes from the sheet or file name, else from the columns.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import functools
import io
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from archive.catalogue.values import Bad
from archive.codes import LEGACY_RETENTION_TERMS

FIELDS = (
    "archival_code", "volume_code", "fonds", "category", "year", "retention", "legacy_retention", "org_code",
    "item_no", "volume_no", "sequence", "doc_no", "issuer", "title", "doc_date", "date_range", "secrecy",
    "pages", "page_ref", "notes", "department",
)

ALIASES: dict[str, str] = {}
for _field, _names in {
    "archival_code": ["档号", "文件档号", "archivalcode", "archival_code", "code", "referencecode"],
    "volume_code": ["案卷档号", "所属案卷", "所属案卷档号", "卷档号", "volumecode", "volume_code", "volume"],
    "fonds": ["全宗号", "全宗", "全宗代码", "fonds", "fondscode"],
    "category": ["门类", "门类代码", "档案门类", "category"],
    "year": ["年度", "年份", "归档年度", "year"],
    "retention": ["保管期限", "期限", "retention", "retentionperiod"],
    "legacy_retention": ["原保管期限", "原期限", "legacyretention", "legacy_retention", "originalretention"],
    "org_code": ["机构(问题)", "机构(问题)代码", "机构问题", "机构代码", "问题代码", "机构", "organisation",
                 "organization", "org", "org_code"],
    "item_no": ["件号", "item", "itemno", "item_no"],
    "volume_no": ["案卷号", "卷号", "volumeno", "volume_no"],
    "sequence": ["序号", "顺序号", "卷内序号", "seq", "sequence", "no.", "no"],
    "doc_no": ["文号", "文件编号", "发文字号", "发文号", "docno", "doc_no", "documentnumber"],
    "issuer": ["责任者", "发文机关", "作者", "issuer", "responsiblebody", "author"],
    "title": ["题名", "文件题名", "案卷题名", "标题", "名称", "title"],
    "doc_date": ["日期", "文件日期", "形成日期", "成文日期", "时间", "date", "doc_date"],
    "date_range": ["起止日期", "起止时间", "起止年月", "daterange", "date_range", "dates"],
    "secrecy": ["密级", "密级及保密期限", "secrecy", "classification"],
    "pages": ["页数", "页数(页)", "张数", "pages", "pagecount"],
    "page_ref": ["页号", "起止页号", "pageref", "page_ref", "pagenumbers"],
    "notes": ["备注", "附注", "notes", "remarks", "note"],
    "department": ["部门", "承办部门", "归档部门", "department"],
}.items():
    for _name in _names:
        ALIASES[_name] = _field

LAYOUTS = ("volumes", "items", "volume_items")  # the order they are written in: volumes first
HEADER_SEARCH_ROWS = 10


def header_key(name: object) -> str:
    """The comparable form of a header cell: no spaces or line breaks, ASCII brackets, lower case."""
    raw = str(name or "").strip().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", raw).lower()


@dataclasses.dataclass(frozen=True)
class Mapping_:
    """The import's tables: extra header names, old retention terms, layouts by sheet name."""

    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    retention_terms: Mapping[str, str] = dataclasses.field(default_factory=lambda: dict(LEGACY_RETENTION_TERMS))
    layouts: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def field_of(self, header: object) -> str | None:
        key = header_key(header)
        return self.headers.get(key) or ALIASES.get(key)


def load_mapping(path: Path | None, retention_terms: Mapping[str, str] | None = None) -> Mapping_:
    """The mapping file (JSON or TOML): {"headers": {"文件题名": "title"}, "retention_terms":
    {"长期": "D30"}, "layouts": {"Sheet1": "items"}}. Terms not named keep the defaults."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            raw = path.read_bytes()
            data = tomllib.loads(raw.decode("utf-8-sig")) if path.suffix.lower() == ".toml" else json.loads(raw)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise Bad("bad_mapping", reason=type(exc).__name__) from None
    headers = {header_key(k): str(v) for k, v in dict(data.get("headers") or {}).items()}
    wrong = sorted(v for v in headers.values() if v not in FIELDS)
    if wrong:
        raise Bad("bad_mapping", reason=f"unknown field {wrong[0]!r}; fields: {', '.join(FIELDS)}")
    terms = {**LEGACY_RETENTION_TERMS, **dict(retention_terms or {}),
             **{str(k): str(v) for k, v in dict(data.get("retention_terms") or {}).items()}}
    layouts = {str(k): str(v) for k, v in dict(data.get("layouts") or {}).items()}
    if any(v not in LAYOUTS for v in layouts.values()):
        raise Bad("bad_mapping", reason=f"layouts must be one of {', '.join(LAYOUTS)}")
    return Mapping_(headers, terms, layouts)


@dataclasses.dataclass
class Sheet:
    """One table of a file: where it came from, its layout, and its rows as {field: cell}."""

    source: str  # file name (no folder: reports never show where files lie)
    name: str  # sheet name, or the file name for a CSV
    layout: str
    columns: dict[int, str]  # column index -> field
    ignored: list[str]  # headers not recognised
    header_row: int
    _cells: Callable[[], Iterator[tuple]]  # the rows after the header, read afresh on each call

    @property
    def label(self) -> str:
        return self.name if self.name == self.source else f"{self.source}:{self.name}"

    def rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(spreadsheet row number, {field: cell}); blank rows are skipped."""
        for number, cells in enumerate(self._cells(), start=self.header_row + 1):
            if not any(c not in (None, "") and str(c).strip() for c in cells):
                continue
            yield number, {field: cells[i] if i < len(cells) else None for i, field in self.columns.items()}


@contextlib.contextmanager
def open_source(path: Path, mapping: Mapping_) -> Iterator[list[Sheet]]:
    """The catalogue sheets of one file, readable while the context is open (a workbook is
    opened once: without a dimension record, openpyxl reads a whole sheet to open it)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        encoding = detect_encoding(path)
        yield [_sheet(path.name, path.name, lambda skip=0: _csv_rows(path, encoding, skip), mapping)]
    elif suffix in (".xlsx", ".xlsm"):
        with _workbook(path) as book:
            yield _xlsx_sheets(path, book, mapping)
    else:
        raise Bad("unknown_type")


def _sheet(source: str, name: str, rows: Callable[..., Iterator[tuple]], mapping: Mapping_) -> Sheet:
    for number, cells in enumerate(rows(), start=1):
        columns = {i: f for i, f in ((i, mapping.field_of(c)) for i, c in enumerate(cells)) if f}
        fields = set(columns.values())
        if fields & {"archival_code", "volume_code"} and "title" in fields:
            ignored = [str(c).strip() for i, c in enumerate(cells) if i not in columns and str(c or "").strip()]
            headers = [header_key(cells[i]) for i in columns]
            layout = _layout(source, name, fields, headers, mapping)
            if layout == "volumes" and "archival_code" not in fields:
                # A 案卷目录 may head its own code 案卷档号.
                columns = {i: "archival_code" if f == "volume_code" else f for i, f in columns.items()}
            return Sheet(source, name, layout, _first_wins(columns), ignored, number,
                         functools.partial(rows, number))
        if number >= HEADER_SEARCH_ROWS:
            break
    raise Bad("no_header")


def _first_wins(columns: dict[int, str]) -> dict[int, str]:
    """Two columns naming the same field: the first one is read (and the second ignored)."""
    seen: set[str] = set()
    out = {}
    for i, f in sorted(columns.items()):
        if f not in seen:
            seen.add(f)
            out[i] = f
    return out


def _layout(source: str, name: str, fields: set[str], headers: list[str], mapping: Mapping_) -> str:
    if name in mapping.layouts:
        return mapping.layouts[name]
    for label in (name, Path(source).stem):
        low = label.lower()
        if "卷内" in label or "in-volume" in low or "volume_items" in low:
            return "volume_items"
        if "案卷目录" in label or low.startswith("volumes"):
            return "volumes"
        if "归档文件" in label or "文件目录" in label or low.startswith("items"):
            return "items"
    if "案卷题名" in headers:
        return "volumes"
    if "volume_code" in fields:
        return "volume_items"
    if "volume_no" in fields and "item_no" not in fields and "doc_no" not in fields:
        return "volumes"
    return "items"


@contextlib.contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file: openpyxl raises many kinds
        raise Bad("unreadable_file", reason=type(exc).__name__) from None
    try:
        yield book
    finally:
        book.close()


def _xlsx_sheets(path: Path, book: Any, mapping: Mapping_) -> list[Sheet]:
    out = []
    for ws in book.worksheets:
        def rows(skip: int = 0, ws: Any = ws) -> Iterator[tuple]:
            return ws.iter_rows(min_row=skip + 1, values_only=True)

        try:
            out.append(_sheet(path.name, ws.title, rows, mapping))
        except Bad as exc:
            # A workbook's notes or cover sheet has no catalogue: skipped, unless nothing has one.
            if exc.key != "no_header":
                raise
    if not out:
        raise Bad("no_header")
    return out


CHUNK = 1 << 16


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of GBK), read incrementally; Bad if none fits."""
    with path.open("rb") as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        for encoding in ("utf-8", "gb18030"):
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := fh.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
    raise Bad("bad_encoding")


def _csv_rows(path: Path, encoding: str, skip: int) -> Iterator[tuple]:
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        for number, row in enumerate(csv.reader(fh), start=1):
            if number > skip:
                yield tuple(row)
