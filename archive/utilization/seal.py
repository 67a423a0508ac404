"""The 档案专用章 (archive seal) printed on certified copies.

An administrator points ARCHIVE_SEAL_IMAGE at a scan of the bureau's real seal (a PNG with a white
or transparent background). Without one, the shipped seal.png is used: a red ring, a star and the
words, drawn by `draw_default` (run `python -m archive.utilization.seal` to draw it again).
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from archive.errors import ConfigError
from archive.utilization.messages import msg
from archive.watermark import CJK_FONTS

DEFAULT = Path(__file__).with_name("seal.png")
RED = (215, 25, 32)
SIZE = 600
ARC_TEXT = "人力资源和社会保障局"
CENTRE_TEXT = "档案专用章"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in (*CJK_FONTS, "/usr/share/fonts/truetype/arphic/uming.ttc"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _star(centre: tuple[float, float], outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)))
    return points


def draw_default(arc_text: str = ARC_TEXT, centre_text: str = CENTRE_TEXT, size: int = SIZE) -> bytes:
    """A round red seal as PNG on white: ring, five-pointed star, the unit along the top arc and
    the seal's name under the star."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    c = size / 2
    ring = size * 0.46
    draw.ellipse((c - ring, c - ring, c + ring, c + ring), outline=RED, width=max(4, size // 40))
    draw.polygon(_star((c, c), size * 0.14), fill=RED)
    letter = _font(int(size * 0.1))
    span = math.radians(220)  # the arc the unit's name runs along, centred on the top
    count = max(len(arc_text), 1)
    for i, char in enumerate(arc_text):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / count
        glyph = Image.new("L", (int(size * 0.14), int(size * 0.14)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=letter, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        radius = ring * 0.78
        x, y = c + radius * math.cos(angle), c + radius * math.sin(angle)
        image.paste(Image.new("RGB", glyph.size, RED), (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)
    draw.text((c, c + size * 0.27), centre_text, font=_font(int(size * 0.085)), fill=RED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=4)
def seal_image(path: str = "") -> Image.Image:
    """The seal as RGB on white (transparency flattened: PDF/A pages carry no soft masks here)."""
    source = Path(path) if path else DEFAULT
    try:
        with Image.open(source) as opened:
            image = opened.convert("RGBA")
    except (OSError, ValueError):
        if not path:
            return Image.open(io.BytesIO(draw_default())).convert("RGB")
        raise ConfigError(msg("seal", path=source.name)) from None
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat


if __name__ == "__main__":
    DEFAULT.write_bytes(draw_default())
