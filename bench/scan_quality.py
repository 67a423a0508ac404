"""What the issue-19 scanning-quality checks cost (issue 19 #7, #8, #9, #11), on embedded defaults:

1. the per-page checks the pipeline adds (perceptual hash of a 300-dpi A4 page, printed page
   number, colour-required reading) in milliseconds per page;
2. the record-level sequence and identical-page checks over a 200-page record;
3. the four-property check that now runs at filing, per record of N pages (page images, PDF/A,
   text) on a local object store and a SQLite catalog.

    .venv/bin/python bench/scan_quality.py [--pages 20] [--records 20] [--out bench/results/scan_quality.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import platform
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from archive import seed
from archive.db import Catalog
from archive.four_properties import check_record
from archive.models import Fonds, Page, Record, StoredObject
from ingest import page_checks
from ingest.pdf_output import build_searchable_pdf
from storage.local import LocalObjectStore


def a4_page(n: int) -> Image.Image:
    image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
    draw = ImageDraw.Draw(image)
    for row in range(60):
        draw.rectangle((200, 300 + row * 50, 200 + (row * 37 + n * 101) % 2000, 330 + row * 50), fill=0)
    draw.text((1200, 3300), f"- {n} -", fill=0)
    return image


def per_page(pages: int) -> dict:
    images = [a4_page(n) for n in range(1, pages + 1)]
    text = "吉林省人力资源和社会保障厅文件\n关于做好档案工作的通知\n正文\n— 3 —"
    start = time.perf_counter()
    hashes = [page_checks.perceptual_hash(im) for im in images]
    phash_ms = (time.perf_counter() - start) * 1000 / pages
    start = time.perf_counter()
    for _ in range(pages):
        page_checks.printed_page_number(text)
        page_checks.needs_colour("L", text)
    text_ms = (time.perf_counter() - start) * 1000 / pages
    many = (hashes * (200 // pages + 1))[:200]
    start = time.perf_counter()
    page_checks.identical_pages([f"{i}" for i in range(200)], many, [False] * 200)
    page_checks.sequence_problems(list(range(1, 201)))
    record_ms = (time.perf_counter() - start) * 1000
    return {"phash_ms_per_page": round(phash_ms, 2), "page_number_and_colour_ms_per_page": round(text_ms, 3),
            "sequence_and_identical_ms_per_200_page_record": round(record_ms, 2)}


def four_property(records: int, pages: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix="bench-4p-"))
    catalog = Catalog(f"sqlite:///{home / 'catalog.db'}")
    catalog.migrate()
    store = LocalObjectStore(home / "objects")
    from ingest.ocr.model import OcrPage

    images = [a4_page(n) for n in range(1, pages + 1)]
    blobs = []
    for im in images:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=85)
        blobs.append(buf.getvalue())
    pdf = build_searchable_pdf([(im, OcrPage("", [], 0.0, "none"), (300, 300)) for im in images], title="基准",
                               archival_code="J001-WS·2020-D30-0001")
    with catalog.session() as s:
        seed.seed_defaults(s, "bench")
        fonds = s.query(Fonds).filter_by(code="J001").one()
        ids = []
        for i in range(records):
            record = Record(fonds_id=fonds.id, category_code="WS", year=2020, retention="D30", title="关于考勤的通知",
                            issuer="某局", doc_date=dt.date(2020, 5, 6), pages=pages, archival_code=f"J001-WS·2020-D30-{i + 1:04d}", status="filed",
                            source_sha256=f"{i:064d}")
            s.add(record)
            s.flush()
            for n, blob in enumerate(blobs, 1):
                key = store.put(blob)
                s.add(StoredObject(sha256=key, size=len(blob), media_type="image/jpeg", role="page_image",
                                   record_id=record.id, page_no=n))
                s.add(Page(record_id=record.id, page_no=n, sha256=key))
            key = store.put(pdf)
            s.add(StoredObject(sha256=key, size=len(pdf), media_type="application/pdf", role="pdf", record_id=record.id))
            ids.append(record.id)
        s.flush()
        start = time.perf_counter()
        outcomes = [check_record(s, store, s.get(Record, rid), actor="bench", stage="filing").outcome for rid in ids]
        seconds = time.perf_counter() - start
    catalog.dispose()
    return {"records": records, "pages_per_record": pages, "seconds_per_record": round(seconds / records, 3),
            "ms_per_page": round(seconds * 1000 / records / pages, 2), "outcomes": sorted(set(outcomes))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--out", default="bench/results/scan_quality.json")
    args = parser.parse_args()
    result = {"machine": platform.platform(), "per_page": per_page(args.pages),
              "four_property_at_filing": four_property(args.records, args.pages)}
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
