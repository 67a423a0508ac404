"""Secrecy markings (密级和保密期限, DOMAIN §4 and §10).

The printed marking sits top left on page one (`秘密★5年`, `机密★`, `绝密★长期`). OCR reads the
star as `*`, `☆`, `✩`, `x`, `大` or drops it, and spreads the characters with (full-width)
spaces. Missing a marking files a state secret as open, so the reading near the top of the page
is generous; elsewhere only an unmistakable marking (a real star glyph, or a star-like symbol
followed by a term) counts, so that body text such as "严格保守国家秘密" or "秘密文件" never does.
The highest marking found wins: a record is never filed below a marking it carries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.codes import Secrecy
from ingest.extract.text import Line, cn_number, head

_LEVEL = r"(?P<level>绝\s*密|机\s*密|秘\s*密|祕\s*密)"
_STAR_GLYPH = "★☆✩✪✫✬✭✮✯✰⭐✡"
_STAR_OCR = _STAR_GLYPH + "*＊∗⋆×xX大太"
_TERM = (r"(?P<term>长\s*期|(?P<num>\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?P<unit>年|个\s*月|月))")
_URGENCY = r"(?:特\s*急|加\s*急|特\s*提|平\s*急)"

# Near the top: the whole line is the marking, maybe after the 6-digit copy number, a 密级 label,
# and before an urgency mark. The star and the term are optional.
_HEAD_LINE = re.compile(
    rf"^\s*(?:\d{{6}}\s*)?(?:密\s*级\s*[:：]?\s*)?{_LEVEL}\s*(?:[{_STAR_OCR}]\s*)?"
    rf"(?:(?:保\s*密\s*期\s*限|期\s*限)\s*[:：]?\s*)?{_TERM}?\s*(?:{_URGENCY}\s*)?$"
)
# Near the top but sharing its line with other text (a merged OCR line): needs a star or a term.
_HEAD_START = re.compile(
    rf"^\s*(?:\d{{6}}\s*)?(?:密\s*级\s*[:：]?\s*)?{_LEVEL}\s*(?:(?P<star>[{_STAR_OCR}])\s*)?{_TERM}?"
)
# Anywhere: a real star glyph, or a star-like symbol followed by a term (秘密*5年).
_ANYWHERE = re.compile(rf"{_LEVEL}\s*(?P<star>[{_STAR_GLYPH}*＊∗⋆])\s*{_TERM}?")
# A form's field: 密级：机密  保密期限：10年
_LABELLED = re.compile(rf"密\s*级\s*[:：]\s*{_LEVEL}(?:.*?(?:保\s*密\s*期\s*限|期\s*限)\s*[:：]?\s*{_TERM})?")
# Text quoting a marking, e.g. rules that say how to mark documents: "标注“秘密★”".
_QUOTING = re.compile(r"[“‘「『\"'《]\s*$|(?:标注|标明|标识|如|例如|即)\s*$")

_INTERNAL_LINE = re.compile(
    r"^\s*(?:\d{6}\s*)?(?P<mark>内\s*部\s*(?:资\s*料|文\s*件|材\s*料|刊\s*物)?|工\s*作\s*秘\s*密)"
    rf"\s*[{_STAR_OCR}]?\s*(?:[（(]?\s*(?:注\s*意\s*保\s*存|妥\s*善\s*保\s*管|注\s*意\s*保\s*管|不\s*得\s*外\s*传)\s*[)）]?)?"
    rf"\s*(?:{_URGENCY})?\s*$"
)

_LEVELS = {"绝密": Secrecy.TOP_SECRET, "机密": Secrecy.CONFIDENTIAL, "秘密": Secrecy.SECRET, "祕密": Secrecy.SECRET}


@dataclass(frozen=True)
class Marking:
    level: Secrecy
    term_months: int | None  # None when 长期, or for the `internal` level
    long_term: bool  # 长期
    explicit_term: bool  # False: no term printed, the level's maximum applies
    evidence: str
    line: int
    confidence: float


def _term(match: re.Match[str], level: Secrecy) -> tuple[int | None, bool, bool]:
    term = match.group("term")
    if not term:
        return (level.max_term_years or 0) * 12, False, False
    if term.replace(" ", "") == "长期":
        return None, True, True
    number = cn_number(match.group("num"))
    if number is None or number == 0:
        return (level.max_term_years or 0) * 12, False, False
    months = number if "月" in match.group("unit") and "年" not in match.group("unit") else number * 12
    return months, False, True


def _marking(match: re.Match[str], line: Line, confidence: float) -> Marking:
    level = _LEVELS[re.sub(r"\s+", "", match.group("level"))]
    months, long_term, explicit = _term(match, level)
    evidence = match.group(0).strip()
    return Marking(level, months, long_term, explicit, evidence, line.index, confidence)


def find_markings(lines: Sequence[Line]) -> list[Marking]:
    """Every state-secret or internal marking on the page, strongest evidence first per line."""
    found: list[Marking] = []
    top = {line.index for line in head(lines, limit=10)[:8]}
    for line in lines:
        text = line.norm
        if line.index in top:
            if m := _HEAD_LINE.match(text):
                found.append(_marking(m, line, 0.97 if _has_star(m) or m.group("term") else 0.9))
                continue
            m = _HEAD_START.match(text)
            if m and (m.group("star") or m.group("term")):
                found.append(_marking(m, line, 0.93))
                continue
            if m := _INTERNAL_LINE.match(text):
                found.append(Marking(Secrecy.INTERNAL, None, False, False, m.group(0).strip(), line.index, 0.85))
                continue
        if m := _LABELLED.search(text):
            found.append(_marking(m, line, 0.9))
            continue
        for m in _ANYWHERE.finditer(text):
            unmistakable = m.group("star") in _STAR_GLYPH or m.group("term")
            if unmistakable and not _QUOTING.search(text[: m.start()][-4:]):
                found.append(_marking(m, line, 0.8 if line.index in top else 0.7))
    return found


def _has_star(match: re.Match[str]) -> bool:
    level_end = match.end("level")
    return any(ch in _STAR_OCR for ch in match.string[level_end: level_end + 3])


def detect_secrecy(lines: Sequence[Line]) -> Marking | None:
    """The highest marking on the page; among equals, the most certain."""
    markings = find_markings(lines)
    if not markings:
        return None
    return max(markings, key=lambda m: (m.level.rank, m.confidence, -m.line))
