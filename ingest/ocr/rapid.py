"""RapidOCR (PP-OCR models inside the wheel, onnxruntime on the CPU): the default for Chinese."""

from __future__ import annotations

import logging
import os
import threading

import numpy as np
from PIL import Image

from ingest.ocr.model import OcrLine, OcrPage

_MODEL = None
_LOCK = threading.Lock()


def _model():
    """The process-wide RapidOCR instance; models load on first use, once per process."""
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                from rapidocr import RapidOCR

                threads = int(os.environ.get("ARCHIVE_OCR_THREADS", "-1"))
                params = {
                    "Global.log_level": "warning",
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1 if threads > 0 else -1,
                }
                _MODEL = RapidOCR(params=params)
                logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return _MODEL


def _as_array(image: Image.Image) -> np.ndarray:
    # RapidOCR expects BGR (or grey) arrays; grey pages stay single-channel until it converts.
    if image.mode == "RGB":
        return np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
    if image.mode != "L":
        image = image.convert("L")
    return np.asarray(image)


def _run(array: np.ndarray, det: bool, cls: bool, rec: bool):
    # RapidOCR stores these switches on the instance, so every call passes all three.
    return _model()(array, use_det=det, use_cls=cls, use_rec=rec)


def _bbox(points) -> tuple[int, int, int, int]:
    pts = np.asarray(points, dtype=float)
    return (int(pts[:, 0].min()), int(pts[:, 1].min()), int(round(pts[:, 0].max())), int(round(pts[:, 1].max())))


class RapidOcrEngine:
    """PP-OCR detection + recognition. The per-line 0/180 classifier is off by default: pages are
    turned upright in preprocess, and on upright pages the classifier flips the odd line and loses it."""

    name = "rapidocr"

    def __init__(self, use_cls: bool = False) -> None:
        self.use_cls = use_cls

    def load(self) -> None:
        model = _model()
        model._load_det_model()  # warm the models in pool initializers, not on the first page
        if self.use_cls:
            model._load_cls_model()
        model._load_rec_model()

    def recognize(self, image: Image.Image) -> OcrPage:
        result = _run(_as_array(image), True, self.use_cls, True)
        if result.txts is None or result.boxes is None or len(result.txts) == 0:
            return OcrPage("", [], 0.0, self.name)
        lines = [
            OcrLine(text.strip(), _bbox(box), float(score))
            for box, text, score in zip(result.boxes, result.txts, result.scores, strict=False)
            if text.strip()
        ]
        return OcrPage.from_lines(lines, self.name)


def detect_orientation(image: Image.Image, max_side: int = 1200, samples: int = 8) -> tuple[int, float]:
    """Clockwise rotation (0/90/180/270) that makes the page upright, and a 0-1 confidence.

    Text lines are found with the detector: tall line boxes mean the page lies on its side.
    The longest lines are then read both ways up; the recogniser is far surer of upright text.
    """
    grey = image.convert("L")
    scale = min(1.0, max_side / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.Resampling.BILINEAR)
    det = _run(np.asarray(grey), True, False, False)
    if det.boxes is None or len(det.boxes) == 0:
        return 0, 0.0
    boxes = [_bbox(b) for b in det.boxes]
    elongated = [(x1 - x0, y1 - y0, (x0, y0, x1, y1)) for x0, y0, x1, y1 in boxes if max(x1 - x0, y1 - y0) > 2 * min(x1 - x0, y1 - y0) > 0]
    if not elongated:
        return 0, 0.0
    tall = sum(max(w, h) for w, h, _ in elongated if h > w)
    wide = sum(max(w, h) for w, h, _ in elongated if w >= h)
    base = 90 if tall > wide else 0
    longest = sorted(elongated, key=lambda e: -max(e[0], e[1]))[:samples]
    up = down = 0.0
    for k, (_, _, box) in enumerate(longest):
        crop = grey.crop(box)
        if base:
            crop = crop.rotate(-base, expand=True)
        up += _rec_score(crop)
        down += _rec_score(crop.rotate(180))
        if k >= 2 and abs(up - down) > 0.5 * (up + down):
            break  # three clear lines settle it
    rotation = base if up >= down else (base + 180) % 360
    confidence = abs(up - down) / max(up + down, 1e-6)
    return rotation, round(confidence, 3)


def _rec_score(crop: Image.Image) -> float:
    result = _run(np.asarray(crop), False, False, True)
    if not result.txts:
        return 0.0
    text = "".join(result.txts)
    # Weight by characters read: upside-down text tends to be read as few, unsure glyphs.
    return float(np.mean(result.scores)) * min(len(text.strip()), 30)
