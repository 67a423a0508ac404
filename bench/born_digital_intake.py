"""Born-digital intake (issue 18 #3): an N-page OFD and an N-page text PDF ingested as one record
each through the whole pipeline (receive, read text, render pages, PDF/A rendition, thumbnails,
filing, four-property check), timed, with the OCR engine's call counter read before and after
(it must not move). Results: bench/results/born_digital_intake.json.

    .venv/bin/python bench/born_digital_intake.py --pages 10
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from archive import seed
from archive.db import Catalog
from archive.identity import system
from ingest.ocr import RECOGNITIONS
from ingest.pipeline import IngestService, Options
from ingest.samples.ofd import make_ofd
from ingest.samples.text_pdf import APPROVAL, make_text_pdf
from storage.local import LocalObjectStore

OUT = Path(__file__).resolve().parent / "results" / "born_digital_intake.json"


def run(pages: int) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = Catalog(f"sqlite:///{root / 'catalog.db'}")
        catalog.migrate()
        with catalog.session() as s:
            seed.seed_defaults(s, "bench")
        service = IngestService(catalog, LocalObjectStore(root / "objects"), system("bench"),
                                options=Options(workers=2), scanner=lambda _b: (True, "not scanned in the bench"))
        inputs = {"ofd": ("notice.ofd", make_ofd(pages=pages)),
                  "text_pdf": ("approval.pdf", make_text_pdf([APPROVAL] * pages))}
        for kind, (name, data) in inputs.items():
            path = root / name
            path.write_bytes(data)
            calls = sum(RECOGNITIONS.values())
            start = time.perf_counter()
            result = service.ingest_files([path])
            elapsed = time.perf_counter() - start
            results[kind] = {"pages": result["pages"], "status": result["status"], "seconds": round(elapsed, 2),
                             "pages_per_min": round(60 * pages / elapsed, 1),
                             "ocr_calls": sum(RECOGNITIONS.values()) - calls}
        catalog.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    results = run(args.pages)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    for kind, row in results.items():
        print(f"{kind:9} {row['pages']} pages  {row['seconds']:6.2f} s  {row['pages_per_min']:6.1f} pages/min  "
              f"OCR calls {row['ocr_calls']}  {row['status']}")


if __name__ == "__main__":
    main()
