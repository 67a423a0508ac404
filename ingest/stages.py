"""The per-page and per-record steps of the pipeline, each delegating to its own module:
sources (decode), preprocess, ocr, pdf_output, extract, classify. The pipeline only orders them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from PIL import Image

from archive.codes import STATE_SECRET_LEVELS, Secrecy
from archive.retention_dates import add_months
from ingest import sources
from ingest.ocr import DEFAULT_ENGINE, get_engine
from ingest.ocr.model import OcrPage
from ingest.page_checks import perceptual_hash
from ingest.pdf_output import PdfImage, build_searchable_pdf, encode_pdf_image, make_thumbnail
from ingest.preprocess import PreparedPage, prepare_page

if TYPE_CHECKING:
    from ingest.classify.retention_schedule import Schedule

__all__ = ["DEFAULT_ENGINE", "PageDone", "PageWork", "Understanding", "finish_page", "prepare", "process_page",
           "read_pages", "recognise_page", "searchable_pdf", "understand"]


def read_pages(path, filename: str) -> Iterator[sources.PageImage]:
    return sources.read_pages(path, filename)


@dataclasses.dataclass
class PageDone:
    image_bytes: bytes | None  # the corrected page image (derivative; the master stays untouched)
    image_type: str
    thumbnail: bytes | None
    width: int | None
    height: int | None
    dpi: int | None
    color_mode: str
    engine: str
    confidence: float | None
    text: str
    ocr: OcrPage
    blank: bool
    rotation: int
    skew_angle: float
    flags: list[str]
    phash: int | None = None  # the page's look (ingest.page_checks): finds the same page scanned twice
    pdf_image: PdfImage | None = None  # the page as the searchable PDF embeds it, encoded ahead


def process_page(page: sources.PageImage, engine_name: str) -> PageDone:
    """One page, start to finish: the three steps below in a row (the pipeline overlaps them
    across pages, ingest.overlap; both give the same result)."""
    return finish_page(recognise_page(prepare(page), engine_name))


@dataclasses.dataclass
class PageWork:
    """A page between the steps: prepared, then read; `done` is set at once for pages not OCR'd."""

    page: sources.PageImage
    prepared: PreparedPage | None = None
    ocr: OcrPage | None = None
    done: PageDone | None = None
    engine: str = ""


def prepare(page: sources.PageImage) -> PageWork:
    """Step 1 (no engine): EXIF orientation, a phone photo flattened, deskew, blank and colour checks."""
    if page.born_digital or page.image is None:
        from ingest.born_digital import pages as born_digital  # its own text: no OCR call

        return PageWork(page, done=born_digital.done(page))
    # Read the page as it lies first: most pages are upright, and a confident reading of wide
    # lines proves it, which saves a separate orientation pass over every page.
    return PageWork(page, prepare_page(page.image, page.dpi, detect_rotation=False))


def recognise_page(work: PageWork, engine_name: str) -> PageWork:
    """Step 2 (the engine): read the page; turn it and read again when the reading is not upright."""
    if work.done is not None or work.prepared is None:
        return work
    page, prepared = work.page, work.prepared
    work.engine = engine_name
    if prepared.meta["blank"]:
        work.ocr = OcrPage("", [], 0.0, engine_name)
        return work
    engine = get_engine(engine_name)
    ocr = engine.recognize(prepared.image)
    if not reads_upright(ocr):
        turned = prepare_page(page.image, page.dpi, detect_rotation=True)
        if turned.meta["rotation"]:
            prepared = turned
            ocr = engine.recognize(prepared.image)
    work.prepared, work.ocr = prepared, ocr
    return work


def finish_page(work: PageWork) -> PageDone:
    """Step 3 (no engine): the stored page image, thumbnail, look hash and the PDF's page image."""
    if work.done is not None:
        return work.done
    assert work.prepared is not None and work.ocr is not None
    page, prepared, ocr = work.page, work.prepared, work.ocr
    meta = prepared.meta
    dpi = int(round(page.dpi[0])) if page.dpi else None
    image_bytes, image_type = encode_page(prepared.image)
    thumb = make_thumbnail(prepared.image)
    flags = list(dict.fromkeys([*page.flags, *meta["flags"]]))
    return PageDone(image_bytes, image_type, thumb, meta["width"], meta["height"], dpi, meta["color_mode"],
                    work.engine, None if meta["blank"] else ocr.mean_confidence, ocr.text, ocr, meta["blank"],
                    meta["rotation"], float(meta["skew_angle"]), flags,
                    None if meta["blank"] else perceptual_hash(prepared.image), encode_pdf_image(prepared.image))


UPRIGHT_CONFIDENCE = 0.85
UPRIGHT_MIN_CHARS = 8  # a few glyphs read confidently upside down prove nothing


