"""Page preparation before OCR: EXIF orientation, phone photos cropped and flattened (ingest.dewarp),
page orientation, deskew, DPI check, blank pages,
and red masthead / red seal evidence on colour scans.

The input image is never modified; a corrected copy is returned with what was found and done.
DA/T 31 limits fixes to rotation, deskew, cropping and despeckling that keep the page's look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageOps

from ingest.dewarp import flatten_photo

DPI_WARN = 300  # DA/T 31: 300 dpi wherever OCR is planned
DPI_MIN = 200  # below this a scan is not acceptable
SKEW_SEARCH = 5.0  # degrees either way
SKEW_LIMIT = 3.0  # DA/T 31: deskew up to 3 degrees; beyond that the scan is flagged
ANALYSIS_SIDE = 1600  # long side of the downscaled copy used for measurements


@dataclass
class PreparedPage:
    image: Image.Image
    meta: dict = field(default_factory=dict)


def prepare_page(image: Image.Image, dpi: tuple[float, float] | None = None, *, detect_rotation: bool = True,
                 deskew: bool = True, flatten: bool = True) -> PreparedPage:
    """Correct orientation and skew, flatten a phone photo, gather evidence; `image` itself is left untouched.

    meta: width, height, dpi, color_mode, rotation (clockwise degrees applied), orientation_confidence,
    skew_angle (degrees the content was tilted, counter-clockwise positive), blank, flags, evidence.
    """
    flags: list[str] = []
    evidence: dict = {}
    color_mode = image.mode
    work = ImageOps.exif_transpose(image)  # always a new image
    if _exif_orientation(image) not in (None, 1):
        flags.append("exif_rotated")
    if work.mode not in ("1", "L", "RGB"):
        work = work.convert("RGB" if _has_colour(work.mode) else "L")
    if flatten:  # a phone photo: crop to the sheet and flatten its perspective (ingest.dewarp)
        work, sheet = flatten_photo(work)
        if sheet is not None:
            flags.append("dewarped")
            evidence["sheet"] = {"corners": [[round(float(v)) for v in p] for p in sheet.corners],
                                 "area_share": sheet.area_share, "contrast": sheet.contrast}

    blank = is_blank(work)
    rotation, confidence, skew = 0, 0.0, 0.0
    if blank:
        flags.append("blank")
    else:
        if detect_rotation:
            rotation, confidence = _orientation(work)
            if rotation:
                work = work.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
                flags.append("rotated")
        if deskew:
            skew = estimate_skew(work)
            if abs(skew) >= 0.1:
                work = _rotate_fine(work, -skew)
                flags.append("deskewed")
            if abs(skew) > SKEW_LIMIT:
                flags.append("large_skew")
    flags.extend(dpi_flags(dpi))
    if work.mode == "RGB" and not blank:
        found = find_red_marks(work)
        evidence.update(found)
        flags.extend(name for name in ("red_masthead", "red_rule", "red_seal") if name in found)
    meta = {
        "width": work.width, "height": work.height, "dpi": list(dpi) if dpi else None, "color_mode": color_mode,
        "rotation": rotation, "orientation_confidence": confidence, "skew_angle": round(skew, 2), "blank": blank,
        "flags": flags, "evidence": evidence,
    }
    return PreparedPage(work, meta)


def _exif_orientation(image: Image.Image) -> int | None:
    try:
        return image.getexif().get(0x0112)
    except (AttributeError, ValueError, SyntaxError):
        return None


def _has_colour(mode: str) -> bool:
    return mode in ("RGB", "RGBA", "CMYK", "P", "YCbCr", "LAB", "HSV", "RGBX", "PA")


def dpi_flags(dpi: tuple[float, float] | None) -> list[str]:
    if not dpi:
        return ["dpi_unknown"]
    low = min(dpi)
    if low < DPI_MIN:
        return ["low_dpi"]
    if low < DPI_WARN:
        return ["low_dpi_warn"]
    return []


def _small_grey(image: Image.Image, side: int = ANALYSIS_SIDE) -> np.ndarray:
    grey = image.convert("L")
    scale = side / max(grey.size)
    if scale < 1:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), Image.Resampling.BOX)
    return np.asarray(grey)


def _ink_mask(grey: np.ndarray) -> np.ndarray:
    """Dark marks on the page: Otsu, but never calling paper texture ink on an empty page."""
    background = float(np.median(grey))
    otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    threshold = min(otsu, background - 60)
    return (grey < threshold).astype(np.uint8)


def is_blank(image: Image.Image, ink_ratio: float = 0.0008) -> bool:
    """No marks beyond specks once the scanner's border is ignored."""
    grey = _small_grey(image, 1000)
    h, w = grey.shape
    inner = grey[int(h * 0.03): int(h * 0.97), int(w * 0.03): int(w * 0.97)]
    mask = cv2.morphologyEx(_ink_mask(inner), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # drop dust
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    marks = int((stats[1:, cv2.CC_STAT_AREA] >= 6).sum()) if n > 1 else 0
    return bool(mask.mean() < ink_ratio or marks < 5)


def _orientation(image: Image.Image) -> tuple[int, float]:
    from ingest.ocr.rapid import detect_orientation

    rotation, confidence = detect_orientation(image)
    if rotation == 180 and confidence < 0.15:
        return 0, confidence  # an unsure upside-down verdict is not worth turning a page for
    return rotation, confidence


def estimate_skew(image: Image.Image, search: float = SKEW_SEARCH) -> float:
    """Angle (degrees, counter-clockwise positive) by which the text lines are tilted.

    Projection profile: text rows give the sharpest row-sum profile when the page is level.
    Coarse 0.2 degree steps over +-search, then 0.02 degree steps around the best.
    """
    ink = _ink_mask(_small_grey(image, 1400)) * 255
    if ink.mean() < 0.5:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    coarse = np.arange(-search, search + 1e-9, 0.2)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.2, best + 0.2 + 1e-9, 0.02)
    best = max(fine, key=score)
    # Rotating the image by `best` levels it, so the content was tilted by -best.
    return round(-float(best), 2)


