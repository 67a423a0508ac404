"""Time packaging N records for transfer to the state archive (issue 14 deliverable 5) on the
embedded defaults (SQLite catalog, local object store), and the four-property check of the package.

    .venv/bin/python bench/transfer_package.py --records 1000

Each record carries what a scanned item does: a one-page searchable PDF wrapping its page image
(an A4 greyscale JPEG at 150 dpi with text lines, made unique per record), the original JPEG, and
four audit events. Counts are checked before anything is reported (batch, manifest, EEPs, check).
Writes bench/results/transfer_package.json and prints one line per mode (base64 inside / files beside).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pikepdf
from lxml import etree
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import audit, seed
from archive.clock import set_clock
from archive.db import Catalog
from archive.identity import of_user
from archive.models import Fonds, Record, StoredObject, User
from retention import state_transfer
from storage.local import LocalObjectStore


def page_jpeg() -> bytes:
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    for row in range(60):
        draw.text((100, 120 + row * 26), f"line {row:02d} " + "text " * 18, fill=0)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def unique(jpeg: bytes, n: int) -> bytes:
    """The same page with a JPEG comment naming the record: distinct bytes, still a valid JPEG."""
    note = f"record {n}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + jpeg[2:]


def pdf_of(jpeg: bytes) -> bytes:
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1240, Height=1754,
                           ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
    content = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=content,
                                           Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))))
    pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def build(catalog: Catalog, store: LocalObjectStore, n: int) -> tuple[int, int]:
    base = page_jpeg()
    total = 0
    with catalog.session() as s:
        seed.seed_defaults(s, "bench")
        fonds_id = s.query(Fonds).one().id
        s.add(User(username="bench", role="archivist", clearance="confidential", display_name="bench"))
    for start in range(0, n, 200):
        with catalog.session() as s:
            for i in range(start, min(n, start + 200)):
                record = Record(fonds_id=fonds_id, category_code="WS", year=1995, retention="Y", item_no=i + 1,
                                archival_code=f"J001-WS·1995-Y-{i + 1:04d}", title=f"关于1995年第{i + 1}项工作的通知",
                                doc_no=f"人社发〔1995〕{i + 1}号", issuer="某市人事局", doc_date=dt.date(1995, 5, 1),
                                pages=1, status="filed", secrecy="internal", review_reasons=[], extra={})
                s.add(record)
                s.flush()
                jpeg = unique(base, i)
                for data, media, role in ((pdf_of(jpeg), "application/pdf", "pdf"), (jpeg, "image/jpeg", "original")):
                    key = store.put(data)
                    total += len(data)
                    s.add(StoredObject(sha256=key, size=len(data), media_type=media, role=role, record_id=record.id))
                for action in ("record.receive", "record.file", "record.view", "record.four_property_check"):
                    audit.record(s, "bench", action, f"record:{record.id}", {"archival_code": record.archival_code})
    return fonds_id, total


def measure(catalog: Catalog, store: LocalObjectStore, n: int, embed: bool) -> dict:
    with catalog.session() as s:
        who = of_user(s.query(User).filter_by(username="bench").one(), channel="cli")
    started = time.perf_counter()
    with catalog.session(who) as s:
        made = state_transfer.create(s, who, None, title=f"bench {'embed' if embed else 'files'}", to_archive="某市综合档案馆",
                                     day=dt.date(2020, 3, 1))
    created = time.perf_counter() - started
    started = time.perf_counter()
    with catalog.session(who) as s:
        packed = state_transfer.package(s, who, store, batch_id=made["id"], embed=embed)
    packaging = time.perf_counter() - started
    started = time.perf_counter()
    with catalog.session(who) as s:
        result = state_transfer.check(s, who, store, batch_id=made["id"], scanner=lambda d: (None, "no scanner"))
    checking = time.perf_counter() - started
    # Counts first: a number about the wrong package is worse than none.
    assert made["records"] == n and packed["records"] == n, (made["records"], packed["records"])
    with store.get(packed["package_sha256"]) as stream, zipfile.ZipFile(io.BytesIO(stream.read())) as zf:
        manifest = etree.fromstring(zf.read("manifest.xml"))
        eeps = [name for name in zf.namelist() if name.startswith("eep/")]
        members = len(zf.namelist())
    assert int(manifest.findtext("件数")) == n and len(eeps) == n, (manifest.findtext("件数"), len(eeps))
    assert int(manifest.findtext("文件数")) + 1 == members
    assert result["passed"], json.dumps(result, ensure_ascii=False)[:2000]
    with catalog.session(who) as s:  # free the records for the next mode
        s.query(state_transfer.StateTransfer).filter_by(id=made["id"]).update({"status": "completed"})
    return {"mode": "base64 inside each EEP" if embed else "files beside the EEPs", "records": n,
            "create_s": round(created, 2), "package_s": round(packaging, 2),
            "records_per_s": round(n / packaging, 1), "package_bytes": packed["package_size"],
            "package_mb": round(packed["package_size"] / 2**20, 1), "files_in_zip": members,
            "check_s": round(checking, 2), "check_passed": result["passed"],
            "security": result["properties"]["security"]["status"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    set_clock(lambda: dt.datetime(2020, 3, 1, 4, 0, tzinfo=dt.UTC))
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(f"sqlite:///{tmp}/catalog.db")
        catalog.migrate()
        store = LocalObjectStore(Path(tmp) / "objects")
        started = time.perf_counter()
        _, content = build(catalog, store, args.records)
        print(f"built {args.records} records ({content / 2**20:.1f} MB of PDFs and scans) "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        rows = []
        for embed in (True, False):
            row = measure(catalog, store, args.records, embed)
            row["content_mb"] = round(content / 2**20, 1)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        catalog.dispose()
    out = {"date": dt.date.today().isoformat(), "backend": "SQLite + local object store", "peak_rss_mb": round(peak),
           "runs": rows}
    path = Path(__file__).parent / "results" / "transfer_package.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"peak RSS {peak:.0f} MB; written to {path}")


if __name__ == "__main__":
    main()
