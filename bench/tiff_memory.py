"""Peak memory of one worker process reading, preparing and OCR-ing a 200-page 300-dpi TIFF.

    .venv/bin/python bench/tiff_memory.py [--pages 200] [--ocr-every 1]

The TIFF (bitonal, CCITT G4) is written to a temporary folder page by page. Every page goes
through ingest.sources.read_pages and ingest.preprocess.prepare_page; every N-th page (all by
default) through rapidocr. Peak RSS is the process's ru_maxrss. Goal: <= 1.5 GB.
Results: bench/results/tiff_memory.json and the "## OCR" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.ocr import get_engine  # noqa: E402
from ingest.preprocess import prepare_page  # noqa: E402
from ingest.samples import load_labels  # noqa: E402
from ingest.samples.generate import render_page  # noqa: E402
from ingest.samples.render import to_bitonal  # noqa: E402

GOAL_MB = 1536


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def write_tiff(path: Path, n_pages: int) -> None:
    """Distinct text on 10 rendered pages, cycled; pages are produced lazily while saving."""
    texts = [label["text"] for label in load_labels().values() if label["text"]]
    bases = []
    for i in range(10):
        paras = [line for line in texts[i % len(texts)].split("\n") if line.strip()]
        image, _ = render_page(paras, seed=500 + i, jpeg_quality=None)
        bases.append(to_bitonal(image))

    def pages():
        for i in range(1, n_pages):
            yield bases[i % len(bases)]

    bases[0].save(path, "TIFF", compression="group4", dpi=(300, 300), save_all=True, append_images=pages())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--ocr-every", type=int, default=1, help="OCR every N-th page (1 = all)")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # child: only write the TIFF
    args = parser.parse_args()
    if args.write:
        write_tiff(args.write, args.pages)
        return 0
    from ingest.sources import read_pages

    with tempfile.TemporaryDirectory(prefix="tiff-memory-") as tmp:
        path = Path(tmp) / "big.tif"
        started = time.perf_counter()
        # Rendered in a child process so this process's peak RSS is the ingest worker's alone.
        subprocess.run([sys.executable, __file__, "--write", str(path), "--pages", str(args.pages)], check=True)
        tiff_mb = path.stat().st_size / 2**20
        print(f"wrote {args.pages}-page TIFF, {tiff_mb:.1f} MB, in {time.perf_counter() - started:.0f} s", flush=True)
        engine = get_engine("rapidocr")
        engine.load()
        rss_start = rss_mb()
        load_before = os.getloadavg()[0]
        prepare_s = ocr_s = 0.0
        ocr_pages = n = 0
        rss_after_20 = 0.0
        t = time.perf_counter()
        for n, page in enumerate(read_pages(path), 1):
            prepared = prepare_page(page.image, page.dpi)
            prepare_s += time.perf_counter() - t
            t = time.perf_counter()
            if (page.page_no - 1) % args.ocr_every == 0:
                engine.recognize(prepared.image)
                ocr_pages += 1
                ocr_s += time.perf_counter() - t
            del prepared, page
            if n == 20:
                rss_after_20 = rss_mb()
            if n % 20 == 0:
                print(f"page {n:3d}: RSS {rss_mb():.0f} MB, peak so far {peak_mb():.0f} MB", flush=True)
            t = time.perf_counter()
    peak = peak_mb()
    result = {
        "date": time.strftime("%Y-%m-%d"), "pages": n, "ocr_pages": ocr_pages,
        "ocr_note": "every page" if args.ocr_every == 1 else f"every {args.ocr_every}th page",
        "tiff_mb": round(tiff_mb, 1), "rss_start_mb": round(rss_start, 1), "peak_rss_mb": round(peak, 1),
        "rss_after_20_mb": round(rss_after_20, 1), "rss_end_mb": round(rss_mb(), 1),
        "prepare_s_per_page": round(prepare_s / max(n, 1), 2), "ocr_s_per_page": round(ocr_s / max(ocr_pages, 1), 2),
        "goal_met": peak <= GOAL_MB,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # others share the 2 cores
    }
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "tiff_memory.json").write_text(json.dumps(result, indent=1) + "\n")
    from ocr_cer import write_docs  # same folder: the OCR section shows both benchmarks

    write_docs()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
