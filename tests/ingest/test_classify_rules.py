"""Rules decide first; combined with the model, a confident rule wins."""

from __future__ import annotations

import pytest

from ingest.classify import classify, decide, default_model
from ingest.classify.rules import RuleHit, apply_rules
from ingest.extract import extract_fields


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return default_model(tmp_path_factory.getbasetemp() / "classifier-models")


def rules(text, flags=()):
    return apply_rules(text, extract_fields(text, flags=flags), flags)


NOTICE = "长白市人力资源和社会保障局文件\n长白人社发〔2019〕3号\n关于开展2019年劳动保障监察执法专项检查的通知\n各科室：\n正文。\n长白市人力资源和社会保障局\n2019年3月8日"


@pytest.mark.parametrize(("text", "category", "extra"), [
    ("干部履历表\n姓名 张三 性别 男\n填表日期：2015年3月2日", "RS", {"personnel_class": "1"}),
    ("个人简历\n姓名 张三\n学习和工作经历：", "RS", {"personnel_class": "1"}),
    ("基本养老金待遇核定表\n姓名 王芳\n核定日期：2020年1月20日", "SB", {"business_step": "养老待遇"}),
    ("失业保险金申领核定表\n姓名 王芳", "SB", {"business_step": "失业待遇"}),
    ("社会保险参保单位登记表\n单位名称：某公司", "SB", {"business_step": "参保登记"}),
    ("社会保险基金收支情况月报\n基金收入 1万元", "SB", {"business_step": "基金财务"}),
    ("仲裁裁决书\n长劳人仲案字〔2019〕12号\n申请人：赵六，男", "AJ", {}),
    ("行政复议决定书\n申请人：赵六", "AJ", {}),
    ("信访事项处理意见书\n信访人：赵六", "AJ", {}),
    ("记账凭证\n核算单位：长白市社会保险事业管理局", "KJ", {}),
    ("总分类账\n会计科目：银行存款", "KJ", {}),
    ("长白市人力资源和社会保障局业务用房维修改造工程竣工验收报告\n工程名称：业务用房维修改造工程", "JJ", {}),
    ("2019年全市人力资源和社会保障工作会议照片档案\n拍摄时间：2019年2月1日", "SX", {}),
    (NOTICE, "WS", {}),
])
def test_strong_evidence(text, category, extra):
    hits = rules(text)
    assert hits["category"].value == category
    assert hits["category"].confidence >= 0.75
    for target, value in extra.items():
        assert hits[target].value == value


def test_official_document_about_inspection_is_ws_not_a_case():
    hit = rules(NOTICE)["category"]
    assert hit.value == "WS" and hit.confidence >= 0.9
    assert rules(NOTICE, flags=["red_masthead"])["category"].confidence > hit.confidence


def test_case_number_prefix_makes_a_case_file():
    text = "长白市人力资源和社会保障局\n劳动保障监察行政处罚决定书\n长人社监罚字〔2019〕3号\n被处罚单位：某公司"
    assert rules(text)["category"].value == "AJ"


def test_red_masthead_flag_and_number_without_a_text_masthead():
    text = "长白人社发〔2019〕3号\n关于做好春季招聘工作的通知\n各科室：\n正文。"
    assert rules(text, flags=["red_masthead"])["category"].value == "WS"
    assert "category" not in rules(text)


def test_ambiguous_titles_are_less_sure():
    hit = rules("工伤职工培训登记表\n姓名 王芳")["personnel_class"]
    assert hit.value == "4"
    assert rules("党校学习鉴定表\n姓名 王芳")["personnel_class"].confidence <= 0.7  # training and assessment words


@pytest.mark.parametrize(("rule", "predicted", "value", "low", "high"), [
    (RuleHit("RS", 0.95, "x"), ("RS", 0.8), "RS", 0.98, 0.99),  # agree: more sure
    (RuleHit("RS", 0.95, "x"), ("SB", 0.9), "RS", 0.6, 0.7),  # strong rule wins, less sure
    (RuleHit("AJ", 0.55, "x"), ("WS", 0.9), "WS", 0.7, 0.8),  # weak rule loses to a sure model
    (None, ("KJ", 0.7), "KJ", 0.7, 0.7),
    (RuleHit("JJ", 0.75, "x"), None, "JJ", 0.75, 0.75),
    (None, None, None, 0.0, 0.0),
])
def test_decide(rule, predicted, value, low, high):
    got, confidence, reason = decide(rule, predicted)
    assert got == value
    assert low <= confidence <= high
    assert reason


def test_classify_combines_rules_model_and_schedule(model):
    text = "干部履历表\n姓名 张建国 性别 男\n公民身份号码 11010519491231002X\n填表日期：2015年3月2日"
    result = classify(text, extract_fields(text), model=model)
    assert (result.category, result.personnel_class, result.business_step) == ("RS", "1", None)
    assert result.retention == "Y"
    assert result.secrecy == "internal"  # personal data
    assert result.confidence["category"] >= 0.9
    assert "agree" in result.reasons["category"]


def test_classify_sb_step_and_retention(model):
    text = "长白市社会保险事业管理局\n社会保险个人参保登记表\n姓名 许嘉禾 性别 女\n公民身份号码 440524188001010014\n登记日期：2019年6月3日"
    result = classify(text, extract_fields(text), model=model)
    assert (result.category, result.business_step, result.retention) == ("SB", "参保登记", "D100")
    assert result.personnel_class is None


def test_model_decides_when_no_rule_fires(model):
    text = "长白市社会保险事业管理局\n情况登记\n姓名 王芳 性别 女\n退休时间 2019年5月\n基础养老金 1862元\n个人账户养老金 1124元\n月养老金合计 2986元"
    fields = extract_fields(text)
    result = classify(text, fields, model=model)
    assert result.category == "SB"
    assert result.business_step == "养老待遇"
    assert "model" in result.reasons["category"]
