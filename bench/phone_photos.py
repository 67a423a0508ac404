"""Phone photos of a page, before and after ingest.dewarp crops and flattens them (issue 18 #5).

Renders corpus pages, photographs them (`photograph`: the sheet seen at an angle on a darker,
textured desk, lit unevenly, a phone-sized frame, JPEG), then reads each photo with the default
engine as prepared without flattening and with it, and reports the character error rate of
both. A clean scan is checked to pass through untouched. Before/after pictures (small PNGs) and
the numbers: bench/results/phone_photos/ and bench/results/phone_photos.json.

    .venv/bin/python bench/phone_photos.py --photos 4
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: bench.pipeline_throughput and the packages
OUT = ROOT / "bench" / "results" / "phone_photos"
FRAME = (3000, 4000)  # a 12-megapixel phone photo, portrait


def photograph(page: Image.Image, seed: int, *, frame: tuple[int, int] = FRAME, tilt: float = 0.12,
               coverage: float = 0.72) -> tuple[Image.Image, np.ndarray]:
    """`page` as a phone sees it: perspective, a darker textured background, uneven light, blur,
    noise and JPEG. Returns the photo and the sheet's corners in it (TL, TR, BR, BL)."""
    rng = np.random.default_rng(seed)
    fw, fh = frame
    page = page.convert("RGB")
    ph = fh * coverage
    pw = ph * page.width / page.height
    cx, cy = fw / 2 + rng.uniform(-0.04, 0.04) * fw, fh / 2 + rng.uniform(-0.03, 0.03) * fh
    base = np.array([[cx - pw / 2, cy - ph / 2], [cx + pw / 2, cy - ph / 2],
                     [cx + pw / 2, cy + ph / 2], [cx - pw / 2, cy + ph / 2]])
    # Perspective: the far edge narrower (the phone held over the near edge), plus jitter.
    squeeze = rng.uniform(0.3, 1.0) * tilt * pw
    base[0, 0] += squeeze / 2
    base[1, 0] -= squeeze / 2
    base += rng.uniform(-0.03, 0.03, (4, 2)) * [pw, ph]
    angle = np.radians(rng.uniform(-6, 6))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = ((base - [cx, cy]) @ rot.T + [cx, cy]).astype(np.float32)

    desk = _desk(rng, fw, fh)
    src = np.array([[0, 0], [page.width - 1, 0], [page.width - 1, page.height - 1], [0, page.height - 1]],
                   dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners)
    sheet = cv2.warpPerspective(np.asarray(page), matrix, (fw, fh), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((page.height, page.width), 255, np.uint8), matrix, (fw, fh))
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    photo = sheet.astype(np.float32) * alpha + desk * (1 - alpha)
    # Light from one side: 100% to ~75% across the frame.
    yy, xx = np.mgrid[0:fh:8, 0:fw:8].astype(np.float32)  # smooth: computed coarse, then enlarged
    lx, ly = rng.uniform(0, fw), rng.uniform(0, fh)
    dist = np.hypot(xx - lx, yy - ly) / np.hypot(fw, fh)
    shade = (1.0 - rng.uniform(0.18, 0.28) * dist).astype(np.float32)
    light = np.asarray(Image.fromarray(shade, "F").resize((fw, fh), Image.Resampling.BILINEAR))
    photo *= light[:, :, None]
    photo += rng.normal(0, 2.5, (fh, fw)).astype(np.float32)[:, :, None]
    image = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(0.7))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=88)  # phones write JPEG, with no scanner resolution
    out = Image.open(io.BytesIO(buf.getvalue()))
    out.load()
    return out, corners


def _desk(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A darker desk: wood-brown or grey, grainy, with low-frequency blotches."""
    colour = np.array([(112, 82, 60), (92, 92, 96), (70, 60, 52)][int(rng.integers(0, 3))], np.float32)
    coarse = rng.normal(0, 14, (h // 80 + 2, w // 80 + 2)).astype(np.float32)
    blotch = np.asarray(Image.fromarray(coarse, "F").resize((w, h), Image.Resampling.BICUBIC))
    grain = rng.normal(0, 10, (h // 4 + 1, 1)).astype(np.float32)  # streaks like wood grain
    streaks = np.repeat(np.repeat(grain, 4, axis=0)[:h], w, axis=1)
    return colour[None, None, :] + (blotch + streaks)[:, :, None]


def _small(image: Image.Image, side: int = 420) -> Image.Image:
    image = image.convert("L")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return image


def main() -> int:
    from bench.pipeline_throughput import corpus_paragraphs
    from ingest.ocr import get_engine
    from ingest.ocr.cer import character_error_rate
    from ingest.preprocess import prepare_page
    from ingest.samples.generate import render_page

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.environ.get("ARCHIVE_CORPUS", str(ROOT.parent / "shared" / "corpus")))
    parser.add_argument("--photos", type=int, default=4)
    parser.add_argument("--engine", default="rapidocr")
    parser.add_argument("--pictures", type=int, default=3, help="before/after PNG pairs to keep")
    args = parser.parse_args()
    paragraphs = corpus_paragraphs(Path(args.corpus))
    engine = get_engine(args.engine)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(args.photos):
        scan, truth = render_page(paragraphs[(i * 5 + 40) % len(paragraphs):][:5], seed=300 + i, color=i % 2 == 0,
                                  skew=0.0, jpeg_quality=None)
        photo, corners = photograph(scan, seed=300 + i)
        row: dict = {"photo": i}
        for label, flatten in (("before", False), ("after", True)):
            start = time.perf_counter()
            prepared = prepare_page(photo, None, detect_rotation=False, flatten=flatten)
            read = engine.recognize(prepared.image)
            row[f"cer_{label}"] = round(character_error_rate(truth, read.text), 5)
            row[f"seconds_{label}"] = round(time.perf_counter() - start, 1)
            if label == "after":
                row["dewarped"] = "dewarped" in prepared.meta["flags"]
                found = prepared.meta["evidence"].get("sheet", {}).get("corners")
                row["corner_error_px"] = (round(float(np.abs(np.array(found) - corners).max()), 1)
                                          if found else None)
                row["size_after"] = list(prepared.image.size)
            if i < args.pictures:
                _small(photo if label == "before" else prepared.image).save(OUT / f"photo{i}_{label}.png",
                                                                            optimize=True)
        print(json.dumps(row), flush=True)
        rows.append(row)
    clean, _ = render_page(paragraphs[:5], seed=299, skew=0.0)
    untouched = prepare_page(clean, (300, 300), detect_rotation=False)
    out = {
        "photos": args.photos, "engine": args.engine, "frame": list(FRAME),
        "mean_cer_before": round(statistics.mean(r["cer_before"] for r in rows), 5),
        "mean_cer_after": round(statistics.mean(r["cer_after"] for r in rows), 5),
        "dewarped": sum(r["dewarped"] for r in rows),
        "clean_scan_untouched": "dewarped" not in untouched.meta["flags"] and untouched.image.size == clean.size,
        "rows": rows, "pictures": sorted(p.name for p in OUT.glob("*.png")),
        "load_average": round(os.getloadavg()[0], 2),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(json.dumps({k: v for k, v in out.items() if k != "rows"}, indent=2))
    (ROOT / "bench" / "results" / "phone_photos.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0 if out["clean_scan_untouched"] and out["dewarped"] == args.photos else 1


if __name__ == "__main__":
    raise SystemExit(main())
