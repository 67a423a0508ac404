"""Issue 19 #10: `archive fixity --repair` restores a changed or missing object from a second copy
(a replica folder, S3 versions) after checking that copy's digest, and audits each repair."""

from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import select

from archive.config import load_settings
from archive.models import AuditEvent, StoredObject
from archive.runtime import Runtime
from storage import fixity
from storage.local import LocalObjectStore
from tests.storage.conftest import _open_s3


def stored(store, session, data: bytes) -> str:
    key = store.put(data)
    session.add(StoredObject(sha256=key, size=len(data), media_type="image/png", role="page_image"))
    return key


def tamper(store: LocalObjectStore, key: str, data: bytes | None) -> None:
    path = store._path(key)
    os.chmod(path, 0o644)
    if data is None:
        path.unlink()
    else:
        path.write_bytes(data)


def events(session, action: str) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


@pytest.fixture
def mirrored(tmp_path) -> LocalObjectStore:
    store = LocalObjectStore(tmp_path / "objects")
    store.add_replica(LocalObjectStore(tmp_path / "replica"))
    return store


def test_put_writes_the_replica(mirrored):
    key = mirrored.put(b"page one")
    (replica,) = mirrored.replicas
    assert replica.exists(key) and replica.verify(key)


def test_changed_and_missing_objects_are_restored_from_the_replica(catalog, mirrored):
    with catalog.session() as s:
        changed = stored(mirrored, s, b"page to be altered")
        missing = stored(mirrored, s, b"page to be lost")
    tamper(mirrored, changed, b"tampered")
    tamper(mirrored, missing, None)

    with catalog.session() as s:
        result = fixity.run(s, mirrored, repair=True)
    assert (result.changed, result.missing) == ([changed], [missing])
    assert set(result.repaired) == {changed, missing} and not result.unrepaired
    assert mirrored.verify(changed) and mirrored.verify(missing)
    with mirrored.get(changed) as stream:
        assert stream.read() == b"page to be altered"
    with catalog.session() as s:
        repairs = {e.target: e.details for e in events(s, "fixity.repair")}
    assert set(repairs) == {f"object:{changed}", f"object:{missing}"}
    assert repairs[f"object:{changed}"]["kind"] == "changed"
    assert "replica" in repairs[f"object:{changed}"]["source"]
    with catalog.session() as s:  # the next run finds nothing wrong
        assert fixity.run(s, mirrored).ok


def test_a_bad_replica_copy_is_not_used(catalog, mirrored):
    with catalog.session() as s:
        key = stored(mirrored, s, b"page with a damaged replica")
    tamper(mirrored, key, b"tampered")
    tamper(mirrored.replicas[0], key, b"also tampered")

    with catalog.session() as s:
        result = fixity.run(s, mirrored, repair=True)
    assert result.unrepaired == [key] and not result.repaired
    with mirrored.get(key) as stream:
        assert stream.read() == b"tampered"  # nothing was written from an unverified copy
    with catalog.session() as s:
        assert [e.target for e in events(s, "fixity.repair_failed")] == [f"object:{key}"]
        assert not events(s, "fixity.repair")


def test_without_repair_nothing_is_restored(catalog, mirrored):
    with catalog.session() as s:
        key = stored(mirrored, s, b"left alone")
    tamper(mirrored, key, None)
    with catalog.session() as s:
        result = fixity.run(s, mirrored)
    assert result.missing == [key] and not result.repaired and not mirrored.exists(key)


def test_s3_versions_are_a_second_copy(catalog, s3_url):
    store = _open_s3(s3_url)
    with catalog.session() as s:
        changed = stored(store, s, b"s3 page to be altered")
        missing = stored(store, s, b"s3 page to be lost")
    bad = b"overwritten"
    store.client.put_object(store.bucket, f"objects/{changed}", io.BytesIO(bad), len(bad))  # a new version
    store.client.remove_object(store.bucket, f"objects/{missing}")  # a delete marker hides it

    with catalog.session() as s:
        result = fixity.run(s, store, repair=True)
    assert (result.changed, result.missing) == ([changed], [missing])
    assert set(result.repaired) == {changed, missing}
    assert all("version" in source for source in result.repaired.values())
    assert store.verify(changed) and store.verify(missing)


def test_replica_setting_reaches_the_store(tmp_path):
    settings = load_settings({"ARCHIVE_HOME": str(tmp_path), "ARCHIVE_REPLICA_DIR": str(tmp_path / "second")})
    assert settings.replica_dir == str(tmp_path / "second")
    runtime = Runtime(settings)
    try:
        key = runtime.store.put(b"kept twice")
        assert LocalObjectStore(tmp_path / "second").verify(key)
    finally:
        runtime.close()
    assert load_settings({"ARCHIVE_HOME": str(tmp_path), "ARCHIVE_REPLICA_DIR": "off"}).replica_dir == ""


def test_fixity_repair_on_the_command_line(catalog, archive_env, monkeypatch, capsys):
    import json

    from archive.cli import _load_plugins, main

    monkeypatch.setenv("ARCHIVE_REPLICA_DIR", str(archive_env["home"] / "replica"))
    runtime = Runtime(load_settings())
    try:
        with catalog.session() as s:
            key = stored(runtime.store, s, b"a page kept twice")
    finally:
        runtime.close()
    primary = LocalObjectStore(archive_env["home"] / "objects")
    tamper(primary, key, b"tampered")
    _load_plugins()
    main(["fixity", "--repair", "--json"])  # every fault repaired: exits 0
    result = json.loads(capsys.readouterr().out)
    assert result["changed"] == [key] and key in result["repaired"] and not result["unrepaired"]
    assert primary.verify(key)
