"""OFD documents as pipeline pages: the text of every TextObject as the page's text (no OCR), and
the page drawn with Pillow at the objects' Boundary positions with the archive's CJK font, for
the preview and the PDF/A rendition (ingest.pdf_output lays the text over it, invisible, at the
same places). Reading the package is archive.ofd's job; what is drawn: text objects, straight
paths (the red rule under a masthead) and the outline of each electronic seal where it is
stamped (the seal's picture inside Seal.esl is not decoded). Images inside the OFD are not drawn.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from archive import ofd, paper
from archive.errors import ConfigError
from ingest.born_digital.pages import BornDigitalPage
from ingest.ocr.model import OcrLine
from ingest.sources import InputError, check_pixels

DPI = 200  # no OCR reads it: enough for the preview and a legible PDF/A page
MM = DPI / 25.4


@lru_cache(maxsize=64)
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        path, index = paper._font_file()
    except ConfigError:
        return ImageFont.load_default()
    return ImageFont.truetype(path, max(pixels, 6), index=index)


def read_ofd_pages(source: str | os.PathLike | bytes, name: str) -> Iterator[BornDigitalPage]:
    try:
        document = ofd.read(source)
    except ofd.OfdError as exc:
        raise InputError(f"{name}: not a readable OFD document ({exc})") from None
    status = document.signature_status
    for number, page in enumerate(document.pages, start=1):
        flags = ["ofd"] + ([f"e_signature:{status}"] if number == 1 else [])
        yield render_page(page, name, number, flags)


def render_page(page: ofd.OfdPage, name: str, number: int, flags: list[str]) -> BornDigitalPage:
    width, height = round(page.width * MM), round(page.height * MM)
    check_pixels(name, width, height, number)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for path in page.paths:
        for points in path.points:
            if len(points) > 1:
                draw.line([(x * MM, y * MM) for x, y in points], fill=path.color, width=max(1, round(path.width * MM)))
    lines = [_draw_text(draw, item) for item in page.texts]
    for x, y, w, h in page.stamps:
        draw.ellipse([x * MM, y * MM, (x + w) * MM, (y + h) * MM], outline=(220, 0, 0), width=max(2, round(0.6 * MM)))
    return BornDigitalPage(number, "ofd", width, height, "RGB", (float(DPI), float(DPI)), flags, born_digital=True,
                           text=page.text, _image=image, lines=lines)


def _draw_text(draw: ImageDraw.ImageDraw, item: ofd.TextItem) -> OcrLine:
    size = item.size * MM
    font = _font(round(size))
    x, y = item.x * MM, item.y * MM
    if item.advances:
        for ch, step in zip(item.text, [*item.advances, 0.0], strict=False):
            draw.text((x, y), ch, fill=item.color, font=font, anchor="ls")
            x += step * MM
        right = x + size
    else:
        draw.text((x, y), item.text, fill=item.color, font=font, anchor="ls")
        right = x + draw.textlength(item.text, font=font)
    box = (round(item.x * MM), round(y - size * 0.9), round(right), round(y + size * 0.15))
    return OcrLine(item.text, box, 1.0)
