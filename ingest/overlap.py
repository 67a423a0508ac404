"""A record's pages with their work overlapped: while the engine reads page n, page n+1 is being
prepared (EXIF, deskew, blank and colour checks) and page n-1's stored image, thumbnail, look hash
and PDF page are being encoded, so the side work runs beside the engine instead of after it.

The steps are ingest.stages' (prepare → recognise_page → finish_page, which process_page runs in a
row); results come back in page order and equal the sequential ones. The first page that fails
raises, as it would in a row, and nothing after it is kept. RapidOCR (onnxruntime) and tesseract
(a subprocess) run outside the GIL, so threads are enough. `lanes` pages are read at once with
tesseract (one process each); RapidOCR's one model instance keeps per-call switches on itself, so
its calls take turns (it uses every core for one page anyway).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from threading import Lock
from typing import Any

from ingest import stages
from ingest.sources import PageImage

AHEAD = 2  # pages prepared or finishing beside the ones being read: bounds the decoded pages held


_SHARED_MODEL = Lock()  # one RapidOCR instance per process: not safe to call from two threads at once


def _then(previous: Future, step: Callable, *args) -> Any:
    return step(previous.result(), *args)


def _recognise(work: stages.PageWork, engine_name: str) -> stages.PageWork:
    with nullcontext() if engine_name.startswith("tesseract") else _SHARED_MODEL:
        return stages.recognise_page(work, engine_name)


class PageLine:
    """Feed pages with put() in order; finished pages (PageDone, tag) come back in the same order."""

    def __init__(self, engine_name: str, lanes: int = 1, ahead: int = AHEAD) -> None:
        self.engine_name = engine_name
        if engine_name.startswith("tesseract") and lanes > 1:
            # Each tesseract process would start an OpenMP thread per core: share the cores instead
            # of running lanes × cores threads beside the side work (an explicit setting wins).
            os.environ.setdefault("OMP_THREAD_LIMIT", str(max(1, (os.cpu_count() or 1) // lanes)))
        self.window = max(1, lanes) + max(0, ahead)
        self._prepare = ThreadPoolExecutor(1, thread_name_prefix="ingest-prepare")
        self._read = ThreadPoolExecutor(max(1, lanes), thread_name_prefix="ingest-ocr")
        self._finish = ThreadPoolExecutor(1, thread_name_prefix="ingest-finish")
        self._queue: deque[tuple[Future, Any]] = deque()

    def put(self, page: PageImage, tag: Any = None) -> list[tuple[stages.PageDone, Any]]:
        """Start `page`; returns the pages that finished meanwhile (waiting only to keep the window)."""
        prepared = self._prepare.submit(stages.prepare, page)
        read = self._read.submit(_then, prepared, _recognise, self.engine_name)
        self._queue.append((self._finish.submit(_then, read, stages.finish_page), tag))
        out = []
        while len(self._queue) > self.window or (self._queue and self._queue[0][0].done()):
            out.append(self._pop())
        return out

    def drain(self) -> Iterator[tuple[stages.PageDone, Any]]:
        while self._queue:
            yield self._pop()

    def _pop(self) -> tuple[stages.PageDone, Any]:
        done, tag = self._queue.popleft()
        return done.result(), tag  # raises the page's own error

    def close(self) -> None:
        for pool in (self._prepare, self._read, self._finish):
            pool.shutdown(wait=True, cancel_futures=True)
        self._queue.clear()

    def __enter__(self) -> PageLine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
