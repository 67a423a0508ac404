"""Splitting a volume grown too thick and merging two volumes (DOMAIN.md §13), on SQLite and
PostgreSQL: items keep their order and get new 序号, page counts and 起止日期 follow, the new
volume never starts below the old one's secrecy, every step needs a reason and stays on the
备考表 (the audit trail)."""

import datetime as dt

import pytest
from sqlalchemy import select

from archive.arrangement import volumes
from archive.errors import Conflict, Forbidden, ValidationError
from archive.models import AuditEvent, Fonds, Volume
from tests.arrangement.conftest import as_person
from tests.catalog.helpers import make_record

SERIES = {"category_code": "SB", "year": 2022, "retention": "D100"}


def _volume(s, me, n: int, *, secret_at: int | None = None, title="养老待遇 2022年3月") -> dict:
    fonds = s.query(Fonds).filter_by(code="J001").one()
    records = [make_record(s, fonds, **SERIES, title=f"第{i}件", pages=i, doc_date=dt.date(2022, 3, i),
                           secrecy="secret" if i == secret_at else "internal") for i in range(1, n + 1)]
    made = volumes.create(s, me, fonds="J001", category="SB", year=2022, retention="D100", title=title)
    return volumes.add(s, me, made["volume"]["id"], [r.id for r in records])


def test_split_moves_the_tail_into_a_new_volume_of_the_series(room):
    with room["catalog"].session() as s:
        me = as_person(s, "arch")
        old = _volume(s, me, 4, secret_at=1)
        old_id = old["volume"]["id"]
        with pytest.raises(ValidationError):  # a reason is kept on the 备考表
            volumes.split(s, me, old_id, 3, title="第二卷", reason=" ")
        for at in (1, 5):  # nothing would stay, nothing would move
            with pytest.raises(ValidationError):
                volumes.split(s, me, old_id, at, title="第二卷", reason="过厚")
        new = volumes.split(s, me, old_id, 3, title="养老待遇 2022年3月 第二卷", reason="卷过厚，分卷")
        assert new["volume"]["archival_code"] == "J001-SB·2022-D100-0002"
        assert [i["title"] for i in new["items"]] == ["第3件", "第4件"]
        assert [i["sequence"] for i in new["items"]] == [1, 2]
        assert new["volume"]["pages"] == 7 and new["volume"]["date_range"] == "20220303-20220304"
        # The secret item stayed behind, yet the new volume starts at the old one's level.
        assert new["volume"]["secrecy"] == "secret"
        left = volumes.detail(s, me, old_id)
        assert [i["title"] for i in left["items"]] == ["第1件", "第2件"]
        assert left["volume"]["pages"] == 3 and left["volume"]["date_range"] == "20220301-20220302"
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "volume.split")).scalar_one()
        assert event.details["into"] == new["volume"]["archival_code"] and event.details["reason"] == "卷过厚，分卷"


def test_merge_appends_the_source_and_keeps_its_code(room):
    with room["catalog"].session() as s:
        me = as_person(s, "arch")
        into = _volume(s, me, 2)
        source = _volume(s, me, 2, secret_at=2, title="养老待遇 2022年3月（续）")
        into_id, source_id = into["volume"]["id"], source["volume"]["id"]
        with pytest.raises(ValidationError):
            volumes.merge(s, me, into_id, source_id, reason="")
        with pytest.raises(ValidationError):
            volumes.merge(s, me, into_id, into_id, reason="并卷")
        merged = volumes.merge(s, me, into_id, source_id, reason="同月同类，并为一卷")
        assert [i["sequence"] for i in merged["items"]] == [1, 2, 3, 4]
        assert merged["volume"]["pages"] == 1 + 2 + 1 + 2
        assert merged["volume"]["secrecy"] == "secret"  # rose with the secret item that came in
        emptied = s.get(Volume, source_id)
        assert emptied.archival_code == source["volume"]["archival_code"]  # never reused
        assert "已并入" in emptied.notes and emptied.pages == 0
        with pytest.raises(ValidationError):  # nothing left to merge
            volumes.merge(s, me, into_id, source_id, reason="再并")


def test_split_and_merge_are_archivists_work_and_refuse_a_volume_on_loan(room):
    with room["catalog"].session() as s:
        me, clerk = as_person(s, "arch"), as_person(s, "clerk")
        a, b = _volume(s, me, 3), _volume(s, me, 1)
        with pytest.raises(Forbidden):
            volumes.split(s, clerk, a["volume"]["id"], 2, title="x", reason="y")
        with pytest.raises(Forbidden):
            volumes.merge(s, clerk, a["volume"]["id"], b["volume"]["id"], reason="y")
        s.get(Volume, a["volume"]["id"]).status = "on_loan"
        with pytest.raises(Conflict):
            volumes.split(s, me, a["volume"]["id"], 2, title="x", reason="y")
        with pytest.raises(Conflict):
            volumes.merge(s, me, b["volume"]["id"], a["volume"]["id"], reason="y")
