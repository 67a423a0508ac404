"""Retention schedule, extensions and the daily sweep, with the clock moved over 30 years."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from archive import audit, unit_of_work
from archive.config import load_settings
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lifecycle_models import RetentionChange
from archive.models import Record, RetentionRule
from retention import appraisal, destruction, rules, schedule, secrecy, sweep
from tests.retention.builders import make_record
from tests.retention.workflow import concluded_batch, execute, person


def test_dates_count_from_first_january_after_formation(world):
    """The unit of work derives the dates from year and retention, on insert and on every change."""
    with world["catalog"].session() as s:
        r = make_record(s, world["fonds_id"], year=2018, retention="D10")
        assert (r.retention_start, r.retention_due, r.transfer_due) == (
            dt.date(2019, 1, 1), dt.date(2029, 1, 1), dt.date(2039, 1, 1))
        s.info[unit_of_work.BUREAU_LEVEL] = "county"  # a county-level bureau transfers after 10 years
        r.retention = "D30"
        s.flush()
        assert (r.retention_due, r.transfer_due) == (dt.date(2049, 1, 1), dt.date(2029, 1, 1))


def test_new_records_take_retention_from_the_schedule(world):
    with world["catalog"].session() as s:
        r = Record(fonds_id=world["fonds_id"], category_code="WS", year=2018, retention="", title="关于局务会议的纪要",
                   doc_type="纪要")
        rule = schedule.apply_schedule(s, r)
        s.add(r)
        s.flush()
        assert (rule.kind, r.retention, r.retention_due) == ("重要会议纪要", "Y", None)
        r2 = Record(fonds_id=world["fonds_id"], category_code="SB", year=2018, retention="", title="社会保障卡申领")
        schedule.apply_schedule(s, r2)
        s.add(r2)
        s.flush()
        assert r2.retention == "D50" and r2.retention_due == dt.date(2069, 1, 1)


def test_schedule_change_recomputes_pending_records_with_reason_and_approver(world):
    cat = world["catalog"]
    admin, boss, lead = person(world, "admin"), person(world, "boss"), person(world, "lead")
    with cat.session() as s:
        rule = s.execute(select(RetentionRule).where(RetentionRule.kind == "一般人事事项")).scalar_one()
        governed = make_record(s, world["fonds_id"], title="关于考勤的通知", retention="D10").id
        other = make_record(s, world["fonds_id"], title="关于某会议的通知", retention="D30").id
        extended = make_record(s, world["fonds_id"], title="关于年休的通知", retention="D10")
        schedule.extend(s, person(world, "ap1"), record_id=extended.id, years=3, reason="仍需参考")
        extended_id, rule_id = extended.id, rule.id
        with pytest.raises(Forbidden):  # the archivist does not keep the schedule
            schedule.propose_change(s, person(world, "arch"), rule_id=rule_id, retention="D30", reason="r")
        with pytest.raises(ValidationError):
            schedule.propose_change(s, admin, rule_id=rule_id, retention="D30", reason=" ")
        with pytest.raises(ValidationError):
            schedule.propose_change(s, admin, rule_id=rule_id, retention="D7", reason="r")
        change_id = schedule.propose_change(s, admin, rule_id=rule_id, retention="D30", reason="上级新规定").id
        # a proposal changes nothing yet
        assert s.get(RetentionRule, rule_id).active and s.get(Record, governed).retention_due == dt.date(2019, 1, 1)
        with pytest.raises(Conflict):  # one waiting proposal per rule
            schedule.propose_change(s, boss, rule_id=rule_id, retention="D2", reason="r")
        with pytest.raises(Forbidden):  # the administrator proposes, never approves
            schedule.approve(s, admin, change_id=change_id)
        with pytest.raises(Forbidden):
            schedule.approve(s, person(world, "staff1"), change_id=change_id)
    world["clock"].tick(3600)
    with cat.session(boss) as s:
        change = schedule.approve(s, boss, change_id=change_id)
        assert change.version == 2 and change.recomputed == 1 and change.status == "approved"
        assert s.get(Record, governed).retention_due == dt.date(2039, 1, 1)
        assert s.get(Record, other).retention_due == dt.date(2039, 1, 1)  # D30 from the start
        assert s.get(Record, extended_id).retention_due == dt.date(2022, 1, 1)  # individual decision kept
        new_rule = s.get(RetentionRule, change.new_rule_id)
        assert new_rule.version == 2 and not s.get(RetentionRule, rule_id).active
        # the new version keeps its place: 考勤 still classifies under it, not the catch-all
        assert schedule.classify(schedule.active_rules(s), "WS", "关于考勤的通知").id == new_rule.id
        event = audit.events(s, action="retention.schedule.change")[0]
        assert event.actor == "boss" and event.details["reason"] == "上级新规定"
        assert event.details["proposed_by"] == "admin" and event.details["approved_by"] == "boss"
        history = schedule.history(s, governed)
        assert [h.kind for h in history] == ["schedule"]
        before = history[0].changed_at - dt.timedelta(seconds=1)
        assert schedule.due_as_of(s.get(Record, governed), history, before) == dt.date(2019, 1, 1)
        with pytest.raises(Conflict):  # decided once
            schedule.approve(s, lead, change_id=change_id)


def test_nobody_approves_their_own_schedule_change(world):
    cat = world["catalog"]
    boss, lead = person(world, "boss"), person(world, "lead")
    with cat.session(boss) as s:
        rule_id = s.execute(select(RetentionRule.id).where(RetentionRule.kind == "一般人事事项")).scalar_one()
        change_id = schedule.propose_change(s, boss, rule_id=rule_id, retention="D30", reason="调整").id
    with cat.session(boss) as s, pytest.raises(Forbidden, match="cannot act twice"):
        schedule.approve(s, boss, change_id=change_id)
    with cat.session(boss) as s, pytest.raises(Forbidden, match="cannot act twice"):
        schedule.reject(s, boss, change_id=change_id, reason="算了")
    with cat.session(lead) as s:
        with pytest.raises(ValidationError):
            schedule.reject(s, lead, change_id=change_id, reason=" ")
        rejected = schedule.reject(s, lead, change_id=change_id, reason="依据不足")
        assert (rejected.status, rejected.approved_by, rejected.decision_note) == ("rejected", "lead", "依据不足")
        assert s.get(RetentionRule, rule_id).active and schedule.version(s) == 1
        assert audit.events(s, action="retention.schedule.reject")[0].actor == "lead"


def test_a_new_entry_is_versioned_and_wins_over_the_catch_all(world):
    with world["catalog"].session() as s:
        proposed = schedule.propose_rule(s, person(world, "admin"), category="WS", kind="信访材料", keywords=["信访"],
                                         retention="D10", reason="新增")
        assert proposed.status == "proposed" and schedule.version(s) == 1
        assert schedule.classify(schedule.active_rules(s), "WS", "关于信访事项的函").kind != "信访材料"
        change = schedule.approve(s, person(world, "lead"), change_id=proposed.id)
        assert change.version == 2 and schedule.version(s) == 2
        assert schedule.classify(schedule.active_rules(s), "WS", "关于信访事项的函").kind == "信访材料"
        assert schedule.classify(schedule.active_rules(s), "WS", "关于其他事项的函").kind == "一般会议与一般业务文件"
        with pytest.raises(NotFound):
            schedule.propose_rule(s, person(world, "admin"), category="ZZ", kind="x", keywords=[], retention="D10",
                                  reason="r")


def test_a_changed_rule_keeps_its_conditions_and_recomputes_what_it_governs(world):
    """A doc-type rule (意见, 决定 → permanent) changed by an administrator and approved by a
    director: the new version keeps its 文种, excluded words, business steps, priority and
    confidence; the pending records it governed (by 文种, not by title words) take the new period,
    a 通知 of the same year and period does not."""
    cat = world["catalog"]
    admin, boss = person(world, "admin"), person(world, "boss")
    with cat.session() as s:
        rule = s.execute(select(RetentionRule).where(RetentionRule.kind == "本机关政策性意见与决定")).scalar_one()
        assert (rule.doc_types, rule.retention, rule.confidence) == (["意见", "决定"], "Y", 0.75)
        opinion = make_record(s, world["fonds_id"], title="关于加强档案工作的意见", doc_type="意见", retention="Y").id
        notice = make_record(s, world["fonds_id"], title="关于加强档案工作的通知", doc_type="通知", retention="Y").id
        assert schedule.governs(schedule.active_rules(s), s.get(Record, opinion)).id == rule.id
        rule_id = rule.id
        change_id = schedule.propose_change(s, admin, rule_id=rule_id, retention="D30", reason="依新规调整").id
    with cat.session(boss) as s:
        change = schedule.approve(s, boss, change_id=change_id)
        new = s.get(RetentionRule, change.new_rule_id)
        assert (new.doc_types, new.excludes, new.business_steps, new.priority, new.confidence, new.kind) == (
            ["意见", "决定"], [], [], 0, 0.75, "本机关政策性意见与决定")
        assert change.recomputed == 1
        assert s.get(Record, opinion).retention == "D30" and s.get(Record, notice).retention == "Y"
        assert schedule.governs(schedule.active_rules(s), s.get(Record, opinion)) is new


def test_a_rule_for_every_category(world):
    """The archive's own registers (销毁清册, 鉴定报告) are permanent in every category: one rule,
    stored without a category, shown as `*`; an administrator may propose another such rule."""
    with world["catalog"].session() as s:
        rules_now = schedule.active_rules(s)
        every = [r for r in rules_now if r.category_code is None]
        assert [r.kind for r in every] == ["销毁清册与鉴定报告"]
        for category in ("WS", "SB", "KJ", "SX"):
            assert schedule.classify(rules_now, category, "2019年度档案销毁清册") is every[0]
        assert schedule.rule_json(every[0])["category"] == "*"
        proposed = schedule.propose_rule(s, person(world, "admin"), category="*", kind="档案移交清册", keywords=["移交清册"],
                                         retention="Y", reason="各门类通用")
        change = schedule.approve(s, person(world, "lead"), change_id=proposed.id)
        added = s.get(RetentionRule, change.new_rule_id)
        assert added.category_code is None
        assert schedule.classify(schedule.active_rules(s), "AJ", "2020年档案移交清册") is added


def test_extensions_keep_their_history(world):
    with world["catalog"].session() as s:
        r = make_record(s, world["fonds_id"])
        schedule.extend(s, person(world, "ap1"), record_id=r.id, years=5, reason="诉讼参考")
        schedule.extend(s, person(world, "ap2"), record_id=r.id, years=2, reason="仍在使用")
        with pytest.raises(Forbidden):  # extending a term is the appraisers' decision
            schedule.extend(s, person(world, "arch"), record_id=r.id, years=1, reason="r")
        rows = s.execute(select(RetentionChange).where(RetentionChange.record_id == r.id)
                         .order_by(RetentionChange.id)).scalars().all()
        assert [(c.old_due, c.new_due, c.reason) for c in rows] == [
            (dt.date(2019, 1, 1), dt.date(2024, 1, 1), "诉讼参考"), (dt.date(2024, 1, 1), dt.date(2026, 1, 1), "仍在使用")]


def test_settings_can_only_be_made_stricter(world):
    with world["catalog"].session() as s:
        admin = person(world, "admin")
        with pytest.raises(Forbidden):
            rules.put(s, person(world, "arch"), "witness_min", 3)
        with pytest.raises(ValidationError):
            rules.put(s, admin, "appraisal_min_members", 2)
        with pytest.raises(ValidationError):
            rules.put(s, admin, "witness_min", 1)
        with pytest.raises(ValidationError):
            rules.put(s, admin, "witness_roles", ["nobody"])
        rules.put(s, admin, "witness_min", 3)
        assert rules.get(s, "witness_min") == 3


def test_thirty_years_of_sweeps(world, store):
    """Synthetic holdings 1990-2019; the clock walks 2000..2030 and every sweep agrees with the rules."""
    cat, clock = world["catalog"], world["clock"]
    periods = ["D2", "D10", "D30", "Y", "D10", "Y"]
    with cat.session() as s:
        for year in range(1990, 2020):
            for i, retention in enumerate(periods):
                make_record(s, world["fonds_id"], year=year, retention=retention, title=f"{year}年第{i}件")
    settings = load_settings({"ARCHIVE_HOME": "/tmp/x"})
    destroyed_by_then: set[int] = set()
    for now in range(2000, 2031):
        clock.to(f"{now}-01-02")
        with cat.session() as s:
            result = sweep.run(s, settings, limit=10_000)
            expected_due = {r.id for r in s.execute(select(Record).where(Record.retention != "Y")).scalars()
                            if r.year + 1 + int(r.retention[1:]) <= now and r.id not in destroyed_by_then}
            assert {i["id"] for i in result["due_for_appraisal"]["items"]} == expected_due
            expected_transfer = {r.id for r in s.execute(select(Record).where(Record.retention == "Y")).scalars()
                                 if r.year + 1 + 20 <= now}
            assert {i["id"] for i in result["due_for_transfer"]["items"]} == expected_transfer
            assert len([i for i in expected_transfer if i <= 180]) == 2 * max(0, min(now - 21, 2019) - 1990 + 1)
        if now % 10 == 0 and expected_due:  # every ten years the bureau appraises and destroys a slice
            ids = sorted(expected_due)[:3]
            batch_id = concluded_batch(world, store, ids)
            with cat.session() as s:
                reg = destruction.create_register(s, person(world, "arch"), batch_id=batch_id)
                destruction.approve(s, person(world, "boss"), register_id=reg.id)
                destruction.sign_witness(s, person(world, "w1"), register_id=reg.id)
                destruction.sign_witness(s, person(world, "w2"), register_id=reg.id)
            execute(world, store, reg.id, place="档案室")
            destroyed_by_then |= set(ids)
    with cat.session() as s:
        assert audit.verify(s).ok


def test_appraised_records_leave_the_due_list_until_their_new_due_date(world, store):
    with world["catalog"].session() as s:
        ids = [make_record(s, world["fonds_id"]).id for _ in range(2)]
    concluded_batch(world, store, ids, decision="extend")  # + 5 years: due 2024-01-01
    with world["catalog"].session() as s:
        assert sweep.run(s, day=dt.date(2023, 12, 31))["due_for_appraisal"]["count"] == 0
        assert sweep.run(s, day=dt.date(2024, 1, 1))["due_for_appraisal"]["count"] == 2


def test_filing_deadline(world):
    with world["catalog"].session() as s:
        make_record(s, world["fonds_id"], year=2019, status="received")
        make_record(s, world["fonds_id"], year=2019, status="filed")
        assert sweep.run(s, day=dt.date(2020, 6, 30))["filing_overdue"]["count"] == 0
        assert sweep.run(s, day=dt.date(2020, 7, 1))["filing_overdue"]["count"] == 1


def test_secrecy_terms_and_yearly_review(world):
    clock = world["clock"]
    clock.to("2021-03-01")
    with world["catalog"].session() as s:
        r = make_record(s, world["fonds_id"], secrecy="secret", secrecy_term_months=60, secrecy_start=dt.date(2016, 5, 1),
                        declassify_on=dt.date(2021, 5, 1), retention="Y")
        rid = r.id
        make_record(s, world["fonds_id"], secrecy="confidential", declassify_on=dt.date(2030, 1, 1), retention="Y")
        result = sweep.run(s)
        assert [i["id"] for i in result["declassification_review"]["items"]] == [rid]
        assert result["yearly_secrecy_review"]["count"] == 2
        with pytest.raises(Forbidden):
            secrecy.review(s, person(world, "arch"), record_id=rid, outcome="declassify")
        secrecy.review(s, person(world, "sec"), record_id=rid, outcome="extend", new_declassify_on=dt.date(2026, 5, 1),
                       note="仍需保密")
        result = sweep.run(s)
        assert result["declassification_review"]["count"] == 0 and result["yearly_secrecy_review"]["count"] == 1
    clock.to("2026-04-01")
    with world["catalog"].session() as s:
        assert sweep.run(s)["declassification_review"]["count"] == 1
        secrecy.review(s, person(world, "sec"), record_id=rid, outcome="declassify")
        assert s.get(Record, rid).secrecy == "internal" and s.get(Record, rid).declassify_on is None
        assert audit.events(s, action="secrecy.review")[0].details["old"] == "secret"


def test_appraisal_needs_three_members_and_reasons(world, store):
    arch = person(world, "arch")
    with world["catalog"].session() as s:
        rid = make_record(s, world["fonds_id"]).id
        not_due = make_record(s, world["fonds_id"], year=2015).id
        with pytest.raises(ValidationError, match="at least 3"):
            appraisal.create_batch(s, arch, title="t", members=["ap1", "ap2"], record_ids=[rid])
        with pytest.raises(Forbidden):
            appraisal.create_batch(s, arch, title="t", members=["ap1", "ap2", "staff1"], record_ids=[rid])
        with pytest.raises(Forbidden):  # only the archivist opens an appraisal
            appraisal.create_batch(s, person(world, "ap1"), title="t", members=["ap1", "ap2", "ap3"], record_ids=[rid])
        with pytest.raises(Exception, match="not due"):
            appraisal.create_batch(s, arch, title="t", members=["ap1", "ap2", "ap3"], record_ids=[not_due])
    with world["catalog"].session() as s:
        batch = appraisal.create_batch(s, arch, title="t", members=["ap1", "ap2", "ap3"], record_ids=[rid])
        with pytest.raises(ValidationError):
            appraisal.decide(s, person(world, "ap1"), batch_id=batch.id, record_id=rid, decision="destroy", reason="")
        with pytest.raises(Forbidden):
            appraisal.decide(s, person(world, "w1"), batch_id=batch.id, record_id=rid, decision="destroy", reason="r")
        appraisal.decide(s, person(world, "ap2"), batch_id=batch.id, record_id=rid, decision="keep_permanent",
                         reason="有史料价值")
        with pytest.raises(Exception, match="not signed"):
            appraisal.conclude(s, arch, store, batch_id=batch.id, opinion="o")
        for m in ("ap1", "ap2", "ap3"):
            appraisal.sign(s, person(world, m), batch_id=batch.id)
        with pytest.raises(Forbidden):  # the archivist concludes, not a member
            appraisal.conclude(s, person(world, "ap1"), store, batch_id=batch.id, opinion="o")
        appraisal.conclude(s, arch, store, batch_id=batch.id, opinion="保存从宽")
        r = s.get(Record, rid)
        assert (r.retention, r.retention_due) == ("Y", None)


def test_the_celery_task_runs_the_sweep_and_audits_it(world, archive_env):
    from retention.tasks import daily_sweep

    with world["catalog"].session() as s:
        make_record(s, world["fonds_id"])
    result = daily_sweep.run(limit=10)
    assert result["due_for_appraisal"]["count"] == 1 and result["date"] == "2020-03-01"
    with world["catalog"].session() as s:
        assert audit.events(s, action="retention.sweep")[0].details["due_for_appraisal"] == 1
