"""Secrecy markings (DOMAIN §4, §10): every OCR spelling of a printed marking is found at its
level, with its term; words like 保守秘密 in the body are not markings."""

from __future__ import annotations

import pytest

from ingest.extract import extract_fields


def page(top: str, body: str = "请认真贯彻执行。") -> str:
    """A GB/T 9704 first page with `top` as its first line(s)."""
    return "\n".join([
        top,
        "长白市人力资源和社会保障局文件",
        "长白人社发〔2019〕7号",
        "关于做好2019年度档案整理工作的通知",
        "各科室、直属各单位：",
        f"    {body}",
        "长白市人力资源和社会保障局",
        "2019年3月8日",
    ])


MARKED = [
    # (first line as OCR read it, level, term months, long-term)
    ("秘密★5年", "secret", 60, False),
    ("秘密*5年", "secret", 60, False),
    ("机密☆", "confidential", 240, False),
    ("绝密★长期", "top_secret", None, True),
    ("秘 密★1年", "secret", 12, False),
    ("机密✩10年", "confidential", 120, False),
    ("秘密\u3000★\u30006个月", "secret", 6, False),
    ("机\u3000密★20年", "confidential", 240, False),
    ("秘密x3年", "secret", 36, False),
    ("机密X", "confidential", 240, False),
    ("秘密大2年", "secret", 24, False),
    ("绝密＊", "top_secret", 360, False),
    ("秘密", "secret", 120, False),
    ("机密5年", "confidential", 60, False),
    ("秘密★五年", "secret", 60, False),
    ("秘密★ 10 年", "secret", 120, False),
    ("機密★10年", "confidential", 120, False),
    ("祕密★", "secret", 120, False),
    ("絕密★長期", "top_secret", None, True),
    ("000123\n秘密★5年", "secret", 60, False),
    ("000123  机密★10年", "confidential", 120, False),
    ("秘密★5年    特急", "secret", 60, False),
    ("０００１２３\n秘密★５年", "secret", 60, False),
    ("密级：机密  保密期限：10年", "confidential", 120, False),
]


@pytest.mark.parametrize(("top", "level", "months", "long_term"), MARKED)
def test_every_spelling_of_a_marking_is_read(top, level, months, long_term):
    fields = extract_fields(page(top))
    assert fields.secrecy == level
    assert fields.secrecy_term_months == months
    assert fields.secrecy_long_term is long_term
    assert "secrecy_marking_found" in fields.flags
    assert fields.confidence["secrecy"] >= 0.9


def test_a_missing_term_means_the_level_maximum_and_is_noted():
    fields = extract_fields(page("机密★"))
    assert fields.secrecy_term_months == 240
    assert "secrecy_term_defaulted" in fields.flags


def test_the_term_starts_on_the_document_date():
    assert extract_fields(page("秘密★5年")).secrecy_start == "2019-03-08"


@pytest.mark.parametrize("body", [
    "要严格保守国家秘密和工作秘密，不得泄露服务对象个人信息。",
    "秘密文件、资料要入柜管理，文件柜和抽屉要随时上锁。",
    "拟写机密文件的纸面草稿，必须及时销毁。",
    "属于国家秘密的文件，应当按照规定标注“秘密★”等密级标志。",
    "涉及绝密事项的会议不得使用无线话筒。",
    "不得泄露商业秘密和个人隐私。",
])
def test_words_in_the_body_are_not_markings(body):
    fields = extract_fields(page("000231", body=body))
    assert fields.secrecy == "public"
    assert "secrecy_marking_found" not in fields.flags


def test_a_title_about_secret_documents_is_not_a_marking():
    fields = extract_fields("长白市人力资源和社会保障局文件\n长白人社发〔2019〕8号\n关于加强机密文件管理的通知\n各科室：\n")
    assert fields.secrecy == "public"


def test_the_highest_marking_on_the_record_wins():
    # A secret cover letter whose attachment is marked confidential: filed at least confidential.
    text = page("秘密★5年", body="附件：机密★10年 关于某项工作的情况报告")
    fields = extract_fields(text)
    assert fields.secrecy == "confidential"
    assert fields.secrecy_term_months == 120


def test_a_star_marking_further_down_still_counts():
    text = "长白市人力资源和社会保障局\n关于某事项的报告\n各科室：\n正文第一段。\n第二页\n绝密★长期\n正文。"
    assert extract_fields(text).secrecy == "top_secret"


@pytest.mark.parametrize("top", ["内部", "内部资料 注意保存", "工作秘密", "内部★", "000321\n内部文件"])
def test_internal_markings(top):
    fields = extract_fields(page(top))
    assert fields.secrecy == "internal"
    assert fields.secrecy_term_months is None
    assert "secrecy_marking_found" not in fields.flags
    assert "internal_marking_found" in fields.flags


def test_no_marking_is_public():
    fields = extract_fields(page("000231"))
    assert fields.secrecy == "public"
    assert "secrecy" not in fields.confidence


def test_marking_evidence_is_the_matched_text():
    fields = extract_fields(page("秘 密★1年"))
    assert fields.evidence["secrecy"] == "秘 密★1年"
