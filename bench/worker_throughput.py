"""Ingest throughput on the worker fleet: pages per minute with one and with two workers (issue 16).

Builds N single-page degraded 300-dpi scans from the shared corpus, then for each worker count:
a fresh ARCHIVE_HOME (SQLite catalog, local store), a throwaway Redis as the broker, that many
prefork Celery worker processes (`celery worker --concurrency=W`, the production command), and
every file received here and queued (`ingest.submission.enqueue`, what `archive ingest --queue`
does). The clock starts at the first submission and stops when the catalog says every record is
finished; counts are checked (every record filed or in review, one page each). Results:
bench/results/worker_throughput.json.

    .venv/bin/python bench/worker_throughput.py --pages 20
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import seed  # noqa: E402
from archive.config import load_settings  # noqa: E402
from archive.identity import system  # noqa: E402
from archive.runtime import Runtime  # noqa: E402
from bench.pipeline_throughput import corpus_paragraphs  # noqa: E402
from ingest import submission  # noqa: E402
from ingest.samples.generate import render_page  # noqa: E402
from tests.servers.redis import RedisServer  # noqa: E402

BIN = Path(sys.executable).parent


def scans(folder: Path, count: int, corpus: Path) -> list[Path]:
    paragraphs = corpus_paragraphs(corpus)
    files = []
    for i in range(count):
        image, _ = render_page(paragraphs[(i * 6) % len(paragraphs):][:6], seed=300 + i)
        path = folder / f"scan{i:03d}.jpg"
        image.save(path, "JPEG", quality=85, dpi=(300, 300))
        files.append(path)
    return files


def run(workers: int, files: list[Path], broker: str, engine: str) -> dict:
    home = Path(tempfile.mkdtemp(prefix=f"bench-workers{workers}-"))
    env = dict(os.environ, ARCHIVE_HOME=str(home), ARCHIVE_BROKER_URL=broker, ARCHIVE_LANG="en")
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_CONFIG"):
        env.pop(var, None)
    # The task is sent by this process's Celery app, which reads the broker from the environment.
    os.environ.update(ARCHIVE_HOME=env["ARCHIVE_HOME"], ARCHIVE_BROKER_URL=broker)
    runtime = Runtime(load_settings(env))
    runtime.catalog.migrate()
    with runtime.catalog.session() as s:
        seed.seed_defaults(s, "bench")
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "archive.celery_app", "worker", "--pool=prefork", f"--concurrency={workers}",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=(home / "worker.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    who = system("bench")
    try:
        time.sleep(8)  # the workers load the engine's models before the clock starts
        start = time.perf_counter()
        queued = []
        for f in files:
            row = submission.enqueue(runtime, who, [f], {}, engine=engine)
            if row["status"] != "queued":
                raise SystemExit(f"{f.name} was not queued: {row}")
            queued.append(row["id"])
        done: dict[int, str] = {}
        while len(done) < len(queued):
            time.sleep(0.5)
            now = submission.statuses(runtime, who, [i for i in queued if i not in done])
            done.update({rid: st for rid, st in now.items() if st in submission.FINISHED})
            if time.perf_counter() - start > 1800:
                raise SystemExit(f"timed out with {len(done)} of {len(queued)} finished")
        elapsed = time.perf_counter() - start
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
    outcomes = sorted(done.values())
    good = sum(st in ("filed", "needs_review") for st in outcomes)
    pages = sum(submission.outcome(runtime, who, rid).get("pages", 0) or 0 for rid in queued)
    runtime.catalog.dispose()
    return {"workers": workers, "records": len(queued), "finished_ok": good, "pages": pages,
            "seconds": round(elapsed, 2), "pages_per_min": round(pages / elapsed * 60, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.environ.get("ARCHIVE_CORPUS", str(ROOT.parent / "shared" / "corpus")))
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--engine", default="rapidocr")
    args = parser.parse_args()
    files = scans(Path(tempfile.mkdtemp(prefix="bench-worker-scans-")), args.pages, Path(args.corpus))
    redis = RedisServer()
    load_start = os.getloadavg()[0]
    try:
        results = [run(w, files, redis.url, args.engine) for w in (1, 2)]
    finally:
        redis.stop()
    problems = [f"{r['workers']} worker(s): {r['finished_ok']} of {r['records']} records filed, {r['pages']} pages"
                for r in results if r["finished_ok"] != args.pages or r["pages"] != args.pages]
    out = {"pages": args.pages, "engine": args.engine, "cores": os.cpu_count(), "broker": "redis",
           "catalog": "sqlite", "load_average_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)],
           "runs": results, "problems": problems, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    target = ROOT / "bench" / "results" / "worker_throughput.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
