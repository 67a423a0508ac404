"""Issue 16 item 8: on an S3 bucket with object lock (the suite's moto server, which enforces
retention and legal holds on its versions), the originals and PDFs of permanent and long-term
records are retained in COMPLIANCE mode until their due date, nothing else is, the setting
ARCHIVE_S3_OBJECT_LOCK=off turns it off, and holds set and release legal holds on the server."""

from __future__ import annotations

import datetime as dt
import tempfile

import pytest
from minio.error import S3Error
from sqlalchemy import select

from archive import worm
from archive.config import load_settings
from archive.errors import ConfigError, Conflict
from archive.models import AuditEvent, Record, StoredObject
from archive.warrant import DestructionWarrant
from retention import holds
from storage.s3 import S3ObjectStore
from tests.retention.builders import make_record
from tests.retention.workflow import person
from tests.servers.s3 import start_s3_server


@pytest.fixture(scope="module")
def s3_server():
    server = start_s3_server(tempfile.mkdtemp(prefix="worm-moto-"))
    yield server
    server.stop()


@pytest.fixture
def locked_store(s3_server):
    store = S3ObjectStore.from_url(s3_server.new_bucket_url())  # COMPLIANCE, as in production
    assert store.supports_object_lock and store.worm
    return store


def _server_lock(store, key: str) -> tuple[str | None, dt.datetime | None, bool]:
    """(mode, retain-until, legal hold) as the server reports them for the current version."""
    meta = store.client.stat_object(store.bucket, f"objects/{key}").metadata
    until = meta.get("x-amz-object-lock-retain-until-date")
    return (meta.get("x-amz-object-lock-mode"), dt.datetime.fromisoformat(until) if until else None,
            meta.get("x-amz-object-lock-legal-hold", "").upper() == "ON")


def _keys(s, record_id: int) -> dict[str, str]:
    return {o.role: o.sha256 for o in s.execute(select(StoredObject).where(StoredObject.record_id == record_id)).scalars()}


def _retain_events(s) -> int:
    return len(s.execute(select(AuditEvent.seq).where(AuditEvent.action == worm.RETAIN_EVENT)).all())


def test_long_kept_records_become_write_once_until_their_due_date(world, locked_store, clock):
    store = locked_store
    with world["catalog"].session() as s:
        long_term = make_record(s, world["fonds_id"], store, n_objects=5, retention="D30", year=2008)
        permanent = make_record(s, world["fonds_id"], store, n_objects=5, retention="Y", year=2009,
                                title="关于机构编制的批复")
        short = make_record(s, world["fonds_id"], store, n_objects=5, retention="D10", year=2019)
        in_review = make_record(s, world["fonds_id"], store, n_objects=5, retention="D30", year=2010,
                                status="needs_review")
        ids = long_term.id, permanent.id, short.id, in_review.id
    clock.tick(3600)  # the periodic run comes some time after the filing
    with world["catalog"].session() as s:
        assert worm.retain_changed(s, store, "worm") == 4  # original + pdf of the two filed long-kept records
    with world["catalog"].session() as s:
        lt, perm, sh, rev = (_keys(s, i) for i in ids)
        due = s.get(Record, ids[0]).retention_due
        assert due == dt.date(2039, 1, 1)
        for role in ("original", "pdf"):
            mode, until, _hold = _server_lock(store, lt[role])
            assert mode == "COMPLIANCE" and until.date() == due
            mode, until, _hold = _server_lock(store, perm[role])
            assert mode == "COMPLIANCE" and until.date() == dt.date(2110, 1, 1)  # 2010 + 100 years
        for role in ("page_image", "thumbnail", "text"):
            assert _server_lock(store, lt[role])[0] is None
        assert all(_server_lock(store, key)[0] is None for key in (*sh.values(), *rev.values()))
        assert _retain_events(s) == 1

    # The server itself refuses: neither the store (even with a warrant) nor a raw client call deletes it.
    warrant = DestructionWarrant(register_entry_id=1, keys=frozenset({lt["original"]}), issued_by="boss")
    with pytest.raises(Conflict, match="retention"):
        store.delete(lt["original"], warrant=warrant)
    version = store._versions(f"objects/{lt['original']}")[0].version_id
    with pytest.raises(S3Error, match="AccessDenied"):
        store.client.remove_object(store.bucket, f"objects/{lt['original']}", version_id=version)

    # Nothing changed: the next run touches nothing and writes no event. Filing the reviewed record does.
    clock.tick(900)
    with world["catalog"].session() as s:
        assert worm.retain_changed(s, store, "worm") == 0
        assert _retain_events(s) == 1
        s.get(Record, ids[3]).status = "filed"
    clock.tick(60)
    with world["catalog"].session() as s:
        assert worm.retain_changed(s, store, "worm") == 2
        assert _server_lock(store, rev["original"])[0] == "COMPLIANCE"
        assert _retain_events(s) == 2


