"""Review reasons, the proposed secrecy level and the combined result of `analyse`."""

from __future__ import annotations

import pytest

from ingest.classify import Classification, analyse, default_model, review_reasons
from ingest.extract import extract_fields


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return default_model(tmp_path_factory.getbasetemp() / "classifier-models")


MARKED = "\n".join(["000127", "秘密★5年", "长白市人力资源和社会保障局文件", "长白人社字〔2009〕12号", "关于加强人事档案保密管理的意见",
                    "局机关各科室，局属各单位：", "    为切实做好人事档案保密工作，提出如下意见。", "长白市人力资源和社会保障局",
                    "二〇〇九年七月二十三日"])
OPEN = "\n".join(["长白市人力资源和社会保障局文件", "长白人社发〔2018〕56号", "关于进一步规范基层服务平台档案管理工作的通知",
                  "各县（市、区）人力资源和社会保障局，局属各单位：", "    现就有关事项通知如下。", "长白市人力资源和社会保障局",
                  "2018年8月15日", "（此件主动公开）"])
CONTRACT_FIELDS = ("category", "secrecy", "secrecy_term_months", "retention", "title", "doc_no", "issuer", "date",
                   "doc_type", "person_name", "person_id", "personnel_class", "business_step", "addressees",
                   "disclosure", "confidence", "review_reasons")


def test_a_state_secret_marking_always_goes_to_review(model):
    result = analyse(MARKED, model=model)
    assert result.classification.secrecy == "secret"
    assert "secrecy_marking_found" in result.review_reasons
    assert result.needs_review
    out = result.to_dict()
    assert (out["secrecy"], out["secrecy_term_months"], out["secrecy_start"]) == ("secret", 60, "2009-07-23")


def test_a_clean_open_document_files_without_review(model):
    result = analyse(OPEN, model=model)
    out = result.to_dict()
    assert out["review_reasons"] == []
    assert (out["category"], out["doc_type"], out["secrecy"], out["retention"]) == ("WS", "通知", "public", "D30")
    for name in CONTRACT_FIELDS:
        assert name in out
    assert out["date"] == "2018-08-15"


def test_an_unmarked_document_not_proactively_disclosed_is_internal(model):
    text = OPEN.replace("（此件主动公开）", "（此件依申请公开）")
    result = analyse(text, model=model)
    assert result.extraction.secrecy == "public"  # nothing printed
    assert result.classification.secrecy == "internal"  # staff only until disclosed


def test_proposed_secrecy_is_never_below_the_marking(model):
    for top in ("秘密★5年", "机密", "绝密★长期", "内部"):
        result = analyse(OPEN.replace("长白市人力资源和社会保障局文件", f"{top}\n长白市人力资源和社会保障局文件", 1), model=model)
        assert result.classification.secrecy == result.extraction.secrecy


def test_invalid_identity_number_goes_to_review(model):
    text = "干部履历表\n姓名 张建国 性别 男\n公民身份号码 110105194912310021\n填表日期：2015年3月2日"
    reasons = analyse(text, model=model).review_reasons
    assert "person_id_invalid" in reasons
    assert "low_confidence:person_id" not in reasons  # said once


def test_threshold_is_configurable(model):
    text = "会议记录\n会议于2019年4月2日在三楼会议室召开，研究了有关工作。"
    fields = extract_fields(text)
    assert fields.confidence["date"] < 0.6
    assert "low_confidence:date" in analyse(text, model=model, threshold=0.6).review_reasons
    assert "low_confidence:date" not in analyse(text, model=model, threshold=0.2).review_reasons


def test_missing_fields_by_category():
    fields = extract_fields("干部履历表\n填表日期：2015年3月2日")
    classification = Classification(category="RS", personnel_class="1", confidence={"category": 0.95})
    reasons = review_reasons(fields, classification)
    assert "missing:person_name" in reasons
    assert "missing:title" not in reasons
    ws = Classification(category="WS", confidence={"category": 0.9})
    assert {"missing:title", "missing:date", "missing:issuer", "missing:doc_type"} <= set(
        review_reasons(extract_fields("这是正文的第一段，没有标题。"), ws))


def test_low_confidence_reasons_name_the_field():
    fields = extract_fields(OPEN)
    classification = Classification(category="WS", doc_type="通知", retention="D30",
                                    confidence={"category": 0.4, "retention": 0.3, "doc_type": 0.9})
    reasons = review_reasons(fields, classification)
    assert "low_confidence:category" in reasons and "low_confidence:retention" in reasons
    assert "low_confidence:doc_type" not in reasons


def test_a_secret_page_marked_for_proactive_disclosure_is_a_conflict(model):
    text = MARKED + "\n（此件主动公开）"
    assert "disclosure_conflicts_secrecy" in analyse(text, model=model).review_reasons


def test_flags_from_preprocessing_reach_the_rules(model):
    text = "长白人社发〔2019〕3号\n关于做好春季招聘工作的通知\n各科室：\n正文。\n长白市人力资源和社会保障局\n2019年3月8日"
    result = analyse(text, flags=["red_masthead", "red_seal"], model=model)
    assert result.classification.category == "WS"
    assert "masthead" in result.classification.reasons["category"]


def test_ocr_lines_are_used(model):
    lines = [{"text": t, "confidence": 0.95} for t in OPEN.splitlines()]
    assert analyse("", lines=lines, model=model).to_dict()["doc_no"] == "长白人社发〔2018〕56号"
