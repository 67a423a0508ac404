"""What every ObjectStore backend must do; each test runs on local disk and on S3."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from archive.errors import ConfigError, Conflict, Forbidden, NotFound, ValidationError
from archive.warrant import DestructionWarrant
from storage import ObjectInfo, open_store
from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore

DATA = "社会保险登记表 第一页\n".encode() * 1000


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warrant_for(*keys: str) -> DestructionWarrant:
    return DestructionWarrant(register_entry_id=7, keys=frozenset(keys), issued_by="archivist")


def read_all(store, key: str) -> bytes:
    with store.get(key) as stream:
        return stream.read()


def s3_versions(store: S3ObjectStore, name: str) -> list:
    return [
        v
        for v in store.client.list_objects(store.bucket, prefix=name, include_version=True)
        if v.object_name == name
    ]


def tamper(store, key: str) -> None:
    """Flip one byte of the stored object behind the store's back."""
    if isinstance(store, LocalObjectStore):
        path = store.root / key[:2] / key[2:4] / key
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        with open(path, "r+b") as fh:
            fh.seek(100)
            byte = fh.read(1)
            fh.seek(100)
            fh.write(bytes([byte[0] ^ 0x01]))
    else:
        data = bytearray(read_all(store, key))
        data[100] ^= 0x01
        store.client.put_object(store.bucket, f"objects/{key}", io.BytesIO(bytes(data)), len(data))


class FailingStream(io.RawIOBase):
    """Yields `good` bytes, then breaks like a dropped upload."""

    def __init__(self, good: int):
        self.left = good

    def readable(self):
        return True

    def readinto(self, buf):
        if self.left <= 0:
            raise OSError("connection reset by scanner")
        n = min(len(buf), self.left)
        buf[:n] = b"x" * n
        self.left -= n
        return n


# -- content objects ---------------------------------------------------------------------------


def test_put_get_roundtrip_bytes_and_stream(store):
    key = store.put(DATA, media_type="text/plain")
    assert key == sha(DATA)
    assert read_all(store, key) == DATA
    big = os.urandom(3 * 1024 * 1024 + 17)  # several read chunks
    key2 = store.put(io.BytesIO(big))
    assert key2 == sha(big)
    with store.get(key2) as stream:
        parts = iter(lambda: stream.read(65536), b"")
        assert hashlib.sha256(b"".join(parts)).hexdigest() == key2
    assert stream.closed
    assert store.put(b"") == sha(b"") and read_all(store, sha(b"")) == b""


def test_same_bytes_are_stored_once(store):
    first = store.put(DATA)
    assert store.put(io.BytesIO(DATA)) == first
    assert list(store.iter_keys()) == [first]
    if isinstance(store, S3ObjectStore):
        assert len(s3_versions(store, f"objects/{first}")) == 1  # no second upload, not even a version
    else:
        assert os.listdir(store.root / ".tmp") == []


def test_concurrent_puts_of_the_same_bytes(store):
    keys, errors = [], []

    def put():
        try:
            keys.append(store.put(DATA))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(keys) == {sha(DATA)}
    assert read_all(store, sha(DATA)) == DATA


def test_stat_exists_iter_keys(store):
    assert list(store.iter_keys()) == []
    keys = {store.put(f"page {i}".encode()) for i in range(5)}
    assert set(store.iter_keys()) == keys
    key = sha(b"page 3")
    info = store.stat(key)
    assert isinstance(info, ObjectInfo)
    assert (info.key, info.size) == (key, len(b"page 3"))
    assert info.modified.tzinfo is not None
    assert abs(info.modified - datetime.now(UTC)) < timedelta(minutes=5)
    assert store.exists(key) and not store.exists(sha(b"never stored"))


def test_verify_good_object(store):
    assert store.verify(store.put(DATA)) is True


def test_verify_detects_a_flipped_byte(store):
    key = store.put(DATA)
    tamper(store, key)
    assert read_all(store, key) != DATA
    assert store.verify(key) is False


