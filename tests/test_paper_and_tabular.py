"""archive.paper (every PDF: PDF/A-2b, embedded CJK TrueType font, user text escaped) and
archive.tabular (every CSV/XLSX: text stays text, formulas are inert)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import pikepdf
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pikepdf import pdfa

from archive import paper, tabular
from archive.errors import ConfigError

CODE = "J001-WS·2022-Y-0003"
ATTACKS = ['<a href="http://evil.example/">点此</a>', "<b>粗体", "<img src=x>", "<font name=Helvetica>x</font>",
           "&amp; &lt; & <br/>", "]]>", "\x00\x07"]
FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2", "\t=1", "\r=1", " =1+1"]


def _sample(**kwargs) -> bytes:
    return paper.document("档案销毁清册", [f"批次 {CODE}", *ATTACKS],
                          [("清单", ["档号", "题名", "密级"], [[CODE, attack, "机密"] for attack in ATTACKS])], **kwargs)


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_document_is_pdfa_2b_with_only_embedded_fonts():
    data = _sample(landscape=True, signatures=["监销人", "销毁人"], unit="某市人力资源和社会保障局")
    assert pdfa.validate_written(io.BytesIO(data), "2b").passed  # an independent re-read of the bytes
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
        assert [str(oi.S) for oi in pdf.Root.OutputIntents] == ["/GTS_PDFA1"]
        fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
        assert fonts and all("/FontFile2" in f.FontDescriptor for f in fonts)
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
        rows = listing.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), listing  # the "emb" column


def test_codes_keep_their_middle_dot_and_a_beijing_footer(monkeypatch):
    from archive import clock

    monkeypatch.setattr(clock, "_now", lambda: dt.datetime(2024, 5, 1, 2, 30, tzinfo=dt.UTC))
    text = _text(_sample(unit="某市人社局"))
    assert CODE in text
    assert "2024-05-01 10:30" in text and "北京时间" in text and "某市人社局" in text


def test_user_markup_is_shown_as_text_never_a_link():
    data = _sample()
    text = _text(data)
    for visible in ('<a href="http://evil.example/">点此</a>', "<b>粗体", "<img src=x>", "&amp; &lt; & <br/>"):
        assert visible in text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)


def test_escape_is_plain_text_markup():
    assert paper.escape('<a href="x">&') == '&lt;a href="x"&gt;&amp;'
    assert paper.escape(None) == ""
    assert paper.escape(3) == "3"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=300), min_size=1, max_size=4))
def test_any_text_makes_a_document(texts):
    data = paper.document(texts[0], texts, [("c", ["a", "b"], [[t, t[::-1]] for t in texts])], signatures=texts[:1])
    assert data.startswith(b"%PDF-")


def test_a_huge_cell_does_not_break_the_layout():
    data = paper.document("t", [], [("c", ["a", "b"], [["x" * 50_000, "说明" * 20_000]])])
    assert data.startswith(b"%PDF-")


def test_a_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("ARCHIVE_PDF_FONT", raising=False)
    monkeypatch.setattr(paper, "FONT_FILES", (("/nonexistent/font.ttc", 0),))
    with pytest.raises(ConfigError, match="fonts-wqy-zenhei"):
        paper._font_file()
    monkeypatch.setenv("ARCHIVE_PDF_FONT", "/nonexistent/other.ttf:1")
    with pytest.raises(ConfigError, match="ARCHIVE_PDF_FONT"):
        paper._font_file()


def test_labels_keep_their_qr_codes_on_pdfa():
    from archive.lending.labels import _render

    data = _render([(CODE, "A-01-02")])
    assert pdfa.validate_written(io.BytesIO(data), "2b").passed
    assert CODE in _text(data)


# ---- tabular --------------------------------------------------------------------------------

def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _inert(value: object) -> bool:
    text = str(value)
    return text.lstrip(" ")[:1] not in tabular.FORMULA_STARTS or text.startswith("'")


def test_formulas_are_inert_in_csv_and_xlsx():
    rows = [[f, 7, -3, 1.5, None, dt.date(2024, 1, 2)] for f in FORMULAS]
    table = _csv_rows(tabular.to_csv(["内容", "n", "neg", "f", "none", "date"], rows))
    assert [r[0] for r in table[1:]] == ["'" + f for f in FORMULAS]
    assert table[1][1:] == ["7", "-3", "1.5", "", "2024-01-02"]
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx("导出", ["内容", "n", "neg", "f", "none", "date"], rows))).active
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s" and str(row[0].value).startswith("'")
        assert (row[1].value, row[2].value, row[1].data_type) == (7, -3, "n")


def test_csv_is_utf8_with_bom_for_excel():
    data = tabular.to_csv(["档号"], [[CODE]])
    assert data.startswith("\ufeff".encode()) and CODE.encode() in data
    assert tabular.to_csv(["a"], [["b"]], encoding="utf-8") == b"a\r\nb\r\n"


def test_xlsx_takes_aware_datetimes_and_control_characters():
    moment = dt.datetime(2024, 1, 1, 16, 0, tzinfo=dt.UTC)
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx("a/b:c*[d]?" * 5, ["t", "s"], [[moment, "a\x01b"]]))).active
    assert sheet.cell(2, 1).value == dt.datetime(2024, 1, 2, 0, 0)  # Beijing time
    assert sheet.cell(2, 2).value == "a\ufffdb"
    assert len(sheet.title) <= 31


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r\n '\"a,1;"), max_size=8), min_size=1, max_size=5))
def test_no_text_cell_can_start_a_formula(texts):
    rows = [[t] for t in texts]
    assert all(_inert(r[0]) for r in _csv_rows(tabular.to_csv(["c"], rows))[1:] if r)
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx("x", ["c"], rows))).active
    for (cell,) in sheet.iter_rows(min_row=2):
        assert cell.data_type != "f" and (cell.value is None or _inert(cell.value))
