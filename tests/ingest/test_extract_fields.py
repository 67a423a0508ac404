"""Issuer, title, 文种, addressees and disclosure note of GB/T 9704 pages and forms, and the
result object as a whole."""

from __future__ import annotations

import pytest

from ingest.extract import EXTRACTION_FIELDS, extract_fields

NOTICE = "\n".join([
    "000123",
    "秘密★5年",
    "特急",
    "长白市人力资源和社会保障局文件",
    "长白人社发〔2018〕56号",
    "关于进一步加强基层人力资源社会保障服务平台",
    "建设的意见",
    "各县（市、区）人力资源和社会保障局，局属各单位：",
    "    为进一步提升基层服务能力，严格保守国家秘密，现提出如下意见。",
    "附件：1．基层平台建设标准",
    "长白市人力资源和社会保障局",
    "2018年8月15日",
    "（此件不予公开）",
    "抄送：省人力资源和社会保障厅。",
    "长白市人力资源和社会保障局办公室        2018年8月16日印发",
    "— 1 —",
])


def test_an_official_document_page():
    fields = extract_fields(NOTICE)
    assert fields.to_dict() | {} == fields.to_dict()  # plain data
    assert fields.secrecy == "secret" and fields.secrecy_term_months == 60
    assert fields.doc_no == "长白人社发〔2018〕56号"
    assert fields.issuer == "长白市人力资源和社会保障局"
    assert fields.confidence["issuer"] >= 0.95  # masthead and signature agree
    assert fields.title == "关于进一步加强基层人力资源社会保障服务平台建设的意见"
    assert fields.doc_type == "意见"
    assert fields.addressees == "各县（市、区）人力资源和社会保障局，局属各单位"
    assert fields.date == "2018-08-15"
    assert fields.disclosure == "not_disclosed"
    assert fields.masthead is not None
    for name in fields.confidence:
        assert 0.0 <= fields.confidence[name] <= 1.0
        assert fields.evidence[name]


def test_to_dict_uses_the_contract_names():
    out = extract_fields(NOTICE).to_dict()
    for name in EXTRACTION_FIELDS:
        assert name in out
    assert {"confidence", "evidence", "flags"} <= out.keys()


@pytest.mark.parametrize(("note", "code"), [
    ("（此件主动公开）", "proactive"),
    ("(此件主动公开)", "proactive"),
    ("（此件依申请公开）", "on_request"),
    ("（此件不予公开）", "not_disclosed"),
    ("（此 件 主 动 公 开）", "proactive"),
    ("公开方式：主动公开", "proactive"),
])
def test_disclosure_notes(note, code):
    assert extract_fields(f"关于某事的通知\n各科室：\n正文。\n长白市人力资源和社会保障局\n2019年1月2日\n{note}").disclosure == code


def test_no_disclosure_note():
    assert extract_fields("关于某事的通知\n各科室：\n正文。").disclosure is None


@pytest.mark.parametrize(("title", "doc_type"), [
    ("关于转发《省人力资源和社会保障厅关于加强就业工作的意见》的通知", "通知"),
    ("关于申请2019年就业专项经费的请示", "请示"),
    ("关于同意设立人才交流服务中心的批复", "批复"),
    ("关于征求《档案管理办法（征求意见稿）》意见的函", "函"),
    ("关于2019年就业工作情况的报告", "报告"),
    ("关于表彰先进集体和先进个人的决定", "决定"),
    ("关于促进就业创业的实施意见（试行）", "意见"),
    ("2019年第3次局长办公会议纪要", "纪要"),
    ("劳动保障监察行政处罚决定书", "决定书"),  # a form kind, not a 文种
    ("社会保险稽核通知书", "通知书"),
])
def test_doc_type_is_the_type_ending_the_title(title, doc_type):
    fields = extract_fields(f"长白市人力资源和社会保障局文件\n长白人社发〔2019〕3号\n{title}\n各科室：\n正文。")
    assert fields.title == title
    assert fields.doc_type == doc_type


def test_title_split_inside_a_quoted_name_continues():
    text = "长白人社函〔2019〕3号\n关于征求《长白市档案管理办法（征求意见稿）\n》意见的函\n长白市财政局：\n正文。"
    fields = extract_fields(text)
    assert fields.title == "关于征求《长白市档案管理办法（征求意见稿）》意见的函"
    assert fields.doc_type == "函"


