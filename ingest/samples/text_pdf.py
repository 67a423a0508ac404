"""Write a small born-digital PDF (text drawn with the embedded CJK font, no scan) for tests and
samples: what an OA system or the social-insurance system exports.

    python -m ingest.samples.text_pdf OUT.pdf
"""

from __future__ import annotations

import io
import sys

from archive import paper

APPROVAL = [
    "企业职工基本养老保险待遇核定表",
    "业务流水号：YL2024000815",
    "姓名：王建国    公民身份号码：620102196001011234",
    "参保单位：某市机械厂",
    "核定基本养老金：每月3120元",
    "经办人：李红    核定日期：2024年4月2日",
]


def make_text_pdf(pages: list[list[str]] | None = None, *, title: str = "") -> bytes:
    """One A4 page per list of lines, 12 pt text."""
    out = io.BytesIO()
    pdf = paper.canvas(out, title=title)
    for lines in pages or [APPROVAL]:
        pdf.setFont(paper.font(), 12)
        for n, line in enumerate(lines):
            pdf.drawString(72, 760 - n * 24, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    with open(argv[0], "wb") as fh:
        fh.write(make_text_pdf())


if __name__ == "__main__":
    main(sys.argv[1:])
