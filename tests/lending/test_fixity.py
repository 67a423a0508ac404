"""Fixity audit: each fault injected on the local store is found, kept and audited."""

import os

from sqlalchemy import select

from archive.lending.models import FixityFailure, Notification
from archive.models import AuditEvent, StoredObject, User
from storage import fixity
from storage.local import LocalObjectStore


def stored(store, session, data: bytes) -> str:
    key = store.put(data)
    session.add(StoredObject(sha256=key, size=len(data), media_type="image/png", role="page_image"))
    return key


def test_changed_missing_and_unexpected_objects_are_found(catalog, tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    with catalog.session() as s:
        s.add(User(username="aud", role="auditor", clearance="internal"))
        good = stored(store, s, b"good page")
        changed = stored(store, s, b"page to be altered")
        missing = stored(store, s, b"page to be lost")
    unexpected = store.put(b"nobody catalogued me")
    store.put_once("audit-anchors/000000000001.json", b'{"seq": 1}')  # named objects are not content
    path = store._path(changed)
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered")
    os.chmod(store._path(missing), 0o644)
    store._path(missing).unlink()

    with catalog.session() as s:
        result = fixity.run(s, store)
    assert (result.changed, result.missing, result.unexpected) == ([changed], [missing], [unexpected])
    assert result.checked == 2 and not result.ok and good not in result.changed
    with catalog.session() as s:
        kinds = {f.kind: f.key for f in s.execute(select(FixityFailure)).scalars()}
        assert kinds == {"changed": changed, "missing": missing, "unexpected": unexpected}
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "fixity.failure")).scalars().all()
        assert {e.target for e in events} == {f"object:{k}" for k in (changed, missing, unexpected)}
        assert len(s.execute(select(Notification).where(Notification.username == "aud")).scalars().all()) == 3


def test_slices_cover_every_object_once(catalog, tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    with catalog.session() as s:
        keys = {stored(store, s, f"page {n}".encode()) for n in range(20)}
    checked = 0
    with catalog.session() as s:
        for n in (1, 2, 3):
            result = fixity.run(s, store, slice_no=n, slices=3)
            assert result.ok
            checked += result.checked
    assert checked == len(keys)
    assert fixity.parse_slice("2/7") == (2, 7)
    n, m = fixity.nightly_slice(7)
    assert 1 <= n <= m == 7
