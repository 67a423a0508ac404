"""Derivatives of a record's pages: a searchable PDF (page images + invisible OCR text) and thumbnails.

The text layer uses render mode 3 (invisible) with a glyphless embedded font and a ToUnicode map,
the technique tesseract and OCRmyPDF use, so any viewer can select, search and copy the Chinese
text placed over each OCR line's box while the scan is what is seen. XMP (dc:title,
dc:identifier) and the document information carry the title and archival code; an sRGB output
intent is attached. The file is written as PDF/A-2b with pikepdf's PDF/A writer, which validates
the bytes it wrote; if that is unavailable or refuses, a plain PDF is written and a warning logged.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import logging
import zlib
from collections.abc import Sequence
from functools import lru_cache

import pikepdf
from PIL import Image, ImageCms

from ingest.ocr.model import OcrPage

log = logging.getLogger(__name__)

JPEG_QUALITY = 80
DEFAULT_DPI = 300.0

# Tesseract's pdf.ttf (Apache-2.0): a 572-byte TrueType font whose glyph 1 draws nothing. Every
# character code maps to it, so the text layer embeds a real font while showing no ink.
_GLYPHLESS_TTF = base64.b64decode(
    "AAEAAAAKAIAAAwAgT1MvMlbeyJQAAAEoAAAAYGNtYXAACgA0AAABkAAAAB5nbHlmFSJBJAAAAbgAAAAYaGVhZAt48WUAAACsAAAA"
    "NmhoZWEMAgQCAAAA5AAAACRobXR4BAAAAAAAAYgAAAAIbG9jYQAMAAAAAAGwAAAABm1heHAABAAFAAABCAAAACBuYW1l8usW2gAA"
    "AdAAAABLcG9zdAABAAEAAAIcAAAAIAABAAAAAQAAsJRxEF8PPPUEBwgAAAAAAM+a/G4AAAAA1MOn8gAAAAAEAAgAAAAAEAACAAAA"
    "AAAAAAEAAAgA//8AAAQAAAAAAAQAAAEAAAAAAAAAAAAAAAAAAAACAAEAAAACAAQAAQAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAwAA"
    "AZAABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUAAQABAAAAAAAAAAAAAAAAAAAAAAAAAAAAR09PRwBAAAAAAAAB//8AAAABAAGA"
    "AAAAAAAAAAAAAAAAAAABAAAAAAAABAAAAAAAAAIAAQAAAAAAFAADAAAAAAAUAAYACgAAAAAAAAAAAAAAAAAMAAAAAQAAAAAEAAgA"
    "AAMAADEhESEEAPwACAAAAAADACoAAAADAAAABQAWAAAAAQAAAAAABQALABYAAwABBAkABQAWAAAAVgBlAHIAcwBpAG8AbgAgADEA"
    "LgAwVmVyc2lvbiAxLjAAAAEAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAA="
)


def build_searchable_pdf(pages: Sequence[tuple[Image.Image | PdfImage, OcrPage, tuple[float, float] | None]], *,
                         title: str,
                         archival_code: str, pdfa: bool = True) -> bytes:
    """One PDF page per (image, OCR result, dpi); dpi None means 300. Returns the PDF's bytes
    (PDF/A-2b when `pdfa` and the validator approves; see pdf_conformance). An image may come
    already encoded (encode_pdf_image: the pipeline does that while the engine reads the next page)."""
    pdf = pikepdf.new()
    font = _text_font(pdf)
    for image, ocr, dpi in pages:
        dpi_x, dpi_y = dpi or (DEFAULT_DPI, DEFAULT_DPI)
        width_pt, height_pt = image.width * 72.0 / dpi_x, image.height * 72.0 / dpi_y
        xobj = _image_xobject(pdf, image)
        content = [f"q {width_pt:.3f} 0 0 {height_pt:.3f} 0 0 cm /Im0 Do Q".encode()]
        content.extend(_text_layer(ocr, 72.0 / dpi_x, 72.0 / dpi_y, height_pt))
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(width_pt, 3), round(height_pt, 3)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj), Font=pikepdf.Dictionary(F1=font)),
            Contents=pikepdf.Stream(pdf, b"\n".join(content)),
        )
        pdf.pages.append(pikepdf.Page(page))
    _set_metadata(pdf, title, archival_code)
    if pdfa:
        data = _save_pdfa(pdf)
        if data is not None:
            return data
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()


def _save_pdfa(pdf: pikepdf.Pdf) -> bytes | None:
    try:
        import pikepdf.pdfa as pdfa
    except ImportError as exc:
        log.warning("PDF/A-2b not written: %s", exc)
        return None
    out = io.BytesIO()
    try:
        pdfa.save(pdf, out, "2b")  # validates what it wrote; raises rather than mislabel a file
    except pdfa.PdfaError as exc:
        log.warning("PDF/A-2b validation refused the searchable PDF, writing plain PDF: %s", exc)
        return None
    return out.getvalue()


def pdf_conformance(data: bytes) -> str | None:
    """The PDF/A level a file declares in its XMP, such as "PDF/A-2B", or None."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    return f"PDF/A-{part}{level}" if part else None


