"""The ObjectStore interface: immutable, content-addressed bytes plus write-once named objects.

Content objects are addressed by the lowercase hex SHA-256 of their bytes, so writing the same
bytes twice stores them once and every read can be checked against its key. Nothing is removed
except by `delete` with a DestructionWarrant naming the key (archive.warrant).

Named objects (`put_once`/`get_named`) live in a namespace of their own; they hold small
documents that must never change once written, such as the audit trail's chain-head anchors.
"""

from __future__ import annotations

import abc
import dataclasses
import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from archive.errors import ArchiveError, Conflict, NotFound, ValidationError
from archive.warrant import require_warrant

CHUNK = 1024 * 1024  # read streams 1 MiB at a time: memory stays flat for any object size

_KEY = re.compile(r"[0-9a-f]{64}")
# Named objects: relative, slash-separated segments of safe characters ("audit-anchors/0001.json").
_NAME_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


@dataclasses.dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime  # timezone-aware, UTC


def check_key(key: object) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValidationError(f"object key must be 64 lowercase hex digits (a SHA-256), got {key!r}")
    return key


def is_key(name: str) -> bool:
    return bool(_KEY.fullmatch(name))


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name or len(name) > 512:
        raise ValidationError(f"object name must be a non-empty string, got {name!r}")
    if not all(_NAME_SEGMENT.fullmatch(part) for part in name.split("/")):
        raise ValidationError(
            f"object name {name!r} must be slash-separated segments of letters, digits, . _ -"
        )
    return name


def check_until(until: object) -> datetime:
    if not isinstance(until, datetime) or until.tzinfo is None:
        raise ValidationError(f"retention date must be a timezone-aware datetime, got {until!r}")
    return until.astimezone(UTC)


def as_stream(data: bytes | bytearray | memoryview | BinaryIO) -> BinaryIO:
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(data)
    if not hasattr(data, "read"):
        raise ValidationError(f"put needs bytes or a readable binary stream, got {type(data).__name__}")
    return data


def iter_chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise ValidationError("put needs a binary stream (read() returned text)")
        yield chunk


class ObjectStore(abc.ABC):
    """Content-addressed, immutable object storage. Backends: LocalObjectStore, S3ObjectStore."""

    # -- content objects ------------------------------------------------------------------
    @abc.abstractmethod
    def put(self, data: bytes | BinaryIO, *, media_type: str = "application/octet-stream") -> str:
        """Store bytes or a stream (read in chunks); return its SHA-256 key. Same bytes: stored once."""

    @abc.abstractmethod
    def get(self, key: str) -> BinaryIO:
        """A readable binary stream (use it with `with`). NotFound for an unknown key."""

    @abc.abstractmethod
    def stat(self, key: str) -> ObjectInfo: ...

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def iter_keys(self) -> Iterator[str]:
        """Every content key, in no particular order."""

    def verify(self, key: str) -> bool:
        """Recompute the SHA-256 by streaming the stored bytes; False if they no longer match the key."""
        check_key(key)
        digest = hashlib.sha256()
        with self.get(key) as stream:
            for chunk in iter_chunks(stream):
                digest.update(chunk)
        return digest.hexdigest() == key

    def delete(self, key: str, *, warrant: object) -> None:
        """Remove an object completely. Only a DestructionWarrant covering the key opens this."""
        require_warrant(warrant, key)  # first, before even looking at the key: Forbidden otherwise
        self._delete(check_key(key))

    @abc.abstractmethod
    def _delete(self, key: str) -> None:
        """Remove every trace of the object; Conflict while it is under legal hold or retention."""

    # -- second copies: repair from a verified copy (DOMAIN.md §11) ------------------------
    # Replicas receive every content object this store writes; `restore` puts a changed or
    # missing object back from the first copy whose SHA-256 equals the key.
    replicas: tuple[ObjectStore, ...] = ()

    def add_replica(self, replica: ObjectStore) -> None:
        """Write every object also to `replica` (a folder on other media, a mirror bucket)."""
        self.replicas = (*self.replicas, replica)

    def _replicate(self, key: str) -> None:
        """Called by `put` once the object is stored: each replica that lacks it gets a copy."""
        for replica in self.replicas:
            if not replica.exists(key):
                with self.get(key) as stream:
                    if replica.put(stream) != key:  # the bytes changed between write and copy
                        raise ArchiveError(f"object {key} changed before it reached replica {replica.location}")

    def _own_copies(self, key: str) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
        """Earlier copies kept by the backend itself (S3 versions); none on local disk."""
        return iter(())

    def copies(self, key: str) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
        """(where, open) for every second copy of `key`, the backend's own versions first."""
        yield from self._own_copies(check_key(key))
        for replica in self.replicas:
            yield replica.location, functools.partial(replica.get, key)

    def restore(self, key: str) -> str | None:
        """Put `key` back from a copy whose digest is verified; where it came from, or None."""
        for where, open_copy in self.copies(key):
            try:
                with open_copy() as stream:
                    if self._restore(key, stream):
                        return where
            except (NotFound, ArchiveError):
                continue  # this copy is gone or unreadable: try the next one
        return None

    def _restore(self, key: str, stream: BinaryIO) -> bool:
        """Write `stream` as the current object `key` if its SHA-256 is `key`; False otherwise."""
        raise ArchiveError(f"{type(self).__name__} cannot restore objects")

    # -- write-once named objects ---------------------------------------------------------
    @abc.abstractmethod
    def put_once(self, name: str, data: bytes) -> None:
        """Write a named object; Conflict if the name already exists."""

    @abc.abstractmethod
    def get_named(self, name: str) -> bytes: ...

    @abc.abstractmethod
    def list_named(self, prefix: str = "") -> list[str]:
        """Names starting with `prefix`, sorted."""

    # -- object lock ------------------------------------------------------------------------
    @property
    @abc.abstractmethod
    def supports_object_lock(self) -> bool: ...

    @abc.abstractmethod
    def set_legal_hold(self, key: str, on: bool) -> None: ...

    @abc.abstractmethod
    def get_legal_hold(self, key: str) -> bool: ...

    @abc.abstractmethod
    def set_retention(self, key: str, until: datetime) -> None:
        """Keep the object at least until `until` (timezone-aware). Retention can be extended, never shortened."""

    def retained_until(self, key: str) -> datetime | None:
        """The object's retention date, if it has one (whether or not it has passed)."""
        return None

    # Records' objects are write-once to their due date (issue 16) only where the server enforces
    # it: S3 object lock, unless ARCHIVE_S3_OBJECT_LOCK=off. Lock files on local disk are not WORM.
    worm: bool = False

    def retain(self, key: str, until: datetime) -> bool:
        """Keep `key` unchangeable and undeletable until `until` (COMPLIANCE mode on S3) where this
        store enforces it; True if the object is now retained at least that long. A longer
        retention already in place (the same bytes in a longer-kept record) stays."""
        until = check_until(until)
        if not self.worm or until <= datetime.now(UTC) or not self.supports_object_lock:
            return False
        try:
            self.set_retention(key, until)
        except Conflict:
            pass  # retained longer already: retention only ever grows
        return True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location}>"

    @property
    def location(self) -> str:
        return ""