def test_unknown_key_is_not_found(store):
    missing = sha(b"nothing")
    for call in (store.get, store.stat, store.verify):
        with pytest.raises(NotFound):
            call(missing)
    assert store.exists(missing) is False
    with pytest.raises(NotFound):
        store.delete(missing, warrant=warrant_for(missing))


@pytest.mark.parametrize(
    "bad", ["", "abc", "A" * 64, "g" * 64, "a" * 63, "a" * 65, "../" + "a" * 61, None, 12]
)
def test_malformed_key_is_rejected(store, bad):
    for call in (store.get, store.stat, store.exists, store.verify):
        with pytest.raises(ValidationError):
            call(bad)
    with pytest.raises(ValidationError):
        store.delete(bad, warrant=DestructionWarrant(1, frozenset([bad]), "archivist"))


def test_put_rejects_non_binary_input(store):
    with pytest.raises(ValidationError):
        store.put("text is not bytes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        store.put(io.StringIO("text stream"))  # type: ignore[arg-type]


def test_failed_stream_leaves_nothing_behind(store):
    with pytest.raises(OSError, match="connection reset"):
        store.put(io.BufferedReader(FailingStream(good=2 * 1024 * 1024 + 5)))
    assert list(store.iter_keys()) == []
    if isinstance(store, LocalObjectStore):
        assert os.listdir(store.root / ".tmp") == []
        content_dirs = [p for p in store.root.iterdir() if p.name not in (".tmp", "named", "locks")]
        assert content_dirs == []
    else:
        assert list(store.client.list_objects(store.bucket, recursive=True, include_version=True)) == []


# -- deletion needs a destruction warrant -----------------------------------------------------


def test_delete_without_a_warrant_is_forbidden(store):
    key = store.put(DATA)
    with pytest.raises(Forbidden, match="no warrant"):
        store.delete(key, warrant=None)
    with pytest.raises(Forbidden):
        store.delete(key, warrant={"keys": [key]})  # looks like one, is not one
    assert store.verify(key)


def test_delete_with_a_warrant_for_other_objects_is_forbidden(store):
    key = store.put(DATA)
    other = store.put(b"another record")
    with pytest.raises(Forbidden, match="does not cover"):
        store.delete(key, warrant=warrant_for(other))
    assert store.exists(key)


def test_delete_with_a_proper_warrant_removes_everything(store):
    key = store.put(DATA)
    keep = store.put(b"kept")
    if isinstance(store, S3ObjectStore):
        tamper(store, key)  # leaves a second version behind: delete must remove that one too
    store.delete(key, warrant=warrant_for(key))
    assert not store.exists(key)
    assert list(store.iter_keys()) == [keep]
    with pytest.raises(NotFound):
        store.get(key)
    with pytest.raises(NotFound):
        store.delete(key, warrant=warrant_for(key))
    if isinstance(store, S3ObjectStore):
        assert s3_versions(store, f"objects/{key}") == []
    assert store.put(DATA) == key and store.verify(key)  # the same bytes may be stored again later


# -- write-once named objects ------------------------------------------------------------------


def test_put_once_is_write_once(store):
    name = "audit-anchors/000000000123.json"
    store.put_once(name, b'{"head": "abc"}')
    with pytest.raises(Conflict):
        store.put_once(name, b'{"head": "forged"}')
    assert store.get_named(name) == b'{"head": "abc"}'
    with pytest.raises(NotFound):
        store.get_named("audit-anchors/000000000999.json")
    if isinstance(store, S3ObjectStore):
        # An overwrite behind the store's back only adds a version; the first one stays in force.
        store.client.put_object(store.bucket, f"named/{name}", io.BytesIO(b"forged"), 6)
        assert store.get_named(name) == b'{"head": "abc"}'


@pytest.mark.parametrize("bad", ["", "/abs", "../escape", "a//b", "a/../b", "a/", "名字"])
def test_malformed_names_are_rejected(store, bad):
    with pytest.raises(ValidationError):
        store.put_once(bad, b"x")
    with pytest.raises(ValidationError):
        store.get_named(bad)


def test_list_named_and_separate_namespaces(store):
    names = ["audit-anchors/000000000200.json", "audit-anchors/000000000100.json", "exports/2026-11.csv"]
    for n in names:
        store.put_once(n, n.encode())
    assert store.list_named("audit-anchors/") == sorted(names[:2])
    assert store.list_named("audit-anchors/0000000001") == ["audit-anchors/000000000100.json"]
    assert store.list_named() == sorted(names)
    assert store.list_named("nothing/") == []
    assert list(store.iter_keys()) == []  # named objects are not content
    key = store.put(b"content")
    assert store.list_named() == sorted(names) and list(store.iter_keys()) == [key]


def test_named_files_are_read_only_on_disk(store):
    if not isinstance(store, LocalObjectStore):
        pytest.skip("on S3 the bucket's object lock protects named objects")
    store.put_once("audit-anchors/1.json", b"{}")
    mode = (store.root / "named" / "audit-anchors" / "1.json").stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


# -- object lock -------------------------------------------------------------------------------


def test_bucket_or_directory_supports_object_lock(store):
    # The store creates its S3 bucket with object lock; moto can report that much.
    assert store.supports_object_lock is True


@pytest.mark.minio
def test_legal_hold_blocks_destruction(store):
    key = store.put(DATA)
    assert store.get_legal_hold(key) is False
    store.set_legal_hold(key, True)
    assert store.get_legal_hold(key) is True
    with pytest.raises(Conflict, match="legal hold"):
        store.delete(key, warrant=warrant_for(key))
    assert store.verify(key)
    store.set_legal_hold(key, False)
    store.delete(key, warrant=warrant_for(key))
    assert not store.exists(key)


@pytest.mark.minio
def test_retention_blocks_destruction_until_it_ends(store):
    key = store.put(DATA)
    until = datetime.now(UTC) + timedelta(seconds=2)
    store.set_retention(key, until)
    with pytest.raises(Conflict, match="retention"):
        store.set_retention(key, until - timedelta(days=1))
    with pytest.raises(Conflict, match="retention"):
        store.delete(key, warrant=warrant_for(key))
    time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 0.5)
    store.delete(key, warrant=warrant_for(key))
    assert not store.exists(key)


