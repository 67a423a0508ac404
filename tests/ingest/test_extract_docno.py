"""Document numbers: OCR brackets and spacing normalised to 〔〕; the page's own number, not one
cited in the body."""

from __future__ import annotations

import pytest

from ingest.extract import extract_fields


def page(number_line: str, body: str = "请认真贯彻执行。") -> str:
    return "\n".join(["松江市人力资源和社会保障局文件", number_line, "关于做好春季招聘工作的通知", "各县（市、区）人力资源和社会保障局：",
                      f"    {body}", "松江市人力资源和社会保障局", "2018年8月15日"])


@pytest.mark.parametrize("line", [
    "吉人社办字〔2018〕56号",
    "吉人社办字[2018]56号",
    "吉人社办字［2018］56号",
    "吉人社办字【2018】56号",
    "吉人社办字(2018)56号",
    "吉人社办字（2018）56号",
    "吉人社办字﹝2018﹞56号",
    "吉 人 社 办 字 〔 2 0 1 8 〕 5 6 号",
    "吉人社办字 〔 2018 〕 56 号",
    "吉人社办字〔２０１８〕５６号",
    "吉人社办字〔2018〕056号",
    "吉人社办字〔2018〕56号        签发人：王明",
])
def test_brackets_and_spacing_are_normalised(line):
    fields = extract_fields(page(line))
    assert fields.doc_no == "吉人社办字〔2018〕56号"
    assert fields.doc_no_parts == ("吉人社办字", 2018, 56)
    assert fields.confidence["doc_no"] >= 0.9


def test_a_lost_hao_still_reads_with_less_confidence():
    fields = extract_fields(page("吉人社办字〔2018〕56"))
    assert fields.doc_no == "吉人社办字〔2018〕56号"
    assert fields.confidence["doc_no"] < 0.95


def test_numbers_cited_in_the_body_are_not_the_pages_number():
    body = "根据《关于简化优化公共服务流程的通知》（国办发〔2015〕86号）精神，结合实际，制定本方案，请认真贯彻落实，确保各项工作落到实处。"
    text = "\n".join(["松江市人力资源和社会保障局", "关于做好公共服务工作的通知", "各科室：", body, "2018年8月15日"])
    assert extract_fields(text).doc_no is None
    assert extract_fields(page("松人社发〔2018〕12号", body=body)).doc_no == "松人社发〔2018〕12号"


def test_case_number_after_a_label():
    text = "案件合议记录\n案号：长劳人仲案字〔2019〕12号\n合议意见：支持申请人请求。"
    assert extract_fields(text).doc_no == "长劳人仲案字〔2019〕12号"


def test_number_printed_below_the_title_on_a_web_page():
    text = "\n".join(["当前位置：首页 > 政策文件", "发布时间：2023-12-11 09:30:00", "关于印发《事业单位工作人员考核办法》的通知",
                      "甘人社通〔2023〕392号", "各市（州）人力资源和社会保障局：", "现印发你们，请认真贯彻执行。"])
    assert extract_fields(text).doc_no == "甘人社通〔2023〕392号"
