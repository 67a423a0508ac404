"""Issue 16: every record is filed exactly once under redelivery.

Real prefork Celery workers killed with SIGKILL as a whole (the process group: parent and
children), redelivery forced by a short visibility timeout, the real Redis and PostgreSQL the
suite starts; two `archive ingest` runs of the same files at once; and a late run that lost its
lease never overwrites an archivist's review. Each time: one record, one PDF object, one filing event.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from archive import audit, seed
from archive.celery_app import make_celery
from archive.codes import Role, Secrecy
from archive.config import load_settings
from archive.db import Catalog
from archive.identity import Identity, system
from archive.models import AuditEvent, IngestLease, Record, StoredObject
from archive.policy import Viewer
from ingest import leases
from ingest.corrections import correct
from ingest.exactly_once import LeasedIngestService
from ingest.pipeline import Options
from ingest.receive import digest_file, receive
from storage.local import LocalObjectStore
from tests.conftest import new_catalog_url
from tests.pipeline.conftest import archivist_env, small_scan

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
FILED = ("record.filed", "record.needs_review")
ARCHIVIST = Identity(Viewer("arch", Role.ARCHIVIST, Secrecy.SECRET), "cli")


def tiff(path: Path, pages: int, words: str = "工伤认定决定书 工伤待遇核定") -> Path:
    images = [Image.open(io.BytesIO(small_scan([f"第{i}页 {words}"]))) for i in range(1, pages + 1)]
    images[0].save(path, "TIFF", save_all=True, append_images=images[1:], dpi=(300, 300))
    return path


def worker_env(tmp_path: Path, database_url: str, broker: str, **settings: str) -> dict:
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path / "home"), ARCHIVE_DATABASE_URL=database_url,
               ARCHIVE_BROKER_URL=broker, ARCHIVE_LANG="en", **settings)
    for var in ("ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_CONFIG"):
        env.pop(var, None)
    return env


def start_prefork(env: dict) -> subprocess.Popen:
    """A prefork worker (a parent and two children) in a process group of its own."""
    return subprocess.Popen(
        [str(BIN / "celery"), "-A", "archive.celery_app", "worker", "--pool=prefork", "--concurrency=2",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def kill_group(worker: subprocess.Popen) -> str:
    """SIGKILL to the whole worker: the parent and every child at once, nothing acknowledged."""
    os.killpg(worker.pid, signal.SIGKILL)
    out, _ = worker.communicate(timeout=30)
    return out


def stop(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)
    try:
        out, _ = worker.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        out, _ = worker.communicate(timeout=30)
    return out


def wait_for(catalog: Catalog, record_id: int, statuses: set[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with catalog.session() as s:
            status = s.get(Record, record_id).status
        if status in statuses:
            return status
        time.sleep(0.2)
    raise AssertionError(f"record {record_id} never reached {statuses} (is {status})")


def assert_once(catalog: Catalog, record_id: int, pages: int) -> None:
    """One record, its pages once, one PDF object and one filing event; the chain verifies."""
    with catalog.session() as s:
        assert s.scalar(select(func.count(Record.id)).where(Record.id == record_id)) == 1
        record = s.get(Record, record_id)
        assert record.status in ("filed", "needs_review"), (record.status, record.error)
        assert [p.page_no for p in record.page_list] == list(range(1, pages + 1))
        pdfs = s.scalar(select(func.count(StoredObject.id)).where(StoredObject.record_id == record_id,
                                                                  StoredObject.role == "pdf"))
        assert pdfs == 1
        filed = s.scalar(select(func.count(AuditEvent.seq)).where(AuditEvent.action.in_(FILED),
                                                                  AuditEvent.target == f"record:{record_id}"))
        assert filed == 1
        assert s.get(IngestLease, record_id) is None  # released with the filing
        assert audit.verify(s).ok


def prepared(request, tmp_path: Path, pages: int, dialect: str = "postgresql"):
    url = new_catalog_url(dialect, request, tmp_path)
    catalog = Catalog(url)
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    store = LocalObjectStore(tmp_path / "home" / "objects")
    received = receive(catalog, store, system("test"), [digest_file(tiff(tmp_path / "scan.tif", pages))],
                       fonds="J001", category=None, metadata={})
    return url, catalog, store, received.record_id


def test_prefork_worker_killed_mid_record_files_once(redis_server, request, tmp_path):
    """The task outlives the 4 s visibility timeout, so Redis hands it to the second child while the
    first works (that copy must not process it too); then the whole worker is killed; a new
    worker gets the task again and files the record once."""
    url, catalog, store, record_id = prepared(request, tmp_path, pages=8)
    env = worker_env(tmp_path, url, redis_server.url[:-1] + "3",
                     ARCHIVE_TASK_VISIBILITY_TIMEOUT="4", ARCHIVE_INGEST_LEASE_SECONDS="2")
    app = make_celery(load_settings(env))
    app.send_task("ingest.process_record", [record_id])
    worker = start_prefork(env)
    try:
        wait_for(catalog, record_id, {"processing"}, 120)
        time.sleep(7)  # past the visibility timeout: the copy was handed out and found the lease held
        with catalog.session() as s:
            assert s.get(Record, record_id).status == "processing", "killed too late: make the scan longer"
    finally:
        first = kill_group(worker)
    assert "claimed by another run" in first, first[-3000:]  # the redelivered copy stood back
    time.sleep(5)  # the dead run's lease lapses and its task becomes visible again
    worker = start_prefork(env)
    try:
        wait_for(catalog, record_id, {"filed", "needs_review", "failed"}, 300)
        time.sleep(3)  # a late copy, if any, would file again now
    finally:
        second = stop(worker)
    assert "Traceback" not in second, second[-3000:]
    assert_once(catalog, record_id, pages=8)
    with catalog.session() as s:
        referenced = set(s.execute(select(StoredObject.sha256)).scalars())
    assert set(store.iter_keys()) >= referenced
    catalog.dispose()


def test_whole_worker_crash_is_requeued_by_the_reaper(redis_server, request, tmp_path):
    """With a long visibility timeout nothing is redelivered for a long time: the beat reaper
    finds the record whose lease lapsed while processing and sends it to the workers again."""
    url, catalog, store, record_id = prepared(request, tmp_path, pages=6)
    env = worker_env(tmp_path, url, redis_server.url[:-1] + "4",
                     ARCHIVE_TASK_VISIBILITY_TIMEOUT="600", ARCHIVE_INGEST_LEASE_SECONDS="2")
    app = make_celery(load_settings(env))
    app.send_task("ingest.process_record", [record_id])
    worker = start_prefork(env)
    try:
        wait_for(catalog, record_id, {"processing"}, 120)
        time.sleep(1.5)
    finally:
        kill_group(worker)
    time.sleep(3)  # the lease lapses; the task stays unacknowledged in Redis for 10 minutes
    with catalog.session() as s:
        assert s.get(Record, record_id).status == "processing"
    worker = start_prefork(env)
    try:
        app.send_task("ingest.requeue_lapsed")  # what beat sends every minute
        wait_for(catalog, record_id, {"filed", "needs_review", "failed"}, 300)
        app.send_task("ingest.requeue_lapsed")  # nothing to requeue now
        time.sleep(3)
    finally:
        out = stop(worker)
    assert "requeued 1 records" in out, out[-3000:]
    assert_once(catalog, record_id, pages=6)
    catalog.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_run_that_lost_its_lease_never_overwrites_a_review(request, tmp_path, dialect):
    """Run A is slow; its lease lapses, run B files the record, an archivist corrects it; when A
    reaches filing it finds the record no longer its own and writes nothing."""
    url, catalog, store, record_id = prepared(request, tmp_path, pages=3, dialect=dialect)

    def service(**kw) -> LeasedIngestService:
        return LeasedIngestService(catalog, store, system("test"), options=Options(workers=1), **kw)

    happened: list[str] = []

    def meanwhile(_event: str, _amount: int) -> None:
        if happened:
            return
        happened.append("b")
        with catalog.session() as s:  # A stalls past its lease (a long GC pause, a frozen VM)
            s.execute(update(IngestLease).values(expires_at=IngestLease.claimed_at))
        b = service().process(record_id)
        assert b["status"] in ("filed", "needs_review")
        with catalog.session(ARCHIVIST) as s:
            correct(s, ARCHIVIST, record_id, {"title": "档案员核定的题名"})

    a = service().process(record_id, meanwhile)
    assert happened and a["status"] == "duplicate"
    with catalog.session() as s:
        record = s.get(Record, record_id)
        assert record.title == "档案员核定的题名" and record.status == "filed"
        assert s.scalar(select(func.count(AuditEvent.seq)).where(AuditEvent.action == "record.corrected")) == 1
    assert_once(catalog, record_id, pages=3)
    # A redelivered task for it later stops at once, without touching it.
    again = service().process(record_id)
    assert again["status"] == "duplicate" and again["title"] == "档案员核定的题名"
    with catalog.session() as s:
        assert s.scalar(select(func.count(IngestLease.record_id))) == 0
    assert leases.claim(catalog, record_id, "late-copy", 60) is leases.Claim.FINISHED
    catalog.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_two_concurrent_cli_runs_process_each_file_once(request, tmp_path, dialect):
    url = new_catalog_url(dialect, request, tmp_path)
    env = worker_env(tmp_path, url, f"filesystem://{tmp_path / 'home' / 'queue'}")
    catalog = Catalog(url)
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    env = archivist_env(env)
    folder = tmp_path / "in"
    folder.mkdir()
    for n, words in enumerate(["工伤认定决定书", "失业保险金申领审核表", "劳动人事争议仲裁委员会通知"]):
        tiff(folder / f"scan{n}.tif", 2, words)
    command = [str(BIN / "archive"), "ingest", str(folder), "--json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outs = [run.communicate(timeout=600) for run in runs]
    for run, (out, err) in zip(runs, outs, strict=True):
        assert run.returncode == 0, err[-3000:]
        assert "Traceback" not in err
    rows = [json.loads(line) for out, _ in outs for line in out.splitlines()]
    assert len(rows) == 6
    with catalog.session() as s:
        ids = list(s.execute(select(Record.id).order_by(Record.id)).scalars())
    assert len(ids) == 3
    # Each file: one run processed it, the other found it filed (or waited for it) and says so.
    for rid in ids:
        statuses = sorted(r["status"] for r in rows if r["id"] == rid)
        assert statuses[0] == "duplicate" and statuses[1] in ("filed", "needs_review"), statuses
        assert_once(catalog, rid, pages=2)
    catalog.dispose()


def test_ingest_queue_hands_the_files_to_the_workers(redis_server, request, tmp_path):
    """`archive ingest --queue` receives here and the prefork worker runs OCR and filing; the
    command follows the records in the catalog and prints each result."""
    url = new_catalog_url("postgresql", request, tmp_path)
    env = worker_env(tmp_path, url, redis_server.url[:-1] + "5")
    catalog = Catalog(url)
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    env = archivist_env(env)
    folder = tmp_path / "in"
    folder.mkdir()
    for n, words in enumerate(["工伤认定决定书", "失业保险金申领审核表"]):
        tiff(folder / f"scan{n}.tif", 1, words)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    worker = start_prefork(env)
    try:
        run = subprocess.run([str(BIN / "archive"), "ingest", str(folder), "--queue", "--json"], env=env,
                             capture_output=True, text=True, timeout=600)
    finally:
        out = stop(worker)
    assert run.returncode == 1, run.stderr[-3000:]  # the broken file failed, the others were filed
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert sorted(r["status"] for r in rows)[-1] in ("filed", "needs_review")
    assert sum(r["status"] in ("filed", "needs_review") for r in rows) == 2, rows
    assert sum(r["status"] == "failed" for r in rows) == 1
    # OCR ran in the worker, not in the CLI.
    assert "ingest.process_record" in out and "succeeded" in out, out[-3000:]
    for row in rows:
        if row["status"] != "failed":
            assert_once(catalog, row["id"], pages=1)
    catalog.dispose()


def test_watch_queue_moves_received_files_and_queues_them(tmp_path, request):
    """`archive watch --queue --once` on the embedded transport: received, moved to done/, queued."""
    url = new_catalog_url("sqlite", request, tmp_path)
    env = worker_env(tmp_path, url, f"filesystem://{tmp_path / 'home' / 'queue'}")
    catalog = Catalog(url)
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    env = archivist_env(env)
    folder = tmp_path / "drop"
    folder.mkdir()
    tiff(folder / "a.tif", 1)
    run = subprocess.run([str(BIN / "archive"), "watch", str(folder), "--once", "--queue", "--json"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    row = json.loads(run.stdout)
    assert row["status"] == "queued" and (folder / "done" / "a.tif").exists()
    with catalog.session() as s:
        assert s.get(Record, row["id"]).status == "received"
    assert any((tmp_path / "home" / "queue" / "messages").iterdir())  # waiting for a worker
    catalog.dispose()



def test_lease_stays_below_the_visibility_timeout(tmp_path):
    from archive.errors import ConfigError

    home = {"ARCHIVE_HOME": str(tmp_path)}
    assert load_settings(home).ingest_lease_seconds == 120
    assert load_settings({**home, "ARCHIVE_TASK_VISIBILITY_TIMEOUT": "20"}).ingest_lease_seconds == 10
    assert load_settings({**home, "ARCHIVE_INGEST_LEASE_SECONDS": "30"}).ingest_lease_seconds == 30
    with pytest.raises(ConfigError, match="ARCHIVE_INGEST_LEASE_SECONDS"):
        load_settings({**home, "ARCHIVE_TASK_VISIBILITY_TIMEOUT": "60", "ARCHIVE_INGEST_LEASE_SECONDS": "60"})
