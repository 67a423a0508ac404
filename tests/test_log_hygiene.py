"""Issue 16 #6: no personal data in logs. A sample with a name and an ID number is ingested, then
searched for through the web (page, API, and a real gunicorn with the compose access log);
every log record at DEBUG and gunicorn's output are searched for the name and the ID number."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from archive import logging_setup, seed, tokens, users
from archive.config import load_settings
from archive.identity import system
from archive.runtime import Runtime
from ingest.pipeline import IngestService, Options
from tests.servers.common import free_port, port_open, wait_until
from tests.web.conftest import login
from web.app import create_app

SAMPLE = Path(__file__).resolve().parent.parent / "ingest" / "samples" / "born_digital" / "sb_pension_approval_2024.pdf"
ID_NUMBER = "620102196001011234"  # in the PDF's text
NAME = "王建国"
SECRETS = (ID_NUMBER, "11010519491231002X", NAME)  # and the one in the sample's sidecar


def _all_text(records: list[logging.LogRecord]) -> str:
    out = []
    for r in records:
        out.append(r.getMessage())
        if r.exc_text:
            out.append(r.exc_text)
        out.extend(str(v) for k, v in vars(r).items() if k not in ("msg", "args", "message"))
    return "\n".join(out)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, sqlite_template):
    home = tmp_path_factory.mktemp("hygiene-home")
    (home / "catalog.db").write_bytes(sqlite_template.read_bytes())
    settings = load_settings({"ARCHIVE_HOME": str(home)})
    runtime = Runtime(settings, nudge="inline")
    with runtime.unit_of_work() as s:
        seed.seed_defaults(s, "test")
        users.add_user(s, actor="test", username="keeper", role="archivist", clearance="secret",
                       password="correct-horse-battery")
        _row, plain = tokens.create(s, actor="test", username="keeper", name="hygiene")
    yield {"settings": settings, "runtime": runtime, "home": home, "token": plain}
    runtime.close()


def test_ingest_and_search_leave_no_name_or_id_number_in_the_logs(ingested, caplog):
    runtime = ingested["runtime"]
    caplog.set_level(logging.DEBUG)  # every logger, at its most talkative
    service = IngestService(runtime.catalog, runtime.store, system("ingest", channel="task"),
                            options=Options(workers=1))
    result = service.ingest_files([SAMPLE])
    assert result["status"] in ("filed", "needs_review"), result
    runtime.drain_index()

    app = create_app(ingested["settings"], testing=True)
    try:
        client = app.test_client()
        assert login(client, "keeper", "correct-horse-battery").status_code == 302
        page = client.get(f"/search?q={ID_NUMBER}")
        assert page.status_code == 200
        api = client.get(f"/api/v1/search?q={ID_NUMBER}",
                         headers={"Authorization": f"Bearer {ingested['token']}"})
        assert api.status_code == 200
        assert api.get_json()["total"] >= 1  # the ID number is really in the record: the check can fail
        record_id = api.get_json()["hits"][0]["id"]
        assert client.get(f"/records/{record_id}?q={ID_NUMBER}").status_code == 200
    finally:
        app.extensions["archive"].close()

    text = _all_text(caplog.records)
    assert caplog.records, "logging was captured"
    for secret in SECRETS:
        assert secret not in text, [r.getMessage() for r in caplog.records if secret in r.getMessage()][:3]


def test_access_lines_drop_the_query_of_search_and_record_urls():
    line = '127.0.0.1 - - [08/Dec/2026:01:00:00 +0800] "GET /search?q=11010519491231002X HTTP/1.1" 200 512'
    assert "1101051949" not in logging_setup.scrub_line(line)
    assert '"GET /search HTTP/1.1"' in logging_setup.scrub_line(line)
    assert "q=" not in logging_setup.scrub_line('"GET /records/5?q=王建国 HTTP/1.1" 200')
    assert logging_setup.scrub_line('"GET /static/app.css?v=3 HTTP/1.1" 200').count("v=3") == 1


@pytest.mark.timeout(180)
def test_gunicorn_access_log_with_the_compose_options_has_no_query(ingested, tmp_path):
    port = free_port()
    env = dict(os.environ, ARCHIVE_HOME=str(ingested["home"]), ARCHIVE_WEB_INSECURE="1")
    for name in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL"):
        env.pop(name, None)
    log = tmp_path / "gunicorn.log"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
         "web.app:create_app()"],
        env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT, cwd=str(Path(__file__).resolve().parent.parent),
    )
    try:
        wait_until(lambda: port_open(port), 90, "gunicorn")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/search?q={ID_NUMBER}",
            headers={"Authorization": f"Bearer {ingested['token']}", "X-Request-ID": "hygiene-1"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.headers["X-Request-ID"] == "hygiene-1"
            assert json.load(response)["total"] >= 1
    finally:
        proc.terminate()
        proc.wait(30)
    out = log.read_text(errors="replace")
    assert "/api/v1/search" in out, out[-2000:]  # the access line is there
    for secret in SECRETS:
        assert secret not in out, out[-2000:]
    # The app's own lines are JSON objects.
    app_lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    assert all("level" in json.loads(ln) for ln in app_lines)


@pytest.mark.timeout(300)
def test_a_worker_ingesting_the_sample_logs_no_name_or_id_number(tmp_path, sqlite_template):
    """The same sample through a real Celery worker at DEBUG: its whole output is searched."""
    from archive.celery_app import make_celery
    from archive.db import Catalog
    from archive.models import Record
    from ingest.receive import digest_file, receive
    from storage.local import LocalObjectStore

    home = tmp_path / "home"
    home.mkdir()
    (home / "catalog.db").write_bytes(sqlite_template.read_bytes())
    env = dict(os.environ, ARCHIVE_HOME=str(home), ARCHIVE_LOG_FORMAT="json")
    for name in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL",
                 "ARCHIVE_CONFIG"):
        env.pop(name, None)
    settings = load_settings(env)
    catalog = Catalog(settings.database_url)
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    received = receive(catalog, LocalObjectStore(home / "objects"), system("test"), [digest_file(SAMPLE)],
                       fonds="J001", category=None, metadata={})
    log = tmp_path / "worker.log"
    celery = str(Path(sys.executable).parent / "celery")
    worker = subprocess.Popen(
        [celery, "-A", "archive.celery_app", "worker", "--pool=solo", "--loglevel=DEBUG",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
    )
    try:
        make_celery(settings).send_task("ingest.process_record", [received.record_id])

        def done() -> bool:
            with catalog.session() as s:
                return s.get(Record, received.record_id).status in ("filed", "needs_review", "failed")

        wait_until(done, 240, "the worker filing the sample")
        wait_until(lambda: "succeeded" in log.read_text(errors="replace"), 30, "the task's success line")
    finally:
        worker.terminate()
        worker.wait(30)
    with catalog.session() as s:
        record = s.get(Record, received.record_id)
        assert record.status in ("filed", "needs_review")
        assert record.person_id_number == ID_NUMBER  # the data was really read
    catalog.dispose()
    out = log.read_text(errors="replace")
    assert "ingest.process_record" in out
    for secret in SECRETS:
        assert secret not in out, out[max(0, out.find(secret) - 500):out.find(secret) + 200]
