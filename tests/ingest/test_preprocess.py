"""Page preparation: orientation, deskew, blank pages, DPI flags, red masthead and seal evidence."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ingest.preprocess import dpi_flags, estimate_skew, find_red_marks, is_blank, prepare_page
from ingest.samples import SCANS_DIR
from ingest.samples.generate import render_page
from ingest.sources import read_pages

BODY = ["为加强基层人力资源社会保障服务平台档案管理，规范业务档案的收集、整理、归档和利用，现就有关事项通知如下。" * 2] * 4


def _page(name: str):
    return next(read_pages(SCANS_DIR / name))


@pytest.fixture(scope="module")
def level_page() -> Image.Image:
    image, _ = render_page(BODY, seed=7, skew=0.0, jpeg_quality=None)
    return image


@pytest.mark.parametrize("angle", [2.0, -1.5])
def test_deskew_finds_synthetic_skew_within_0_3_degrees(level_page, angle):
    tilted = level_page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=240)
    assert abs(estimate_skew(tilted) - angle) <= 0.3


def test_prepare_page_levels_a_tilted_page(level_page):
    tilted = level_page.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor=240)
    prepared = prepare_page(tilted, (300, 300), detect_rotation=False)
    assert abs(prepared.meta["skew_angle"] - 2.0) <= 0.3 and "deskewed" in prepared.meta["flags"]
    assert abs(estimate_skew(prepared.image)) <= 0.3
    assert prepared.image.size == tilted.size


def test_rotated_sample_is_turned_upright():
    page = _page("ws_reply_rotated_2017.jpg")
    before = page.image.tobytes()
    prepared = prepare_page(page.image, page.dpi)
    assert prepared.meta["rotation"] == 90 and "rotated" in prepared.meta["flags"]
    assert prepared.image.height > prepared.image.width  # portrait again
    assert page.image.tobytes() == before  # the input is never modified


def test_upright_sample_is_not_rotated():
    page = _page("ws_secret_opinion_2009.jpg")
    prepared = prepare_page(page.image, page.dpi)
    meta = prepared.meta
    assert meta["rotation"] == 0 and not meta["blank"]
    assert {"red_masthead", "red_seal"} <= set(meta["flags"])
    assert meta["dpi"] == [300.0, 300.0] and meta["color_mode"] == "RGB"
    assert set(meta) >= {"width", "height", "dpi", "color_mode", "rotation", "skew_angle", "blank", "flags"}


def test_upside_down_page_detected(level_page):
    from ingest.ocr.rapid import detect_orientation

    rotation, _ = detect_orientation(level_page.rotate(180))
    assert rotation == 180


def test_blank_pages():
    rng = np.random.default_rng(1)
    paper = np.full((3508, 2480), 238, np.uint8)
    paper = np.clip(paper + rng.normal(0, 3, paper.shape), 0, 255).astype(np.uint8)
    paper[1000:1003, 900:903] = 40  # a speck of dust
    blank = Image.fromarray(paper)
    assert is_blank(blank)
    prepared = prepare_page(blank, (300, 300))
    assert prepared.meta["blank"] and "blank" in prepared.meta["flags"]
    assert not is_blank(_page("rs_assessment_2022.png").image)


def test_red_masthead_and_seal_on_colour_sample():
    found = find_red_marks(_page("ws_notice_2018.jpg").image)
    assert {"red_masthead", "red_rule", "red_seal"} <= set(found)
    x0, y0, x1, y1 = found["red_masthead"]
    assert y1 < 3508 * 0.3 and x1 - x0 > 1200  # a wide band near the top
    sx0, sy0, sx1, sy1 = found["red_seal"]
    assert sy0 > 3508 * 0.5 and 0.75 < (sx1 - sx0) / (sy1 - sy0) < 1.33


def test_form_has_seal_but_no_masthead():
    found = find_red_marks(_page("rs_cadre_resume.jpg").image)
    assert "red_seal" in found and "red_masthead" not in found


def test_no_red_on_grey_scan():
    prepared = prepare_page(_page("sb_enrolment_2019.jpg").image.convert("L"), (300, 300), detect_rotation=False)
    assert not {"red_masthead", "red_seal"} & set(prepared.meta["flags"])


@pytest.mark.parametrize(("dpi", "flags"), [
    ((300, 300), []), ((600, 600), []), ((240, 240), ["low_dpi_warn"]), ((150, 150), ["low_dpi"]),
    ((300, 150), ["low_dpi"]), (None, ["dpi_unknown"]),
])
def test_dpi_flags(dpi, flags):
    assert dpi_flags(dpi) == flags


def test_exif_orientation_applied_on_a_copy():
    image = Image.new("RGB", (400, 200), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to view
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes(), dpi=(300, 300))
    (page,) = read_pages(buf.getvalue(), "phone.jpg")
    prepared = prepare_page(page.image, page.dpi, detect_rotation=False, deskew=False)
    assert prepared.image.size == (200, 400) and "exif_rotated" in prepared.meta["flags"]
    assert page.image.size == (400, 200)
