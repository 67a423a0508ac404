"""Scanning-quality checks over a record's pages (DOMAIN.md §8, DA/T 31): the printed page
numbers and what they say about the page sequence, pages that are the same scan twice, pages that
needed colour but arrived bitonal or grey, the approval sheet's place, and when a page was scanned.

Each check returns review-reason codes (`name:detail`); archive.codes.review_reason_label puts
them into words. Nothing here touches the catalog: the pipeline calls these on what it read.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from archive.clock import CHINA
from ingest.extract.fields import find_masthead
from ingest.extract.text import cn_number, prepare_lines, simplify

# -- printed page numbers ----------------------------------------------------------------------

_DASH = r"[-—–―－一_~～]"
_PAGE_PATTERNS = (
    re.compile(rf"^{_DASH}+(\d{{1,4}}){_DASH}+$"),  # — 3 —, -3-, 一3一 (OCR reads the dash as 一)
    re.compile(r"^(?:共\d{1,4}页)?第(\d{1,4}|[一二三四五六七八九十]{1,3})页(?:[,，/、]?共\d{1,4}页)?$"),  # 第3页, 第3页共5页
    re.compile(r"^(\d{1,4})/\d{1,4}$"),  # 3/5
)
EDGE_LINES = 3  # page numbers sit in the footer (GB/T 9704) or, on some forms, the header


def printed_page_number(text: str) -> int | None:
    """The page number printed on a page (`— 3 —`, `-3-`, `第3页`), read from its last or first lines."""
    lines = [re.sub(r"\s+", "", simplify(line)) for line in text.splitlines() if line.strip()]
    for line in [*reversed(lines[-EDGE_LINES:]), *lines[:2]]:
        for pattern in _PAGE_PATTERNS:
            if m := pattern.match(line):
                value = int(m.group(1)) if m.group(1).isdigit() else cn_number(m.group(1))
                if value:
                    return value
    return None


def sequence_problems(numbers: Sequence[int | None]) -> list[str]:
    """Missing, repeated and out-of-order pages, judged by the printed numbers of a multi-page
    record (pages without one, such as covers and forms, are skipped). A number 1 after others
    starts the next document of the item (an attachment numbered on its own)."""
    numbered = [(index + 1, n) for index, n in enumerate(numbers) if n is not None]
    if len(numbers) < 2 or not numbered:
        return []
    missing: list[int] = []
    repeated: list[int] = []
    disordered: list[int] = []
    runs: list[list[tuple[int, int]]] = []
    for position, n in numbered:
        if n == 1 or not runs:
            runs.append([])
        runs[-1].append((position, n))
    for run in runs:
        seen: set[int] = set()
        previous = 0
        for position, n in run:
            if n in seen:
                repeated.append(position)
            elif n < previous:
                disordered.append(position)
            seen.add(n)
            previous = max(previous, n)
        first_position, first = run[0]
        # Pages before the first number may be the unnumbered first pages; only what cannot be
        # accounted for by them is missing.
        unnumbered_before = first_position - 1 if run is runs[0] else 0
        low = 1 if first - 1 > unnumbered_before else first
        missing += [n for n in range(low, max(seen) + 1) if n not in seen]
    out = []
    if missing:
        out.append("page_missing:" + _numbers(missing))
    if repeated:
        out.append("page_repeated:" + _numbers(repeated))
    if disordered:
        out.append("page_out_of_order:" + _numbers(disordered))
    return out


def _numbers(values: Sequence[int], limit: int = 10) -> str:
    return ",".join(str(v) for v in list(dict.fromkeys(values))[:limit])


# -- the same page twice -----------------------------------------------------------------------

NEAR_IDENTICAL_BITS = 4  # of 64: a re-scan or re-encoding stays within it; distinct official pages of one layout differ by 8 or more (the samples)


def perceptual_hash(image: Image.Image) -> int:
    """64-bit DCT hash of the page's look: equal for the same page re-encoded or re-scanned."""
    grey = np.asarray(image.convert("L").resize((64, 64), Image.Resampling.BOX), dtype=np.float32)
    low = cv2.dct(grey)[:8, :8].flatten()[1:]  # the lowest frequencies, without the mean
    bits = low > np.median(low)
    return int("".join("1" if b else "0" for b in bits), 2)


