"""Phone photos of a page: find the sheet (the largest bright quadrilateral on a darker
background), crop to it and flatten the perspective, so the stored page and the PDF look like a
scan and the engine reads level lines.

Only a photo is touched: the sheet must leave a clear band of darker background inside the frame
and stand out from it. A scan (the page fills the frame, or its margin is paper-bright) passes
through unchanged. DA/T 31 allows cropping and deskewing; this is both, for a sheet seen at an angle.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

ANALYSIS_SIDE = 700  # long side of the copy the sheet is looked for on
MIN_AREA = 0.20  # the sheet covers at least this share of the frame
MAX_AREA = 0.93  # above this it fills the frame: a scan, or a photo close enough to leave alone
MIN_CONTRAST = 35.0  # grey levels between the sheet and the background around it
A4 = 2 ** 0.5  # long side ÷ short side of an A-series sheet
A4_SNAP = 0.12  # a quadrilateral within 12% of A4 proportions is taken to be an A4 sheet


@dataclass
class Sheet:
    corners: np.ndarray  # 4×2 float32, full-size pixels: top-left, top-right, bottom-right, bottom-left
    area_share: float
    contrast: float


def find_sheet(image: Image.Image) -> Sheet | None:
    """The page's corners when `image` is a photo of a page on a darker background, else None."""
    grey = image.convert("L")
    scale = min(1.0, ANALYSIS_SIDE / max(grey.size))
    small = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                        Image.Resampling.BOX) if scale < 1 else grey
    arr = cv2.GaussianBlur(np.asarray(small), (5, 5), 0)
    h, w = arr.shape
    _, bright = cv2.threshold(arr, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the text's holes so the sheet is one blob; open to cut thin bridges to bright clutter.
    k = max(3, round(min(h, w) / 60)) | 1
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    blob = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(blob) / float(h * w)
    if not MIN_AREA <= share <= MAX_AREA:
        return None
    quad = _four_corners(blob)
    if quad is None:
        return None
    inside = np.zeros_like(arr)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    ring = cv2.dilate(inside, np.ones((k * 3, k * 3), np.uint8)) & ~inside  # background next to the sheet
    if not ring.any():
        return None
    contrast = float(np.median(arr[inside > 0])) - float(np.median(arr[ring > 0]))
    if contrast < MIN_CONTRAST:
        return None
    return Sheet(_order(quad / scale), round(share, 3), round(contrast, 1))


def _four_corners(contour: np.ndarray) -> np.ndarray | None:
    """The contour as a convex quadrilateral, or None when it is not one (a torn or folded sheet)."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.04, 0.05):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            # The quadrilateral must account for the blob: otherwise it is not the sheet's outline.
            if cv2.contourArea(quad) >= 0.85 * cv2.contourArea(hull):
                return quad
            return None
    return None


def _order(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points, dtype=np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def flatten(image: Image.Image, sheet: Sheet) -> Image.Image:
    """The sheet cut out and seen square-on, at the resolution the photo has it."""
    tl, tr, br, bl = sheet.corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    long, short = max(width, height), min(width, height)
    if abs(long / short - A4) / A4 <= A4_SNAP:  # foreshortening squashes one side: restore A4
        long = short * A4
        width, height = (short, long) if height >= width else (long, short)
    size = (max(1, round(width)), max(1, round(height)))
    target = np.array([[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(sheet.corners, target)
    mode = image.mode if image.mode in ("L", "RGB") else ("RGB" if image.mode not in ("1", "I", "F") else "L")
    arr = np.asarray(image.convert(mode))
    out = cv2.warpPerspective(arr, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return Image.fromarray(out, mode)


def flatten_photo(image: Image.Image) -> tuple[Image.Image, Sheet | None]:
    """`image` cropped and flattened when it is a photo of a page; otherwise `image` itself."""
    if image.mode == "1":
        return image, None  # bitonal: a scanner's output, never a photo
    sheet = find_sheet(image)
    if sheet is None:
        return image, None
    return flatten(image, sheet), sheet
