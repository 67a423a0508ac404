"""PDF pages as page images: the scan is extracted with pikepdf; a born-digital page keeps its text.

A page is a scan when one image covers most of it. A page with fonts and text-showing operators
and no such image is born-digital: its own text is taken (pypdf) instead of OCR. Pages are
visited one at a time from the open file, so a 2,000-page PDF needs the memory of one page.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pikepdf
from PIL import Image

from ingest.born_digital.text_pdf import text_page
from ingest.sources import PAGE_IMAGE_COVERAGE, InputError, PageImage, check_pixels, normalise_dpi

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
_MAX_FORM_DEPTH = 3


def read_pdf_pages(source, name: str) -> Iterator[PageImage]:
    pdf = _open_pdf(source, name)
    text_reader = None
    try:
        n_pages = len(pdf.pages)
        if n_pages == 0:
            raise InputError(f"{name}: PDF has no pages")
        for index in range(n_pages):
            page_no = index + 1
            try:
                page = pdf.pages[index]
                found = _scan_page(page)
            except InputError:
                raise
            except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"{name}: page {page_no} cannot be read ({exc})") from None
            if found.best_image is not None and found.best_coverage >= PAGE_IMAGE_COVERAGE:
                try:
                    yield _image_page(found, page, name, page_no)
                except _Undecodable:
                    # e.g. JBIG2 without jbig2dec: let poppler draw the page instead
                    yield _rendered_page(source, name, page, page_no, found)
            elif found.has_text:
                text_reader = text_reader or _pypdf_reader(source, name)
                # Its own text, no OCR (ingest.born_digital); OCR only when that text is empty.
                yield text_page(text_reader, source, name, page_no,
                                lambda: _rendered_page(source, name, page, page_no, found))  # noqa: B023
            else:
                yield _rendered_page(source, name, page, page_no, found)
    finally:
        pdf.close()


def _open_pdf(source, name: str) -> pikepdf.Pdf:
    try:
        if isinstance(source, bytes | bytearray):
            return pikepdf.open(io.BytesIO(bytes(source)))
        return pikepdf.open(os.fspath(source))
    except pikepdf.PasswordError:
        raise InputError(f"{name}: PDF is encrypted with a password; ask for an unprotected copy") from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise InputError(f"{name}: corrupt PDF ({_short(exc)})") from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


class _Undecodable(Exception):
    """pikepdf cannot decode this image encoding here."""


class _PageScan:
    def __init__(self) -> None:
        self.best_image: pikepdf.Object | None = None
        self.best_coverage = 0.0
        self.best_ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.has_text = False


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _scan_page(page: pikepdf.Page) -> _PageScan:
    box = [float(v) for v in page.mediabox]
    page_area = abs((box[2] - box[0]) * (box[3] - box[1])) or 1.0
    found = _PageScan()
    _walk(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), (1.0, 0, 0, 1.0, 0, 0), page_area, found, 0)
    return found


def _walk(container, resources, base_ctm, page_area, found: _PageScan, depth: int) -> None:
    """Track the CTM through q/Q/cm to learn how much of the page each drawn image covers."""
    ctm, stack = base_ctm, []
    xobjects = resources.get("/XObject", pikepdf.Dictionary()) if resources is not None else {}
    fonts = resources.get("/Font") if resources is not None else None
    ops = "q Q cm Do Tj TJ ' \""
    for operands, operator in pikepdf.parse_content_stream(container, ops):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else base_ctm
        elif op == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif op in TEXT_OPERATORS:
            if fonts is not None and len(fonts) > 0:
                found.has_text = True
        elif op == "Do":
            xobj = xobjects.get(operands[0])
            if xobj is None:
                continue
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                a, b, c, d = ctm[:4]
                coverage = abs(a * d - b * c) / page_area
                if coverage > found.best_coverage:
                    found.best_image, found.best_coverage, found.best_ctm = xobj, coverage, ctm
            elif subtype == "/Form" and depth < _MAX_FORM_DEPTH:
                matrix = tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                _walk(xobj, xobj.get("/Resources", resources), _multiply(matrix, ctm), page_area, found, depth + 1)


def _image_page(found: _PageScan, page: pikepdf.Page, name: str, page_no: int) -> PageImage:
    xobj = found.best_image
    width, height = int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0))
    check_pixels(name, width, height, page_no)
    try:
        pdf_image = pikepdf.PdfImage(xobj)
        mode = pdf_image.mode
        image = pdf_image.as_pil_image()
        image.load()
    except (pikepdf.models.image.UnsupportedImageTypeError, pikepdf.DependencyError) as exc:
        raise _Undecodable(str(exc)) from None
    except (pikepdf.PdfError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{name}: page {page_no} image is corrupt ({_short(exc)})") from None
    # The image's drawn size in inches gives its resolution.
    a, b, c, d = found.best_ctm[:4]
    drawn_w_in, drawn_h_in = (a * a + b * b) ** 0.5 / 72.0, (c * c + d * d) ** 0.5 / 72.0
    raw = (width / drawn_w_in, height / drawn_h_in) if drawn_w_in and drawn_h_in else None
    dpi, flags = normalise_dpi(raw)
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    if rotate:
        image = image.rotate(-rotate, expand=True)  # /Rotate is clockwise for display
        if dpi and rotate in (90, 270):
            dpi = (dpi[1], dpi[0])
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    return PageImage(page_no, "pdf", image.width, image.height, mode, dpi, flags, _image=image)


def _pypdf_reader(source, name: str):
    import pypdf

    try:
        data = io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray) else os.fspath(source)
        return pypdf.PdfReader(data)
    except Exception as exc:  # pypdf raises many exception types for one bad file
        raise InputError(f"{name}: corrupt PDF ({_short(exc)})") from None


def _rendered_page(source, name: str, page: pikepdf.Page, page_no: int, found: _PageScan) -> PageImage:
    """A page with neither a page-sized image nor text (vector drawing, tiled scan): render it."""
    renderer = shutil.which("pdftoppm")
    if renderer is None:
        raise InputError(f"{name}: page {page_no} has no decodable page image and no text, and pdftoppm "
                         "(poppler-utils) is not installed to render it")
    box = [float(v) for v in page.mediabox]
    check_pixels(name, round(abs(box[2] - box[0]) / 72 * 300), round(abs(box[3] - box[1]) / 72 * 300), page_no)
    with tempfile.TemporaryDirectory(prefix="archive-render-") as tmp:
        pdf_path = os.fspath(source) if not isinstance(source, bytes | bytearray) else os.path.join(tmp, "in.pdf")
        if isinstance(source, bytes | bytearray):
            with open(pdf_path, "wb") as fh:
                fh.write(source)
        out = os.path.join(tmp, "page")
        cmd = [renderer, "-r", "300", "-gray", "-png", "-f", str(page_no), "-l", str(page_no), "-singlefile", pdf_path, out]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            with Image.open(out + ".png") as rendered:
                image = rendered.convert("L")
        except (subprocess.SubprocessError, OSError) as exc:
            raise InputError(f"{name}: page {page_no} cannot be rendered ({_short(exc)})") from None
    flags = ["rendered"] + (["small_images_only"] if found.best_image is not None else [])
    return PageImage(page_no, "pdf", image.width, image.height, "L", (300.0, 300.0), flags, _image=image)
