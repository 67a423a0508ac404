"""The one PDF writer of the system: every report, register, certificate and label sheet it hands
out is made here, as PDF/A-2b with an embedded CJK TrueType font and a Beijing-time footer.

Why TrueType: reportlab's built-in CID font (STSong-Light) is never embedded, so a reader without
that font sees boxes, and the file cannot be PDF/A; the Noto CJK fonts are CFF-flavoured OpenType,
which reportlab cannot embed. WenQuanYi Zen Hei (fonts-wqy-zenhei, scripts/bootstrap.sh) or
AR PL UMing (fonts-arphic-uming) are TrueType and carry the '·' of archival codes. Set
ARCHIVE_PDF_FONT=/path/font.ttc[:index] to use another TrueType font.

Everything a person typed goes through escape(): reportlab paragraphs are markup, and a loan
purpose like ``<a href=...>`` must stay text. The PDF/A writer of pikepdf validates the bytes it
wrote (an allowlist validator); a document it refuses is an error, never a mislabelled file.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from functools import lru_cache, partial
from pathlib import Path

import pikepdf
from pikepdf import pdfa
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from archive import clock
from archive.errors import ConfigError

FONT = "ArchiveCJK"
FONT_FILES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # AR PL UMing CN
)
CREATOR = "hrss-archive"
MAX_CELL_CHARS = 2000  # a cell longer than this is cut: one typed field must not fill pages
MARGIN = 30

Table3 = tuple[str, Sequence[str], Sequence[Sequence[object]]]

# Characters XML 1.0 cannot carry (reportlab's paragraph parser rejects them), except tab/newline.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def escape(text: object) -> str:
    """`text` as reportlab paragraph markup that shows exactly these characters, tags included."""
    plain = _CONTROL.sub("\ufffd", "" if text is None else str(text))
    return plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _font_file() -> tuple[str, int]:
    configured = os.environ.get("ARCHIVE_PDF_FONT", "").strip()
    if configured:
        indexed = re.fullmatch(r"(.+):(\d+)", configured)
        path, index = (indexed[1], int(indexed[2])) if indexed else (configured, 0)
        if not Path(path).is_file():
            raise ConfigError("ARCHIVE_PDF_FONT: the font file does not exist")
        return path, index
    for path, index in FONT_FILES:
        if Path(path).is_file():
            return path, index
    raise ConfigError("no embeddable Chinese TrueType font for PDFs: install fonts-wqy-zenhei "
                      "(scripts/bootstrap.sh) or set ARCHIVE_PDF_FONT")


@lru_cache(maxsize=1)
def font() -> str:
    """Register the CJK TrueType font once; its name for reportlab (canvas.setFont, styles)."""
    path, index = _font_file()
    try:
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=index))
    except Exception as exc:  # reportlab raises plain errors for unusable fonts
        raise ConfigError(f"ARCHIVE_PDF_FONT: not a usable TrueType font ({type(exc).__name__})") from None
    return FONT


def canvas(out: io.BytesIO, *, pagesize: tuple[float, float] = A4, title: str = "") -> pdfcanvas.Canvas:
    """A bare canvas that only ever names the embedded font (no unembedded Helvetica), for
    drawings such as label sheets; pass its bytes through pdfa_bytes()."""
    pdf = pdfcanvas.Canvas(out, pagesize=pagesize, initialFontName=font(), invariant=False)
    pdf.setTitle(title)
    pdf.setCreator(CREATOR)
    return pdf


def beijing_time() -> str:
    return clock.utcnow().astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")


def document(title: str, lines: Sequence[str], tables: Sequence[Table3], *, landscape: bool = False,
             signatures: Sequence[str] = (), unit: str = "") -> bytes:
    """A titled document: lines of text, captioned tables (caption, headers, rows), then one
    signature line per entry of `signatures`. Every string is escaped here; pass plain text."""
    name = font()
    styles = _styles(name)
    pagesize = turned(A4) if landscape else A4
    width = pagesize[0] - 2 * MARGIN
    story: list = []
    if unit:
        story.append(Paragraph(escape(unit), styles["unit"]))
    story += [Paragraph(escape(title), styles["title"]), Spacer(1, 8)]
    story += [Paragraph(_lines(line), styles["text"]) for line in lines]
    for caption, headers, rows in tables:
        story.append(Spacer(1, 8))
        if caption:
            story += [Paragraph(escape(caption), styles["text"]), Spacer(1, 4)]
        story.append(_table(headers, rows, styles["cell"], width))
    if signatures:
        story += [Spacer(1, 24), _signature_block(signatures, styles["text"], width)]
    out = io.BytesIO()
    footer = partial(_footer, name=name, unit=unit, stamp=beijing_time())
    SimpleDocTemplate(out, pagesize=pagesize, title=title, author=unit or CREATOR, creator=CREATOR,
                      leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 14,
                      initialFontName=name).build(story, onFirstPage=footer, onLaterPages=footer)
    return pdfa_bytes(out.getvalue())


def pdfa_bytes(raw: bytes) -> bytes:
    """Rewrite a reportlab PDF as PDF/A-2b (XMP with pdfaid part 2 / conformance B, an sRGB output
    intent) and validate what was written; raises pikepdf.pdfa.PdfaError rather than mislabel."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        _drop_what_pdfa_has_no_place_for(pdf)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(pdf.docinfo)
            meta["xmp:CreatorTool"] = CREATOR
        pdfa.save(pdf, out, "2b")
    return out.getvalue()


