"""Fixtures for the ObjectStore conformance suite: every test runs on local disk and on S3.

S3 is a throwaway moto server unless ARCHIVE_TEST_S3_URL names a real MinIO
(s3://KEY:SECRET@host:9000/bucket); each test gets a bucket of its own. Tests marked
`minio` (object lock) run their S3 variant only against real MinIO.
"""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore
from tests.servers.s3 import start_s3_server

S3_ENV = "ARCHIVE_TEST_S3_URL"
MOTO_CANNOT_LOCK = (
    "object lock (legal hold, retention) can only be verified against real MinIO: moto cannot "
    f"(see SERVICES.md); set {S3_ENV}=s3://KEY:SECRET@host:9000/bucket to run it"
)
_buckets = itertools.count(1)
_run = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = start_s3_server(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def s3_url(request) -> str:
    """A URL naming a fresh bucket: on the MinIO of ARCHIVE_TEST_S3_URL, else on the moto server."""
    real = os.environ.get(S3_ENV)
    if not real:
        return request.getfixturevalue("s3_server").new_bucket_url()
    parts = urlsplit(real)
    bucket = f"{parts.path.strip('/') or 'archive-test'}-{_run}-{next(_buckets)}"
    return parts._replace(path=f"/{bucket}").geturl()


def _open_s3(url: str) -> S3ObjectStore:
    # GOVERNANCE and a short anchor retention, so test buckets on a real MinIO can still be cleaned.
    return S3ObjectStore.from_url(url, lock_mode="GOVERNANCE", named_retention=timedelta(days=1))


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    if request.node.get_closest_marker("minio") and not os.environ.get(S3_ENV):
        pytest.skip(MOTO_CANNOT_LOCK)
    return _open_s3(request.getfixturevalue("s3_url"))
