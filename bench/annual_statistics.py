"""The annual statistics report (档案统计年报, issue 19) over a catalog of 100,000 filed items on
embedded defaults (SQLite): the time to count one year as data, as PDF/A and as XLSX.

    .venv/bin/python bench/annual_statistics.py [--items 100000] [--out bench/results/annual_statistics.json]

Loads items over seven categories and five years (a third with page rows, one box per 20 WS
items, one volume per 50 SB items, 1% secret), then times `annual_statistics.render` for the
middle year as an auditor cleared for everything, and checks the totals against a direct count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CATEGORIES = ["WS", "SB", "RS", "AJ", "KJ", "JJ", "SX"]
RETENTIONS = ["Y", "D30", "D10"]
YEARS = [2019, 2020, 2021, 2022, 2023]


def load(catalog, items: int) -> int:
    from sqlalchemy import insert, select

    from archive import seed
    from archive.models import Box, Fonds, Page, Record, Volume

    with catalog.session() as s:
        seed.seed_defaults(s, "bench")
        fonds_id = s.query(Fonds).filter_by(code="J001").one().id
        boxes = [{"fonds_id": fonds_id, "category_code": "WS", "year": 2020, "retention": "Y", "box_no": n + 1,
                  "code": f"J001-WS·2020-Y-H{n + 1:05d}"} for n in range(items // 20 + 1)]
        s.execute(insert(Box), boxes)
        volumes = [{"fonds_id": fonds_id, "category_code": "SB", "year": 2020, "retention": "D30", "volume_no": n + 1,
                    "archival_code": f"J001-SB·2020-D30-V{n + 1:05d}"} for n in range(items // 50 + 1)]
        s.execute(insert(Volume), volumes)
        box_ids = s.scalars(select(Box.id)).all()
        volume_ids = s.scalars(select(Volume.id)).all()
    rows = []
    for i in range(items):
        category = CATEGORIES[i % len(CATEGORIES)]
        year = YEARS[i % len(YEARS)]
        rows.append({"fonds_id": fonds_id, "category_code": category, "year": year,
                     "retention": RETENTIONS[i % 3], "archival_code": f"J001-{category}·{year}-{i:07d}",
                     "title": f"第{i}件", "secrecy": "secret" if i % 100 == 0 else "internal", "status": "filed",
                     "pages": 1 + i % 6, "review_reasons": [], "extra": {},
                     "filed_at": dt.datetime(year, 1 + i % 12, 1 + i % 28, tzinfo=dt.UTC),
                     "box_id": box_ids[i // 20 % len(box_ids)] if category == "WS" else None,
                     "volume_id": volume_ids[i // 50 % len(volume_ids)] if category == "SB" else None})
    for n in range(0, len(rows), 20_000):
        with catalog.session() as s:
            s.execute(insert(Record), rows[n:n + 20_000])
    with catalog.session() as s:
        ids = s.scalars(select(Record.id).where(Record.id % 3 == 0)).all()
        for n in range(0, len(ids), 20_000):
            s.execute(insert(Page), [{"record_id": rid, "page_no": 1, "sha256": ""} for rid in ids[n:n + 20_000]])
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "annual_statistics.json"))
    args = parser.parse_args()
    from sqlalchemy import func, select

    from archive.config import load_settings
    from archive.identity import of_user
    from archive.models import Record, User
    from archive.runtime import Runtime
    from retention import annual_statistics

    home = Path(tempfile.mkdtemp(prefix="bench-statistics-"))
    runtime = Runtime(load_settings({"ARCHIVE_HOME": str(home)}), nudge="off")
    runtime.catalog.migrate()
    started = time.perf_counter()
    load(runtime.catalog, args.items)
    times = {"load_s": time.perf_counter() - started}
    with runtime.catalog.session() as s:
        auditor = User(username="aud", role="auditor", clearance="top_secret", display_name="aud")
        s.add(auditor)
        s.flush()
        who = of_user(auditor, channel="cli")
    results = {}
    for fmt in ("json", "pdf", "xlsx"):
        started = time.perf_counter()
        with runtime.unit_of_work(who) as s:
            body, _media, data = annual_statistics.render(s, who, year=2021, fmt=fmt)
        times[f"{fmt}_s"] = time.perf_counter() - started
        results[fmt] = (len(body), data["totals"])
    with runtime.catalog.session() as s:
        end = dt.datetime(2021, 12, 31, 16, tzinfo=dt.UTC)
        held = s.scalar(select(func.count(Record.id)).where(Record.filed_at < end))
    assert results["json"][1]["items"] == held, (results["json"][1], held)
    runtime.close()
    out = {"items": args.items, "year": 2021, "held_at_year_end": held, "totals": results["json"][1],
           **{k: round(v, 2) for k, v in times.items()}, "pdf_bytes": results["pdf"][0],
           "xlsx_bytes": results["xlsx"][0], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
           "machine": platform.platform(), "cpus": os.cpu_count()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