def _rotate_fine(image: Image.Image, angle: float) -> Image.Image:
    """Rotate counter-clockwise by `angle` degrees, keeping the page size and filling with paper.

    OpenCV's bicubic warp is several times faster than Pillow's on a 300-dpi page.
    """
    if image.mode == "1":
        image = image.convert("L")
    arr = np.asarray(image)
    h, w = arr.shape[:2]
    sample = arr[:: max(1, h // 64), :: max(1, w // 64)]
    paper = np.median(sample.reshape(-1, arr.shape[2]) if arr.ndim == 3 else sample.ravel(), axis=0)
    fill = tuple(int(v) for v in np.atleast_1d(paper))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(arr, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=fill if len(fill) > 1 else fill[0])
    return Image.fromarray(out, image.mode)


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Red ink (mastheads, seals, red rules) in an RGB array."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    return (((hue <= 10) | (hue >= 165)) & (sat >= 90) & (val >= 80)).astype(np.uint8)


def find_red_marks(image: Image.Image) -> dict:
    """Evidence of a red masthead, red rule and red round seal, with boxes in page pixels."""
    scale = min(1.0, 1000 / max(image.size))
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BOX)
    mask = red_mask(np.asarray(small))
    h, w = mask.shape
    found: dict = {}
    if mask.sum() < 30:
        return found

    def to_page(x, y, bw, bh) -> list[int]:
        return [round(x / scale), round(y / scale), round((x + bw) / scale), round((y + bh) / scale)]

    # Masthead: big red characters in one wide band in the top part of the page. A wide closing
    # kernel joins the characters of one line into one component.
    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, max(3, w // 40)), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    for x, y, bw, bh, _area in stats[1:]:
        if y + bh > h * 0.45:
            continue
        if bw >= 0.35 * w and bh >= 0.012 * h and "red_masthead" not in found:
            found["red_masthead"] = to_page(x, y, bw, bh)
        elif bw >= 0.55 * w and bh < 0.012 * h and "red_rule" not in found:
            found["red_rule"] = to_page(x, y, bw, bh)

    # Seal: a roughly round red blob in the lower part, ring ink all the way round.
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    for index, (x, y, bw, bh, _area) in enumerate(stats[1:], 1):
        if y + bh / 2 < h * 0.35 or not (0.06 * w <= max(bw, bh) <= 0.4 * w):
            continue
        if not 0.75 <= bw / max(bh, 1) <= 1.33:
            continue
        if _ring_coverage(labels == index, x, y, bw, bh) >= 0.75:
            found["red_seal"] = to_page(x, y, bw, bh)
            break
    return found


def _ring_coverage(component: np.ndarray, x: int, y: int, bw: int, bh: int) -> float:
    """Share of 36 directions from the blob's centre that meet ink near its rim."""
    cy, cx = y + bh / 2, x + bw / 2
    radius = (bw + bh) / 4
    ys, xs = np.nonzero(component[y:y + bh, x:x + bw])
    dy, dx = ys + y - cy, xs + x - cx
    dist = np.hypot(dx, dy)
    rim = (dist > radius * 0.75) & (dist < radius * 1.1)
    if not rim.any():
        return 0.0
    sectors = ((np.degrees(np.arctan2(dy[rim], dx[rim])) + 360) % 360 // 10).astype(int)
    return len(set(sectors.tolist())) / 36
