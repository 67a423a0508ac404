"""Visible, tiled, semi-transparent watermark on every page rendered for electronic viewing.

The text (viewer, time, loan number) is repeated diagonally over the whole page, so a crop or
a photograph of any part of the screen still names who looked at it and under which loan.
"""

from __future__ import annotations

import functools
import io

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
    tile = _tile(text, max(14, min(width, height) // 28))
    # Stamp the rotated tile on a grid, every other row shifted by half a tile; a margin of one
    # tile on each side lets the grid run off the edges so the corners are covered too.
    step_x, step_y = tile.width * 3 // 4, tile.height * 2 // 3
    layer = Image.new("RGBA", (width + 2 * tile.width, height + 2 * tile.height), (0, 0, 0, 0))
    for row, y in enumerate(range(0, layer.height - tile.height + 1, step_y)):
        for x in range((step_x // 2) * (row % 2), layer.width - tile.width + 1, step_x):
            layer.alpha_composite(tile, dest=(x, y))
    layer = layer.crop((tile.width, tile.height, tile.width + width, tile.height + height))
    return Image.alpha_composite(base, layer).convert("RGB")


@functools.lru_cache(maxsize=32)
def _tile(text: str, size: int) -> Image.Image:
    """The text once, rotated, on a transparent background (cached: one per viewer and minute)."""
    fnt = font(size)
    left, top, right, bottom = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox((0, 0), text, font=fnt)
    tile = Image.new("RGBA", (int(right - left) + size * 2, int(bottom - top) + size * 2), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((size - left, size - top), text, font=fnt, fill=(200, 30, 30, OPACITY))
    return tile.rotate(ANGLE, resample=Image.Resampling.BICUBIC, expand=True)


def render(page: bytes | Image.Image, text: str, *, fmt: str = "PNG") -> bytes:
    """Watermark page bytes (any format PIL reads) and encode them for the browser."""
    image = page if isinstance(page, Image.Image) else Image.open(io.BytesIO(page))
    out = io.BytesIO()
    apply(image, text).save(out, format=fmt)
    return out.getvalue()