def reads_upright(ocr: OcrPage) -> bool:
    """Wide text lines read with high confidence: the page is the right way up."""
    if sum(len(line.text) for line in ocr.lines) < UPRIGHT_MIN_CHARS or ocr.mean_confidence < UPRIGHT_CONFIDENCE:
        return False
    wide = sum(1 for line in ocr.lines if (line.box[2] - line.box[0]) >= (line.box[3] - line.box[1]))
    return wide >= 0.7 * len(ocr.lines)


def encode_page(image: Image.Image) -> tuple[bytes, str]:
    """Bitonal pages as PNG (lossless, small), the rest as JPEG; deterministic for the same page."""
    buf = io.BytesIO()
    if image.mode == "1":
        image.save(buf, "PNG", optimize=True)
        return buf.getvalue(), "image/png"
    image.convert("RGB" if image.mode not in ("L", "RGB") else image.mode).save(buf, "JPEG", quality=85)
    return buf.getvalue(), "image/jpeg"


def searchable_pdf(images: Iterable[Image.Image | None], pages: list, ocr_pages: list[OcrPage], *,
                   title: str, archival_code: str) -> bytes | None:
    """Page images with an invisible text layer; None when no page has an image (born-digital)."""
    items = [
        (image, ocr, (page.dpi, page.dpi) if page.dpi else None)
        for image, page, ocr in zip(images, pages, ocr_pages, strict=True)
        if image is not None
    ]
    if not items:
        return None
    return build_searchable_pdf(items, title=title, archival_code=archival_code)


_STEP_INSURANCE = {"养老待遇": "养老保险", "医疗待遇": "医疗保险", "失业待遇": "失业保险", "工伤待遇": "工伤保险",
                   "生育待遇": "生育保险"}


def insurance_type(category: str | None, read: str | None, business_step: str | None) -> str:
    """A social-insurance item's insurance type (年度—险种—业务环节): as the form names it, else as its
    benefit step implies; other categories carry none."""
    if category != "SB":
        return ""
    return read or _STEP_INSURANCE.get(business_step or "", "")


@dataclasses.dataclass
class Understanding:
    fields: dict  # catalog column names → values
    review_reasons: list[str]
    insurance_read: str | None = None  # as the form names it, whatever the category (a given one may differ)


def understand(text: str, lines: list | None, flags: Iterable[str], *, review_threshold: float,
               schedule: Schedule | None = None) -> Understanding:
    """Extract fields, classify, propose retention from `schedule` (the pipeline passes the
    catalog's, ingest.classify.CatalogSchedule); say what a person should review."""
    from ingest.classify import classify, review_reasons
    from ingest.extract import extract_fields

    flags = list(flags)
    found = extract_fields(text, lines=lines, flags=flags)
    kind = classify(text, found, flags, threshold=review_threshold, schedule=schedule)
    retention = kind.retention or "D30"
    reasons = list(review_reasons(found, kind, threshold=review_threshold))
    doc_date = dt.date.fromisoformat(found.date) if found.date else None
    # The classifier's level is never below a printed marking and raises personal data to internal.
    secrecy = max(Secrecy(kind.secrecy or "public"), Secrecy(found.secrecy or "public"), key=lambda s: s.rank).value
    fields = {
        "category_code": kind.category,
        "personnel_class": kind.personnel_class or "",
        "business_step": kind.business_step or "",
        "doc_type": kind.doc_type or found.doc_type or "",
        "title": found.title or "",
        "doc_no": found.doc_no or "",
        "issuer": found.issuer or "",
        "doc_date": doc_date,
        "addressees": found.addressees or "",
        "person_name": found.person_name or "",
        "person_id_number": found.person_id or "",
        "person_id_valid": found.person_id_valid,
        "secrecy": secrecy,
        "secrecy_term_months": found.secrecy_term_months,
        "secrecy_marking": found.evidence.get("secrecy", "")[:40],
        "retention": retention,
        "disclosure": found.disclosure or "on_request",
        "insurance_type": insurance_type(kind.category, found.insurance_type, kind.business_step),
        "transaction_no": found.transaction_no or "",
    }
    if Secrecy(secrecy) in STATE_SECRET_LEVELS:
        start = dt.date.fromisoformat(found.secrecy_start) if found.secrecy_start else doc_date
        fields["secrecy_start"] = start
        months = found.secrecy_term_months or (Secrecy(secrecy).max_term_years or 0) * 12
        if start and months and not found.secrecy_long_term:
            fields["declassify_on"] = add_months(start, months)
    evidence = {"extraction": found.evidence, "confidence": {**found.confidence, **kind.confidence},
                "reasons": kind.reasons, "flags": flags}
    fields["extra_evidence"] = evidence
    return Understanding(fields, reasons, found.insurance_type)

