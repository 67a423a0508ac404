"""Snippets: the matched words of a hit marked with <em>, on the page where they occur.

Computed here, the same for every backend, on the page texts of the hits only (the records
the viewer may see). Matching runs on normalised text (offsets equal the original's) with
white space ignored, so a word broken over an OCR line still lights up; the snippet shows
the original characters, HTML-escaped.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence

from archive.policy import Action, Viewer, allowed_actions
from search import analysis
from search.model import Hit, SearchDocument, Snippet

WINDOW = 30  # characters of context either side of the first match
MAX_SNIPPETS = 3
_CJK = analysis._CJK
_GAP = rf"[^0-9a-z{_CJK}]{{0,4}}"  # punctuation between the runs of one term: 字〔2018〕56号


def term_pattern(terms: Sequence[analysis.Term]) -> re.Pattern[str] | None:
    alts: list[str] = []
    for term in terms:
        parts = term.text.split(" ")
        alts.append(_GAP.join(re.escape(p) for p in parts))
        for i in range(len(term.text)) if term.fuzzy else ():
            t = term.text
            alts.append(re.escape(t[:i]) + f"[{_CJK}]" + re.escape(t[i + 1 :]))
    if not alts:
        return None
    # Longest first, so the exact form wins over a fuzzy one at the same place.
    alts.sort(key=len, reverse=True)
    return re.compile("|".join(alts))


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where the pattern matches the normalised text with its white space taken out, as offsets
    into the original text. The white-space runs are few (line ends), so an offset in the
    compact text maps back through them by bisection, not through a per-character table."""
    norm = analysis.normalise(text)
    starts: list[int] = []  # compact offset just after each removed run
    shifts: list[int] = []  # characters removed up to and including that run
    removed = 0
    for m in analysis._SPACE.finditer(norm):
        starts.append(m.start() - removed)
        removed += m.end() - m.start()
        shifts.append(removed)
    compact = analysis._SPACE.sub("", norm) if starts else norm

    def original(pos: int) -> int:
        k = bisect.bisect_right(starts, pos)
        return pos + (shifts[k - 1] if k else 0)

    return [
        (original(m.start()), original(m.end() - 1) + 1)
        for m in pattern.finditer(compact)
        if m.end() > m.start()
    ]


def _render(text: str, spans: list[tuple[int, int]], window: int) -> str:
    start = max(0, spans[0][0] - window)
    end = min(len(text), spans[0][1] + window)
    out, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(_plain(text[pos:s]))
        out.append("<em>" + _plain(text[s:e]) + "</em>")
        pos = e
    out.append(_plain(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix


def _plain(text: str) -> str:
    return html.escape(re.sub(r"\s+", " ", text), quote=False)


def snippets(doc: SearchDocument, terms: Sequence[analysis.Term]) -> tuple[Snippet, ...]:
    pattern = term_pattern(terms)
    if pattern is None:
        return ()
    out: list[Snippet] = []
    for page in doc.pages:
        spans = _spans(page.text, pattern)
        if spans:
            out.append(Snippet(_render(page.text, spans, WINDOW), page.page_no))
            if len(out) >= MAX_SNIPPETS:
                break
    if not out and doc.title:
        spans = _spans(doc.title, pattern)
        if spans:
            out.append(Snippet(_render(doc.title, spans, len(doc.title)), None))
    return tuple(out)


def make_hit(viewer: Viewer, terms: Sequence[analysis.Term], doc: SearchDocument, score: float) -> Hit:
    """A hit as the viewer may see it: text snippets only with the right to view content."""
    shows_content = Action.VIEW_CONTENT in allowed_actions(viewer, doc)
    return Hit(
        id=doc.id,
        archival_code=doc.archival_code,
        title=doc.title,
        score=float(score),
        snippets=snippets(doc, terms) if shows_content else (),
        doc_date=doc.doc_date,
        secrecy=doc.secrecy,
        category=doc.category,
    )
