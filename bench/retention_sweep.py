"""Time the daily retention sweep over N synthetic records on SQLite.

    .venv/bin/python bench/retention_sweep.py --sizes 100000,1000000

Writes bench/results/retention_sweep.json and prints one line per size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import seed
from archive.clock import set_clock
from archive.db import Catalog
from archive.models import Fonds, Record
from archive.retention_dates import retention_dates
from retention import reports, sweep

PERIODS = ["Y", "D100", "D50", "D30", "D30", "D10", "D10", "D2"]
SECRECY = ["internal"] * 90 + ["public"] * 6 + ["secret", "secret", "confidential", "top_secret"]
CATEGORIES = ["WS", "SB", "SB", "SB", "RS", "AJ", "KJ"]


def build(catalog: Catalog, n: int, seed_value: int = 7) -> float:
    rng = random.Random(seed_value)
    with catalog.session() as s:
        seed.seed_defaults(s, "bench")
        fonds_id = s.query(Fonds).one().id
    started = time.perf_counter()
    batch = []
    for i in range(n):
        year = rng.randint(1960, 2025)
        retention = rng.choice(PERIODS)
        start, due, transfer = retention_dates(year, retention)
        secrecy = rng.choice(SECRECY)
        declassify = dt.date(year + rng.randint(1, 30), rng.randint(1, 12), 1) if secrecy not in ("public", "internal") else None
        batch.append({
            "fonds_id": fonds_id, "category_code": rng.choice(CATEGORIES), "year": year, "retention": retention,
            "archival_code": f"J001-WS·{year}-{retention}-{i:07d}", "title": f"第{i}件", "secrecy": secrecy,
            "declassify_on": declassify, "status": "received" if rng.random() < 0.01 else "filed",
            "retention_start": start, "retention_due": due, "transfer_due": transfer,
            "review_reasons": [], "extra": {}, "pages": 3,
        })
        if len(batch) == 20_000:
            with catalog.session() as s:
                s.execute(insert(Record), batch)
            batch = []
    if batch:
        with catalog.session() as s:
            s.execute(insert(Record), batch)
    return time.perf_counter() - started


def measure(n: int, repeats: int, with_report: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(f"sqlite:///{tmp}/catalog.db")
        catalog.migrate()
        set_clock(lambda: dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))  # records exist on the report date
        load_s = build(catalog, n)
        times, result = [], {}
        try:
            for _ in range(repeats):
                t0 = time.perf_counter()
                with catalog.session() as s:
                    result = sweep.run(s, None, limit=1000)
                times.append(time.perf_counter() - t0)
            report = {}
            if with_report:  # the auditors' compliance report over the same holdings
                t0 = time.perf_counter()
                with catalog.session() as s:
                    built = reports.build(s, dt.date(2026, 3, 1))
                report = {"report_seconds": round(time.perf_counter() - t0, 2),
                          "report_rows": {k: len(v) for k, v in built["sections"].items()}}
        finally:
            set_clock(None)
            catalog.dispose()
    counts = {k: v["count"] for k, v in result.items() if isinstance(v, dict)}
    return {"records": n, "load_seconds": round(load_s, 2), "sweep_seconds": [round(t, 3) for t in times],
            "sweep_best_seconds": round(min(times), 3), "counts": counts, **report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000", help="comma-separated record counts")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--report", action="store_true", help="also time the compliance report")
    args = parser.parse_args()
    runs = []
    for n in (int(x) for x in args.sizes.split(",")):
        run = measure(n, args.repeats, args.report)
        runs.append(run)
        print(f"{run['records']:>9} records: load {run['load_seconds']} s, sweep best {run['sweep_best_seconds']} s "
              f"(all {run['sweep_seconds']}), counts {run['counts']}"
              + (f", report {run['report_seconds']} s {run['report_rows']}" if "report_seconds" in run else ""), flush=True)
    out = Path(__file__).parent / "results" / "retention_sweep.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text()) if out.exists() else {}
    by_size = {r["records"]: r for r in previous.get("runs", [])}  # keep other sizes' latest numbers
    by_size.update({r["records"]: r for r in runs})
    out.write_text(json.dumps({"backend": "sqlite", "date": dt.date.today().isoformat(),
                               "runs": [by_size[k] for k in sorted(by_size)]}, indent=2, ensure_ascii=False))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
