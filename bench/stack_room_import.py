"""Importing a year of hourly stack-room sensor readings (issue 19 #16) through the service, on
embedded defaults (a fresh, migrated SQLite catalog):

    .venv/bin/python bench/stack_room_import.py [--rows 8760] [--out bench/results/stack_room_import.json]

The CSV has one reading an hour (8,760 a year, under the 10,000-row limit of one import), about 2%
bad rows (not a number, no time, impossible humidity) and summer and rainy-season spells outside
14–24 °C / 45–60 %RH. Before anything is reported the counts are checked: every good row kept,
every bad row listed by its line, every out-of-limit reading alerted and written to the trail.
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

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from archive import seed, stack_room  # noqa: E402
from archive.clock import set_clock  # noqa: E402
from archive.db import Catalog  # noqa: E402
from archive.identity import of_user  # noqa: E402
from archive.models import AuditEvent, User  # noqa: E402


def sensor_csv(rows: int, rng: random.Random) -> tuple[str, int, int]:
    """The CSV text, how many rows are bad, how many good rows are out of the limits."""
    start = dt.datetime(2025, 1, 1, 0, 0)
    lines, bad, out = ["时间,温度,湿度"], 0, 0
    for n in range(rows):
        at = start + dt.timedelta(hours=n)
        summer = 4000 <= n < 4400  # a hot spell
        t = rng.uniform(25, 28) if summer else rng.uniform(16, 22)
        h = rng.uniform(61, 70) if 3000 <= n < 3200 else rng.uniform(47, 58)  # the rainy season
        kind = rng.random()
        if kind < 0.007:
            lines.append(f"{at:%Y-%m-%d %H:%M},--,{h:.1f}")
            bad += 1
        elif kind < 0.014:
            lines.append(f",{t:.1f},{h:.1f}")
            bad += 1
        elif kind < 0.02:
            lines.append(f"{at:%Y-%m-%d %H:%M},{t:.1f},140")
            bad += 1
        else:
            lines.append(f"{at:%Y-%m-%d %H:%M},{t:.1f},{h:.1f}")
            out += int(summer or 3000 <= n < 3200)
    return "\n".join(lines) + "\n", bad, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=8760)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "stack_room_import.json")
    args = parser.parse_args()
    text, bad, out = sensor_csv(args.rows, random.Random(19))
    set_clock(lambda: dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    with tempfile.TemporaryDirectory() as home:
        catalog = Catalog(f"sqlite:///{home}/catalog.db")
        catalog.migrate()
        with catalog.session() as s:
            seed.seed_defaults(s, "bench")
            keeper = User(username="arch", role="archivist", clearance="internal")
            s.add(keeper)
            s.flush()
            who = of_user(keeper, channel="cli")
        began = time.perf_counter()
        with catalog.session() as s:
            result = stack_room.import_readings(s, who, text, filename="sensor-2025.csv", room="一号库房")
        seconds = time.perf_counter() - began
        with catalog.session() as s:
            alerts = s.query(AuditEvent).filter_by(action="stackroom.alert").count()
            began = time.perf_counter()
            stack_room.log(s, who)
            page_seconds = time.perf_counter() - began
        catalog.dispose()
    set_clock(None)
    assert result["imported"] == args.rows - bad, (result["imported"], args.rows, bad)
    assert len(result["errors"]) == bad and len(result["alerts"]) == out == alerts
    report = {"rows": args.rows, "bad_rows": bad, "alerts": out, "import_seconds": round(seconds, 2),
              "rows_per_second": round(args.rows / seconds), "log_page_seconds": round(page_seconds, 3),
              "catalog": "sqlite", "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
