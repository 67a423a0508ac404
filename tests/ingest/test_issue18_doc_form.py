"""Issue 18 §2: document form beats topic (rules, measures and the statutory 文种 are 文书 even about
social insurance; business forms stay SB), and a 文号 keeps the 第 that is printed."""

from __future__ import annotations

import pytest

from archive.codes import DOC_TYPES
from ingest.classify import analyse
from ingest.extract import extract_fields

RULE_BODY = "第一条 为加强医疗保险档案管理，根据国家有关规定，制定本办法。\n第二条 本办法适用于本市医疗保险经办机构。"


@pytest.mark.parametrize("text", [
    "醫療保險檔案管理辦法\n第一條 為加強醫療保險檔案管理，根據國家有關規定，制定本辦法。\n第二條 本辦法適用於本市醫療保險經辦機構。",
    f"医疗保险档案管理办法\n{RULE_BODY}",
])
def test_the_issues_rule_about_medical_insurance_is_ws(text):
    result = analyse(text).to_dict()
    assert result["category"] == "WS", result["reasons"]
    assert result["business_step"] is None
    assert result["confidence"]["category"] >= 0.6  # not sent to review for the category


@pytest.mark.parametrize("title", [
    "长白市社会保险稽核工作规程", "工伤保险待遇核定实施细则", "城乡居民养老保险经办规定", "失业保险金申领管理制度",
    "社会保险基金财务管理办法（试行）", "长白市生育保险条例",
])
def test_rules_and_measures_about_insurance_are_ws(title):
    assert analyse(f"{title}\n第一章 总则\n第一条 为规范社会保险经办工作，制定本规定。").to_dict()["category"] == "WS"


@pytest.mark.parametrize("wenzhong", DOC_TYPES)
def test_every_statutory_document_type_about_insurance_is_ws(wenzhong):
    title = f"长白市人力资源和社会保障局关于城乡居民养老保险缴费工作的{wenzhong}"
    result = analyse(f"{title}\n各县区社会保险事业管理局：\n正文。\n2020年3月1日").to_dict()
    assert result["category"] == "WS", result["reasons"]


def test_a_ministry_order_is_ws():
    assert analyse("人力资源和社会保障部令\n《社会保险经办条例实施办法》已经部务会审议通过，现予公布。").to_dict()["category"] == "WS"


@pytest.mark.parametrize(("title", "step"), [
    ("养老保险待遇核定表", "养老待遇"),
    ("职工退休审批表", "养老待遇"),
    ("工伤保险待遇申请表", "工伤待遇"),
    ("失业保险金申领登记表", "失业待遇"),
    ("社会保险费补缴告知书", "申报征缴"),
    ("社会保险参保登记表", "参保登记"),
    ("2021年度社会保险稽核报告", "稽核监督"),
    ("2022年养老保险基金运行分析报告", None),  # the model names its step
    ("基本养老保险关系转移接续函", "关系转移"),
])
def test_business_forms_and_records_stay_sb(title, step):
    result = analyse(f"{title}\n姓名 张三 身份证号 220102196001011234\n经办人 李四 2021年3月1日").to_dict()
    assert result["category"] == "SB", result["reasons"]
    if step:
        assert result["business_step"] == step


def test_case_and_accounting_documents_keep_their_category():
    assert analyse("劳动保障监察案件调查终结报告\n案号：长人社监案字〔2021〕3号\n案由：未依法缴纳社会保险费").to_dict()["category"] == "AJ"
    assert analyse("2020年度财务决算报告\n单位：长白市社会保险事业管理局").to_dict()["category"] == "KJ"


@pytest.mark.parametrize(("line", "expected"), [
    ("案号：文劳人仲案字〔2021〕第45号", "文劳人仲案字〔2021〕第45号"),
    ("案号：文劳人仲案字[2021]第45号", "文劳人仲案字〔2021〕第45号"),
    ("案号：文劳人仲案字〔2021〕45号", "文劳人仲案字〔2021〕45号"),
])
def test_a_document_number_keeps_a_printed_di(line, expected):
    fields = extract_fields(f"仲裁裁决书\n{line}\n申请人：张三\n被申请人：某公司")
    assert fields.doc_no == expected
    assert fields.doc_no_parts == ("文劳人仲案字", 2021, 45)


def test_a_number_below_a_masthead_keeps_its_di():
    text = "\n".join(["吉林省人力资源和社会保障厅文件", "吉人社办字〔2018〕第56号", "关于做好春季招聘工作的通知",
                      "各市（州）人力资源和社会保障局：", "请认真贯彻执行。", "2018年8月15日"])
    fields = extract_fields(text)
    assert fields.doc_no == "吉人社办字〔2018〕第56号"
    assert fields.doc_no_parts == ("吉人社办字", 2018, 56)


def test_a_wenzhong_without_an_insurance_topic_is_still_left_to_the_evidence():
    from ingest.classify import apply_rules

    text = "关于给予张三同志警告处分的决定\n张三，男，一九七五年三月生。经研究，决定给予警告处分。"
    hit = apply_rules(text, extract_fields(text)).get("category")
    assert hit is None or "title is a" not in hit.reason  # a personnel decision is not forced into WS