def _drop_what_pdfa_has_no_place_for(pdf: pikepdf.Pdf) -> None:
    # reportlab writes an empty page transition (/Trans) on every page and /Trapped in the info
    # dictionary; neither means anything on paper, and the validator does not accept them.
    for page in pdf.pages:
        if "/Trans" in page.obj:
            del page.obj["/Trans"]
    if "/Trapped" in pdf.docinfo:
        del pdf.docinfo["/Trapped"]


def _styles(name: str) -> dict[str, ParagraphStyle]:
    return {
        "unit": ParagraphStyle("unit", fontName=name, fontSize=11, leading=16, alignment=1),
        "title": ParagraphStyle("title", fontName=name, fontSize=16, leading=22, alignment=1),
        "text": ParagraphStyle("text", fontName=name, fontSize=10, leading=14, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=name, fontSize=8, leading=10, wordWrap="CJK"),
    }


def _lines(text: object) -> str:
    return escape(text).replace("\n", "<br/>")


def _cell(value: object, style: ParagraphStyle) -> Paragraph:
    text = "" if value is None else str(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS] + "…"
    return Paragraph(_lines(text), style)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], style: ParagraphStyle, width: float) -> Table:
    data = [[_cell(h, style) for h in headers]]
    data += [[_cell(v, style) for v in row] for row in rows]
    if not rows:
        data.append([_cell("（无）", style)] + [""] * (len(headers) - 1))
    table = Table(data, colWidths=_column_widths(headers, rows, width), repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), style.fontName),
                               ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[object]], width: float) -> list[float]:
    """Share the width by how long each column's texts are, each column at least half a share."""
    count = max(len(headers), 1)
    weights = []
    for col in range(count):
        texts = [str(headers[col]) if col < len(headers) else ""]
        texts += [str(row[col]) for row in rows[:200] if col < len(row) and row[col] is not None]
        average = sum(min(len(t), 60) for t in texts) / len(texts)
        weights.append(max(average, 4.0))
    total = sum(weights)
    return [width * w / total for w in weights]


def _signature_block(signatures: Sequence[str], style: ParagraphStyle, width: float) -> Table:
    rows = [[Paragraph(escape(label) + "：", style), "", Paragraph("日期：", style), ""] for label in signatures]
    table = Table(rows, colWidths=[width * 0.2, width * 0.4, width * 0.1, width * 0.3], rowHeights=28)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), style.fontName),
                               ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                               ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return table


def _footer(pdf: pdfcanvas.Canvas, doc: SimpleDocTemplate, *, name: str, unit: str, stamp: str) -> None:
    pdf.saveState()
    pdf.setFont(name, 7)
    parts = [part for part in (unit, f"生成时间 {stamp}（北京时间）", f"第 {doc.page} 页") if part]
    pdf.drawCentredString(doc.pagesize[0] / 2, MARGIN / 2, " · ".join(parts))
    pdf.restoreState()

