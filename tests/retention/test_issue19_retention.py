"""Issue 19, retention: the schedule's keywords (DOMAIN.md §3, §15), the rule shown on the record
page, and one record's retention changed with a reason (shortening approved like a schedule
change that shortens)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from archive import audit, records
from archive.errors import Conflict, Forbidden, ValidationError
from archive.lifecycle_models import RetentionChange
from archive.models import Record
from archive.retention_rules import active_rules, governing_rule
from ingest.corrections import correct
from retention import holds, schedule
from tests.retention.builders import make_record
from tests.retention.workflow import person

# (category, title, 文种, business step, the period DOMAIN.md prescribes): the cases the issue names.
ISSUE_CASES = [
    ("WS", "关于王某某同志任职的通知", "通知", None, "Y"),
    ("WS", "关于李某某同志免职的通知", "通知", None, "Y"),
    ("WS", "关于聘任张某某为科长的通知", "通知", None, "Y"),
    ("WS", "关于赵某某等同志任免的通知", "通知", None, "Y"),
    ("WS", "2019年第3次局长办公会议纪要", "", None, "Y"),
    ("WS", "中共某某市人力资源和社会保障局党组会议纪要", "", None, "Y"),
    ("KJ", "2016年会计档案销毁清册", "", None, "Y"),
    ("SB", "社会保险业务档案销毁清册", "", None, "Y"),
    ("RS", "人事档案销毁清册", "", None, "Y"),
    ("JJ", "基建档案鉴定报告", "", None, "Y"),
    ("SX", "声像档案销毁清册", "", None, "Y"),
    ("SB", "不予核定养老保险待遇告知书", "", "养老待遇", "D2"),
    ("SB", "不予受理工伤认定申请告知书", "", "工伤待遇", "D2"),
    ("SB", "不予核发失业保险金告知书", "", "失业待遇", "D2"),
    ("SB", "不予支付医疗保险待遇告知书", "", "医疗待遇", "D2"),
    ("SB", "不予更改个人参保信息告知书", "", None, "D2"),
    ("SB", "不予重核生育保险待遇告知书", "", "生育待遇", "D2"),
]


@pytest.mark.parametrize(("category", "title", "doc_type", "step", "expected"), ISSUE_CASES,
                         ids=[c[1] for c in ISSUE_CASES])
def test_the_schedule_gives_what_domain_prescribes(world, category, title, doc_type, step, expected):
    with world["catalog"].session() as s:
        found = governing_rule(active_rules(s), category, title, doc_type or None, step)
        assert found is not None and found.rule.retention == expected, (title, found and found.rule.kind)


def test_a_document_form_rule_outranks_topic_keywords(world):
    """A refusal of a pension is a refusal: the 告知书 rule beats 养老待遇 (D100) and 个人参保 (D100)."""
    with world["catalog"].session() as s:
        rules = active_rules(s)
        refusal = governing_rule(rules, "SB", "不予核定养老保险待遇告知书", None, "养老待遇")
        assert refusal.rule.retention == "D2" and "随申请" in refusal.rule.kind
        assert governing_rule(rules, "SB", "养老保险待遇核定表", None, "养老待遇").rule.retention == "D100"
        # a disability appraisal is not an archival appraisal report
        assert governing_rule(rules, "SB", "劳动能力鉴定报告", None, None).rule.retention != "Y"


def test_the_record_page_shows_the_rule_that_decided(world):
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"], title="关于王某某同志任职的通知", retention="Y").id
    with world["catalog"].session() as s:
        data = records.view(s, person(world, "arch"), rid).to_dict()["record"]
        rule = data["retention_basis"]["rule"]
        assert (rule["kind"], rule["retention"], rule["matched"], rule["agrees"]) == (
            "任免、机构设置与调整", "Y", "任职", True)


def test_shortening_a_record_is_proposed_with_a_reason_and_approved_by_another(world):
    arch = person(world, "arch")
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"], year=2008, retention="Y", title="关于某项工作的通知").id
    with world["catalog"].session() as s, pytest.raises(ValidationError, match="reason"):
        correct(s, arch, rid, {"retention": "D10"})
    with world["catalog"].session() as s:
        correct(s, arch, rid, {"retention": "D10"}, reason="经鉴定无长期保存价值")
        r = s.get(Record, rid)
        assert (r.retention, r.retention_due) == ("Y", None)  # nothing changes before approval
        change = s.execute(select(RetentionChange).where(RetentionChange.record_id == rid)).scalar_one()
        assert (change.kind, change.status, change.reason) == ("shorten", "proposed", "经鉴定无长期保存价值")
        change_id = change.id
        with pytest.raises(Conflict):  # one proposal waits per record
            correct(s, arch, rid, {"retention": "D30"}, reason="r")
        with pytest.raises(Forbidden):  # the archivist proposes, never approves
            schedule.approve_record_change(s, arch, change_id=change_id)
        assert [c.id for c in schedule.pending_record_changes(s, person(world, "boss"))] == [change_id]
    world["clock"].tick(60)
    with world["catalog"].session(person(world, "boss")) as s:
        schedule.approve_record_change(s, person(world, "boss"), change_id=change_id)
        r = s.get(Record, rid)
        assert (r.retention, r.retention_due) == ("D10", dt.date(2019, 1, 1))  # due recomputed
        change = s.get(RetentionChange, change_id)
        assert (change.status, change.approved_by, change.decided_by, change.new_due) == (
            "applied", "boss", "arch", dt.date(2019, 1, 1))
        event = audit.events(s, action="retention.record.approve")[0]
        assert event.actor == "boss" and event.details["proposed_by"] == "arch"
        with pytest.raises(Conflict):
            schedule.approve_record_change(s, person(world, "lead"), change_id=change_id)


def test_nobody_approves_their_own_shortening_and_a_rejection_needs_a_reason(world):
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"], retention="D30").id
        change = RetentionChange(record_id=rid, kind="shorten", status="proposed", old_retention="D30",
                                 new_retention="D10", reason="r", decided_by="boss")
        s.add(change)
        s.flush()
        change_id = change.id
    with world["catalog"].session() as s, pytest.raises(Forbidden, match="cannot act twice"):
        schedule.approve_record_change(s, person(world, "boss"), change_id=change_id)
    with world["catalog"].session() as s:
        with pytest.raises(ValidationError):
            schedule.reject_record_change(s, person(world, "lead"), change_id=change_id, reason=" ")
        schedule.reject_record_change(s, person(world, "lead"), change_id=change_id, reason="依据不足")
        assert s.get(Record, rid).retention == "D30" and s.get(RetentionChange, change_id).status == "rejected"


def test_lengthening_needs_a_reason_only(world):
    arch = person(world, "arch")
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"], year=2008, retention="D10").id
        with pytest.raises(ValidationError, match="reason"):
            correct(s, arch, rid, {"retention": "D30"})
    with world["catalog"].session() as s:
        correct(s, arch, rid, {"retention": "D30"}, reason="有参考价值")
        r = s.get(Record, rid)
        assert (r.retention, r.retention_due) == ("D30", dt.date(2039, 1, 1))
        change = schedule.history(s, rid)[-1]
        assert (change.kind, change.status, change.decided_by) == ("lengthen", "applied", "arch")
        basis = records.view(s, arch, rid).to_dict()["record"]["retention_basis"]
        assert basis["individual"]["reason"] == "有参考价值"


def test_a_held_record_is_not_shortened(world):
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"], retention="D30").id
        change = RetentionChange(record_id=rid, kind="shorten", status="proposed", old_retention="D30",
                                 new_retention="D10", reason="r", decided_by="arch")
        s.add(change)
        s.flush()
        change_id = change.id
        holds.place(s, person(world, "arch"), reason="审计", scope="record", target=str(rid))
    with world["catalog"].session() as s, pytest.raises(Conflict, match="hold"):
        schedule.approve_record_change(s, person(world, "boss"), change_id=change_id)



def test_the_issues_commands(world, run):
    """`archive review N --set retention=D10` on a permanent record, then the approver's command;
    `secrecy-review N --outcome extend --until 2060-01-01` after the term is refused."""
    import json

    world["clock"].to("2021-03-01")
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"], year=2008, retention="Y", title="关于某项工作的通知").id
        sid = make_record(s, world["fonds_id"], year=2009, retention="Y", secrecy="secret", secrecy_term_months=120,
                          secrecy_start=dt.date(2009, 1, 1), declassify_on=dt.date(2019, 1, 1)).id
    code, _, err = run("review", rid, "--set", "retention=D10", as_="arch")
    assert code != 0 and "reason" in err
    code, _, err = run("review", rid, "--set", "retention=D10", "--reason", "无长期保存价值", as_="arch")
    assert code == 0, err
    code, out, err = run("retention", "schedule", "record-changes", "--json", as_="boss")
    assert code == 0, err
    change_id = json.loads(out)[0]["id"]
    code, _, err = run("retention", "schedule", "record-approve", change_id, as_="arch")
    assert code != 0
    code, out, err = run("retention", "schedule", "record-approve", change_id, as_="boss")
    assert code == 0 and "2019-01-01" in out, err
    with world["catalog"].session() as s:
        assert s.get(Record, rid).retention == "D10"
    code, _, err = run("retention", "secrecy-review", sid, "--outcome", "extend", "--until", "2060-01-01", as_="sec")
    assert code != 0 and "before the term ends" in err
    with world["catalog"].session() as s:
        assert s.get(Record, sid).declassify_on == dt.date(2019, 1, 1)


def test_0016_brings_the_new_entries_to_a_catalog_seeded_before(world):
    """A catalog whose rules are still as shipped before issue 19 (and one an administrator
    changed): after 0016 the untouched ones give the new periods, the administrator's stays."""
    import sqlalchemy as sa

    from tests.catalog.test_migrations import _migrate_to

    cat = world["catalog"]
    _migrate_to(cat, "0015", down=True)
    meta = sa.MetaData()
    with cat.engine.begin() as conn:
        meta.reflect(conn, only=["retention_rules"])
        rules = meta.tables["retention_rules"]
        previous = {
            (None, "销毁清册与鉴定报告"): (["销毁清册", "鉴定报告", "档案鉴定", "鉴定情况"], 0),
            ("WS", "任免、机构设置与调整"): (["任免", "任命", "免去", "聘任", "职务", "成立", "撤销", "更名", "机构设置", "编制",
                                       "领导小组", "领导分工"], 0),
            ("AJ", "不予受理告知书"): (["不予受理"], 0),
        }
        for (category, kind), (keywords, priority) in previous.items():
            same = rules.c.category_code.is_(None) if category is None else rules.c.category_code == category
            conn.execute(sa.update(rules).where(same, rules.c.kind == kind, rules.c.active.is_(True))
                         .values(keywords=keywords, excludes=[], priority=priority))
        # the administrator's own version of the WS refusal rule (version 2) is theirs
        conn.execute(sa.update(rules).where(rules.c.category_code == "WS", rules.c.kind == "不予受理告知书")
                     .values(keywords=["不予受理"], priority=0, version=2, retention="D10"))
    with cat.session() as s:
        old = active_rules(s)
        assert governing_rule(old, "WS", "关于王某某同志任职的通知", "通知").rule.retention == "D30"
    _migrate_to(cat, "heads")
    with cat.session() as s:
        new = active_rules(s)
        assert governing_rule(new, "WS", "关于王某某同志任职的通知", "通知").rule.retention == "Y"
        assert governing_rule(new, "WS", "局长办公会议纪要").rule.retention == "Y"
        assert governing_rule(new, "SB", "不予核定养老保险待遇告知书", None, "养老待遇").rule.retention == "D2"
        assert governing_rule(new, "SB", "劳动能力鉴定报告").rule.retention != "Y"
        assert governing_rule(new, "WS", "不予受理告知书").rule.retention == "D10"  # the administrator's
        assert [r.kind for r in new].count("任免、机构设置与调整") == 1
