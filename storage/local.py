"""Content-addressed objects on a local file system: the embedded, zero-service default.

Layout under `root`:
    ab/cd/<sha256>      content objects, files readable by the owner only (0400, folders 0700)
    named/<name>        write-once named objects, read-only files
    locks/<sha256>.json legal hold / retention markers
    .tmp/               uploads in progress (same file system, so the final rename is atomic)

A content file appears under its key only by an atomic rename of a complete, fsynced temp
file, so a crash or a failing input stream never leaves a partial object behind.

Object lock on this backend is enforced by the store itself (`delete` refuses held or retained
objects); it is not a WORM guarantee against someone with write access to the directory. Use
MinIO with object lock where that guarantee is needed.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from archive.errors import ArchiveError, Conflict, NotFound, TransientError, ValidationError
from archive.filemodes import private_dir
from storage.base import (
    ObjectInfo,
    ObjectStore,
    as_stream,
    check_key,
    check_name,
    check_until,
    is_key,
    iter_chunks,
)

_HEX2 = frozenset(f"{i:02x}" for i in range(256))
# Errors of a network mount (NFS, SMB) or a busy disk that pass: a retry later may succeed.
_TRANSIENT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("EAGAIN", "EBUSY", "EINTR", "EIO", "ESTALE", "ETIMEDOUT", "EHOSTDOWN",
                                      "EHOSTUNREACH", "ENETDOWN", "ENETUNREACH", "ECONNRESET", "ENOLCK")
    if hasattr(errno, name)
)


def _transient(method: Callable) -> Callable:
    """Report an OSError that may pass as TransientError (tasks retry it); others as they are."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except OSError as exc:
            if exc.errno in _TRANSIENT_ERRNOS:
                raise TransientError(f"object store {self.location}: {exc.strerror or exc}") from exc
            raise

    return wrapper


