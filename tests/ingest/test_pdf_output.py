"""Searchable PDF (invisible, placed text layer; XMP with archival code) and thumbnails."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pypdf
import pytest
from PIL import Image

from ingest.ocr import OcrLine, OcrPage
from ingest.pdf_output import build_searchable_pdf, make_thumbnail, pdf_conformance
from ingest.samples import SCANS_DIR
from ingest.sources import read_pages

CODE = "J001-WS·2018-D30-0056"
TITLE = "关于进一步规范基层服务平台档案管理工作的通知"


def _ocr(lines: list[tuple[str, tuple[int, int, int, int]]]) -> OcrPage:
    return OcrPage.from_lines([OcrLine(text, box, 0.95) for text, box in lines], "rapidocr")


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    colour = next(read_pages(SCANS_DIR / "ws_notice_2018.jpg")).image
    bitonal = next(read_pages(SCANS_DIR / "ws_minutes_2021.tif")).image
    page1 = _ocr([("关于进一步规范基层服务", (590, 1040, 1890, 1130)), ("青人社发〔2018〕56号", (900, 760, 1560, 830))])
    page2 = _ocr([("关于档案数字化工作推进会议的纪要", (400, 1000, 2000, 1090))])
    return build_searchable_pdf([(colour, page1, (300.0, 300.0)), (bitonal, page2, None)], title=TITLE,
                                archival_code=CODE)


def test_text_layer_is_extractable(pdf_bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) == 2
    first = "".join(reader.pages[0].extract_text().split())
    assert "关于进一步规范基层服务" in first and "青人社发〔2018〕56号" in first
    assert "关于档案数字化工作推进会议的纪要" in "".join(reader.pages[1].extract_text().split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_finds_the_ocr_text(pdf_bytes, tmp_path):
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf_bytes)
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "关于进一步规范基层服务" in "".join(out.split())


def test_text_is_placed_on_the_line_box(pdf_bytes):
    """The text object's origin sits at the OCR box (PDF points from the bottom-left)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    page = pdf.pages[0]
    assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4 at 300 dpi
    placements = [ops for ops, op in pikepdf.parse_content_stream(page) if str(op) == "Tm"]
    xs = sorted(round(float(ops[4])) for ops in placements)
    assert xs == [round(590 * 72 / 300), round(900 * 72 / 300)]
    modes = [ops for ops, op in pikepdf.parse_content_stream(page) if str(op) == "Tr"]
    assert all(int(ops[0]) == 3 for ops in modes)  # invisible


def test_metadata_carries_archival_code_and_title(pdf_bytes):
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    meta = pdf.open_metadata()
    assert meta["dc:title"] == TITLE and meta["dc:identifier"] == CODE
    assert CODE in str(meta)
    assert str(pdf.docinfo["/Title"]) == TITLE and str(pdf.docinfo["/ArchivalCode"]) == CODE
    assert [str(oi.OutputConditionIdentifier) for oi in pdf.Root.OutputIntents] == ["sRGB"]


def test_written_as_validated_pdfa_2b(pdf_bytes):
    pytest.importorskip("fontTools")  # pikepdf's PDF/A writer needs pikepdf[pdfa]
    assert pdf_conformance(pdf_bytes) == "PDF/A-2B"
    import pikepdf.pdfa

    assert pikepdf.pdfa.validate_written(io.BytesIO(pdf_bytes), "2b").passed


def test_plain_pdf_when_pdfa_not_wanted():
    data = build_searchable_pdf([(Image.new("L", (300, 400), 255), OcrPage(""), None)], title="t",
                                archival_code="c", pdfa=False)
    assert pdf_conformance(data) is None


def test_page_images_are_jpeg_and_g4(pdf_bytes):
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    filters = []
    for page in pdf.pages:
        (image,) = page.obj.Resources.XObject.values()
        filters.append(str(image.Filter))
    assert filters == ["/DCTDecode", "/CCITTFaxDecode"]
    assert not pdf.check_pdf_syntax()  # qpdf finds no structural problems


def test_bitonal_page_survives_round_trip():
    image = Image.new("1", (800, 600), 1)
    image.paste(0, (100, 100, 300, 200))
    data = build_searchable_pdf([(image, OcrPage(""), (300.0, 300.0))], title="t", archival_code="c")
    (page,) = read_pages(data, "round.pdf")
    assert page.image.convert("L").tobytes() == image.convert("L").tobytes()


def test_thumbnail():
    page = next(read_pages(SCANS_DIR / "ws_notice_2018.jpg")).image
    thumb = Image.open(io.BytesIO(make_thumbnail(page)))
    assert thumb.format == "JPEG" and max(thumb.size) == 256 and thumb.size[1] > thumb.size[0]
    small = Image.open(io.BytesIO(make_thumbnail(Image.new("1", (2480, 3508), 1), max_side=128)))
    assert max(small.size) == 128 and small.mode == "L"
