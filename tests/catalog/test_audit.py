import json

import pytest
from sqlalchemy import text

from archive import audit
from archive.errors import Conflict
from archive.models import AuditEvent


class MemoryAnchors:
    """A write-once name store with the ObjectStore's named-object methods (storage has its own tests)."""

    def __init__(self):
        self.items = {}

    def put_once(self, name, data):
        if name in self.items:
            raise Conflict(name)
        self.items[name] = data

    def get_named(self, name):
        return self.items[name]

    def list_named(self, prefix):
        return sorted(n for n in self.items if n.startswith(prefix))


def write_events(catalog, n=6):
    with catalog.session() as s:
        for i in range(n):
            audit.record(s, f"user{i % 2}", "record.view", f"record:{i}", {"i": i, "名": "张三"})


def test_intact_chain_verifies(catalog):
    write_events(catalog)
    with catalog.session() as s:
        result = audit.verify(s)
    assert result.ok and result.checked == 6 and result.head_seq == 6


def broken_at(catalog, anchors=None):
    with catalog.session() as s:
        result = audit.verify(s, anchors)
    assert not result.ok
    return result


def test_edited_row_is_detected(catalog):
    write_events(catalog)
    with catalog.engine.begin() as c:
        c.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"))
    result = broken_at(catalog)
    assert result.first_broken == 3 and "changed" in result.reason


def test_edited_details_are_detected(catalog):
    write_events(catalog)
    with catalog.engine.begin() as c:
        c.execute(text("UPDATE audit_events SET details = :d WHERE seq = 4"), {"d": json.dumps({"i": 99})})
    assert broken_at(catalog).first_broken == 4


def test_deleted_row_is_detected(catalog):
    write_events(catalog)
    with catalog.engine.begin() as c:
        c.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    result = broken_at(catalog)
    assert result.first_broken == 2 and "missing" in result.reason


def test_deleted_tail_is_detected_by_the_head(catalog):
    write_events(catalog)
    with catalog.engine.begin() as c:
        c.execute(text("DELETE FROM audit_events WHERE seq = 6"))
    result = broken_at(catalog)
    assert result.first_broken == 6


def test_inserted_row_is_detected(catalog):
    write_events(catalog)
    with catalog.engine.begin() as c:
        c.execute(
            text("INSERT INTO audit_events (seq, time, actor, action, target, details, prev_hash, hash) "
                 "VALUES (7, '2026-01-01T00:00:00.000000Z', 'mallory', 'record.destroy', 'record:1', '{}', :p, :h)"),
            {"p": "f" * 64, "h": "e" * 64},
        )
    assert broken_at(catalog).first_broken == 7


def test_reordered_rows_are_detected(catalog):
    write_events(catalog)
    with catalog.engine.begin() as c:  # swap the contents of events 2 and 3, keeping their numbers
        rows = {r.seq: r for r in c.execute(text("SELECT * FROM audit_events WHERE seq IN (2, 3)"))}
        for seq, other in ((2, 3), (3, 2)):
            r = rows[other]
            c.execute(
                text("UPDATE audit_events SET time=:t, actor=:a, action=:ac, target=:tg, details=:d, prev_hash=:p, hash=:h "
                     "WHERE seq=:s"),
                {"t": r.time, "a": r.actor, "ac": r.action, "tg": r.target,
                 "d": r.details if isinstance(r.details, str) else json.dumps(r.details),
                 "p": r.prev_hash, "h": r.hash, "s": seq},
            )
    assert broken_at(catalog).first_broken == 2


def test_rollback_of_the_whole_table_is_caught_by_anchors(catalog):
    anchors = MemoryAnchors()
    write_events(catalog, 3)
    with catalog.session() as s:
        assert audit.anchor(s, anchors)["seq"] == 3
    write_events(catalog, 3)
    with catalog.session() as s:
        assert audit.anchor(s, anchors)["seq"] == 6
        assert audit.anchor(s, anchors) is None  # nothing new
    with catalog.session() as s:
        assert audit.verify(s, anchors).ok
    # Roll back to the state after event 4, head included: the chain itself is consistent ...
    with catalog.engine.begin() as c:
        h4 = c.execute(text("SELECT hash FROM audit_events WHERE seq = 4")).scalar_one()
        c.execute(text("DELETE FROM audit_events WHERE seq > 4"))
        c.execute(text("UPDATE audit_head SET seq = 4, hash = :h, anchored_seq = 4"), {"h": h4})
    with catalog.session() as s:
        assert audit.verify(s).ok
    # ... but the write-once anchor remembers event 6.
    result = broken_at(catalog, anchors)
    assert "rolled back" in result.reason and result.first_broken == 5


def test_rewritten_history_is_caught_by_anchors(catalog):
    anchors = MemoryAnchors()
    write_events(catalog, 4)
    with catalog.session() as s:
        audit.anchor(s, anchors)
    # Rewrite everything consistently from event 2 on (a full forgery of the chain).
    with catalog.engine.begin() as c:
        rows = list(c.execute(text("SELECT * FROM audit_events ORDER BY seq")))
        prev = rows[0].hash
        for r in rows[1:]:
            details = r.details if isinstance(r.details, dict) else json.loads(r.details)
            h = audit.digest(r.seq, r.time, "mallory", r.action, r.target, details, prev)
            c.execute(text("UPDATE audit_events SET actor='mallory', prev_hash=:p, hash=:h WHERE seq=:s"),
                      {"p": prev, "h": h, "s": r.seq})
            prev = h
        c.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
    with catalog.session() as s:
        assert audit.verify(s).ok  # consistent in itself
    result = broken_at(catalog, anchors)
    assert result.first_broken == 4 and "anchored" in result.reason


def test_no_update_or_delete_path_in_the_code():
    import inspect

    source = inspect.getsource(audit)
    assert "delete(" not in source.replace("# ", "")
    assert not [name for name in dir(audit) if name.startswith(("update", "delete", "remove", "edit"))]


def test_events_are_read_newest_first_with_filters(catalog):
    write_events(catalog)
    with catalog.session() as s:
        rows = audit.events(s, actor="user1", limit=10)
        assert [r.seq for r in rows] == [6, 4, 2]
        assert audit.event(s, 1).action == "record.view"
        assert s.get(AuditEvent, 1).details == {"i": 0, "名": "张三"}


def test_concurrent_appends_keep_one_chain(catalog):
    import threading

    def work():
        for _ in range(25):
            with catalog.session() as s:
                audit.record(s, "t", "x")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with catalog.session() as s:
        result = audit.verify(s)
    assert result.ok and result.checked == 100


@pytest.mark.parametrize("n", [0])
def test_empty_trail_verifies(catalog, n):
    with catalog.session() as s:
        assert audit.verify(s).ok
