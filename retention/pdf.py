"""Small PDF documents (certificates, registers, reports) with CJK text: reportlab's built-in
CID font STSong-Light needs no font file on the machine."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _esc(text: object) -> str:
    return str("" if text is None else text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def document(title: str, lines: Sequence[str], tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """A titled document: some lines of text, then captioned tables (caption, header, rows)."""
    font = _font()
    title_style = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    text = ParagraphStyle("p", fontName=font, fontSize=10, leading=14)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10)
    story: list = [Paragraph(_esc(title), title_style), Spacer(1, 8)]
    story += [Paragraph(_esc(line), text) for line in lines]
    for caption, header, rows in tables:
        story += [Spacer(1, 8), Paragraph(_esc(caption), text), Spacer(1, 4)]
        data = [[Paragraph(_esc(h), cell) for h in header]]
        data += [[Paragraph(_esc(v), cell) for v in row] for row in rows] or [[Paragraph("（无）", cell)] + [""] * (len(header) - 1)]
        table = Table(data, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), title=title, leftMargin=30, rightMargin=30,
                      topMargin=30, bottomMargin=30).build(story)
    return out.getvalue()