def test_joint_issuers_and_a_title_carrying_them():
    text = "\n".join([
        "中共长白市委组织部 长白市人力资源和社会保障局关于印发《事业单位工作人员考核办法》的通知",
        "长白人社通〔2023〕39号",
        "各县（市、区）党委组织部、人力资源和社会保障局：",
        "    现印发你们，请认真贯彻执行。",
        "中共长白市委组织部",
        "长白市人力资源和社会保障局",
        "2023年12月7日",
    ])
    fields = extract_fields(text)
    assert fields.title.endswith("关于印发《事业单位工作人员考核办法》的通知")
    assert fields.issuer == "中共长白市委组织部 长白市人力资源和社会保障局"
    assert fields.addressees == "各县（市、区）党委组织部、人力资源和社会保障局"


def test_form_name_is_the_title_and_form_rows_are_not_issuers():
    form = "\n".join(["干 部 履 历 表", "姓名 张建国 性别 男", "所在党支部 局机关第一党支部", "授予单位 长白市人民政府",
                      "填表日期：2015年3月2日"])
    fields = extract_fields(form)
    assert fields.title == "干部履历表"
    assert fields.issuer is None
    assert fields.doc_type == "履历表"


def test_issuer_of_a_form_from_its_header_line():
    form = "长白市社会保险事业管理局\n基本养老金待遇核定表\n姓名 王芳 性别 女\n核定日期：2019年5月6日"
    fields = extract_fields(form)
    assert fields.issuer == "长白市社会保险事业管理局"
    assert fields.title == "基本养老金待遇核定表"


def test_old_style_number_without_a_year_is_kept_as_printed():
    text = "長白縣人民委員會勞動科\n長勞字第四十二號\n關於做好失業人員登記工作的通知\n各區公所：\n正文。\n一九五五年三月十日"
    fields = extract_fields(text)
    assert fields.doc_no == "長勞字第四十二號"
    assert fields.doc_no_parts == ("長勞字", None, None)
    assert fields.date == "1955-03-10"
    assert fields.issuer == "長白縣人民委員會勞動科"


def test_issuer_after_a_stamp_label():
    form = "基本养老保险待遇核定表\n姓名 王芳\n经办机构（盖章）：长白市社会保险事业管理局"
    assert extract_fields(form).issuer == "长白市社会保险事业管理局"


def test_web_page_furniture_is_not_the_title_or_issuer():
    text = "\n".join(["欢迎来到长白市人力资源和社会保障局网站", "无障碍浏览", "发布时间：2019-01-22",
                      "长白市人力资源和社会保障局工作规则", "第一章 总则"])
    fields = extract_fields(text)
    assert fields.title == "长白市人力资源和社会保障局工作规则"
    assert fields.issuer != "欢迎来到长白市人力资源和社会保障局网站"
    assert fields.date is None


def test_a_traditional_character_page_keeps_its_script():
    text = "\n".join(["機密★10年", "長白市人力資源和社會保障局文件", "長白人社發〔2009〕23號",
                      "關於做好社會保險擴面徵繳工作的報告", "省人力資源和社會保障廳：", "    現將有關情況報告如下。",
                      "長白市人力資源和社會保障局", "二〇〇九年七月二十三日"])
    fields = extract_fields(text)
    assert fields.secrecy == "confidential" and fields.secrecy_term_months == 120
    assert fields.title == "關於做好社會保險擴面徵繳工作的報告"
    assert fields.doc_type == "报告"  # the code is always simplified
    assert fields.doc_no == "長白人社發〔2009〕23号"
    assert fields.issuer == "長白市人力資源和社會保障局"
    assert fields.date == "2009-07-23"
    assert fields.addressees == "省人力資源和社會保障廳"


def test_ocr_lines_with_low_confidence_lower_field_confidence():
    lines = [{"text": t, "confidence": 0.98} for t in NOTICE.splitlines()]
    sure = extract_fields(NOTICE, lines=lines)
    lines[4]["confidence"] = 0.4  # the number line
    unsure = extract_fields(NOTICE, lines=lines)
    assert unsure.doc_no == sure.doc_no
    assert unsure.confidence["doc_no"] < sure.confidence["doc_no"]
    assert unsure.confidence["secrecy"] == sure.confidence["secrecy"]


def test_ocr_line_objects_are_accepted():
    class Line:
        def __init__(self, text):
            self.text, self.confidence = text, 0.9

    assert extract_fields("", lines=[Line(t) for t in NOTICE.splitlines()]).doc_no == "长白人社发〔2018〕56号"


def test_flags_are_kept_for_the_classifier():
    assert extract_fields(NOTICE, flags=["red_masthead"]).page_flags == ("red_masthead",)


@pytest.mark.parametrize("text", ["", "   \n\n", "——", "1234567890" * 50, "★" * 100])
def test_empty_and_junk_text(text):
    fields = extract_fields(text)
    assert fields.secrecy == "public"
    assert fields.title is None or isinstance(fields.title, str)
