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


# -- issue 12, finding 4: anchors after commit, a mirror, the catalog's own history ---------------

import datetime as dt  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

from archive import users  # noqa: E402
from archive.anchoring import AfterCommitAnchoring, AnchorDirectory, AnchorSet  # noqa: E402
from archive.config import load_settings  # noqa: E402
from archive.identity import system  # noqa: E402
from archive.models import AuditHead  # noqa: E402
from archive.policy import Viewer  # noqa: E402
from archive.runtime import Runtime  # noqa: E402
from tests.catalog.helpers import make_record, seeded  # noqa: E402


def runtime_for(catalog, tmp_path, **env):
    settings = load_settings({"ARCHIVE_HOME": str(tmp_path / "home"), "ARCHIVE_DATABASE_URL": catalog.url,
                              **{f"ARCHIVE_{k.upper()}": str(v) for k, v in env.items()}})
    return Runtime(settings, catalog=catalog, nudge="off")


def one_event_per_commit(runtime, n, actor="clerk"):
    for i in range(n):
        with runtime.unit_of_work(system("test")) as s:
            audit.record(s, actor, "record.view", f"record:{i}")


def test_anchors_are_written_after_commit_every_n_events_without_a_beat(catalog, tmp_path):
    runtime = runtime_for(catalog, tmp_path, audit_anchor_every=20)
    try:
        one_event_per_commit(runtime, 45)
        names = runtime.anchors.list_named(audit.ANCHOR_PREFIX)
        # the first commit anchors at once (nothing anchored yet), then every 20 events
        assert [int(n[-17:-5]) for n in names] == [1, 21, 41]
        assert runtime.anchors.mirror.list_named(audit.ANCHOR_PREFIX) == names  # ARCHIVE_HOME/anchors
        with catalog.session() as s:
            assert audit.verify(s, runtime.anchors, history=True).ok
            assert s.get(AuditHead, 1).anchored_seq == 41
    finally:
        runtime.close()


