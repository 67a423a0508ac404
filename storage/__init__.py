"""Object storage: immutable, SHA-256-addressed bytes on local disk or MinIO/S3, chosen by URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from archive.config import STORAGE_SCHEMES, local_path, mask_password
from archive.errors import ConfigError
from storage.base import ObjectInfo, ObjectStore

__all__ = ["ObjectInfo", "ObjectStore", "open_store"]


def open_store(url: str) -> ObjectStore:
    """file:///dir -> local disk; s3:// or minio:// (plain HTTP), s3+https:// (TLS) -> S3/MinIO.

    S3 URLs look like s3://KEY:SECRET@host:port/bucket (percent-encode special characters in
    the secret); optional query: ?region=...&lock_mode=COMPLIANCE|GOVERNANCE.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        from storage.local import LocalObjectStore

        return LocalObjectStore(local_path(url))
    if scheme in STORAGE_SCHEMES:
        from storage.s3 import S3ObjectStore  # imported only when used: the local default needs no minio

        return S3ObjectStore.from_url(url)
    raise ConfigError(
        f"ARCHIVE_STORAGE_URL: scheme {scheme or '(none)'!r} in {mask_password(url)!r} is not supported; "
        f"use one of {', '.join(s + '://' for s in STORAGE_SCHEMES)}"
    )
