"""Load test of the web pages under gunicorn: search and record pages, 50 concurrent users.

    .venv/bin/python bench/web_load.py [--users 50] [--seconds 30] [--records 2000] [--workers N] [--think 0 1]

Builds a throwaway archive (ARCHIVE_HOME in a temp dir) with N records, starts gunicorn on a
free port, logs each simulated user in (a cookie session, as a browser), then every user loops:
a search page, then the record page of one hit. Every request is a full page: policy checks,
catalog reads, index query and the audit event each view writes. Reports p50/p95/p99 latency
and requests per second, once per think time (0: every user fires the next request at once, the
saturation point; 1: a pause of 0.5-1.5 s between clicks, like a person reading the page);
writes bench/results/web_load.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ["养老保险", "失业保险", "工伤", "劳动仲裁", "社保卡", "待遇调整", "人事调整", "稽核", "通知", "报告"]
PASSWORD = "bench-password-123"


def build(home: Path, records: int) -> str:
    """N filed records in a fresh ARCHIVE_HOME, indexed by the unit of work's nudge after commit
    (the index the web server opens from the same settings). Returns the index's URL scheme."""
    from archive import seed, users
    from archive.config import load_settings
    from archive.identity import system
    from archive.models import Fonds, Page, Record
    from archive.runtime import Runtime

    runtime = Runtime(load_settings({"ARCHIVE_HOME": str(home)}), nudge="inline")
    try:
        runtime.catalog.migrate()
        with runtime.unit_of_work(system("bench")) as s:
            seed.seed_defaults(s, "bench")
            users.add_user(s, actor="bench", username="reader", role="staff", clearance="internal", password=PASSWORD)
            fonds = s.query(Fonds).filter_by(code="J001").one()
            rng = random.Random(7)
            for n in range(records):
                a, b = rng.sample(WORDS, 2)
                record = Record(fonds_id=fonds.id, category_code=rng.choice(["WS", "SB", "AJ"]), year=2000 + n % 24,
                                retention="D30", status="filed", secrecy=rng.choice(["public", "internal", "secret"]),
                                title=f"关于{a}和{b}的通知（{n}）", doc_date=dt.date(2000 + n % 24, 1 + n % 12, 1),
                                pages=2, archival_code=f"J001-WS·{2000 + n % 24}-D30-{n + 1:05d}")
                s.add(record)
                s.flush()
                for p in (1, 2):
                    s.add(Page(record_id=record.id, page_no=p, ocr_text=f"{a} 第{p}页 " + "正文内容 " * 40 + b))
        return runtime.settings.search_url.split(":", 1)[0]
    finally:
        runtime.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(home: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, ARCHIVE_HOME=str(home), ARCHIVE_WEB_INSECURE="1")
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "--threads", "8", "--keep-alive", "10", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "web.wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(home / "gunicorn.log").open("w"),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def log_in(base: str) -> requests.Session:
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(f"{base}/login").text).group(1)
    r = session.post(f"{base}/login", data={"username": "reader", "password": PASSWORD, "csrf_token": token},
                     allow_redirects=False)
    assert r.status_code == 302, r.status_code
    return session


HIT = re.compile(r'href="/records/(\d+)\?page=(\d+)"')


def user_loop(base: str, session: requests.Session, stop: float, out: list, errors: list, seed: int,
              think: float) -> None:
    rng = random.Random(seed)

    def pause() -> None:
        if think:
            time.sleep(think * rng.uniform(0.5, 1.5))

    while time.monotonic() < stop:
        t0 = time.perf_counter()
        try:
            r = session.get(f"{base}/search", params={"q": rng.choice(WORDS)}, timeout=60)
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)
            continue
        out.append(("search", time.perf_counter() - t0))
        if r.status_code != 200:
            errors.append(r.status_code)
            continue
        hits = HIT.findall(r.text)
        pause()
        if not hits:
            continue
        rid, page = rng.choice(hits)
        t0 = time.perf_counter()
        try:
            r = session.get(f"{base}/records/{rid}", params={"page": page}, timeout=60)
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)
            continue
        out.append(("record", time.perf_counter() - t0))
        if r.status_code != 200:
            errors.append(r.status_code)
        pause()


def run(base: str, sessions: list, seconds: int, think: float) -> dict:
    samples: list[tuple[str, float]] = []
    errors: list = []
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=user_loop, args=(base, s, stop, samples, errors, n, think))
               for n, s in enumerate(sessions)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    every = [d for _, d in samples]
    return {
        "requests": len(samples),
        "errors": len(errors),
        "requests_per_second": round(len(samples) / elapsed, 1),
        "latency_ms": {
            "all": {"p50": pct(every, 0.5), "p95": pct(every, 0.95), "p99": pct(every, 0.99)},
            **{kind: {"p50": pct([d for k, d in samples if k == kind], 0.5),
                      "p95": pct([d for k, d in samples if k == kind], 0.95),
                      "mean": round(1000 * statistics.fmean([d for k, d in samples if k == kind] or [0]), 1)}
               for kind in ("search", "record")},
        },
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(1000 * values[min(len(values) - 1, int(p * len(values)))], 1) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--think", type=float, nargs="+", default=[0.0, 1.0], help="seconds between clicks")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="web-load-"))
    try:
        t0 = time.perf_counter()
        index = build(home, args.records)
        print(f"built {args.records} records in {time.perf_counter() - t0:.1f}s", flush=True)
        port = free_port()
        proc = start_gunicorn(home, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(args.workers * 2):  # warm every worker (imports, index open) before timing
                requests.get(f"{base}/login", timeout=30)
            sessions = [log_in(base) for _ in range(args.users)]
            scenarios = {f"think_{t:g}s": run(base, sessions, args.seconds, t) for t in args.think}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        result = {
            "date": dt.date.today().isoformat(),
            "machine": {"cpus": os.cpu_count()},
            "setup": {"users": args.users, "seconds": args.seconds, "records": args.records,
                      "gunicorn_workers": args.workers, "threads_per_worker": 8,
                      "catalog": "sqlite (WAL)", "index": index},
            "scenarios": scenarios,
            "goal": "p95 <= 200 ms",
        }
        out = ROOT / "bench/results/web_load.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(result, indent=2, ensure_ascii=False))
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
