"""Identity numbers (GB 11643 check character) and person names on forms."""

from __future__ import annotations

import pytest

from ingest.extract import extract_fields, is_valid_id
from ingest.extract.identity import check_char

# The worked examples of GB 11643: both valid.
VALID = "11010519491231002X"
VALID_2 = "440524188001010014"


def test_check_character():
    assert check_char(VALID[:17]) == "X"
    assert check_char(VALID_2[:17]) == "4"
    assert is_valid_id(VALID) and is_valid_id(VALID_2)
    assert is_valid_id(VALID.lower())
    assert not is_valid_id("110105194912310021")  # wrong check character
    assert not is_valid_id("110105194913310028")  # month 13
    assert not is_valid_id("11010519491231002")  # 17 characters


@pytest.mark.parametrize("line", [
    f"公民身份号码 {VALID}",
    f"公民身份号码：{VALID.lower()}",
    f"身份证号码:{VALID}",
    f"社会保障号码 {VALID}",
    f"身份证号 {' '.join(VALID)}",
    f"公民身份号码 {'|'.join(VALID)}",
    f"公民身份号码 {VALID[:17]}×",
    f"公民身份号码 {VALID.translate(str.maketrans('0123456789X', '０１２３４５６７８９Ｘ'))}",
])
def test_labelled_numbers_are_read_and_normalised(line):
    fields = extract_fields(f"社会保险个人参保登记表\n姓名 王芳 性别 女\n{line}\n经办日期：2019年5月6日")
    assert fields.person_id == VALID
    assert fields.person_id_valid is True
    assert "person_id_invalid" not in fields.flags


def test_invalid_number_is_kept_and_flagged():
    bad = VALID[:17] + "5"
    fields = extract_fields(f"干部履历表\n姓名 王芳\n公民身份号码 {bad}")
    assert fields.person_id == bad
    assert fields.person_id_valid is False
    assert "person_id_invalid" in fields.flags
    assert fields.confidence["person_id"] < 0.6


def test_unlabelled_numbers_must_prove_themselves():
    assert extract_fields(f"申请人 王芳 {VALID_2} 申请补缴").person_id == VALID_2
    assert extract_fields("账号 110105194912310021 开户行").person_id is None  # fails the check
    assert extract_fields("银行账号 6222021001112223334 转账").person_id is None  # 19 digits


@pytest.mark.parametrize(("line", "name"), [
    ("姓名 张三 性别 男 出生年月 1975.03", "张三"),
    ("姓 名：李 四    性 别：女", "李四"),
    ("姓名王五性别女民族汉", "王五"),
    ("姓\u3000名 欧阳明辉 性别 男", "欧阳明辉"),
    ("姓名：买买提·艾力 性别 男", "买买提·艾力"),
    ("姓名 张文化 性别 男", "张文化"),
    ("申请人：赵六，男，1980年出生，住长白市。", "赵六"),
    ("參保人姓名 陳建國 性別 男", "陳建國"),
])
def test_person_names(line, name):
    assert extract_fields(f"登记表\n{line}\n").person_name == name


@pytest.mark.parametrize("line", ["本人签名：", "姓名： 性别：", "签字 姓名", "被申请人：长白市恒达建筑工程有限公司"])
def test_no_name_where_there_is_none(line):
    assert extract_fields(f"登记表\n{line}\n").person_name is None


def test_a_labelled_name_beats_an_applicant():
    text = "仲裁申请书\n申请人：赵六，男\n姓名 钱七 性别 女"
    fields = extract_fields(text)
    assert fields.person_name == "钱七"
    assert fields.confidence["person_name"] >= 0.9
