"""Printable labels: a QR code with the archival code for each volume (the code has a '·', so a
1-D barcode cannot carry it) and for each shelf path, for the scanner used in stock checks."""

from __future__ import annotations

import io
from collections.abc import Sequence

from sqlalchemy.orm import Session

from archive import audit, paper
from archive.errors import ValidationError
from archive.lending.access import Who, acting_for, visible_volume
from archive.lending.store import parse_path
from archive.policy import Action

LABEL_W, LABEL_H = 180, 90  # points: 63.5 × 31.75 mm, a common label size
COLUMNS, ROWS = 3, 8


MAX_LABELS = 500


def labels_pdf(session: Session, who: Who, *, volume_ids: Sequence[int] = (), shelves: Sequence[str] = ()) -> bytes:
    """A4 sheets of labels. Volume labels carry code and shelf, never a title."""
    archivist = acting_for(session, who, Action.LEND)
    viewer, actor = archivist.viewer, archivist.username
    if not volume_ids and not shelves:
        raise ValidationError("choose at least one volume or shelf")
    if len(volume_ids) + len(shelves) > MAX_LABELS:
        raise ValidationError(f"at most {MAX_LABELS} labels at a time")
    items = []
    for vid in volume_ids:
        volume = visible_volume(session, viewer, vid).volume
        items.append((volume.archival_code, volume.location.path if volume.location else ""))
    for shelf in shelves:
        path = "-".join(p for p in parse_path(shelf).values() if p)
        items.append((path, "架位 shelf"))
    body = _render(items)
    audit.record(session, actor, "labels.print", "labels", {"volumes": list(volume_ids), "shelves": list(shelves)})
    return body


def _render(items: list[tuple[str, str]]) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4

    out = io.BytesIO()
    pdf = paper.canvas(out, pagesize=A4, title="档案标签")
    font = paper.font()
    width, height = A4
    margin_x = (width - COLUMNS * LABEL_W) / 2
    margin_y = (height - ROWS * LABEL_H) / 2
    for n, (code, note) in enumerate(items):
        if n and n % (COLUMNS * ROWS) == 0:
            pdf.showPage()
        slot = n % (COLUMNS * ROWS)
        x = margin_x + (slot % COLUMNS) * LABEL_W
        y = height - margin_y - (slot // COLUMNS + 1) * LABEL_H
        widget = QrCodeWidget(code)
        x0, y0, x1, y1 = widget.getBounds()
        size = LABEL_H - 10
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.initialFontName = font  # else the renderer names an unembedded Helvetica
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, x + 5, y + 5)
        pdf.setFont(font, 8)
        pdf.drawString(x + size + 10, y + LABEL_H / 2 + 4, code)
        pdf.drawString(x + size + 10, y + LABEL_H / 2 - 8, note)
    pdf.showPage()
    pdf.save()
    return paper.pdfa_bytes(out.getvalue())
