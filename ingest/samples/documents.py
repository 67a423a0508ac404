"""Page layouts of the kinds of paper a bureau archive receives: official documents, forms, case files.

All bodies, names and identity numbers are invented. Each builder returns the pages (not yet
degraded) and records ground-truth text per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.samples.render import A4, MARGIN_LEFT, TEXT_BOTTOM, TEXT_W, Page, pt

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an identity number."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id(region: str, birth: str, seq: str) -> str:
    first17 = region + birth + seq
    return first17 + id_check_digit(first17)


@dataclass
class OfficialDoc:
    masthead: str
    doc_no: str
    title: str
    addressee: str
    paragraphs: list[str]
    signer: str
    date_text: str
    copy_no: str | None = None
    secrecy_mark: str | None = None
    urgency: str | None = None
    attachments: list[str] = field(default_factory=list)
    disclosure_note: str | None = None
    cc: str | None = None
    printed_by: str | None = None
    seal: bool = True
    script: str = "sc"
    color: bool = True


class _Layout:
    """Pages in order; a new page starts when the cursor would pass the text area."""

    def __init__(self, color: bool, script: str) -> None:
        self.color, self.script = color, script
        self.pages: list[Page] = []
        self.new_page()

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page(self.color, self.script))

    def need(self, px: int) -> None:
        if self.page.y + px > TEXT_BOTTOM:
            self.new_page()

    def paragraph(self, text: str, size_pt: float = 16, indent: int = 2) -> None:
        from ingest.samples.render import wrap

        fnt = self.page.f(size_pt)
        for line in wrap(text, fnt, TEXT_W, indent):
            self.need(fnt.size)
            self.page.text(line, size_pt=size_pt)

    def finish(self, numbered: bool = True) -> list[Page]:
        if numbered:
            for n, page in enumerate(self.pages, 1):
                page.y = A4[1] - 310
                page.text(f"— {n} —", size_pt=14, align="center" if n % 2 else "right")
        return self.pages


def official_document(doc: OfficialDoc) -> list[Page]:
    lay = _Layout(doc.color, doc.script)
    p = lay.page
    for mark in (doc.copy_no, doc.secrecy_mark, doc.urgency):
        if mark:
            p.text(mark, size_pt=16, family="sans", gap=0.4)
    p.space(40)
    p.masthead(doc.masthead)
    p.text(doc.doc_no, size_pt=16, align="center", gap=0.3)
    p.rule()
    p.space(90)
    for line in _title_lines(p, doc.title):
        p.text(line, size_pt=22, align="center", bold=True, gap=0.5)
    p.space(50)
    p.text(doc.addressee, size_pt=16)
    for para in doc.paragraphs:
        lay.paragraph(para)
    if doc.attachments:
        lay.need(pt(16) * 2)
        lay.page.text("附件：" + doc.attachments[0], size_pt=16, x=MARGIN_LEFT + pt(16) * 2)
        for i, att in enumerate(doc.attachments[1:], 2):
            lay.page.text(f"{i}．{att}", size_pt=16, x=MARGIN_LEFT + pt(16) * 5)
    lay.need(pt(16) * 6)
    p = lay.page
    p.space(pt(16))
    sign_top = p.y
    p.text(doc.signer, size_pt=16, x=MARGIN_LEFT + TEXT_W - p.f(16).getlength(doc.signer) - pt(16) * 4)
    p.text(doc.date_text, size_pt=16, x=MARGIN_LEFT + TEXT_W - p.f(16).getlength(doc.date_text) - pt(16) * 4)
    if doc.seal:
        cx = round(MARGIN_LEFT + TEXT_W - p.f(16).getlength(doc.signer) / 2 - pt(16) * 4)
        p.seal(cx, sign_top + 40, doc.masthead.removesuffix("文件"))
    if doc.disclosure_note:
        p.space(30)
        p.text(doc.disclosure_note, size_pt=16, x=MARGIN_LEFT + pt(16) * 2)
    if doc.cc or doc.printed_by:
        # The distribution block sits at the foot of the last page, above the page number.
        block = [t for t in (doc.cc, doc.printed_by) if t]
        height = round(pt(14) * 1.75) * len(block) + 40
        foot = A4[1] - 380
        if lay.page.y + 60 + height > foot:
            lay.new_page()
        p = lay.page
        p.y = foot - height
        p.rule(color=(20, 20, 20), thickness=3)
        p.space(20)
        for line in block:
            p.text(line, size_pt=14, x=MARGIN_LEFT + pt(14))
        p.rule(color=(20, 20, 20), thickness=3)
    return lay.finish()


def _title_lines(p: Page, title: str) -> list[str]:
    """A title too long for one line breaks into two, as printed titles do."""
    fnt = p.f(22, bold=True)
    if fnt.getlength(title) <= TEXT_W:
        return [title]
    cut = len(title) // 2
    return [title[:cut], title[cut:]]


def form_page(title: str, rows: list[list[str]], widths: list[float], *, header: list[str] | None = None,
              footer: list[str] | None = None, color: bool = False, seal: str | None = None,
              script: str = "sc", row_h: int = 150) -> Page:
    """A ruled form: title, optional header lines, table, optional footer lines and seal."""
    p = Page(color, script)
    p.y = MARGIN_LEFT  # forms start higher than documents
    p.text(title, size_pt=22, align="center", bold=True, family="sans", gap=0.6)
    for line in header or []:
        p.text(line, size_pt=12, family="sans", gap=0.5)
    p.table(rows, widths, row_h=row_h)
    for line in footer or []:
        p.text(line, size_pt=12, family="sans", gap=0.9, x=MARGIN_LEFT)
    if seal:
        p.seal(MARGIN_LEFT + TEXT_W - 320, p.y - 160, seal, radius=230)
    return p
