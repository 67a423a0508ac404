"""Issue 18 #5: a phone photo of a page is cropped to the sheet and flattened before OCR; a scan
passes through unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.phone_photos import photograph
from ingest.dewarp import find_sheet, flatten_photo
from ingest.preprocess import prepare_page
from ingest.samples.generate import render_page

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FRAME = (900, 1200)  # a small photo keeps the test quick; the bench uses phone-sized frames


@pytest.fixture(scope="module")
def scan() -> Image.Image:
    text = ["为进一步规范基层服务平台档案管理，现就有关事项通知如下。" * 2] * 6
    image, _ = render_page(text, seed=7, skew=0.0, jpeg_quality=None)
    return image.resize((image.width // 3, image.height // 3), Image.Resampling.LANCZOS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_photo_is_found_cropped_and_flattened(scan, seed):
    photo, corners = photograph(scan, seed, frame=FRAME)
    sheet = find_sheet(photo)
    assert sheet is not None
    assert np.abs(sheet.corners - corners).max() < 0.02 * max(FRAME)  # within 24 px of the true corners
    flat, _ = flatten_photo(photo)
    assert abs(flat.height / flat.width - scan.height / scan.width) < 0.03  # an A4 sheet again
    # No desk left: the border of the flattened page is paper-bright all round.
    grey = np.asarray(flat.convert("L"), dtype=float)
    for edge in (grey[:6], grey[-6:], grey[:, :6], grey[:, -6:]):
        assert np.median(edge) > 150


def test_prepare_page_flattens_a_photo_and_says_so(scan):
    photo, _ = photograph(scan, 4, frame=FRAME)
    prepared = prepare_page(photo, None, detect_rotation=False)
    assert "dewarped" in prepared.meta["flags"]
    assert len(prepared.meta["evidence"]["sheet"]["corners"]) == 4
    assert prepared.image.size != photo.size
    assert photo.size == FRAME  # the original is never modified
    off = prepare_page(photo, None, detect_rotation=False, flatten=False)
    assert "dewarped" not in off.meta["flags"] and off.image.size == photo.size


def test_a_clean_scan_passes_through_unchanged(scan):
    assert find_sheet(scan) is None
    same, sheet = flatten_photo(scan)
    assert sheet is None and same is scan
    with_flatten = prepare_page(scan, (300, 300), detect_rotation=False)
    without = prepare_page(scan, (300, 300), detect_rotation=False, flatten=False)
    assert "dewarped" not in with_flatten.meta["flags"]
    assert with_flatten.image.size == without.image.size
    assert np.array_equal(np.asarray(with_flatten.image), np.asarray(without.image))


def test_scans_with_a_dark_scanner_edge_or_bitonal_are_left_alone(scan):
    edged = scan.copy()
    ImageDraw.Draw(edged).rectangle((0, 0, edged.width - 1, 12), fill=20)  # lid shadow
    assert find_sheet(edged) is None
    bitonal = scan.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1")
    assert flatten_photo(bitonal)[1] is None


def test_a_dark_page_with_a_white_block_is_not_mistaken_for_a_sheet():
    """A photo of something that is not a page on a desk (a light square on a grey card filling
    the frame) has no paper band round it that contrasts enough: not flattened."""
    card = Image.new("L", (900, 1200), 170)
    draw = ImageDraw.Draw(card)
    draw.rectangle((200, 300, 700, 900), fill=190)
    draw.text((250, 500), "档案", fill=40, font=ImageFont.truetype(FONT, 80))
    assert find_sheet(card) is None
