"""Issue 19 #5: a social-insurance item's insurance type is read from its form and filed; its
业务流水号 is read or given, one transaction is one item; the 核定表 belongs on top."""

from __future__ import annotations

import pytest

from archive.codes import review_reason_label
from archive.models import Record
from ingest import stages
from ingest.extract import extract_fields
from ingest.manifest import read_manifest
from tests.pipeline.conftest import service_factory, small_scan  # noqa: F401  (fixture)


@pytest.fixture
def service(service_factory):  # noqa: F811
    return service_factory()


@pytest.mark.parametrize(("text", "expected"), [
    ("企业职工基本养老保险待遇核定表\n姓名：张三", "养老保险"),
    ("失业保险金申领核定表\n申领人：李四", "失业保险"),
    ("工伤保险待遇核定表", "工伤保险"),
    ("生育津贴核定表\n生育保险", "生育保险"),
    ("城镇职工基本医疗保险参保登记表", "医疗保险"),
    # No type in the heading: the one the text names most.
    ("社会保险待遇核定表\n参保人 王五\n养老金 1200元\n养老保险缴费年限 15年", "养老保险"),
])
def test_the_insurance_type_is_read_from_the_form(text, expected):
    assert extract_fields(text).insurance_type == expected


def test_the_transaction_number_is_read():
    found = extract_fields("养老保险待遇核定表\n业务流水号：T2020000123\n姓名：张三")
    assert found.transaction_no == "T2020000123"
    assert extract_fields("关于做好档案工作的通知\n各县区").transaction_no is None


def test_only_social_insurance_items_carry_an_insurance_type():
    assert stages.insurance_type("SB", "养老保险", "养老待遇") == "养老保险"
    assert stages.insurance_type("SB", None, "工伤待遇") == "工伤保险"
    assert stages.insurance_type("WS", "养老保险", "") == ""


def test_a_manifest_makes_one_item_of_one_transaction(tmp_path):
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(b"x")
    manifest = tmp_path / "batch.csv"
    manifest.write_text("文件,业务流水号,险种,扫描人\na.png,T1,养老保险,甲\nb.png,T1,,\nc.png,T2,,\n", encoding="utf-8")
    groups = read_manifest(manifest)
    assert [[f.name for f in files] for files, _ in groups] == [["a.png", "b.png"], ["c.png"]]
    assert groups[0][1] == {"transaction_no": "T1", "insurance_type": "养老保险", "operator": "甲"}


def test_sb_item_files_type_and_transaction_and_warns_when_the_approval_sheet_is_not_on_top(
        service_factory, catalog_url, tmp_path):  # noqa: F811
    service = service_factory(catalog_url)  # SQLite and PostgreSQL
    application = tmp_path / "p1.png"
    application.write_bytes(small_scan(["养老保险待遇申请表", "业务流水号：T2020000123"]))
    sheet = tmp_path / "p2.png"
    sheet.write_bytes(small_scan(["企业职工基本养老保险待遇核定表", "核定金额 2300元"]))
    result = service.ingest_files([application, sheet], {"category": "SB"})
    assert result["insurance_type"] == "养老保险" and result["transaction_no"] == "T2020000123", result
    assert "approval_sheet_not_first:2" in result["review_reasons"], result["review_reasons"]
    assert "核定表" in review_reason_label("approval_sheet_not_first:2")
    with service.catalog.session() as s:
        record = s.get(Record, result["id"])
        assert record.insurance_type == "养老保险" and record.transaction_no == "T2020000123"
        assert record.extra["transaction"] == "T2020000123"  # what arrangement groups an item's sheets by

    # The same transaction handed in again as a record of its own: one transaction is one item.
    late = tmp_path / "p3.png"
    late.write_bytes(small_scan(["养老保险待遇申请附件", "身份证复印件"]))
    second = service.ingest_files([late], {"category": "SB", "transaction_no": "T2020000123"})
    assert second["transaction_no"] == "T2020000123"
    assert f"transaction_elsewhere:{result['archival_code']}" in second["review_reasons"], second
    assert "业务流水号" in review_reason_label(f"transaction_elsewhere:{result['archival_code']}")


def test_the_approval_sheet_on_top_is_not_warned():
    from ingest.page_checks import approval_sheet_misplaced

    assert approval_sheet_misplaced(["养老保险待遇核定表\n金额", "申请表"]) == []
    assert approval_sheet_misplaced(["申请表", "附件"]) == []
    assert approval_sheet_misplaced(["申请表", "附件", "失业保险金核定表"]) == ["approval_sheet_not_first:3"]
