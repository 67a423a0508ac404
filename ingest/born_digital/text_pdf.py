"""A PDF page that carries its own text (a born-digital page: fonts and text operators, no
page-sized scan): its text comes from the file (pypdf), with where each piece sits so the
PDF/A rendition can lay it over the rendered page; the page is drawn by poppler for the preview
and that rendition. A page whose text operators yield no text (a font without a Unicode map)
goes to OCR like a scan; only then is the engine asked.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable

from PIL import Image

from ingest.born_digital.pages import BornDigitalPage
from ingest.ocr.model import OcrLine
from ingest.sources import InputError, PageImage, check_pixels

DPI = 200  # drawn for people, not for OCR


def text_page(reader, source, name: str, page_no: int, fallback: Callable[[], PageImage]) -> PageImage:
    """The page with its own text, rendered when poppler is there; `fallback()` (OCR of the drawn
    page) when the text operators gave no text."""
    try:
        pypdf_page = reader.pages[page_no - 1]
        fragments: list[tuple[str, float, float, float]] = []
        text = (pypdf_page.extract_text(visitor_text=_collect(fragments)) or "").strip()
    except Exception as exc:  # pypdf raises many exception types for one bad page
        raise InputError(f"{name}: page {page_no} text cannot be extracted ({str(exc)[:160]})") from None
    if not text:
        return fallback()
    box = [float(v) for v in pypdf_page.mediabox]
    width_pt, height_pt = abs(box[2] - box[0]), abs(box[3] - box[1])
    image = render(source, name, page_no, width_pt, height_pt) if shutil.which("pdftoppm") else None
    rotated = int(pypdf_page.get("/Rotate", 0) or 0) % 360 != 0
    lines = [] if image is None or rotated else _lines(fragments, box[0], box[3])
    width = image.width if image is not None else round(width_pt / 72 * DPI)
    height = image.height if image is not None else round(height_pt / 72 * DPI)
    return BornDigitalPage(page_no, "pdf", width, height, image.mode if image is not None else "none",
                           (float(DPI), float(DPI)) if image is not None else None, ["pdf_text"], born_digital=True,
                           text=text, _image=image, lines=lines)


def _collect(fragments: list):
    def visit(text: str, cm, tm, _font, font_size) -> None:
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = float(font_size or 0) * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or float(font_size or 10)
        fragments.append((text.strip(), x, y, size))
    return visit


def _lines(fragments, left: float, top: float) -> list[OcrLine]:
    """Each piece of text as a box in the rendered image's pixels (y down from the page's top)."""
    scale = DPI / 72.0
    out = []
    for text, x, y, size in fragments:
        advance = sum(size if ord(ch) > 0x2E80 else size * 0.5 for ch in text)
        x0, baseline = (x - left) * scale, (top - y) * scale
        out.append(OcrLine(text, (round(x0), round(baseline - size * 0.9 * scale), round(x0 + advance * scale),
                                  round(baseline + size * 0.15 * scale)), 1.0))
    return out


def render(source, name: str, page_no: int, width_pt: float, height_pt: float) -> Image.Image:
    """The page drawn in colour by poppler (a red masthead stays red)."""
    check_pixels(name, round(width_pt / 72 * DPI), round(height_pt / 72 * DPI), page_no)
    with tempfile.TemporaryDirectory(prefix="archive-render-") as tmp:
        if isinstance(source, bytes | bytearray):
            pdf_path = os.path.join(tmp, "in.pdf")
            with open(pdf_path, "wb") as fh:
                fh.write(source)
        else:
            pdf_path = os.fspath(source)
        out = os.path.join(tmp, "page")
        cmd = ["pdftoppm", "-r", str(DPI), "-png", "-f", str(page_no), "-l", str(page_no), "-singlefile", pdf_path, out]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            with Image.open(out + ".png") as drawn:
                return drawn.convert("RGB")
        except (subprocess.SubprocessError, OSError) as exc:
            raise InputError(f"{name}: page {page_no} cannot be drawn ({str(exc)[:160]})") from None
