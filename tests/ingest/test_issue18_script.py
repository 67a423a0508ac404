"""Issue 18 §1: OCR output normalised to the page's script, ambiguous characters never converted,
`○`/`O`/`0` → `〇` inside Chinese numerals, the raw reading kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.ocr.model import OcrLine, OcrPage
from ingest.ocr.script import (
    SIMPLIFIED,
    TRADITIONAL,
    _read,
    convert_script,
    fix_numeral_zeros,
    normalise_page,
    page_script,
    tables,
)

SIMPLIFIED_FORM = ["干部履历表", "姓名 张建国 性别 男 民族 汉族 籍贯 甘肃临夏", "学历 大学本科 工作单位及职务 临夏州劳动局科员"]
TRADITIONAL_DOC = ["醫療保險檔案管理辦法", "第一條 為加強醫療保險檔案管理，根據國家有關規定，制定本辦法。",
                   "第二條 本辦法適用於醫療保險經辦機構。"]
# More than one simplification (乾→干/乾, 於→于/於 …) or more than one traditional form (发→發/髮,
# 后→後/后, 台→臺/檯/颱/台, 为→爲/為 …).
AMBIGUOUS_TRADITIONAL = "乾於著藉麵鍾餘"
AMBIGUOUS_SIMPLIFIED = "干后发台面余钟于着借系为里只"


def test_the_issues_lines_on_a_simplified_page_come_back_simplified():
    texts, script = normalise_page([*SIMPLIFIED_FORM, "一九九八年九月至二○○二年七月在蘭州大學學习",
                                    "參加工作，任临夏州劳動局科員"])
    assert script == SIMPLIFIED
    assert texts[-2:] == ["一九九八年九月至二〇〇二年七月在兰州大学学习", "参加工作，任临夏州劳动局科员"]


@pytest.mark.parametrize("char", list(AMBIGUOUS_TRADITIONAL))
def test_an_ambiguous_traditional_character_is_never_simplified(char):
    assert char not in tables()[0]
    texts, script = normalise_page([*SIMPLIFIED_FORM, f"备注 {char} 學習"])
    assert script == SIMPLIFIED
    assert texts[-1] == f"备注 {char} 学习"  # its neighbour converts, it does not


@pytest.mark.parametrize("char", list(AMBIGUOUS_SIMPLIFIED))
def test_an_ambiguous_simplified_character_is_never_made_traditional(char):
    assert char not in tables()[1]
    texts, script = normalise_page([*TRADITIONAL_DOC, f"附則 {char} 学习"])
    assert script == TRADITIONAL
    assert texts[-1] == f"附則 {char} 學習"  # its neighbours convert, it does not


def test_every_entry_of_the_tables_is_one_to_one_in_opencc():
    ts, st = _read("TSCharacters.txt"), _read("STCharacters.txt")
    t2s, s2t = tables()
    assert len(t2s) > 2000 and len(s2t) > 2000
    for trad, simp in t2s.items():
        assert ts[trad] == [simp] and trad not in st
    for simp, trad in s2t.items():
        assert st[simp] == [trad] and ts[trad] == [simp]


def test_a_many_to_one_merge_converts_only_towards_simplified():
    texts, _ = normalise_page([*SIMPLIFIED_FORM, "二〇〇二年以後在黨校學習，萬元"])
    assert texts[-1] == "二〇〇二年以后在党校学习，万元"
    texts, _ = normalise_page([*TRADITIONAL_DOC, "以后 党校 万元 学习"])
    assert texts[-1] == "以后 党校 万元 學習"  # 后, 党, 万 each stand for more than one traditional character


def test_a_traditional_page_gets_its_stray_simplified_characters_converted():
    texts, script = normalise_page([*TRADITIONAL_DOC, "第三條 档案应该分类"])
    assert script == TRADITIONAL
    assert texts[-1] == "第三條 檔案應該分類"
    assert texts[:3] == TRADITIONAL_DOC  # 為 (Taiwan form) stays; it is not turned into 爲 or 为


def test_a_page_without_a_clear_script_is_left_alone():
    assert page_script("蘭州大學 兰州大学") == ""
    assert page_script("12345 ABC") == ""
    texts, script = normalise_page(["蘭州大學", "兰州大学"])
    assert script == "" and texts == ["蘭州大學", "兰州大学"]
    assert convert_script("學", "") == "學"


@pytest.mark.parametrize(("raw", "expected"), [
    ("一九九八年九月至二○○二年七月", "一九九八年九月至二〇〇二年七月"),
    ("二OO二年", "二〇〇二年"),
    ("二00二年", "二〇〇二年"),
    ("二oo二年", "二〇〇二年"),
    ("一九九○年", "一九九〇年"),
    ("二◯一〇年", "二〇一〇年"),
    ("二〇〇二年", "二〇〇二年"),
])
def test_zero_lookalikes_inside_chinese_numerals_become_ling(raw, expected):
    assert fix_numeral_zeros(raw) == expected


@pytest.mark.parametrize("text", [
    "血型 O型", "A0纸", "2002年", "10.0万元", "○○县○○乡", "OO", "编号A二00", "二00A",
])
def test_zero_lookalikes_outside_chinese_numerals_stay(text):
    assert fix_numeral_zeros(text) == text


def test_the_ocr_page_keeps_the_raw_reading():
    lines = [OcrLine(text, (10, 10 + 60 * i, 900, 50 + 60 * i), 0.9)
             for i, text in enumerate([*SIMPLIFIED_FORM, "二○○二年七月在蘭州大學學习"])]
    page = OcrPage.from_lines(lines, "rapidocr")
    assert page.script == SIMPLIFIED
    assert page.text.splitlines()[-1] == "二〇〇二年七月在兰州大学学习"
    assert page.lines[-1].text == "二〇〇二年七月在兰州大学学习"  # the lines feed extraction and the PDF text layer
    assert page.raw_text.splitlines()[-1] == "二○○二年七月在蘭州大學學习"
    untouched = OcrPage.from_lines(lines, "rapidocr", normalise=False)
    assert untouched.text == untouched.raw_text == page.raw_text


UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")


@pytest.mark.skipif(not UKAI.exists(), reason="fonts-arphic-ukai not installed (apt-get install fonts-arphic-ukai)")
def test_a_handwritten_style_form_reads_in_one_script():
    from bench.handwriting_forms import build_page, mixed_script
    from ingest.ocr import get_engine

    page = build_page(3)
    result = get_engine("rapidocr").recognize(page["image"])
    assert not mixed_script(result.text), result.text
    assert "〇" in result.text or "〇" not in page["text"]


def test_raw_readings_list_only_the_pages_normalisation_changed():
    from ingest.ocr.script import raw_readings

    clean = OcrPage.from_lines([OcrLine("干部履历表 姓名 张三 学历 大学", (0, 0, 900, 40), 0.9)], "rapidocr")
    fixed = OcrPage.from_lines([OcrLine("干部履历表 二○○二年在兰州大學学习", (0, 0, 900, 40), 0.9)], "rapidocr")
    born_digital = OcrPage("正文", [], 1.0, "born_digital")
    assert raw_readings([clean, fixed, born_digital]) == {
        "2": {"script": SIMPLIFIED, "raw_text": "干部履历表 二○○二年在兰州大學学习"}}
