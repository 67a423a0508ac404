"""Time the daily task's end of secrecy terms (issue 19 #3) and the schedule over a year of
records (issue 19, 2,000 records across every category) on SQLite.

    .venv/bin/python bench/secrecy_terms.py --records 100000

Builds the catalog of bench/retention_sweep.py (4% state secrets, terms ending 1961–2055), runs
the sweep as the daily task does (ending the terms that ended, then the lists) twice — the first
run meets the whole backlog, the second a normal day — and writes bench/results/secrecy_terms.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.clock import set_clock
from archive.db import Catalog
from bench.retention_sweep import build
from retention import sweep


def measure(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(f"sqlite:///{tmp}/catalog.db")
        catalog.migrate()
        set_clock(lambda: dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))
        try:
            build(catalog, n)
            runs = []
            for _ in range(2):
                t0 = time.perf_counter()
                with catalog.session() as s:
                    result = sweep.run(s, None, limit=1000, end_terms_as="system:retention")
                runs.append({"seconds": round(time.perf_counter() - t0, 2),
                             "declassified": result["secrecy_terms_ended"]["count"],
                             "open_terms": result["secrecy_term_open"]["count"]})
        finally:
            set_clock(None)
            catalog.dispose()
    return {"records": n, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    found = measure(args.records)
    for i, run in enumerate(found["runs"], 1):
        print(f"{found['records']} records, run {i}: {run['seconds']} s, declassified {run['declassified']}, "
              f"open terms listed {run['open_terms']}")
    out = Path(__file__).parent / "results" / "secrecy_terms.json"
    out.write_text(json.dumps({"backend": "sqlite", "date": dt.date.today().isoformat(), **found}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
