"""Retention proposals from the schedule (DOMAIN §3): the catalog's retention_rules table as
`archive init` seeds it (what the ingest pipeline reads), the shipped entries it is seeded from
(analysis without a catalog), and a schedule given as table rows. One matching rule for all of
them: archive.retention_rules.governing_rule."""

from __future__ import annotations

import re

import pytest

from archive import seed
from archive.codes import Retention
from archive.db import Catalog
from archive.models import RetentionRule
from archive.retention_rules import active_rules
from ingest.classify import DEFAULT_SCHEDULE, CatalogSchedule, ScheduleEntry, propose_retention


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """A catalog as `archive init` leaves it: migrated, the default schedule seeded."""
    cat = Catalog(f"sqlite:///{tmp_path_factory.mktemp('schedule') / 'catalog.db'}")
    cat.migrate()
    with cat.session() as s:
        seed.seed_defaults(s, "test")
    yield cat
    cat.dispose()


@pytest.fixture(scope="module")
def catalog_schedule(catalog) -> CatalogSchedule:
    with catalog.session() as s:
        return CatalogSchedule.of(active_rules(s))


@pytest.fixture(params=["catalog", "shipped"])
def schedule(request):
    """The catalog's schedule (what ingest proposes from) and the shipped entries (no catalog)."""
    return request.getfixturevalue("catalog_schedule") if request.param == "catalog" else None


@pytest.mark.parametrize(("category", "doc_type", "title", "step", "expected"), [
    # 文书
    ("WS", "通知", "关于印发《长白市人力资源和社会保障局工作规则》的通知", None, "Y"),  # bureau rules
    ("WS", "纪要", "2019年第3次局长办公会议纪要", None, "Y"),  # important meeting
    ("WS", "决定", "关于成立档案数字化建设领导小组的决定", None, "Y"),  # reorganisation
    ("WS", "通知", "关于王明等同志职务任免的通知", None, "Y"),  # appointments
    ("WS", "请示", "关于申请档案库房改造经费的请示", None, "Y"),  # request to a superior
    ("WS", "批复", "关于同意设立劳动保障监察大队的批复", None, "Y"),  # reply
    ("WS", None, "长白市人力资源和社会保障局办公楼物业服务合同", None, "Y"),  # contract
    ("WS", "通知", "关于做好2019年度就业创业工作的通知", None, "D30"),  # general business
    ("WS", "通报", "关于2019年度信访工作情况的通报", None, "D30"),
    ("WS", "通知", "关于转发《省人力资源和社会保障厅关于就业工作有关问题的通知》的通知", None, "D10"),
    ("WS", "函", "关于征求《长白市档案管理办法（征求意见稿）》意见的函", None, "D30"),  # a draft is not the rule
    ("WS", None, "长白市人力资源和社会保障局档案销毁清册", None, "Y"),  # always permanent
    ("WS", "报告", "关于2019年度到期档案鉴定情况的报告", None, "Y"),
    # 社会保险
    ("SB", None, "社会保险参保单位登记表", "参保登记", "Y"),  # employer registration
    ("SB", None, "城镇职工基本养老保险个人参保登记表", "参保登记", "D100"),  # personal enrolment
    ("SB", None, "基本养老保险个人账户明细表", "申报征缴", "D100"),  # individual account
    ("SB", None, "社会保障卡申领登记表", "参保登记", "D50"),  # insurance card
    ("SB", None, "社会保险登记证", "参保登记", "D10"),  # registration certificate
    ("SB", None, "社会保险统计年报", "统计", "Y"),  # annual statistics
    ("SB", "报告", "社会保险数据分析报告", "统计", "D30"),  # analysis report
    ("SB", None, "参保情况统计月报", "统计", "D10"),  # monthly report
    ("SB", None, "社会保险待遇发放统计季报", "统计", "D10"),  # quarterly report
    ("SB", None, "社会保险稽核通知书", "稽核监督", "D30"),  # inspection
    ("SB", None, "社会保险经办内部控制检查记录", "复查内审", "D30"),  # internal control
    # 案件, 人事, 会计
    ("AJ", None, "案件合议记录", None, "Y"),  # deliberation minutes
    ("AJ", None, "不予受理通知书", None, "D2"),  # refusal notice
    ("AJ", None, "仲裁不予受理告知书", None, "D2"),
    ("RS", None, "干部履历表", None, "Y"),  # personnel files
    ("RS", "决定", "关于给予张三同志警告处分的决定", None, "Y"),
    ("KJ", None, "记账凭证", None, "D30"),
    ("KJ", "报告", "2019年度财务决算报告", None, "Y"),
    ("KJ", None, "2019年5月会计报表", None, "D10"),
    ("KJ", None, "银行对账单", None, "D10"),
])
def test_default_schedule(category, doc_type, title, step, expected, schedule):
    retention, confidence, reason = propose_retention(category, doc_type, title, step, schedule)
    assert retention is Retention(expected), reason
    assert 0 < confidence <= 1
    assert reason.startswith("schedule:")


