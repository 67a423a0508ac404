"""The document date: Arabic or Chinese numerals, the signature date preferred, web posting dates
and dates about a person ignored."""

from __future__ import annotations

import pytest

from ingest.extract import extract_fields


def signed(date_line: str) -> str:
    return "\n".join(["关于做好档案移交工作的通知", "各科室：", "    请于6月底前完成移交。", "长白市人力资源和社会保障局", date_line])


@pytest.mark.parametrize(("line", "expected"), [
    ("2018年8月15日", "2018-08-15"),
    ("2018 年 8 月 15 日", "2018-08-15"),
    ("２０１８年８月１５日", "2018-08-15"),
    ("二〇〇九年七月二十三日", "2009-07-23"),
    ("二○一九年十二月三十一日", "2019-12-31"),
    ("二O一O年十月一日", "2010-10-01"),
    ("二〇二三年二月十日", "2023-02-10"),
    ("二〇〇五年十一月廿二日", "2005-11-22"),
    ("2019.3.8", "2019-03-08"),
    ("九五五年三月十日", "1955-03-10"),  # OCR lost the leading 一
    ("〇一九年三月十日", "2019-03-10"),
    ("2019年7月8", "2019-07-08"),  # OCR lost the 日
    ("（2019年3月8日）", "2019-03-08"),
])
def test_signature_dates(line, expected):
    fields = extract_fields(signed(line))
    assert fields.date == expected
    assert fields.confidence["date"] >= 0.8


def test_posting_date_is_ignored():
    text = "发布时间：2023-05-01 10:00:00\n" + signed("2023年4月28日")
    assert extract_fields(text).date == "2023-04-28"
    only_posting = "发布时间：2023-05-01\n关于某事的通知\n发布日期：2023年5月1日\n正文。"
    assert extract_fields(only_posting).date is None


def test_signature_date_beats_dates_in_the_body_and_the_print_date():
    text = "\n".join([
        "关于调整最低工资标准的通知", "各县（市、区）人力资源和社会保障局：",
        "    本通知自2019年1月1日起施行，2018年12月31日前的规定同时废止。",
        "长白市人力资源和社会保障局", "2018年11月20日", "（此件主动公开）",
        "长白市人力资源和社会保障局办公室        2018年11月22日印发",
    ])
    assert extract_fields(text).date == "2018-11-20"


def test_a_signature_after_the_print_date_is_doubted():
    text = "关于某事的请示\n市财政局：\n正文。\n长白市人力资源和社会保障局\n2019年8月18日\n长白市人力资源和社会保障局办公室  2019年3月19日印发"
    fields = extract_fields(text)
    assert fields.date == "2019-08-18"  # as read; the archivist corrects it
    assert fields.confidence["date"] < 0.6


def test_print_date_is_a_fallback():
    text = "关于某事的通知\n各科室：\n正文。\n长白市人力资源和社会保障局办公室  2018年11月22日印发"
    fields = extract_fields(text)
    assert fields.date == "2018-11-22"
    assert fields.confidence["date"] < 0.6


def test_birth_and_joining_dates_on_a_form_are_not_the_document_date():
    form = "\n".join(["干部履历表", "姓名 张建国 性别 男", "出生日期 1975年3月12日", "参加工作时间：1996年7月1日",
                      "入党时间 1998年7月1日", "填表日期：2015年3月2日"])
    assert extract_fields(form).date == "2015-03-02"


def test_impossible_dates_are_ignored():
    assert extract_fields(signed("2018年2月30日")).date is None


def test_a_date_inside_a_sentence_is_only_a_guess():
    fields = extract_fields("会议记录\n会议于2019年4月2日在三楼会议室召开，研究了有关工作。")
    assert fields.date == "2019-04-02"
    assert fields.confidence["date"] < 0.6