def identical_pages(digests: Sequence[str], hashes: Sequence[int | None], blank: Sequence[bool]) -> list[str]:
    """Pairs `later=earlier` of pages with the same image digest or a near-identical perceptual
    hash. Blank pages are alike by nature and reported as blank elsewhere."""
    pairs: list[str] = []
    for later in range(len(digests)):
        if blank[later]:
            continue
        for earlier in range(later):
            if blank[earlier]:
                continue
            same = digests[later] and digests[later] == digests[earlier]
            near = hashes[later] is not None and hashes[earlier] is not None and \
                bin(int(hashes[later] or 0) ^ int(hashes[earlier] or 0)).count("1") <= NEAR_IDENTICAL_BITS
            if same or near:
                pairs.append(f"{later + 1}={earlier + 1}")
                break
    return ["page_identical:" + ",".join(pairs[:10])] if pairs else []


# -- colour required ---------------------------------------------------------------------------

NOT_COLOUR = {"1", "L", "LA", "I", "I;16", "F", "P;1"}
_SEAL_WORDS = re.compile(r"印章|公章|专用章|[（(]\s*(?:盖章|章|签章|公章)\s*[)）]|盖章")


def needs_colour(color_mode: str, text: str) -> str | None:
    """Why a page that arrived bitonal or grey should have been scanned in colour (a red masthead
    or a seal, read from its text), or None. DA/T 31: colour for red mastheads and seals."""
    if color_mode not in NOT_COLOUR or not text.strip():
        return None
    if find_masthead(prepare_lines(text)) is not None:
        return "masthead"
    if _SEAL_WORDS.search(re.sub(r"\s+", "", simplify(text))):
        return "seal"
    return None


def colour_problems(modes: Sequence[str], texts: Sequence[str]) -> list[str]:
    pages = [str(i + 1) for i, (mode, text) in enumerate(zip(modes, texts, strict=True)) if needs_colour(mode, text)]
    return ["colour_required:" + ",".join(pages[:10])] if pages else []


# -- the approval sheet on top -----------------------------------------------------------------

APPROVAL_SHEET = "核定表"
TITLE_LINES = 5


def approval_sheet_misplaced(texts: Sequence[str]) -> list[str]:
    """A social-insurance item has its approval sheet (核定表) on top (DOMAIN.md §13): warn when a
    later page is titled one and the first page is not."""
    def is_sheet(text: str) -> bool:
        return any(APPROVAL_SHEET in re.sub(r"\s+", "", simplify(line))
                   for line in [x for x in text.splitlines() if x.strip()][:TITLE_LINES])

    if len(texts) < 2 or is_sheet(texts[0]):
        return []
    later = [str(i + 1) for i, text in enumerate(texts[1:], start=1) if is_sheet(text)]
    return ["approval_sheet_not_first:" + later[0]] if later else []


# -- when a page was scanned -------------------------------------------------------------------

_EXIF_DATETIME, _EXIF_IFD, _EXIF_ORIGINAL = 0x0132, 0x8769, 0x9003


def capture_times(path: Path) -> list[dt.datetime | None]:
    """Per frame of a raster file, when the scanner made it (TIFF DateTime, EXIF DateTimeOriginal
    or DateTime), as UTC; None where the file does not say. Scanners write local (Beijing) time."""
    out: list[dt.datetime | None] = []
    try:
        with warnings.catch_warnings(), Image.open(path) as im:
            warnings.simplefilter("ignore")  # a damaged tag is the decoder's to report, not ours
            for index in range(getattr(im, "n_frames", 1)):
                if index:
                    im.seek(index)
                out.append(_frame_time(im))
    except Exception:  # a PDF, or anything Pillow cannot open: the receive time stands in
        return out
    return out


def _frame_time(im: Image.Image) -> dt.datetime | None:
    exif = im.getexif()
    raw = exif.get_ifd(_EXIF_IFD).get(_EXIF_ORIGINAL) or exif.get(_EXIF_DATETIME)
    tags = getattr(im, "tag_v2", None)
    if not raw and tags is not None:
        raw = tags.get(306)
    return parse_exif_time(raw)


def parse_exif_time(raw: object) -> dt.datetime | None:
    text = (raw.decode("ascii", "ignore") if isinstance(raw, bytes) else str(raw or "")).strip("\x00 ")
    try:
        local = dt.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=CHINA).astimezone(dt.UTC)
