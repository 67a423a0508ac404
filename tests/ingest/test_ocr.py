"""OCR engines behind one interface: RapidOCR reads a sample title, tesseract gives boxed lines."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image

from archive.errors import ValidationError
from ingest.ocr import OcrLine, get_engine, ocr_pages, order_lines
from ingest.ocr.cer import character_error_rate, edit_distance
from ingest.samples import SCANS_DIR, load_labels
from ingest.sources import read_pages

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


@pytest.fixture(scope="module")
def notice_top() -> Image.Image:
    """The upper part of the public notice: masthead, number, two-line title, addressees."""
    page = next(read_pages(SCANS_DIR / "ws_notice_2018.jpg"))
    return page.image.crop((0, 300, 2480, 1400))


@pytest.fixture(scope="module")
def rapid_result(notice_top):
    return get_engine("rapidocr").recognize(notice_top)


def test_rapidocr_reads_sample_title(rapid_result):
    title = load_labels()["ws_notice_2018.jpg"]["title"]
    flat = "".join(rapid_result.text.split())
    start = flat.find("关于")
    assert start >= 0, rapid_result.text
    assert character_error_rate(title, flat[start:start + len(title)]) < 0.05
    assert "青人社发〔2018〕56号" in flat


def test_rapidocr_lines_boxes_and_confidence(rapid_result, notice_top):
    assert rapid_result.engine == "rapidocr" and rapid_result.lines
    for line in rapid_result.lines:
        x0, y0, x1, y1 = line.box
        assert 0 <= x0 < x1 <= notice_top.width and 0 <= y0 < y1 <= notice_top.height
        assert 0.0 <= line.confidence <= 1.0
    tops = [line.box[1] for line in rapid_result.lines]
    assert tops == sorted(tops)  # reading order: top to bottom
    assert rapid_result.text.split("\n")[0].startswith("青禾市")  # masthead first
    assert 0.8 < rapid_result.mean_confidence <= 1.0


@needs_tesseract
def test_tesseract_returns_lines_with_boxes(notice_top):
    crop = notice_top.crop((300, 500, 2200, 1100)).convert("L")  # the title lines
    result = get_engine("tesseract").recognize(crop)
    assert result.engine == "tesseract" and result.lines
    for line in result.lines:
        x0, y0, x1, y1 = line.box
        assert 0 <= x0 < x1 <= crop.width and 0 <= y0 < y1 <= crop.height
        assert 0.0 <= line.confidence <= 1.0
    assert "档案" in result.text


@needs_tesseract
def test_tesseract_traditional_engine_name():
    engine = get_engine("tesseract-chi_tra")
    assert engine.lang == "chi_tra+eng" and engine.name == "tesseract-chi_tra"


def test_engines_are_cached_per_process():
    assert get_engine("rapidocr") is get_engine("rapidocr")
    with pytest.raises(ValidationError, match="unknown OCR engine"):
        get_engine("abbyy")


def test_reading_order_merges_fragments_of_one_line():
    fragments = [
        OcrLine("第二行", (100, 200, 400, 260), 0.9),
        OcrLine("张三", (700, 52, 900, 108), 0.8),
        OcrLine("姓名", (100, 50, 300, 110), 1.0),
        OcrLine("续", (410, 205, 470, 258), 0.9),
    ]
    lines = order_lines(fragments)
    assert [line.text for line in lines] == ["姓名 张三", "第二行续"]  # wide gap keeps a space
    assert lines[0].box == (100, 50, 900, 110)
    assert lines[0].confidence == pytest.approx(0.9)


def test_cer():
    assert edit_distance("档案管理", "档案管里") == 1
    assert character_error_rate("档案 管理", "档案管理") == 0.0
    assert character_error_rate("档案管理", "档案") == 0.5


def test_ocr_pages_in_a_process_pool_keeps_order(notice_top):
    crops = [notice_top.crop((300, 560, 2200, 900)), notice_top.crop((0, 0, 2480, 430))]
    results = ocr_pages(crops, "rapidocr", workers=2)
    assert "关于" in results[0].text and "青禾市" in results[1].text
