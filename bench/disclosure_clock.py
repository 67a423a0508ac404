"""The disclosure clock (issue 17): how long the statutory deadlines take to compute over the shipped
working-day calendar, and the reminders and the annual report over a busy register, on a fresh
SQLite catalog.

    .venv/bin/python bench/disclosure_clock.py [--requests 2000] [--out bench/results/disclosure_clock.json]

It checks the numbers the issue names before it reports: the deadline over 2026's Golden Week
(received 28 September: 30 October, 20 working days), the extension (+20: 27 November), and the
reminders 5 working days before the deadline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from archive import seed
    from archive.clock import set_clock
    from archive.db import Catalog
    from archive.disclosure import report, requests
    from archive.disclosure.models import DisclosureRequest
    from archive.identity import of_user
    from archive.models import User
    from archive.workdays import Calendar

    out: dict = {"requests": args.requests, "python": platform.python_version()}
    with tempfile.TemporaryDirectory() as home:
        catalog = Catalog(f"sqlite:///{home}/catalog.db")
        catalog.migrate()
        moment = dt.datetime(2026, 10, 23, 2, 0, tzinfo=dt.UTC)
        set_clock(lambda: moment)
        with catalog.session() as s:
            seed.seed_defaults(s, "bench")
            s.add(User(username="arch", display_name="档案员", role="archivist", clearance="secret"))
            s.add(User(username="office", display_name="办公室主任", role="office_director", clearance="secret"))
            s.flush()
            arch = of_user(s.query(User).filter_by(username="arch").one(), channel="cli")
            office = of_user(s.query(User).filter_by(username="office").one(), channel="cli")

            started = time.perf_counter()
            calendar = Calendar.load(s)
            out["calendar_load_ms"] = round((time.perf_counter() - started) * 1000, 3)
            days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 365 * 4)]
            started = time.perf_counter()
            for day in days:
                calendar.add(calendar.add(day, 20), 20)
            out["deadline_with_extension_us"] = round((time.perf_counter() - started) / len(days) * 1e6, 2)

            made = requests.register(s, arch, requester="基准", content="golden week", received_on="2026-09-28")
            assert made["due_on"] == "2026-10-30", made["due_on"]
            assert made["working_days_left"] == 5
            extended = requests.extend(s, office, made["id"], "bench")
            assert extended["due_on"] == "2026-11-27", extended["due_on"]

            received = [dt.date(2026, 1, 5) + dt.timedelta(days=n % 280) for n in range(args.requests)]
            started = time.perf_counter()
            for n, day in enumerate(received):
                s.add(DisclosureRequest(number=f"B-{n:06d}", year=day.year, requester="申请人", received_on=day,
                                        content="内容", due_on=calendar.add(day, 20), registered_by="arch",
                                        status="answered" if n % 3 else "open",
                                        outcome=("granted", "partial", "refused", "unavailable", "not_processed")[n % 5]
                                        if n % 3 else "", outcome_reason="", answered_on=day if n % 3 else None))
            s.flush()
            out["bulk_register_s"] = round(time.perf_counter() - started, 3)

            started = time.perf_counter()
            soon = requests.due_soon(s, arch)
            out["due_soon_ms"] = round((time.perf_counter() - started) * 1000, 1)
            out["due_soon_rows"] = len(soon)
            assert any(r["number"] == made["number"] for r in soon) is False  # extended: no longer due soon

            for fmt in ("json", "pdf", "xlsx"):
                started = time.perf_counter()
                result = report.annual(s, arch, 2026, fmt=fmt)
                out[f"annual_report_{fmt}_ms"] = round((time.perf_counter() - started) * 1000, 1)
                if fmt == "json":
                    assert isinstance(result, dict) and result["received"] == args.requests + 1
        set_clock(None)
        catalog.dispose()
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
