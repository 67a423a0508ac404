"""A task runs through a real Celery worker process against a real Redis broker."""

import os
import subprocess
import sys
from pathlib import Path

from archive import audit
from archive.celery_app import make_celery
from archive.config import load_settings
from archive.db import Catalog


def test_task_runs_in_a_worker_over_redis(redis_server, catalog_url, tmp_path):
    run_through_worker(catalog_url, tmp_path, broker=redis_server.url)


def test_task_runs_in_a_worker_on_the_embedded_transport(tmp_path):
    """The default: Celery's file-system transport under ARCHIVE_HOME, no server at all."""
    catalog_url = f"sqlite:///{tmp_path / 'catalog.db'}"
    Catalog(catalog_url).migrate()
    run_through_worker(catalog_url, tmp_path, broker=None)
    assert any((tmp_path / "queue" / "results").iterdir())  # the result travelled through files
    assert not Path("control").exists()  # everything stays under ARCHIVE_HOME


def run_through_worker(catalog_url, tmp_path, broker):
    catalog = Catalog(catalog_url)
    with catalog.session() as s:
        audit.record(s, "test", "ping")
    catalog.dispose()
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path), ARCHIVE_DATABASE_URL=catalog_url)
    env.pop("ARCHIVE_BROKER_URL", None)
    if broker:
        env["ARCHIVE_BROKER_URL"] = broker
    celery = str(Path(sys.executable).parent / "celery")
    worker = subprocess.Popen(
        [celery, "-A", "archive.celery_app", "worker", "--pool=solo", "--concurrency=1", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        app = make_celery(load_settings(env))
        result = app.send_task("archive.verify_audit_chain").get(timeout=90)
        assert result["ok"] is True and result["checked"] == 1
    finally:
        worker.terminate()
        out, _ = worker.communicate(timeout=30)
    assert "Traceback" not in out, out
