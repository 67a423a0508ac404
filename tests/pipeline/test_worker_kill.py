"""A worker killed with SIGKILL in the middle of a record: after a restart exactly one complete
record exists and no object is orphaned (real Celery worker processes, real Redis)."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from archive import audit, seed
from archive.celery_app import make_celery
from archive.config import load_settings
from archive.db import Catalog
from archive.identity import system
from archive.models import AuditEvent, Record, StoredObject
from ingest.receive import digest_file, receive
from storage.local import LocalObjectStore
from tests.pipeline.conftest import small_scan


def start_worker(env):
    celery = str(Path(sys.executable).parent / "celery")
    return subprocess.Popen(
        [celery, "-A", "archive.celery_app", "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for(catalog, record_id, statuses, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with catalog.session() as s:
            record = s.get(Record, record_id)
            if record.status in statuses:
                return record.status
        time.sleep(0.2)
    raise AssertionError(f"record {record_id} never reached {statuses}")


def test_sigkill_mid_record_then_restart_gives_one_record(redis_server, tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, ARCHIVE_HOME=str(home), ARCHIVE_BROKER_URL=redis_server.url,
               ARCHIVE_TASK_VISIBILITY_TIMEOUT="3")
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL"):
        env.pop(var, None)
    settings = load_settings(env)
    catalog = Catalog(settings.database_url)
    catalog.migrate()
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    store = LocalObjectStore(home / "objects")
    # A six-page TIFF: long enough to be killed in the middle.
    pages = [Image.open(io.BytesIO(small_scan([f"第{i}页 工伤认定决定书 工伤待遇核定"]))) for i in range(1, 7)]
    tiff = tmp_path / "six.tif"
    pages[0].save(tiff, "TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    received = receive(catalog, store, system("test"), [digest_file(tiff)], fonds="J001", category=None, metadata={})
    app = make_celery(settings)
    app.send_task("ingest.process_record", [received.record_id])

    worker = start_worker(env)
    try:
        wait_for(catalog, received.record_id, {"processing"}, 120)
        time.sleep(2.0)  # some pages are done, filing is not
        with catalog.session() as s:
            assert s.get(Record, received.record_id).status == "processing"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    time.sleep(4)  # past the visibility timeout: the unacknowledged task is handed out again
    worker = start_worker(env)
    try:
        status = wait_for(catalog, received.record_id, {"filed", "needs_review", "failed"}, 240)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=60)
    assert status in ("filed", "needs_review"), out[-3000:]
    with catalog.session() as s:
        assert s.scalar(select(func.count(Record.id))) == 1
        record = s.get(Record, received.record_id)
        assert record.pages == 6 and len(record.page_list) == 6
        assert [p.page_no for p in record.page_list] == [1, 2, 3, 4, 5, 6]
        filed = s.scalar(select(func.count(AuditEvent.seq)).where(AuditEvent.action.in_(["record.filed",
                                                                                           "record.needs_review"])))
        assert filed == 1
        referenced = set(s.execute(select(StoredObject.sha256)).scalars())
        assert audit.verify(s).ok
    assert set(store.iter_keys()) == referenced
    catalog.dispose()
