"""Visible, tiled, semi-transparent watermark on every page rendered for electronic viewing.

The text (viewer, time, loan number) is repeated diagonally over the whole page, so a crop or
a photograph of any part of the screen still names who looked at it and under which loan.
"""

from __future__ import annotations

import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
OPACITY = 80  # of 255: readable on the page, the page stays readable under it
ANGLE = 30


@functools.lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in CJK_FONTS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)  # no CJK glyphs, but the page still carries a mark


def watermark_text(viewer: str, when: str, loan_number: str) -> str:
    return f"{viewer}  {when}  {loan_number}"


def apply(image: Image.Image, text: str) -> Image.Image:
    """Return a copy of `image` with `text` tiled across it (RGB)."""
    base = image.convert("RGBA")
    width, height = base.size
    size = max(14, min(width, height) // 28)
    fnt = font(size)
    left, top, right, bottom = ImageDraw.Draw(base).textbbox((0, 0), text, font=fnt)
    tile_w, tile_h = right - left + size * 3, bottom - top + size * 4
    # Draw on a larger canvas, rotate, crop to the page: tiles cover the corners too.
    diag = int(math.hypot(width, height)) + tile_w
    layer = Image.new("RGBA", (diag, diag), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for row, y in enumerate(range(0, diag, tile_h)):
        offset = (tile_w // 2) * (row % 2)
        for x in range(-offset, diag, tile_w):
            draw.text((x, y), text, font=fnt, fill=(200, 30, 30, OPACITY))
    layer = layer.rotate(ANGLE, resample=Image.Resampling.BICUBIC)
    cx, cy = (diag - width) // 2, (diag - height) // 2
    layer = layer.crop((cx, cy, cx + width, cy + height))
    return Image.alpha_composite(base, layer).convert("RGB")


def render(page: bytes | Image.Image, text: str, *, fmt: str = "PNG") -> bytes:
    """Watermark page bytes (any format PIL reads) and encode them for the browser."""
    image = page if isinstance(page, Image.Image) else Image.open(io.BytesIO(page))
    out = io.BytesIO()
    apply(image, text).save(out, format=fmt)
    return out.getvalue()
