"""The unit of work owns the consequences of a write: derived dates, the index outbox, the nudge
after commit and the channel in the trail. Each rule is shown by a test that fails without it,
on SQLite and PostgreSQL, through plain catalog sessions (no face, no service remembers them)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from archive import audit
from archive.codes import Role, Secrecy
from archive.db import Catalog
from archive.identity import Identity, system
from archive.lifecycle_models import LifecycleSetting
from archive.models import AuditEvent, IndexOutbox, Page, Record
from archive.policy import Viewer
from tests.catalog.helpers import make_record, seeded


def outbox(catalog) -> list[tuple[int, str]]:
    with catalog.session() as s:
        return [(r.record_id, r.op) for r in s.scalars(select(IndexOutbox).order_by(IndexOutbox.id))]


def clear_outbox(catalog) -> None:
    with catalog.session() as s:
        for row in s.scalars(select(IndexOutbox)):
            s.delete(row)


@pytest.fixture
def record_id(catalog) -> int:
    with catalog.session() as s:
        fonds = seeded(s)
        return make_record(s, fonds, year=2018, retention="D10").id


def test_a_new_record_gets_its_dates_and_is_queued(catalog, record_id):
    with catalog.session() as s:
        r = s.get(Record, record_id)
        assert (r.retention_start, r.retention_due, r.transfer_due) == (
            dt.date(2019, 1, 1), dt.date(2029, 1, 1), dt.date(2039, 1, 1))
    assert outbox(catalog) == [(record_id, "upsert")]  # one row, though flushed and changed twice


@pytest.mark.parametrize(("retention", "due"), [("Y", None), ("D2", dt.date(2021, 1, 1)), ("D30", dt.date(2049, 1, 1))])
def test_changing_retention_recomputes_the_due_date(catalog, record_id, retention, due):
    clear_outbox(catalog)
    with catalog.session() as s:
        s.get(Record, record_id).retention = retention
    with catalog.session() as s:
        assert s.get(Record, record_id).retention_due == due
    assert outbox(catalog) == [(record_id, "upsert")]  # retention is an indexed field (a facet)


def test_changing_the_year_moves_every_date(catalog, record_id):
    with catalog.session() as s:
        s.get(Record, record_id).year = 2020
    with catalog.session() as s:
        r = s.get(Record, record_id)
        assert (r.retention_start, r.retention_due, r.transfer_due) == (
            dt.date(2021, 1, 1), dt.date(2031, 1, 1), dt.date(2041, 1, 1))


def test_an_explicit_due_date_in_the_same_write_wins(catalog, record_id):
    """An extension or a schedule change sets the date itself; the rule must not undo it."""
    with catalog.session() as s:
        r = s.get(Record, record_id)
        r.retention, r.retention_due = "D30", dt.date(2060, 1, 1)
    with catalog.session() as s:
        assert s.get(Record, record_id).retention_due == dt.date(2060, 1, 1)


def test_transfer_years_follow_the_configured_rule(catalog, record_id):
    with catalog.session() as s:
        s.add(LifecycleSetting(key="transfer_years", value={"value": 10}))
    with catalog.session() as s:
        s.get(Record, record_id).retention = "Y"
    with catalog.session() as s:
        assert s.get(Record, record_id).transfer_due == dt.date(2029, 1, 1)


def test_a_county_bureau_transfers_after_ten_years(catalog_url):
    county = Catalog(catalog_url, bureau_level="county")
    try:
        with county.session() as s:
            r = make_record(s, seeded(s), year=2018, retention="Y")
        with county.session() as s:
            assert s.get(Record, r.id).transfer_due == dt.date(2029, 1, 1)
    finally:
        county.dispose()


def test_declassifying_queues_the_record_and_clears_its_date(catalog):
    with catalog.session() as s:
        r = make_record(s, seeded(s), secrecy="secret", secrecy_start=dt.date(2018, 3, 1), secrecy_term_months=60,
                        declassify_on=dt.date(2023, 3, 1))
        rid = r.id
    clear_outbox(catalog)
    with catalog.session() as s:
        s.get(Record, rid).secrecy = "internal"
    with catalog.session() as s:
        assert s.get(Record, rid).declassify_on is None
    assert outbox(catalog) == [(rid, "upsert")]  # readers newly cleared find it after the drain


def test_raising_to_a_state_secret_sets_the_statutory_term(catalog, record_id):
    with catalog.session() as s:
        r = s.get(Record, record_id)
        r.doc_date = dt.date(2018, 5, 1)
    with catalog.session() as s:
        s.get(Record, record_id).secrecy = "confidential"
    with catalog.session() as s:
        assert s.get(Record, record_id).declassify_on == dt.date(2038, 5, 1)  # 机密: 20 years


def test_pages_queue_their_record_and_unindexed_fields_do_not(catalog, record_id):
    clear_outbox(catalog)
    with catalog.session() as s:
        s.get(Record, record_id).notes = "备注不进索引"
    assert outbox(catalog) == []
    with catalog.session() as s:
        s.add(Page(record_id=record_id, page_no=1, ocr_text="正文"))
    assert outbox(catalog) == [(record_id, "upsert")]


def test_destroying_keeps_a_tombstone_in_the_index(catalog, record_id):
    clear_outbox(catalog)
    with catalog.session() as s:
        s.get(Record, record_id).status = "destroyed"
    assert outbox(catalog) == [(record_id, "upsert")]


def test_a_rolled_back_write_queues_nothing_and_nudges_nothing(catalog, record_id):
    nudges = []
    catalog.after_commit = lambda: nudges.append(1)
    clear_outbox(catalog)
    with pytest.raises(RuntimeError), catalog.session() as s:
        s.get(Record, record_id).title = "改名"
        s.flush()
        raise RuntimeError("boom")
    assert outbox(catalog) == [] and nudges == []
    with catalog.session() as s:
        s.get(Record, record_id).title = "改名"
    assert outbox(catalog) == [(record_id, "upsert")] and nudges == [1]
    with catalog.session() as s:
        s.get(Record, record_id).notes = "no index work, no nudge"
    assert nudges == [1]


def test_audit_events_name_the_channel_of_the_unit_of_work(catalog, record_id):
    person = Identity(Viewer(username="wang", role=Role.ARCHIVIST, clearance=Secrecy.SECRET), "cli", "wang@host")
    with catalog.session(person) as s:
        audit.record(s, person.username, "record.view", f"record:{record_id}")
    with catalog.session(system("reindex", channel="cli")) as s:
        audit.record(s, "system:reindex", "index.rebuild")
    with catalog.session() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
        assert events[1].details == {"channel": "cli", "origin": "wang@host"}
        assert events[0].details == {"channel": "cli"} and events[0].actor == "system:reindex"
