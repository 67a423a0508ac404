"""Issue 12 finding 14: stored objects are the service's alone (0400 files in 0700 folders)."""

from __future__ import annotations

import stat

from storage.local import LocalObjectStore


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_objects_and_their_folders_are_private(tmp_path):
    store = LocalObjectStore(tmp_path / "objects")
    key = store.put(b"scan of a classified record")
    path = store._path(key)
    assert mode(path) == 0o400
    assert {mode(p) for p in (store.root, path.parent, path.parent.parent, store.root / ".tmp",
                               store.root / "named", store.root / "locks")} == {0o700}
    store.put_once("audit-anchors/1.json", b"{}")
    assert mode(store.root / "named" / "audit-anchors" / "1.json") == 0o400
    assert mode(store.root / "named" / "audit-anchors") == 0o700
