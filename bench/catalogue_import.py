"""Importing a 100,000-row legacy catalogue (issue 14): rows per second and peak memory, on
embedded defaults (SQLite catalog, embedded index) and on PostgreSQL (a throwaway cluster
started like tests/servers/postgres.py does, embedded index).

    .venv/bin/python bench/catalogue_import.py [--rows 100000] [--out bench/results/catalogue_import.json]

The catalogue is the generated legacy workbook of the tests (tests/catalogue/legacy.py) grown to
`--rows`: a 归档文件目录 sheet, a 案卷目录 and a 卷内目录 (20 items per volume), in one XLSX, plus
a GBK CSV of 5% of the rows. Each run is a fresh process (peak RSS is per process) that:

1. imports everything through archive.catalogue.service with the runtime's index nudge off, so
   the catalog write rate is measured alone (the outbox fills in the same transactions);
2. then drains the outbox into the embedded index (what the after-commit nudge does on a live
   system), timed separately;
3. checks the counts: records and volumes in the catalog, documents in the index, problems 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def generate(folder: Path, rows: int) -> dict:
    from tests.catalogue.legacy import make_legacy

    csv_rows = rows // 20
    per_volume = 20
    volumes = (rows - csv_rows) // 3 // (per_volume + 1)
    items = rows - csv_rows - volumes * (per_volume + 1)
    started = time.perf_counter()
    legacy = make_legacy(folder, items=items, volumes=volumes, per_volume=per_volume, csv_rows=csv_rows, bad=False)
    return {"files": [str(legacy.workbook), str(legacy.csv)], "rows": rows, "items": items + csv_rows,
            "volumes": volumes, "volume_items": volumes * per_volume,
            "records": len(legacy.good_codes), "generate_s": round(time.perf_counter() - started, 1)}


def one(kind: str, database_url: str, home: Path, files: list[str]) -> dict:
    """Runs in its own process: import, drain, count."""
    from sqlalchemy import func, select

    from archive import seed
    from archive.catalogue.service import import_catalogue
    from archive.config import load_settings
    from archive.identity import system
    from archive.models import Record, Volume
    from archive.runtime import Runtime

    env = {"ARCHIVE_HOME": str(home), "ARCHIVE_DATABASE_URL": database_url}
    runtime = Runtime(load_settings(env), nudge="off")
    runtime.catalog.migrate()
    with runtime.catalog.session() as s:
        seed.seed_defaults(s, "bench")
    who = system("bench")
    started = time.perf_counter()
    report = import_catalogue(runtime.catalog, who, [Path(f) for f in files])
    import_s = time.perf_counter() - started
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    runtime.drain_index()
    drain_s = time.perf_counter() - started
    with runtime.catalog.session() as s:
        records = s.scalar(select(func.count()).select_from(Record))
        volumes = s.scalar(select(func.count()).select_from(Volume))
    indexed = runtime.index.count() if hasattr(runtime.index, "count") else None
    rows = report.rows_read
    runtime.close()
    return {"kind": kind, "rows": rows, "created": report.created, "problems": len(report.problems),
            "records": records, "volumes": volumes, "indexed": indexed,
            "import_s": round(import_s, 1), "rows_per_s": round(rows / import_s),
            "drain_s": round(drain_s, 1), "records_indexed_per_s": round((records or 0) / drain_s) if drain_s else None,
            "end_to_end_rows_per_s": round(rows / (import_s + drain_s)),
            "peak_rss_mb_import": rss_import,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def child(kind: str, url: str, home: Path, files: list[str]) -> dict:
    args = [sys.executable, __file__, "--child", kind, "--url", url, "--home", str(home), *files]
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "catalogue_import.json"))
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--home")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.child, args.url, Path(args.home), args.files)))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    made = generate(work / "legacy", args.rows)
    print("generated", made, flush=True)
    results = [child("embedded", f"sqlite:///{work / 'sqlite' / 'catalog.db'}", work / "sqlite", made["files"])]
    print(results[-1], flush=True)
    if not args.skip_postgres:
        from tests.servers.postgres import PostgresServer

        server = PostgresServer()
        try:
            results.append(child("postgresql", server.url(), work / "pg", made["files"]))
            print(results[-1], flush=True)
        finally:
            server.stop()
    for r in results:  # the counts, before anything is reported
        assert r["problems"] == 0, r
        assert r["records"] == made["records"] and r["volumes"] == made["volumes"], (r, made)
        assert r["indexed"] in (None, made["records"]), (r, made)
    out = {"generated": made, "results": results, "machine": platform.platform(), "cpus": os.cpu_count()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
