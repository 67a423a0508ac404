"""Holds: scopes, nesting, one-at-a-time release, items added later, legal holds on the store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.models import Record, StoredObject, Volume
from retention import holds
from tests.retention.builders import make_record
from tests.retention.workflow import person


def _volume(s, fonds_id):
    v = Volume(fonds_id=fonds_id, category_code="SB", year=2010, retention="D30", volume_no=1,
               archival_code="J001-SB·2010-D30-001")
    s.add(v)
    s.flush()
    return v


def test_every_scope_and_nesting(world, store):
    with world["catalog"].session() as s:
        v = _volume(s, world["fonds_id"])
        in_volume = make_record(s, world["fonds_id"], store, n_objects=2, category_code="SB", volume_id=v.id)
        loose = make_record(s, world["fonds_id"], category_code="WS", year=2012, department="办公室")
        assert not holds.is_held(s, in_volume) and not holds.is_held(s, loose)
        h_volume = holds.place(s, person(world, "arch"), reason="审计", scope="volume", target=str(v.id), store=store)
        h_query = holds.place(s, person(world, "lead"), reason="调查", scope="query",
                              query={"department": "办公室", "year_from": 2011})
        later = make_record(s, world["fonds_id"], category_code="SB", volume_id=v.id)  # added after the hold
        assert holds.is_held(s, in_volume) and holds.is_held(s, later) and holds.is_held(s, loose)
        assert holds.held_record_ids(s) == {in_volume.id, later.id, loose.id}
        h_record = holds.place(s, person(world, "arch"), reason="诉讼", scope="record", target=str(in_volume.id), store=store)
        keys = [o.sha256 for o in s.execute(select(StoredObject).where(StoredObject.record_id == in_volume.id)).scalars()]
        assert all(store.get_legal_hold(k) for k in keys)
        with pytest.raises(Conflict, match="under hold"):
            holds.assert_not_held(s, in_volume, "move")
        with pytest.raises(Conflict, match="volume"):
            holds.assert_volume_not_held(s, v)
        world["clock"].tick(60)
        holds.release(s, person(world, "arch"), hold_id=h_volume.id, reason="审计结束", store=store)
        assert holds.is_held(s, in_volume) and not holds.is_held(s, later)  # the record hold remains
        assert all(store.get_legal_hold(k) for k in keys)  # still held by the other hold
        with pytest.raises(Conflict, match="1 held items"):  # the record hold still pins its volume
            holds.assert_volume_not_held(s, v)
        holds.release(s, person(world, "arch"), hold_id=h_record.id, reason="结案", store=store)
        holds.assert_volume_not_held(s, v)
        assert not holds.is_held(s, in_volume) and not any(store.get_legal_hold(k) for k in keys)
        with pytest.raises(Conflict):
            holds.release(s, person(world, "arch"), hold_id=h_record.id, reason="again")
        assert holds.is_held(s, loose)
        holds.release(s, person(world, "lead"), hold_id=h_query.id, reason="done")  # its placer
        assert not holds.is_held(s, loose)
        assert [h.id for h in holds.active_holds(s, at=h_query.placed_at)] == [h_volume.id, h_query.id, h_record.id]


def test_category_hold_and_bad_input(world):
    with world["catalog"].session() as s:
        r = make_record(s, world["fonds_id"], category_code="AJ")
        holds.place(s, person(world, "boss"), reason="行政复议", scope="category", target="AJ")
        assert holds.is_held(s, r)
        with pytest.raises(Forbidden):
            holds.place(s, person(world, "staff1"), reason="x", scope="category", target="AJ")
        with pytest.raises(ValidationError):
            holds.place(s, person(world, "arch"), reason="", scope="category", target="AJ")
        with pytest.raises(NotFound):
            holds.place(s, person(world, "arch"), reason="x", scope="record", target="999999")
        with pytest.raises(ValidationError):
            holds.place(s, person(world, "arch"), reason="x", scope="query", query={"colour": "red"})


def test_query_clause_and_python_agree(world):
    query = {"category": "WS", "year_from": 2010, "year_to": 2015, "title_contains": "通知"}
    with world["catalog"].session() as s:
        for year in range(2008, 2018):
            make_record(s, world["fonds_id"], year=year, title="关于x的通知" if year % 2 else "关于y的报告")
        in_sql = set(s.execute(select(Record.id).where(holds.query_clause(query))).scalars())
        in_py = {r.id for r in s.execute(select(Record)).scalars() if holds.query_matches(query, r)}
        assert in_sql == in_py and len(in_sql) == 3