@pytest.mark.minio
def test_lock_calls_on_unknown_or_bad_keys(store):
    missing = sha(b"nothing")
    with pytest.raises(NotFound):
        store.set_legal_hold(missing, True)
    with pytest.raises(NotFound):
        store.get_legal_hold(missing)
    with pytest.raises(NotFound):
        store.set_retention(missing, datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(ValidationError):
        store.set_legal_hold("nope", True)
    with pytest.raises(ValidationError):
        store.set_retention(store.put(b"x"), datetime.now() + timedelta(days=1))  # naive datetime


# -- choosing the backend by URL ---------------------------------------------------------------


def test_open_store_chooses_the_backend(tmp_path, s3_url):
    local = open_store(f"file://{tmp_path}/objects")
    assert isinstance(local, LocalObjectStore) and local.root == tmp_path / "objects"
    remote = open_store(s3_url)
    assert isinstance(remote, S3ObjectStore)
    key = remote.put(b"via url")
    assert open_store(s3_url.replace("s3://", "minio://", 1)).verify(key)
    assert isinstance(open_store(s3_url.replace("s3://", "s3+http://", 1)), S3ObjectStore)


def test_open_store_rejects_bad_urls():
    with pytest.raises(ConfigError, match="not supported"):
        open_store("ftp://host/objects")
    with pytest.raises(ConfigError, match="bucket"):
        open_store("s3://k:s@127.0.0.1:9/")
    with pytest.raises(ConfigError, match="bucket"):
        open_store("s3://k:s@127.0.0.1:9/a/b")
