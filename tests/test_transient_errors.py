"""Issue 16 #2: backend outages are TransientError, retried by the tasks, and answered 503 by the
web with a request id and without backend details. Real parts only: a closed port, a moto S3
server stopped and started again, a real Celery worker process."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import audit
from archive.db import Catalog
from archive.errors import ArchiveError, TransientError
from archive.models import AuditHead
from tests.servers.common import free_port, port_open, wait_until
from tests.servers.s3 import ACCESS_KEY, SECRET_KEY
from tests.web.conftest import login, site  # noqa: F401 - the web suite's fixtures
from tests.web.site import build_site
from web.app import create_app

MOTO = Path(sys.executable).parent / "moto_server"


def start_moto(port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)
    wait_until(lambda: port_open(port), 30, "moto S3 server")
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def s3_url(port: int, bucket: str = "transient") -> str:
    return f"s3://{ACCESS_KEY}:{SECRET_KEY}@127.0.0.1:{port}/{bucket}"


# -- the wrappers -------------------------------------------------------------------------------


def test_catalog_on_a_closed_port_is_transient():
    catalog = Catalog(f"postgresql://archive:pw@127.0.0.1:{free_port()}/archive")
    with pytest.raises(TransientError) as caught, catalog.session() as session:
        session.get(AuditHead, 1)
    assert "pw" not in str(caught.value)
    catalog.dispose()


def test_search_server_on_a_closed_port_is_transient():
    from search.open import open_index

    index = open_index(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TransientError):
        index.count()


def test_stopped_object_store_is_transient_and_a_missing_object_is_not(tmp_path):
    from storage.s3 import S3ObjectStore

    port = free_port()
    proc = start_moto(port, tmp_path / "moto.log")
    try:
        store = S3ObjectStore.from_url(s3_url(port))
        key = store.put(b"scan")
        with pytest.raises(ArchiveError) as missing:
            store.get("0" * 64)
        assert not isinstance(missing.value, TransientError)
    finally:
        stop(proc)
    with pytest.raises(TransientError):
        store.get(key)


def test_local_store_permanent_errors_stay_permanent(tmp_path):
    from storage.local import LocalObjectStore

    store = LocalObjectStore(tmp_path / "objects")
    with pytest.raises(ArchiveError) as caught:
        store.get("0" * 64)
    assert not isinstance(caught.value, TransientError)


# -- the web: 503 with a request id, the detail in the log only ----------------------------------


@pytest.fixture(scope="module")
def down_app(site):  # noqa: F811
    settings = dataclasses.replace(site["settings"], search_url=f"http://127.0.0.1:{free_port()}")
    application = create_app(settings, testing=True)
    yield application
    application.extensions["archive"].close()


def test_search_server_down_is_503_with_request_id_and_no_host(down_app, caplog):
    client = down_app.test_client()
    assert login(client, "archivist").status_code == 302
    with caplog.at_level(logging.ERROR):
        response = client.get("/search?q=测试", headers={"X-Request-ID": "req-search-down-1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:500]
    assert response.headers["X-Request-ID"] == "req-search-down-1"
    assert "req-search-down-1" in body
    for leak in ("host=", "127.0.0.1", "9200", "Connection refused"):
        assert leak not in body, body[max(0, body.find(leak) - 300):body.find(leak) + 100]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and "req-search-down-1" in r.getMessage()]
    assert logged, "the outage is logged with the request id"


def test_api_search_down_is_503_json(down_app):
    from archive import tokens

    with down_app.extensions["archive"].catalog.session() as db:
        _row, plain = tokens.create(db, actor="test", username="archivist", name="transient")
    response = down_app.test_client().get("/api/v1/search?q=测试", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 503
    payload = response.get_json()
    rid = response.headers["X-Request-ID"]
    assert rid and rid in payload["error"]["message"]
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_store_down_makes_readyz_503_naming_the_store(tmp_path, sqlite_template):
    port = free_port()
    proc = start_moto(port, tmp_path / "moto.log")
    built = build_site(tmp_path / "home", sqlite_template)
    settings = dataclasses.replace(built["settings"], storage_url=s3_url(port))
    application = create_app(settings, testing=True)
    try:
        client = application.test_client()
        first = client.get("/readyz")
        assert first.status_code == 200, first.get_json()
        stop(proc)
        response = client.get("/readyz")
        payload = response.get_json()
        assert response.status_code == 503
        assert payload["checks"]["store"] == "unavailable" and payload["checks"]["catalog"] == "ok"
        assert str(port) not in response.get_data(as_text=True)
    finally:
        if proc.poll() is None:
            stop(proc)
        application.extensions["archive"].close()


# -- the tasks: retried with back-off, permanent errors fail at once -----------------------------


def _worker(env: dict, log: Path) -> subprocess.Popen:
    celery = str(Path(sys.executable).parent / "celery")
    return subprocess.Popen(
        [celery, "-A", "archive.celery_app", "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
    )


def _wait_for(log: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = log.read_text(errors="replace") if log.exists() else ""
        if text in out:
            return out
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not in the worker's log within {timeout} s:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.mark.timeout(240)
def test_a_task_retries_while_the_store_is_down_and_succeeds_when_it_is_back(tmp_path):
    """The anchoring task writes to S3; S3 is down at first, then comes back on the same port."""
    catalog_url = f"sqlite:///{tmp_path / 'catalog.db'}"
    catalog = Catalog(catalog_url)
    catalog.migrate()
    with catalog.session() as s:
        audit.record(s, "test", "ping")
    port = free_port()
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path), ARCHIVE_DATABASE_URL=catalog_url,
               ARCHIVE_STORAGE_URL=s3_url(port), ARCHIVE_LOG_FORMAT="json")
    env.pop("ARCHIVE_BROKER_URL", None)
    env.pop("ARCHIVE_ANCHOR_MIRROR", None)
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    moto = None
    try:
        from archive.celery_app import make_celery
        from archive.config import load_settings

        make_celery(load_settings(env)).send_task("archive.anchor_audit_chain")
        out = _wait_for(log, "TransientError", 120)  # the first try failed: the store is down
        assert "Retry in" in out or "retry" in out.lower()
        moto = start_moto(port, tmp_path / "moto.log")
        _wait_for(log, "succeeded", 150)
        with catalog.session() as s:
            head = s.get(AuditHead, 1)
            assert head.anchored_seq == head.seq >= 1  # the anchor was written once the store was back
    finally:
        worker.terminate()
        worker.wait(30)
        if moto is not None:
            stop(moto)
        catalog.dispose()


@pytest.mark.timeout(120)
def test_a_permanent_error_fails_at_once_with_its_reason(tmp_path):
    catalog_url = f"sqlite:///{tmp_path / 'catalog.db'}"
    Catalog(catalog_url).migrate()
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path), ARCHIVE_DATABASE_URL=catalog_url)
    env.pop("ARCHIVE_BROKER_URL", None)
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    try:
        from archive.celery_app import make_celery
        from archive.config import load_settings

        make_celery(load_settings(env)).send_task("ingest.process_record", [987654])
        _wait_for(log, "record 987654 does not exist", 90)  # the reason, in the worker's log
        time.sleep(2)
        out = log.read_text(errors="replace")
        failures = [ln for ln in out.splitlines() if "raised unexpected" in ln]
        assert "Retry in" not in out and len(failures) == 1, out[-3000:]  # one try, no retry
    finally:
        worker.terminate()
        worker.wait(30)


@pytest.mark.timeout(120)
def test_a_broker_on_a_closed_port_is_transient(tmp_path):
    from archive.config import load_settings
    from archive.runtime import Runtime

    settings = load_settings({"ARCHIVE_HOME": str(tmp_path), "ARCHIVE_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0"})
    runtime = Runtime(settings, nudge="off")
    import archive.celery_app as celery_app

    previous = celery_app.app
    celery_app.app = celery_app.make_celery(settings)  # the process's app, as the worker env would make it
    try:
        with pytest.raises(TransientError):
            runtime.send("search.drain_outbox")
    finally:
        celery_app.app = previous
        runtime.close()
