"""Compliance reports reproduce as of a date, in every format, and show each destruction's chain."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from archive.models import Record
from retention import destruction, holds, reports, schedule, secrecy
from tests.retention.builders import make_record
from tests.retention.workflow import concluded_batch, execute, person


def test_report_reproduces_as_of_a_date_and_shows_complete_chains(world, store):
    cat, clock = world["catalog"], world["clock"]
    clock.to("2020-03-01")
    with cat.session() as s:
        a, b, c, d = (make_record(s, world["fonds_id"], store, n_objects=1).id for _ in range(4))
        sec = make_record(s, world["fonds_id"], secrecy="secret", declassify_on=dt.date(2020, 1, 1), retention="Y").id
        hold = holds.place(s, person(world, "arch"), reason="审计", scope="record", target=str(c))
    with cat.session() as s:
        before = reports.build(s, dt.date(2020, 3, 1))
    due = {r["record_id"] for r in before["sections"]["due_not_appraised"]}
    assert due == {a, b, c, d}
    assert [r["hold_id"] for r in before["sections"]["active_holds"]] == [hold.id]
    assert [r["record_id"] for r in before["sections"]["overdue_declassification"]] == [sec]
    assert before["sections"]["destroyed"] == [] and before["sections"]["audit_chain"][0]["ok"]
    assert before["sections"]["overdue_loans"] == [] and before["sections"]["fixity_failures"] == []

    clock.to("2020-05-01")
    batch_id = concluded_batch(world, store, [a, b])
    with cat.session() as s:
        reg = destruction.create_register(s, person(world, "arch"), batch_id=batch_id)
        destruction.approve(s, person(world, "boss"), register_id=reg.id)
        destruction.sign_witness(s, person(world, "w1"), register_id=reg.id)
        destruction.sign_witness(s, person(world, "w2"), register_id=reg.id)
    execute(world, store, reg.id, place="档案室")
    with cat.session() as s:
        holds.release(s, person(world, "arch"), hold_id=hold.id, reason="审计结束")
        schedule.keep_permanently(s, s.get(Record, d), reason="史料价值", decided_by="ap1")
        secrecy.review(s, person(world, "sec"), record_id=sec, outcome="declassify")
    with cat.session() as s:
        again = reports.build(s, dt.date(2020, 3, 1))
        now = reports.build(s, dt.date(2020, 5, 1))
    assert again["digest"] == before["digest"]
    assert again["sections"]["due_not_appraised"] == before["sections"]["due_not_appraised"]
    assert {r["record_id"] for r in now["sections"]["due_not_appraised"]} == {c}
    assert now["sections"]["active_holds"] == [] and now["sections"]["overdue_declassification"] == []
    chain = now["sections"]["destroyed"]
    assert {r["record_id"] for r in chain} == {a, b} and now["destroyed_chain_complete"]
    assert chain[0]["approvers"] == "boss(director)" and chain[0]["witnesses"] == "w1;w2"
    assert chain[0]["appraisal_decision"] == "destroy" and chain[0]["method"] == "粉碎"

    # a record marked destroyed behind the workflow's back shows up as a broken chain
    with cat.session() as s:
        rogue = make_record(s, world["fonds_id"])
        rogue.status, rogue.destroyed_at = "destroyed", clock.now
    with cat.session() as s:
        flagged = reports.build(s, dt.date(2020, 5, 1))
    assert not flagged["destroyed_chain_complete"]
    assert [r["problem"] for r in flagged["sections"]["destroyed"] if not r["chain_complete"]] == ["no register entry"]

    text = reports.to_csv(now)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["report_as_of", "2020-05-01"] and any(r and r[0] == "# destroyed" for r in rows)
    book = load_workbook(io.BytesIO(reports.to_xlsx(now)))
    assert {"summary", "destroyed", "active_holds", "audit_chain"} <= set(book.sheetnames)
    assert book["destroyed"].max_row == 3
    assert reports.to_pdf(now).startswith(b"%PDF")


def test_external_sections_plug_in(world):
    reports.register_section("overdue_loans", lambda session, as_of: [{"loan": 1, "as_of": as_of.isoformat()}])
    try:
        with world["catalog"].session() as s:
            assert reports.build(s, dt.date(2020, 1, 1))["sections"]["overdue_loans"] == [{"loan": 1, "as_of": "2020-01-01"}]
    finally:
        reports.EXTERNAL_SECTIONS["overdue_loans"] = None