@dataclasses.dataclass(frozen=True)
class PdfImage:
    """A page image encoded as the PDF embeds it: G4 for bitonal pages, JPEG for the rest."""

    data: bytes
    width: int
    height: int
    mode: str  # "1", "L" or "RGB"
    black_is_1: bool = False  # G4 only


def encode_pdf_image(image: Image.Image) -> PdfImage:
    """Bitonal pages as CCITT G4, grey and colour as JPEG: small, and what scanners produce."""
    if image.mode == "1":
        data, black_is_1 = _g4_strip(image)
        return PdfImage(data, image.width, image.height, "1", black_is_1)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return PdfImage(buf.getvalue(), image.width, image.height, image.mode)


def _image_xobject(pdf: pikepdf.Pdf, image: Image.Image | PdfImage) -> pikepdf.Stream:
    encoded = image if isinstance(image, PdfImage) else encode_pdf_image(image)
    common = {"Type": pikepdf.Name.XObject, "Subtype": pikepdf.Name.Image, "Width": encoded.width,
              "Height": encoded.height}
    if encoded.mode == "1":
        params = pikepdf.Dictionary(K=-1, Columns=encoded.width, Rows=encoded.height, BlackIs1=encoded.black_is_1)
        return pikepdf.Stream(pdf, encoded.data, **common, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=1,
                              Filter=pikepdf.Name.CCITTFaxDecode, DecodeParms=params)
    space = pikepdf.Name.DeviceGray if encoded.mode == "L" else pikepdf.Name.DeviceRGB
    return pikepdf.Stream(pdf, encoded.data, **common, ColorSpace=space, BitsPerComponent=8,
                          Filter=pikepdf.Name.DCTDecode)


def _g4_strip(image: Image.Image) -> tuple[bytes, bool]:
    """The raw CCITT G4 data of a one-strip TIFF, and whether 1 bits mean black in it."""
    buf = io.BytesIO()
    image.save(buf, "TIFF", compression="group4", tiffinfo={278: image.height})
    with Image.open(io.BytesIO(buf.getvalue())) as tif:
        tags = tif.tag_v2
        offset, count, photometric = tags[273][0], tags[279][0], tags.get(262, 0)
    return buf.getvalue()[offset:offset + count], photometric == 1


def _hex(text: str) -> str:
    return "".join(f"{ord(ch) if ord(ch) <= 0xFFFF else 0xFFFD:04X}" for ch in text)


def _text_layer(ocr: OcrPage, sx: float, sy: float, height_pt: float) -> list[bytes]:
    """One invisible text object per OCR line, stretched horizontally to the line's box."""
    out = []
    for line in ocr.lines:
        text = "".join(ch for ch in line.text if ch.isprintable())
        if not text.strip():
            continue
        x0, y0, x1, y1 = line.box
        size = max(1.0, (y1 - y0) * sy)
        width = max(1.0, (x1 - x0) * sx)
        scale = 100.0 * width / (size * len(text))  # every glyph is 1 em wide (DW 1000)
        x, y = x0 * sx, height_pt - y1 * sy + size * 0.12  # baseline a little above the box bottom
        out.append(f"BT 3 Tr /F1 {size:.2f} Tf {scale:.2f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm <{_hex(text)}> Tj ET".encode())
    return out


@lru_cache(maxsize=1)
def _to_unicode_cmap() -> bytes:
    """Character code = UTF-16 code unit of the character, for the whole BMP except surrogates."""
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    blocks = []
    for i in range(0, len(ranges), 100):
        chunk = ranges[i:i + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks) + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()


def _text_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    cid_to_gid = zlib.compress(b"\x00\x01" * 65536, 9)  # every CID draws glyph 1 (nothing)
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.GlyphLessFont, Flags=5,
        FontBBox=[0, 0, 1000, 1000], ItalicAngle=0, Ascent=1000, Descent=0, CapHeight=1000, StemV=80,
        FontFile2=pikepdf.Stream(pdf, _GLYPHLESS_TTF),
    )
    descendant = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, DW=1000,
        CIDToGIDMap=pikepdf.Stream(pdf, cid_to_gid, Filter=pikepdf.Name.FlateDecode),
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.GlyphLessFont,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[descendant],
        ToUnicode=pikepdf.Stream(pdf, _to_unicode_cmap()),
    )
    return pdf.make_indirect(font)


@lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _set_metadata(pdf: pikepdf.Pdf, title: str, archival_code: str) -> None:
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Subject"] = archival_code
    pdf.docinfo["/ArchivalCode"] = archival_code
    pdf.docinfo["/Creator"] = "hrss-archive ingest"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:identifier"] = archival_code  # Dublin Core: allowed in PDF/A without an extension schema
        meta["xmp:CreatorTool"] = "hrss-archive ingest"
    icc = pikepdf.Stream(pdf, _srgb_icc(), N=3)
    pdf.Root.OutputIntents = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier="sRGB",
        Info="sRGB IEC61966-2.1", DestOutputProfile=icc,
    )]))


def make_thumbnail(image: Image.Image, max_side: int = 256) -> bytes:
    """A JPEG no larger than max_side on its long side (bitonal pages are smoothed to grey first)."""
    thumb = image.convert("L") if image.mode in ("1", "L", "LA", "I", "I;16", "F") else image.convert("RGB")
    thumb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=80, optimize=True)
    return buf.getvalue()