def test_domain_backed_entries_are_sure_and_guesses_are_not(schedule):
    assert propose_retention("SB", None, "社会保险参保单位登记表", "参保登记", schedule)[1] >= 0.8
    assert propose_retention("AJ", None, "仲裁裁决书", None, schedule)[1] < 0.6  # DOMAIN names no period: review
    assert propose_retention(None, None, "某材料", None, schedule) == (
        Retention.D30, 0.3, propose_retention(None, None, "", None, schedule)[2])


def test_traditional_titles_match_simplified_keywords(schedule):
    assert propose_retention("WS", "公报", "2013年度長白市人力資源和社會保障事業發展統計公報", None,
                             schedule)[0] is Retention.PERMANENT


# Records the catalog's old, coarse rules sent to the catch-all (30 years) for one week, with
# the periods the classifier proposed before that week and proposes again from the catalog.
THIS_WEEKS_REGRESSION = [
    ("WS", "意见", "关于进一步加强全市档案工作的意见", None, "Y"),
    ("WS", "决定", "关于表彰2019年度人力资源和社会保障工作先进集体的决定", None, "Y"),
    ("WS", "纪要", "2019年第5次专题会议纪要", None, "Y"),
    ("WS", "通知", "关于转发《省人力资源和社会保障厅关于做好就业工作的通知》的通知", None, "D10"),
    ("WS", "公报", "2019年长白市人力资源和社会保障事业发展统计公报", None, "Y"),
    ("SB", None, "基本养老金待遇核定表", "养老待遇", "D100"),
]


@pytest.mark.parametrize(("category", "doc_type", "title", "step", "expected"), THIS_WEEKS_REGRESSION)
def test_the_catalogs_schedule_gives_the_periods_of_the_rich_schedule(catalog, catalog_schedule, category, doc_type,
                                                                        title, step, expected):
    """The period comes from a row of the catalog's retention_rules table, the very row (and
    period) the reason names; the shipped entries agree."""
    retention, confidence, reason = propose_retention(category, doc_type, title, step, catalog_schedule)
    assert retention is Retention(expected), reason
    rule_id = int(re.search(r"\[rule (\d+)\]", reason).group(1))
    with catalog.session() as s:
        row = s.get(RetentionRule, rule_id)
        assert row.active and row.retention == expected and row.kind in reason
    assert propose_retention(category, doc_type, title, step)[0] is retention


def test_equally_specific_entries_keep_the_longer_period():
    entries = [{"category": "WS", "kind": "a", "retention": "D10", "keywords": "总结"},
               {"category": "WS", "kind": "b", "retention": "D30", "keywords": ["年度"]}]
    assert propose_retention("WS", None, "年度总结", None, entries)[0] is Retention.D30


def test_schedule_rows_from_the_catalog():
    rows = [entry.to_row() for entry in DEFAULT_SCHEDULE]
    assert all({"category", "kind", "retention", "keywords", "excludes", "doc_types", "business_steps"} <= r.keys()
               for r in rows)
    assert [ScheduleEntry.from_row(r) for r in rows] == list(DEFAULT_SCHEDULE)
    custom = [{"category": "ws", "kind": "本局通知", "retention": "永久", "doc_types": "通知、通报"}]
    retention, confidence, reason = propose_retention("WS", "通知", "关于某事的通知", None, custom)
    assert retention is Retention.PERMANENT and "本局通知" in reason


def test_every_default_entry_has_a_valid_period():
    for entry in DEFAULT_SCHEDULE:
        Retention.parse(entry.retention)
        assert entry.category in {"*", "WS", "SB", "RS", "AJ", "KJ", "JJ", "SX"}