def test_retention_only_grows_and_shared_bytes_keep_the_longer_one(world, locked_store):
    store = locked_store
    key = store.put(b"the same scan in two records")
    far = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    assert store.retain(key, far)
    assert store.retain(key, dt.datetime(2040, 1, 1, tzinfo=dt.UTC))  # already longer: kept, no error
    assert _server_lock(store, key)[1] == far
    assert not store.retain(key, dt.datetime(2001, 1, 1, tzinfo=dt.UTC))  # a date past: nothing to do


def test_the_setting_switches_it_off(world, locked_store, s3_server, monkeypatch, tmp_path):
    assert load_settings({}).s3_object_lock is True
    assert load_settings({"ARCHIVE_S3_OBJECT_LOCK": "off"}).s3_object_lock is False
    with pytest.raises(ConfigError, match="ARCHIVE_S3_OBJECT_LOCK"):
        load_settings({"ARCHIVE_S3_OBJECT_LOCK": "sometimes"})

    from archive.runtime import Runtime

    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARCHIVE_STORAGE_URL", s3_server.new_bucket_url())
    monkeypatch.setenv("ARCHIVE_S3_OBJECT_LOCK", "off")
    runtime = Runtime(nudge="off")
    try:
        store = runtime.store
        assert store.supports_object_lock and not store.worm
    finally:
        runtime.close()
    with world["catalog"].session() as s:
        record = make_record(s, world["fonds_id"], store, n_objects=4, retention="Y")
        assert worm.retain_changed(s, store, "worm") == 0
        assert all(_server_lock(store, key)[0] is None for key in _keys(s, record.id).values())


def test_holds_set_and_release_legal_holds_on_the_server(world, locked_store):
    store = locked_store
    with world["catalog"].session() as s:
        record = make_record(s, world["fonds_id"], store, n_objects=3, retention="D10", year=2019)
        keys = list(_keys(s, record.id).values())
        hold = holds.place(s, person(world, "arch"), reason="劳动争议诉讼", scope="record", target=str(record.id),
                           store=store)
    assert all(_server_lock(store, key)[2] for key in keys)
    version = store._versions(f"objects/{keys[0]}")[0].version_id
    with pytest.raises(S3Error, match="AccessDenied"):  # held on the server, whatever the app thinks
        store.client.remove_object(store.bucket, f"objects/{keys[0]}", version_id=version)
    with world["catalog"].session() as s:
        holds.release(s, person(world, "arch"), hold_id=hold.id, reason="结案", store=store)
    assert not any(_server_lock(store, key)[2] for key in keys)


def test_what_is_retained_and_until_when():
    def record(retention, *, year=2010, due=None, start=None):
        return Record(retention=retention, year=year, retention_due=due, retention_start=start, status="filed")

    assert worm.retain_until(record("D30", due=dt.date(2041, 1, 1))) == dt.datetime(2041, 1, 1, tzinfo=dt.UTC)
    assert worm.retain_until(record("D100", due=dt.date(2111, 1, 1))).year == 2111
    assert worm.retain_until(record("Y")) == dt.datetime(2111, 1, 1, tzinfo=dt.UTC)
    assert worm.retain_until(record("Y", start=dt.date(2015, 1, 1))).year == 2115
    assert worm.retain_until(record("D10", due=dt.date(2021, 1, 1))) is None
    assert worm.retain_until(record("D30")) is None  # no due date yet: nothing to retain to
    assert worm.retain_until(record("??")) is None


def test_destruction_refuses_before_deleting_anything_while_an_object_is_retained(world, locked_store):
    """A period shortened after filing leaves the old retention on the server: the destruction
    step refuses the whole record up front instead of deleting its unlocked objects first."""
    from archive.lifecycle_models import DestructionEntry
    from retention.destruction import _refuse_locked

    store = locked_store
    with world["catalog"].session() as s:
        record = make_record(s, world["fonds_id"], store, n_objects=4, retention="D30", year=2008)
        keys = _keys(s, record.id)
    store.retain(keys["original"], dt.datetime(2039, 1, 1, tzinfo=dt.UTC))
    assert store.retained_until(keys["original"]).year == 2039 and store.retained_until(keys["page_image"]) is None
    entry = DestructionEntry(record_id=record.id, archival_code=record.archival_code)
    with pytest.raises(Conflict, match=r"retained \(write-once\) until 2039-01-01"):
        _refuse_locked(store, sorted(keys.values()), entry)
    assert all(store.exists(key) for key in keys.values())


def test_one_periodic_run_at_a_time(world, locked_store, catalog_url):
    """On PostgreSQL a run that finds another still at work (the lock held) leaves it alone."""
    if not catalog_url.startswith("postgresql"):
        pytest.skip("SQLite serialises the runs' write transactions itself")
    import psycopg

    with world["catalog"].session() as s:
        make_record(s, world["fonds_id"], locked_store, n_objects=4, retention="Y")
    with psycopg.connect(catalog_url.replace("+psycopg", ""), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (worm.RETAIN_LOCK,))
        with world["catalog"].session() as s:
            assert worm.retain_changed(s, locked_store, "worm") == 0
        other.execute("SELECT pg_advisory_unlock(%s)", (worm.RETAIN_LOCK,))
    with world["catalog"].session() as s:
        assert worm.retain_changed(s, locked_store, "worm") == 2