def test_an_anchor_is_due_after_m_minutes_even_below_n_events():
    now = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    anchoring = AfterCommitAnchoring(lambda: None, lambda: None, every=20, minutes=10, clock=lambda: now)
    fresh = (now - dt.timedelta(minutes=9)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    stale = (now - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert not anchoring.due(5, 3, fresh)
    assert anchoring.due(5, 3, stale)
    assert anchoring.due(23, 3, fresh)
    assert anchoring.due(1, 0, None)
    assert not anchoring.due(3, 3, stale)  # nothing new


def test_a_long_lived_process_anchors_waiting_events_without_new_commits(catalog, tmp_path):
    runtime = runtime_for(catalog, tmp_path, audit_anchor_every=20, audit_anchor_minutes=1)
    try:
        one_event_per_commit(runtime, 1)  # anchors event 1 at once
        runtime.anchoring.minutes = 1 / 60  # one second, for the test
        one_event_per_commit(runtime, 2)  # not due: a timer will anchor them
        with catalog.session() as s:
            assert s.get(AuditHead, 1).anchored_seq == 1
        for _ in range(50):
            time.sleep(0.2)
            with catalog.session() as s:
                if s.get(AuditHead, 1).anchored_seq == 3:
                    break
        with catalog.session() as s:
            assert s.get(AuditHead, 1).anchored_seq == 3
    finally:
        runtime.close()


def test_anchoring_overhead_per_event_is_small(catalog, tmp_path):
    """Measured for the report: one event per commit with and without the after-commit anchoring."""
    def per_event(runtime, n=200):
        start = time.perf_counter()
        one_event_per_commit(runtime, n)
        return (time.perf_counter() - start) / n

    runtime = runtime_for(catalog, tmp_path, audit_anchor_every=20)
    try:
        from archive import unit_of_work

        unit_of_work.stop_anchoring(catalog.engine, runtime.anchoring)
        without = per_event(runtime)
        unit_of_work.anchor_after_commit(catalog.engine, runtime.anchoring)
        with_anchoring = per_event(runtime)
    finally:
        runtime.close()
    overhead = with_anchoring - without
    print(f"\n[{catalog.dialect}] per event: {without * 1e3:.2f} ms without anchoring, "
          f"{with_anchoring * 1e3:.2f} ms with (anchor every 20): overhead {overhead * 1e3:.2f} ms")
    assert overhead < without  # one anchor (two fsynced files) per 20 events, on a loaded machine


def test_the_mirror_is_write_once_and_seeded_from_the_store(tmp_path):
    store, mirror = AnchorDirectory(tmp_path / "store"), AnchorDirectory(tmp_path / "mirror")
    store.put_once("audit-anchors/000000000001.json", b'{"seq": 1, "hash": "a"}')
    both = AnchorSet(store, mirror)
    both.put_once("audit-anchors/000000000002.json", b'{"seq": 2, "hash": "b"}')
    assert mirror.list_named("audit-anchors/") == store.list_named("audit-anchors/") == [
        "audit-anchors/000000000001.json", "audit-anchors/000000000002.json"]
    with pytest.raises(Conflict):
        mirror.put_once("audit-anchors/000000000002.json", b"forged")
    both.put_once("audit-anchors/000000000002.json", b'{"seq": 2, "hash": "b", "time": "later"}')  # a retry
    with pytest.raises(Conflict):
        both.put_once("audit-anchors/000000000002.json", b'{"seq": 2, "hash": "other"}')
    assert not os.stat(tmp_path / "mirror" / "audit-anchors" / "000000000002.json").st_mode & 0o222


def test_verify_reads_both_copies(catalog, tmp_path):
    store, mirror = MemoryAnchors(), AnchorDirectory(tmp_path / "mirror")
    both = AnchorSet(store, mirror)
    write_events(catalog, 3)
    with catalog.session() as s:
        audit.anchor(s, both)
    with catalog.session() as s:
        assert audit.verify(s, both).ok
        assert audit.verify(s, both).anchors_checked == 1
    del store.items["audit-anchors/000000000003.json"]
    result = broken_at(catalog, both)
    assert "missing from the object store" in result.reason


def test_head_naming_a_missing_anchor_and_an_anchor_chain_gap_are_found(catalog):
    anchors = MemoryAnchors()
    for _ in range(3):
        write_events(catalog, 2)
        with catalog.session() as s:
            audit.anchor(s, anchors)
    assert json.loads(anchors.items["audit-anchors/000000000004.json"])["prev"] == 2
    del anchors.items["audit-anchors/000000000006.json"]
    assert "recorded in the chain head, is missing" in broken_at(catalog, anchors).reason
    anchors2 = MemoryAnchors()
    anchors2.items = {k: v for k, v in anchors.items.items() if not k.endswith("002.json")}
    with catalog.engine.begin() as c:
        c.execute(text("UPDATE audit_head SET anchored_seq = 4"))
    assert "the anchor of event 2 (named by audit-anchors/000000000004.json) is missing" in \
        broken_at(catalog, anchors2).reason


def test_history_finds_rows_whose_events_are_gone(catalog):
    with catalog.session() as s:
        users.add_user(s, actor="admin", username="clerk", role="staff", clearance="internal",
                       password="a-long-test-password-1")
        fonds = seeded(s)
    with catalog.session() as s:
        assert audit.verify(s, history=True).ok
        make_record(s, fonds)  # a record that never had an event
    with catalog.session() as s:
        result = audit.verify(s, history=True)
        assert not result.ok and "holds record" in result.reason and result.problem == "history"
        assert audit.verify(s).ok  # the chain alone is whole


def test_a_user_whose_creation_event_was_cut_is_found(catalog):
    with catalog.session() as s:
        users.add_user(s, actor="admin", username="clerk", role="staff", clearance="internal",
                       password="a-long-test-password-1")
        audit.record(s, "clerk", "login", "user:clerk")  # a later event on the same user does not count
    with catalog.engine.begin() as c:
        c.execute(text("UPDATE audit_events SET action = 'login' WHERE action = 'user.add'"))
    with catalog.engine.begin() as c:  # and re-chain consistently, as a forger would
        prev = audit.GENESIS
        for r in list(c.execute(text("SELECT * FROM audit_events ORDER BY seq"))):
            details = r.details if isinstance(r.details, dict) else json.loads(r.details)
            h = audit.digest(r.seq, r.time, r.actor, r.action, r.target, details, prev)
            c.execute(text("UPDATE audit_events SET prev_hash=:p, hash=:h WHERE seq=:s"), {"p": prev, "h": h, "s": r.seq})
            prev = h
        c.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
    with catalog.session() as s:
        result = audit.verify(s, history=True)
    assert not result.ok and "user clerk" in result.reason


def test_broken_messages_are_one_line_in_the_readers_language(catalog, monkeypatch):
    write_events(catalog, 3)
    with catalog.engine.begin() as c:
        c.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    with catalog.session() as s:
        result = audit.verify(s)
    monkeypatch.setenv("ARCHIVE_LANG", "zh")
    assert result.message() == "审计链断裂：第 2 条事件缺失（下一条是第 3 条）"
    monkeypatch.setenv("ARCHIVE_LANG", "en")
    assert result.message() == "audit chain broken: event 2 is missing (the next one is 3)"
    assert set(result.to_dict()) == {"ok", "checked", "head_seq", "anchors_checked", "first_broken", "reason"}


# -- issue 12, finding 18: the auditor does not read the searches of people cleared above them ----


def test_events_of_people_cleared_above_the_reader_are_redacted(catalog):
    with catalog.session() as s:
        for name, role, level in (("leader", "leader", "top_secret"), ("auditor", "auditor", "internal"),
                                  ("clerk", "staff", "internal"), ("senior", "auditor", "top_secret")):
            users.add_user(s, actor="admin", username=name, role=role, clearance=level,
                           password="a-long-test-password-1")
        audit.record(s, "leader", "search", "", {"channel": "web", "q": "某某 绝密 名单",
                                                 "filters": {"secrecy": ["top_secret"]}, "total": 3, "page": 1})
        audit.record(s, "clerk", "search", "", {"channel": "web", "q": "工资", "filters": {}, "total": 2, "page": 1})
    with catalog.session() as s:
        auditor = Viewer.of(users.get_user(s, "auditor"))
        senior = Viewer.of(users.get_user(s, "senior"))
        rows = {r["actor"]: r for r in audit.visible_events(s, auditor, action="search")}
        seen_by_senior = {r["actor"]: r for r in audit.visible_events(s, senior, action="search")}
    leader = rows["leader"]
    assert leader["redacted"] and leader["details"]["channel"] == "web"
    assert all(leader["details"][k] == audit.REDACTED for k in ("q", "filters", "total", "page"))
    assert "绝密" not in json.dumps(leader, ensure_ascii=False) and "top_secret" not in json.dumps(leader)
    assert rows["clerk"]["details"]["q"] == "工资" and not rows["clerk"]["redacted"]  # not above the reader
    assert seen_by_senior["leader"]["details"]["q"] == "某某 绝密 名单"  # a reader cleared as high sees it


# -- anchors on S3: named objects under object-lock retention; no local mirror by default --------

S3_ENV = "ARCHIVE_TEST_S3_URL"


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    from tests.servers.s3 import start_s3_server

    server = start_s3_server(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def s3_url(request):
    """A fresh bucket: on the MinIO of ARCHIVE_TEST_S3_URL, else on a moto server."""
    if os.environ.get(S3_ENV):
        from urllib.parse import urlsplit

        parts = urlsplit(os.environ[S3_ENV])
        return parts._replace(path=f"/anchors-{time.time_ns()}").geturl()
    return request.getfixturevalue("s3_server").new_bucket_url()


def s3_store(url):
    from storage.s3 import S3ObjectStore

    return S3ObjectStore.from_url(url, lock_mode="GOVERNANCE", named_retention=dt.timedelta(days=1))


def test_settings_put_the_mirror_beside_a_local_store_only(tmp_path):
    home = tmp_path / "home"
    assert load_settings({"ARCHIVE_HOME": str(home)}).anchor_mirror == str(home.resolve() / "anchors")
    s3 = {"ARCHIVE_HOME": str(home), "ARCHIVE_STORAGE_URL": "s3://k:s@minio:9000/archive"}
    assert load_settings(s3).anchor_mirror == ""  # the bucket's object lock keeps them
    assert load_settings({**s3, "ARCHIVE_ANCHOR_MIRROR": str(tmp_path / "usb")}).anchor_mirror == str(tmp_path / "usb")
    assert load_settings({"ARCHIVE_HOME": str(home), "ARCHIVE_ANCHOR_MIRROR": "off"}).anchor_mirror == ""
    assert load_settings({"ARCHIVE_HOME": str(home)}).audit_anchor_every == 20


def test_anchors_on_s3_are_written_once_and_verified(catalog, s3_url):
    store = s3_store(s3_url)
    write_events(catalog, 3)
    with catalog.session() as s:
        written = audit.anchor(s, AnchorSet(store))
    assert store.supports_object_lock  # the bucket was made with object lock (anchors get retention)
    with catalog.session() as s:
        assert audit.verify(s, AnchorSet(store)).ok
    with pytest.raises(Conflict):
        store.put_once(written["name"], b"{}")


@pytest.mark.minio
def test_anchors_on_s3_carry_object_lock_retention(s3_url):
    if not os.environ.get(S3_ENV):
        pytest.skip("object-lock retention can only be checked on a real MinIO: moto cannot (set ARCHIVE_TEST_S3_URL)")
    store = s3_store(s3_url)
    store.put_once(f"{audit.ANCHOR_PREFIX}000000000001.json", b'{"seq": 1, "hash": "a"}')
    _hold, until = store._lock_state(f"named/{audit.ANCHOR_PREFIX}000000000001.json")
    assert until is not None and until > dt.datetime.now(dt.UTC)
