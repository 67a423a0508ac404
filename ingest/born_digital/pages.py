"""A born-digital page through the pipeline: its own text, its rendered image for the preview and
the PDF/A rendition, and no OCR call (the engine is never asked)."""

from __future__ import annotations

import dataclasses

from ingest.ocr.model import OcrLine, OcrPage
from ingest.sources import PageImage

ENGINE = "born_digital"  # what Page.ocr_engine says of a page whose text came with the file


@dataclasses.dataclass
class BornDigitalPage(PageImage):
    """A page with text that came with the file; `lines` place it on the rendered image (pixels)."""

    lines: list[OcrLine] = dataclasses.field(default_factory=list)


def done(page: PageImage):
    """The stages' PageDone for a page with its own text: image and thumbnail when it was rendered."""
    from ingest.page_checks import perceptual_hash
    from ingest.pdf_output import make_thumbnail
    from ingest.stages import PageDone, encode_page

    text = (page.text or "").strip()
    lines = list(getattr(page, "lines", None) or [])
    ocr = OcrPage(text, lines, 1.0 if text else 0.0, ENGINE)
    dpi = int(round(page.dpi[0])) if page.dpi else None
    flags = list(dict.fromkeys(["born_digital", *page.flags]))
    image = page.image
    if image is None:
        return PageDone(None, "", None, page.width, page.height, dpi, page.color_mode, ENGINE,
                        1.0 if text else None, text, ocr, not text, 0, 0.0, flags)
    image_bytes, image_type = encode_page(image)
    return PageDone(image_bytes, image_type, make_thumbnail(image), image.width, image.height, dpi, image.mode,
                    ENGINE, 1.0 if text else None, text, ocr, not text, 0, 0.0, flags,
                    perceptual_hash(image) if text else None)
