"""Arranging a year of 100,000 filed items into boxes and volumes, and printing a 500-item
归档文件目录 (issue 13), on embedded defaults (SQLite catalog) and on PostgreSQL (a throwaway
cluster started like tests/servers/postgres.py does).

    .venv/bin/python bench/arrangement.py [--items 100000] [--out bench/results/arrangement.json]

Each run is a fresh process (peak RSS is per process) that:

1. bulk-loads the year 2022: half 文书 (WS) items, item-numbered in four retention/organisation
   series, and half 社保 (SB) items: transactions of an application and a 核定表 over five
   insurance types, five business steps and twelve months; plus 500 WS items of 2023;
2. times `archive arrange --year 2022 --category WS|SB` as the service runs it: the proposal
   alone, then the proposal applied (boxes and monthly volumes created, items placed, audited);
3. times the 归档文件目录 of 2023/WS (500 items) as PDF/A and as XLSX;
4. checks the counts before anything is reported: every item placed exactly once, units as
   proposed, every item's box or volume of its series, 500 rows in the XLSX and the PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

YEAR, CATALOGUE_YEAR, CATALOGUE_ITEMS = 2022, 2023, 500
WS_SERIES = [("Y", "BGS"), ("D30", "BGS"), ("D30", "YLK"), ("D10", "")]
INSURANCE = ["养老保险", "医疗保险", "失业保险", "工伤保险", "生育保险"]
STEPS = ["参保登记", "申报征缴", "养老待遇", "关系转移", "稽核监督"]


def _rows(fonds_id: int, items: int) -> list[dict]:
    """The year's items as insert rows (half WS, half SB) and the catalogue year's 500 WS items."""
    from archive.retention_dates import retention_dates

    rng = random.Random(13)
    rows: list[dict] = []
    counters: dict[str, int] = {}

    def base(category: str, year: int, retention: str, org: str, title: str, **extra) -> dict:
        prefix = f"J001-{category}·{year}-{retention}" + (f"-{org}" if org else "")
        counters[prefix] = counters.get(prefix, 0) + 1
        start, due, transfer = retention_dates(year, retention)
        return {"fonds_id": fonds_id, "category_code": category, "year": year, "retention": retention,
                "org_code": org, "item_no": counters[prefix], "archival_code": f"{prefix}-{counters[prefix]:05d}",
                "title": title, "secrecy": "internal", "status": "filed", "pages": rng.randint(1, 6),
                "retention_start": start, "retention_due": due, "transfer_due": transfer,
                "review_reasons": [], "extra": {}, **extra}

    for i in range(items // 2):
        retention, org = WS_SERIES[i % len(WS_SERIES)]
        rows.append(base("WS", YEAR, retention, org, f"关于第{i}项工作的通知",
                         doc_date=dt.date(YEAR, 1 + i % 12, 1 + i % 28)))
    for t in range((items - items // 2) // 2):  # transactions: an application and its 核定表
        insurance, step = INSURANCE[t % 5], STEPS[(t // 5) % 5]
        day = dt.date(YEAR, 1 + (t // 25) % 12, 1 + t % 28)
        person = f"22010219800101{t % 10000:04d}"
        for sheet, shift in (("申请表", 0), ("核定表", 2)):
            rows.append(base("SB", YEAR, "D100", "", f"{step}{sheet}", insurance_type=insurance, business_step=step,
                             person_id_number=person, doc_date=day + dt.timedelta(days=shift),
                             extra={"transaction": f"T{t}"}))
    for i in range(CATALOGUE_ITEMS):
        rows.append(base("WS", CATALOGUE_YEAR, "D30", "", f"关于二〇二三年第{i}项工作的通知",
                         doc_no=f"吉人社发〔2023〕{i + 1}号", issuer="市人力资源和社会保障局",
                         doc_date=dt.date(CATALOGUE_YEAR, 1 + i % 12, 1 + i % 28)))
    return rows


def load(catalog, items: int) -> float:
    from sqlalchemy import insert

    from archive import seed
    from archive.models import Fonds, Record

    with catalog.session() as s:
        seed.seed_defaults(s, "bench")
        fonds_id = s.query(Fonds).filter_by(code="J001").one().id
    started = time.perf_counter()
    rows = _rows(fonds_id, items)
    for n in range(0, len(rows), 20_000):
        with catalog.session() as s:
            s.execute(insert(Record), rows[n:n + 20_000])
    return time.perf_counter() - started


def _arrange(runtime, who, category: str, apply: bool) -> tuple[dict, float]:
    from archive.arrangement import auto_arrange

    started = time.perf_counter()
    with runtime.unit_of_work(who) as s:
        result = auto_arrange.arrange(s, who, year=YEAR, category=category, apply=apply)
    return result, time.perf_counter() - started


def _print(runtime, who, fmt: str) -> tuple[bytes, float]:
    from archive.arrangement import printouts

    started = time.perf_counter()
    with runtime.unit_of_work(who) as s:
        body = printouts.render(s, who, "catalogue", f"{CATALOGUE_YEAR}/WS/D30", fmt)
    return body, time.perf_counter() - started


def _check_placement(runtime, items: int, ws: dict, sb: dict) -> dict:
    """Every item placed exactly once, in a unit of its own series; the units as proposed."""
    from sqlalchemy import func, select

    from archive.models import Box, Record, Volume

    with runtime.catalog.session() as s:
        def count(*where) -> int:
            return s.scalar(select(func.count()).select_from(Record).where(Record.year == YEAR, *where))

        ws_boxed = count(Record.category_code == "WS", Record.box_id.is_not(None), Record.volume_id.is_(None))
        sb_bound = count(Record.category_code == "SB", Record.volume_id.is_not(None), Record.box_id.is_(None))
        boxes = s.scalar(select(func.count()).select_from(Box).where(Box.year == YEAR))
        volumes = s.scalar(select(func.count()).select_from(Volume).where(Volume.year == YEAR))
        wrong_box = s.scalar(select(func.count()).select_from(Record).join(Box, Record.box_id == Box.id).where(
            (Record.retention != Box.retention) | (Record.org_code != Box.org_code)))
        wrong_volume = s.scalar(select(func.count()).select_from(Record).join(Volume, Record.volume_id == Volume.id)
                                .where((Record.insurance_type != Volume.insurance_type)
                                       | (Record.business_step != Volume.business_step)))
        sequences = s.execute(select(Record.volume_id, func.count(), func.max(Record.sequence))
                              .where(Record.volume_id.is_not(None)).group_by(Record.volume_id)).all()
    assert ws_boxed == items // 2 == ws["placed"] and ws["left"] == 0, (ws_boxed, ws["placed"], ws["left"])
    assert sb_bound == items - items // 2 == sb["placed"] and sb["left"] == 0, (sb_bound, sb["placed"], sb["left"])
    assert boxes == len(ws["units"]) and volumes == len(sb["units"]), (boxes, volumes)
    assert wrong_box == 0 and wrong_volume == 0, (wrong_box, wrong_volume)
    assert all(n == last for _v, n, last in sequences), "序号 1..n in every volume"
    return {"ws_boxed": ws_boxed, "sb_bound": sb_bound, "boxes": boxes, "volumes": volumes}


def _check_catalogue(pdf: bytes, xlsx: bytes) -> None:
    import pikepdf
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0].iter_rows(values_only=True))
    listed = [r for r in rows[1:] if r and isinstance(r[1], str) and r[1].startswith(f"J001-WS·{CATALOGUE_YEAR}")]
    assert len(listed) == CATALOGUE_ITEMS, len(listed)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        text = subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, text=True, check=True).stdout
        with pikepdf.open(fh.name) as doc:
            assert doc.open_metadata().pdfa_status == "2B"
    assert text.count(f"J001-WS·{CATALOGUE_YEAR}-D30-") == CATALOGUE_ITEMS, text.count("J001-WS")
    assert re.search(rf"共\s*{CATALOGUE_ITEMS}\s*件", text), "the heading counts the items"


def one(kind: str, database_url: str, home: Path, items: int) -> dict:
    """Runs in its own process."""
    from archive.config import load_settings
    from archive.identity import system
    from archive.runtime import Runtime

    runtime = Runtime(load_settings({"ARCHIVE_HOME": str(home), "ARCHIVE_DATABASE_URL": database_url}), nudge="off")
    runtime.catalog.migrate()
    who = system("bench")
    load_s = load(runtime.catalog, items)
    times = {"load_s": load_s}
    results = {}
    for category in ("WS", "SB"):
        proposal, times[f"propose_{category}_s"] = _arrange(runtime, who, category, apply=False)
        results[category], times[f"apply_{category}_s"] = _arrange(runtime, who, category, apply=True)
        assert len(proposal["units"]) == len(results[category]["units"])
    counts = _check_placement(runtime, items, results["WS"], results["SB"])
    pdf, times["catalogue_pdf_s"] = _print(runtime, who, "pdf")
    xlsx, times["catalogue_xlsx_s"] = _print(runtime, who, "xlsx")
    _check_catalogue(pdf, xlsx)
    runtime.close()
    arranged_s = times["apply_WS_s"] + times["apply_SB_s"]
    return {"kind": kind, "items": items, **counts, **{k: round(v, 2) for k, v in times.items()},
            "arrange_items_per_s": round(items / arranged_s), "catalogue_pdf_bytes": len(pdf),
            "catalogue_xlsx_bytes": len(xlsx), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def child(kind: str, url: str, home: Path, items: int) -> dict:
    args = [sys.executable, __file__, "--child", kind, "--url", url, "--home", str(home), "--items", str(items)]
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "arrangement.json"))
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--home")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.child, args.url, Path(args.home), args.items)))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-arrangement-"))
    results = [child("embedded", f"sqlite:///{work / 'sqlite' / 'catalog.db'}", work / "sqlite", args.items)]
    print(results[-1], flush=True)
    if not args.skip_postgres:
        from tests.servers.postgres import PostgresServer

        server = PostgresServer()
        try:
            results.append(child("postgresql", server.url(), work / "pg", args.items))
            print(results[-1], flush=True)
        finally:
            server.stop()
    out = {"results": results, "machine": platform.platform(), "cpus": os.cpu_count()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
