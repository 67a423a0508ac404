"""OCR engines behind one interface: RapidOCR (default for Chinese) and tesseract.

`get_engine(name)` returns the process-wide engine for a name (models load once per process);
`ocr_pages(images, name, workers)` fans pages out to a process pool whose workers each load the
model once in their initializer.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Protocol

from PIL import Image

from archive.errors import ValidationError
from ingest.ocr.model import OcrLine, OcrPage, order_lines

__all__ = ["ENGINE_NAMES", "RECOGNITIONS", "OcrEngine", "OcrLine", "OcrPage", "get_engine", "ocr_pages", "order_lines"]

ENGINE_NAMES = ("rapidocr", "tesseract", "tesseract-chi_tra")
DEFAULT_ENGINE = "rapidocr"


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image.Image) -> OcrPage: ...


_ENGINES: dict[str, OcrEngine] = {}
# Pages each engine was asked to read in this process: the pipeline's proof that a born-digital
# page (ingest.born_digital) was filed without OCR, and a figure for the benchmarks.
RECOGNITIONS: Counter[str] = Counter()


class _Counted:
    """An engine whose every recognize() call is counted in RECOGNITIONS."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.name = engine.name

    def recognize(self, image: Image.Image) -> OcrPage:
        RECOGNITIONS[self.name] += 1
        return self._engine.recognize(image)

    def __getattr__(self, attr: str):
        return getattr(self._engine, attr)


def get_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """The engine for `rapidocr`, `tesseract` (chi_sim+eng), `tesseract-chi_tra` or `tesseract-LANG`."""
    engine = _ENGINES.get(name)
    if engine is not None:
        return engine
    if name == "rapidocr":
        from ingest.ocr.rapid import RapidOcrEngine

        engine = RapidOcrEngine()
    elif name == "tesseract" or name.startswith("tesseract-"):
        from ingest.ocr.tesseract import TesseractEngine

        lang = "chi_sim+eng" if name == "tesseract" else name.removeprefix("tesseract-") + "+eng"
        engine = TesseractEngine(lang=lang, name=name)
    else:
        raise ValidationError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
    engine = _ENGINES[name] = _Counted(engine)
    return engine


def _init_worker(name: str, threads: int) -> None:
    # Each worker runs single model instance with its share of the cores, loaded once here.
    os.environ["ARCHIVE_OCR_THREADS"] = str(threads)
    engine = get_engine(name)
    warm = getattr(engine, "load", None)
    if warm is not None:
        warm()


def _recognize_in_worker(args: tuple[str, Image.Image]) -> OcrPage:
    name, image = args
    return get_engine(name).recognize(image)


def ocr_pages(images: Sequence[Image.Image], engine_name: str = DEFAULT_ENGINE, workers: int | None = None) -> list[OcrPage]:
    """OCR pages in parallel across cores, results in page order."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(images)))
    if workers == 1:
        engine = get_engine(engine_name)
        return [engine.recognize(image) for image in images]
    threads = max(1, (os.cpu_count() or 1) // workers)
    # spawn, not fork: onnxruntime's thread pools do not survive fork safely.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker,
                             initargs=(engine_name, threads)) as pool:
        return list(pool.map(_recognize_in_worker, [(engine_name, image) for image in images]))