class LocalObjectStore(ObjectStore):
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._tmp = self.root / ".tmp"
        self._named = self.root / "named"
        self._locks = self.root / "locks"
        try:
            for d in (self.root, self._tmp, self._named, self._locks):
                private_dir(d)  # 0700: the scans of classified records are the service's alone
        except OSError as exc:
            raise ArchiveError(f"cannot use {self.root} as object store: {exc.strerror}") from None

    @property
    def location(self) -> str:
        return f"file://{self.root}"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key[2:4] / key

    # -- content objects ------------------------------------------------------------------
    @_transient
    def put(self, data: bytes | BinaryIO, *, media_type: str = "application/octet-stream") -> str:
        # media_type is not kept here: the catalog records it; the bytes are what we guard.
        stream = as_stream(data)
        digest = hashlib.sha256()
        tmp = self._write_temp(iter_chunks(stream), digest)
        try:
            key = digest.hexdigest()
            path = self._path(key)
            if not path.exists():
                _makedirs_durable(path.parent)
                os.replace(tmp, path)
                _fsync_dir(path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._replicate(key)
        return key

    def _restore(self, key: str, stream: BinaryIO) -> bool:
        digest = hashlib.sha256()
        tmp = self._write_temp(iter_chunks(stream), digest)
        try:
            if digest.hexdigest() != key:
                return False
            path = self._path(key)
            _makedirs_durable(path.parent)
            os.replace(tmp, path)  # atomic: the damaged file is replaced whole or not at all
            _fsync_dir(path.parent)
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def _write_temp(self, chunks, digest=None) -> str:
        """Write chunks to a fsynced, read-only temp file in .tmp/; removed again if anything fails."""
        fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    if digest is not None:
                        digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o400)  # stored objects are immutable, and the service's alone
        except BaseException:
            os.unlink(tmp)
            raise
        return tmp

    @_transient
    def get(self, key: str) -> BinaryIO:
        try:
            return open(self._path(check_key(key)), "rb")  # the caller closes it
        except FileNotFoundError:
            raise NotFound(f"object {key} not found") from None

    @_transient
    def stat(self, key: str) -> ObjectInfo:
        try:
            st = self._path(check_key(key)).stat()
        except FileNotFoundError:
            raise NotFound(f"object {key} not found") from None
        return ObjectInfo(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def exists(self, key: str) -> bool:
        return self._path(check_key(key)).is_file()

    def iter_keys(self) -> Iterator[str]:
        # Only ab/cd/<key> paths whose name matches its directories count; .tmp, named, locks are skipped.
        for top in _scan_dirs(self.root):
            if top.name not in _HEX2:
                continue
            for sub in _scan_dirs(Path(top.path)):
                if sub.name not in _HEX2:
                    continue
                for entry in os.scandir(sub.path):
                    name = entry.name
                    if name[:2] == top.name and name[2:4] == sub.name and is_key(name) and entry.is_file():
                        yield name

    def _delete(self, key: str) -> None:
        path = self._path(key)
        if not path.exists():
            raise NotFound(f"object {key} not found")
        lock = self._read_lock(key)
        _refuse_if_locked(key, lock)
        path.unlink()
        _fsync_dir(path.parent)
        with contextlib.suppress(FileNotFoundError):
            self._lock_path(key).unlink()

    # -- write-once named objects ---------------------------------------------------------
    @_transient
    def put_once(self, name: str, data: bytes) -> None:
        target = self._named / check_name(name)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ValidationError("put_once needs bytes")
        tmp = self._write_temp([bytes(data)])
        try:
            _makedirs_durable(target.parent)
            os.link(tmp, target)  # atomic and never overwrites: the file system decides who was first
            _fsync_dir(target.parent)
        except FileExistsError:
            raise Conflict(f"named object {name} already exists and cannot be replaced") from None
        finally:
            os.unlink(tmp)

    @_transient
    def get_named(self, name: str) -> bytes:
        try:
            return (self._named / check_name(name)).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise NotFound(f"named object {name} not found") from None

    def list_named(self, prefix: str = "") -> list[str]:
        folder = prefix.rpartition("/")[0]
        base = self._named / check_name(folder) if folder else self._named
        names = []
        for dirpath, _dirs, files in os.walk(base):
            rel = Path(dirpath).relative_to(self._named).as_posix()
            for f in files:
                name = f if rel == "." else f"{rel}/{f}"
                if name.startswith(prefix):
                    names.append(name)
        return sorted(names)

    # -- object lock (marker files, enforced by _delete) ------------------------------------
    @property
    def supports_object_lock(self) -> bool:
        return True

    def _lock_path(self, key: str) -> Path:
        return self._locks / f"{key}.json"

    def _read_lock(self, key: str) -> dict:
        try:
            return json.loads(self._lock_path(key).read_text())
        except FileNotFoundError:
            return {}

    def _write_lock(self, key: str, lock: dict) -> None:
        tmp = self._write_temp([json.dumps(lock).encode()])
        os.replace(tmp, self._lock_path(key))
        _fsync_dir(self._locks)

    def _existing(self, key: str) -> str:
        if not self.exists(key):
            raise NotFound(f"object {key} not found")
        return key

    def set_legal_hold(self, key: str, on: bool) -> None:
        lock = self._read_lock(self._existing(key))
        self._write_lock(key, {**lock, "legal_hold": bool(on)})

    def get_legal_hold(self, key: str) -> bool:
        return bool(self._read_lock(self._existing(key)).get("legal_hold"))

    def retained_until(self, key: str) -> datetime | None:
        until = self._read_lock(self._existing(key)).get("retain_until")
        return datetime.fromisoformat(until) if until else None

    def set_retention(self, key: str, until: datetime) -> None:
        until = check_until(until)
        lock = self._read_lock(self._existing(key))
        current = lock.get("retain_until")
        if current and datetime.fromisoformat(current) > until:
            raise Conflict(
                f"object {key} is retained until {current}; retention can be extended, not shortened"
            )
        self._write_lock(key, {**lock, "retain_until": until.isoformat()})


def _refuse_if_locked(key: str, lock: dict) -> None:
    if lock.get("legal_hold"):
        raise Conflict(f"object {key} is under legal hold; release the hold before destroying it")
    until = lock.get("retain_until")
    if until and datetime.fromisoformat(until) > datetime.now(UTC):
        raise Conflict(f"object {key} is under retention until {until} and cannot be destroyed before then")


def _scan_dirs(path: Path) -> Iterator[os.DirEntry]:
    with os.scandir(path) as it:
        yield from (e for e in it if e.is_dir(follow_symlinks=False))


def _makedirs_durable(path: Path) -> None:
    """mkdir -p, fsyncing each parent whose entry list changed, so a crash cannot lose the new dirs."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):  # a concurrent put made it
            d.mkdir(mode=0o700)
        _fsync_dir(d.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
