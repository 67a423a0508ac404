"""Content-addressed objects in MinIO or any S3, through the `minio` client.

Layout in the bucket:
    objects/<sha256>    content objects
    named/<name>        write-once named objects (object-lock retention when the bucket has it)

The bucket is created with object lock, which also turns on versioning. Versioning is why
`delete` removes every version and why `get_named` reads the *oldest* version: an overwrite
of a named object leaves the first, retained version in force.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import BinaryIO
from urllib.parse import parse_qs, unquote, urlsplit

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.retention import COMPLIANCE, GOVERNANCE, Retention

from archive.config import mask_password
from archive.errors import ArchiveError, ConfigError, Conflict, NotFound, TransientError, ValidationError
from storage.base import (
    CHUNK,
    ObjectInfo,
    ObjectStore,
    as_stream,
    check_key,
    check_name,
    check_until,
    is_key,
    iter_chunks,
)

PART_SIZE = 16 * 1024 * 1024  # multipart part size; the client holds about one part in memory
_MISSING = {"NoSuchKey", "NoSuchVersion", "NotFound", "ResourceNotFound"}
# Codes S3 servers answer when busy or briefly failing: the same request may succeed later.
_BUSY = {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "ServiceUnavailable", "InternalError",
         "RequestLimitExceeded", "XMinioServerNotInitialized"}
_URL_SCHEMES = {"s3": False, "minio": False, "s3+http": False, "s3+https": True}  # scheme -> TLS


class S3ObjectStore(ObjectStore):
    worm = True  # per-object retention on object-lock buckets (ObjectStore.retain); runtime may switch it off

    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        part_size: int = PART_SIZE,
        spool_dir: str | None = None,
        lock_mode: str = COMPLIANCE,
        named_retention: timedelta | None = timedelta(days=365 * 100),
    ):
        if lock_mode not in (COMPLIANCE, GOVERNANCE):
            raise ConfigError(f"object lock mode must be {COMPLIANCE} or {GOVERNANCE}, got {lock_mode!r}")
        self.client = client
        self.bucket = bucket
        self.part_size = part_size
        self.spool_dir = spool_dir  # where put spools the stream while hashing (default: system temp)
        self.lock_mode = lock_mode
        self.named_retention = named_retention  # anchors are kept for as long as the archive lives
        self._lock_enabled: bool | None = None
        self._ensure_bucket()

    @classmethod
    def from_url(cls, url: str, **kwargs) -> S3ObjectStore:
        """s3://KEY:SECRET@host:port/bucket[?region=..&lock_mode=GOVERNANCE]; s3+https:// for TLS."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        shown = mask_password(url)
        if scheme not in _URL_SCHEMES:
            raise ConfigError(f"ARCHIVE_STORAGE_URL: {shown!r} is not an S3 URL")
        bucket = parts.path.strip("/")
        if not parts.hostname or not bucket or "/" in bucket:
            raise ConfigError(
                f"ARCHIVE_STORAGE_URL: {shown!r} must look like s3://KEY:SECRET@host:port/bucket"
            )
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        endpoint = parts.hostname + (f":{parts.port}" if parts.port else "")
        client = Minio(
            endpoint,
            access_key=unquote(parts.username or ""),
            secret_key=unquote(parts.password or ""),
            secure=_URL_SCHEMES[scheme],
            region=query.get("region"),
        )
        if "lock_mode" in query:
            kwargs.setdefault("lock_mode", query["lock_mode"].upper())
        return cls(client, bucket, **kwargs)

    @property
    def location(self) -> str:
        base = getattr(self.client, "_base_url", None)  # for messages only; never holds the secret
        return f"s3://{base.host if base else '?'}/{self.bucket}"

    @contextlib.contextmanager
    def _errors(self, what: str, missing: str | None = None):
        """Turn client errors into archive errors with a one-line message."""
        try:
            yield
        except S3Error as exc:
            if missing and exc.code in _MISSING:
                raise NotFound(f"{missing} not found") from None
            kind = TransientError if exc.code in _BUSY else ArchiveError
            raise kind(f"object store {self.location}: {what} failed: {exc.code}: {exc.message}") from exc
        except (ServerError, InvalidResponseError) as exc:  # a 5xx or a non-S3 answer (a proxy in between)
            raise TransientError(f"object store {self.location}: {what} failed: {exc}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            # Connection refused or reset, DNS, timeouts: the server may be back shortly.
            raise TransientError(f"object store {self.location} is unreachable during {what}: {exc}") from exc

    def _ensure_bucket(self) -> None:
        with self._errors("bucket check"):
            if self.client.bucket_exists(self.bucket):
                return
            try:
                self.client.make_bucket(self.bucket, object_lock=True)  # object lock also turns on versioning
            except S3Error as exc:
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    # -- content objects ------------------------------------------------------------------
    def put(self, data: bytes | BinaryIO, *, media_type: str = "application/octet-stream") -> str:
        stream = as_stream(data)
        digest = hashlib.sha256()
        # Spool to disk while hashing: memory stays flat and the key is known before the upload.
        with tempfile.TemporaryFile(dir=self.spool_dir, prefix="archive-put-") as spool:
            size = 0
            for chunk in iter_chunks(stream):
                digest.update(chunk)
                spool.write(chunk)
                size += len(chunk)
            key = digest.hexdigest()
            if not self.exists(key):
                spool.seek(0)
                self._upload(key, spool, size, media_type)
        self._replicate(key)
        return key

    def _upload(self, key: str, stream: BinaryIO, size: int, media_type: str = "application/octet-stream") -> None:
        with self._errors(f"upload of {key}"):
            self.client.put_object(
                self.bucket,
                _obj(key),
                stream,
                size,
                content_type=media_type,
                part_size=self.part_size,
                num_parallel_uploads=1,  # one part in memory at a time
            )

    def _own_copies(self, key: str) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
        # Versioning keeps every earlier write. The newest version, unless a delete marker hides
        # it, is the current object that fixity found wrong: only the older ones are copies.
        entries = self._versions(_obj(key))  # servers differ in how they order versions and markers
        older = [v for v in entries if not v.is_delete_marker and str(v.is_latest).lower() != "true"]
        older.sort(key=lambda v: v.last_modified or datetime.fromtimestamp(0, UTC), reverse=True)
        for v in older:
            yield f"{self.location} version {v.version_id}", functools.partial(self._open_version, key, v.version_id)

    def _open_version(self, key: str, version_id: str | None) -> BinaryIO:
        with self._errors(f"read of {key}", missing=f"object {key}"):
            response = self.client.get_object(self.bucket, _obj(key), version_id=_vid(version_id))
        return io.BufferedReader(_ResponseReader(response), CHUNK)

    def _restore(self, key: str, stream: BinaryIO) -> bool:
        digest = hashlib.sha256()
        with tempfile.TemporaryFile(dir=self.spool_dir, prefix="archive-restore-") as spool:
            size = 0
            for chunk in iter_chunks(stream):
                digest.update(chunk)
                spool.write(chunk)
                size += len(chunk)
            if digest.hexdigest() != key:
                return False
            spool.seek(0)
            self._upload(key, spool, size)  # a new version on top: locked versions stay as they are
        return True

    def get(self, key: str) -> BinaryIO:
        with self._errors(f"read of {key}", missing=f"object {key}"):
            response = self.client.get_object(self.bucket, _obj(check_key(key)))
        return io.BufferedReader(_ResponseReader(response), CHUNK)

    def stat(self, key: str) -> ObjectInfo:
        with self._errors(f"stat of {key}", missing=f"object {key}"):
            obj = self.client.stat_object(self.bucket, _obj(check_key(key)))
        return ObjectInfo(key, obj.size or 0, obj.last_modified or datetime.fromtimestamp(0, UTC))

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except NotFound:
            return False
        return True

    def iter_keys(self) -> Iterator[str]:
        with self._errors("listing"):
            for obj in self.client.list_objects(self.bucket, prefix="objects/", recursive=True):
                key = obj.object_name.removeprefix("objects/")
                if is_key(key):
                    yield key

    def _versions(self, name: str) -> list:
        """Every version and delete marker of one object, newest first (S3 lists them so)."""
        with self._errors(f"version listing of {name}"):
            return [
                v
                for v in self.client.list_objects(self.bucket, prefix=name, include_version=True)
                if v.object_name == name
            ]

    def _delete(self, key: str) -> None:
        name = _obj(key)
        versions = self._versions(name)
        if not any(not v.is_delete_marker for v in versions):
            raise NotFound(f"object {key} not found")
        # Check every version before removing any, so a held object is left whole, not half-deleted.
        if self.supports_object_lock:
            for v in versions:
                if not v.is_delete_marker:
                    _refuse_if_locked(key, *self._lock_state(name, v.version_id))
        with self._errors(f"delete of {key}"):
            for v in versions:
                try:
                    self.client.remove_object(self.bucket, name, version_id=_vid(v.version_id))
                except S3Error as exc:
                    if exc.code != "AccessDenied":
                        raise
                    # The server enforces the lock even where our check above could not see it.
                    raise Conflict(
                        f"object {key} is protected by object lock (legal hold or retention)"
                    ) from None

    # -- write-once named objects ---------------------------------------------------------
    def put_once(self, name: str, data: bytes) -> None:
        obj = "named/" + check_name(name)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ValidationError("put_once needs bytes")
        if any(not v.is_delete_marker for v in self._versions(obj)):
            raise Conflict(f"named object {name} already exists and cannot be replaced")
        data = bytes(data)
        media = "application/json" if name.endswith(".json") else "application/octet-stream"
        with self._errors(f"write of {name}"):
            result = self.client.put_object(self.bucket, obj, io.BytesIO(data), len(data), content_type=media)
        # S3 has no portable create-if-absent: if a concurrent writer got in first, the oldest version wins.
        versions = [v for v in self._versions(obj) if not v.is_delete_marker]
        if result.version_id and versions and versions[-1].version_id != result.version_id:
            raise Conflict(f"named object {name} already exists and cannot be replaced")
        if self.named_retention and self.supports_object_lock:
            # A separate call because minio-py sends Content-MD5 (which object lock requires) only here.
            until = datetime.now(UTC) + self.named_retention
            with self._errors(f"retention of {name}"):
                self.client.set_object_retention(
                    self.bucket, obj, Retention(self.lock_mode, until), version_id=result.version_id
                )

    def get_named(self, name: str) -> bytes:
        obj = "named/" + check_name(name)
        versions = [v for v in self._versions(obj) if not v.is_delete_marker]
        if not versions:
            raise NotFound(f"named object {name} not found")
        with self._errors(f"read of {name}", missing=f"named object {name}"):
            response = self.client.get_object(self.bucket, obj, version_id=_vid(versions[-1].version_id))
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def list_named(self, prefix: str = "") -> list[str]:
        folder = prefix.rpartition("/")[0]
        if folder:
            check_name(folder)
        with self._errors("listing"):
            return sorted(
                o.object_name.removeprefix("named/")
                for o in self.client.list_objects(self.bucket, prefix="named/" + prefix, recursive=True)
            )

    # -- object lock (enforced by the server) ----------------------------------------------
    @property
    def supports_object_lock(self) -> bool:
        if self._lock_enabled is None:
            with self._errors("object-lock check"):
                try:
                    self.client.get_object_lock_config(self.bucket)
                    self._lock_enabled = True
                except S3Error as exc:
                    if exc.code != "ObjectLockConfigurationNotFoundError":
                        raise
                    self._lock_enabled = False
        return self._lock_enabled

    def _require_lock(self) -> None:
        if not self.supports_object_lock:
            raise ArchiveError(
                f"object lock is not enabled on bucket {self.bucket}; create the bucket with object lock"
            )

    def _lock_state(self, name: str, version_id: str | None = None) -> tuple[bool, datetime | None]:
        # Read from HEAD headers: they carry hold and retention without a second XML round trip.
        with self._errors(f"stat of {name}", missing=f"object {name}"):
            headers = self.client.stat_object(self.bucket, name, version_id=_vid(version_id)).metadata
        until = headers.get("x-amz-object-lock-retain-until-date")
        return (
            headers.get("x-amz-object-lock-legal-hold", "").upper() == "ON",
            datetime.fromisoformat(until) if until else None,
        )

    def set_legal_hold(self, key: str, on: bool) -> None:
        self._require_lock()
        if not self.exists(key):  # a clear NotFound; servers differ in how they answer this for a missing key
            raise NotFound(f"object {key} not found")
        call = self.client.enable_object_legal_hold if on else self.client.disable_object_legal_hold
        with self._errors(f"legal hold on {key}", missing=f"object {key}"):
            call(self.bucket, _obj(check_key(key)))

    def get_legal_hold(self, key: str) -> bool:
        self._require_lock()
        if not self.exists(key):
            raise NotFound(f"object {key} not found")
        with self._errors(f"legal hold of {key}", missing=f"object {key}"):
            return bool(self.client.is_object_legal_hold_enabled(self.bucket, _obj(key)))

    def retained_until(self, key: str) -> datetime | None:
        if not self.supports_object_lock:
            return None
        return self._lock_state(_obj(check_key(key)))[1]

    def set_retention(self, key: str, until: datetime) -> None:
        self._require_lock()
        until = check_until(until)
        _hold, current = self._lock_state(_obj(check_key(key)))
        if current and current > until:
            raise Conflict(
                f"object {key} is retained until {current.isoformat()}; retention can be extended, not shortened"
            )
        with self._errors(f"retention of {key}", missing=f"object {key}"):
            self.client.set_object_retention(self.bucket, _obj(key), Retention(self.lock_mode, until))


class _ResponseReader(io.RawIOBase):
    """A raw stream over an HTTP response whose close() hands the connection back to the pool."""

    def __init__(self, response):
        self._response = response

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._response.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


def _refuse_if_locked(key: str, hold: bool, until: datetime | None) -> None:
    if hold:
        raise Conflict(f"object {key} is under legal hold; release the hold before destroying it")
    if until and until > datetime.now(UTC):
        raise Conflict(
            f"object {key} is under retention until {until.isoformat()} and cannot be destroyed before then"
        )


def _obj(key: str) -> str:
    return f"objects/{key}"


def _vid(version_id: str | None) -> str | None:
    return None if version_id in (None, "", "null") else version_id
