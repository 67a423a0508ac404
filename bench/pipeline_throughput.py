"""End-to-end ingest throughput against the raw OCR engine alone (issue 3).

Builds N degraded 300-dpi pages from the shared corpus, then times, page by page and
interleaved, (a) the raw engine on the decoded page and (b) the whole pipeline (receive, store, preprocess, OCR, classify, PDF,
thumbnails, filing, index outbox) on the same files, one record per page. Reports pages per
minute for both and the pipeline's overhead. Results: bench/results/pipeline_throughput.json.

    .venv/bin/python bench/pipeline_throughput.py --corpus ../shared/corpus --pages 12
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from archive import seed
from archive.db import Catalog
from archive.identity import system
from ingest.ocr import get_engine
from ingest.pipeline import IngestService, Options
from ingest.samples.generate import render_page
from ingest.sources import read_pages
from storage.local import LocalObjectStore

ROOT = Path(__file__).resolve().parents[1]


def corpus_paragraphs(folder: Path) -> list[str]:
    paragraphs = []
    for path in sorted(folder.glob("*.txt")):
        if path.name.lower() == "readme.md":
            continue
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 30]
    return paragraphs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.environ.get("ARCHIVE_CORPUS", str(ROOT.parent / "shared" / "corpus")))
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--engine", default="rapidocr")
    args = parser.parse_args()
    paragraphs = corpus_paragraphs(Path(args.corpus))
    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    files = []
    for i in range(args.pages):
        image, _ = render_page(paragraphs[i * 6:(i + 1) * 6], seed=100 + i)
        path = work / f"page{i:03d}.jpg"
        image.save(path, "JPEG", quality=85, dpi=(300, 300))
        files.append(path)

    engine = get_engine(args.engine)
    engine.recognize(next(read_pages(files[0], files[0].name)).image)  # load the model outside the timing
    catalog = Catalog(f"sqlite:///{work / 'catalog.db'}")
    catalog.migrate()
    with catalog.session() as s:
        seed.seed_defaults(s, "bench")
    service = IngestService(catalog, LocalObjectStore(work / "objects"), system("bench"),
                            options=Options(engine=args.engine, workers=1))
    # Interleave the two per page, so a change in the machine's load hits both alike.
    raw = full = 0.0
    results = []
    for f in files:
        start = time.perf_counter()
        for page in read_pages(f, f.name):
            engine.recognize(page.image)
        raw += time.perf_counter() - start
        start = time.perf_counter()
        results.append(service.ingest_files([f]))
        full += time.perf_counter() - start
    failed = [r for r in results if r["status"] == "failed"]

    out = {
        "pages": args.pages, "engine": args.engine, "cores": os.cpu_count(),
        "raw_engine_s": round(raw, 2), "pipeline_s": round(full, 2),
        "raw_pages_per_min": round(args.pages / raw * 60, 2), "pipeline_pages_per_min": round(args.pages / full * 60, 2),
        "overhead_pct": round((full - raw) / raw * 100, 1), "failed": len(failed),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "pipeline_throughput.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
