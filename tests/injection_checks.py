"""Checks shared by the issue 12 #10/#11 tests: what a person types (a loan purpose, a hold reason)
never becomes a live formula in a CSV/XLSX export, nor markup in a PDF (no link, no 500)."""

from __future__ import annotations

import csv
import io

import pikepdf
import pypdf
from openpyxl import load_workbook

from archive.tabular import FORMULA_STARTS

FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2"]
MARKUP = ['<a href="http://evil.example/">点此</a>', "<b>粗体", "<img src=x>"]


def _inert(text: str) -> bool:
    return text[:1] not in FORMULA_STARTS or text.startswith("'")


def _csv_cells(body: bytes | str) -> list[str]:
    text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(body: bytes) -> list:
    book = load_workbook(io.BytesIO(body))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _check_pdf(body: bytes, expected: list[str]) -> None:
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert all(m in text.replace("\n", "") for m in expected), text[:500]
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)  # no link was made


