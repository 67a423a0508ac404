"""The one writer of CSV and XLSX exports (search results, registers, compliance reports).

A spreadsheet runs a cell that starts with = + - @ (or a tab / carriage return before one) as a
formula, so a loan purpose like ``=HYPERLINK("http://x","y")`` would become a live link or
worse (CSV/formula injection). Every text value is therefore written as text, and a text that
would start a formula gets a leading apostrophe, the spreadsheet's own "this is text" mark; in
XLSX the cell is also typed as a string, so it is never evaluated. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from archive import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
# Characters an XLSX (XML 1.0) cannot carry; openpyxl would raise on them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """`text`, made inert if a spreadsheet would read it as a formula (also after leading spaces)."""
    return "'" + text if text.lstrip(" ")[:1] in FORMULA_STARTS and text else text


def cell_text(value: object) -> str:
    """How a value is written to CSV: dates in Beijing time, None empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return _beijing(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8-sig") -> bytes:
    """CSV bytes; utf-8-sig by default so that Excel opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell_text(c) for c in columns])
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return out.getvalue().encode(encoding)


def to_xlsx(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One-sheet XLSX bytes: a bold, frozen header row, then the rows, text always as text."""
    return to_xlsx_sheets([(title, columns, rows)])


def to_xlsx_sheets(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """A workbook of several sheets, each (title, columns, rows) written as to_xlsx writes one."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])
    used: set[str] = set()
    for title, columns, rows in sheets:
        sheet = book.create_sheet(_unique(_sheet_title(title), used))
        sheet.append([_xlsx_value(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        _force_text(sheet)
    if not book.worksheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return _beijing(value).replace(tzinfo=None)  # Excel has no time zones: show Beijing time
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    return _XML_ILLEGAL.sub("\ufffd", neutralise(str(value)))


def _force_text(sheet) -> None:
    # openpyxl types any string starting with "=" as a formula; neutralised strings no longer do,
    # but typing every str cell as a string keeps that true whatever neutralise() becomes.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _beijing(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is None else moment.astimezone(clock.CHINA)


def _unique(title: str, used: set[str]) -> str:
    candidate, n = title, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{title[:27]} ({n})"
    used.add(candidate.lower())
    return candidate


def _sheet_title(title: str) -> str:
    return (_SHEET_TITLE_BAD.sub(" ", title).strip() or "Sheet")[:31]
