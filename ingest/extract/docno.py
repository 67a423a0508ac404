"""Document numbers (发文字号): `吉人社办字〔2018〕56号` = prefix, year in 〔〕, number, 号.

OCR turns the hexagonal brackets 〔〕 into [ ] ［］ 【】 ( ) （） and spreads the characters; the
number is normalised to the GB/T 9704 spelling, keeping a printed 第 (…〔2021〕第45号). Body text
cites other documents' numbers (`国办发〔2015〕86号`), so the document's own number is the one
standing on its own line near the top, or the one after a label such as 文号 or 案号.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.extract.result import Found
from ingest.extract.text import HAN, Line, head

OPEN = "〔[［【(（﹝〖｛{〈<「"
CLOSE = "〕]］】)）﹞〗｝}〉>」"
_CORE = (
    rf"(?P<prefix>[{HAN}]{{1,16}}?)[{re.escape(OPEN)}](?P<year>(?:19|20)\d\d)[{re.escape(CLOSE)}]"
    r"(?P<di>第)?(?P<number>\d{1,5})(?P<hao>号|弓|亏)?"
)
# Older documents: 青劳字第四十二号, no year; kept as printed.
_OLD_STYLE = re.compile(rf"^(?P<prefix>[{HAN}]{{1,12}}字)第(?P<number>[一二三四五六七八九十百零〇○0-9]{{1,8}})(?:号|號)$")
# Works on the line with every space removed (OCR spreads the characters of a centred number).
_ALONE = re.compile(rf"^(?:签发人[:：]\S*?)?{_CORE}(?:签发人[:：].*)?$")
_LABELLED = re.compile(rf"(?:发文字号|文号|案号|编号|字号)[:：]?{_CORE}")
_ANY = re.compile(_CORE)
# Words that end up in front of a cited number inside a sentence; never part of a prefix.
_LEADING_WORDS = re.compile(r"^.*?(?:按照|根据|依据|依照|参照|印发|转发|见|详见|执行|落实|贯彻|同时|废止|和|及)")


def looks_like_doc_no(compact: str) -> bool:
    """True for a line (spaces removed) that carries a document number in any bracket spelling."""
    return bool(_ANY.search(compact) or _OLD_STYLE.match(compact))


def normalise(prefix: str, year: int, number: int, di: bool = False) -> str:
    """GB/T 9704 spelling; a printed 第 stays (劳人仲案字〔2021〕第45号 is how the case is cited)."""
    return f"{prefix}〔{year}〕{'第' if di else ''}{number}号"


def _found(m: re.Match[str], line: Line, confidence: float, prefix: str | None = None) -> Found:
    # The prefix as printed (a traditional-character page keeps its script), matched on the simplified form.
    prefix = line.raw_compact[m.end("prefix") - len(prefix or m.group("prefix")): m.end("prefix")]
    year, number = int(m.group("year")), int(m.group("number"))
    if not m.group("hao"):
        confidence -= 0.1  # the 号 was lost: still a number, a little less sure
    return Found((normalise(prefix, year, number, bool(m.group("di"))), (prefix, year, number)), confidence, m.group(0),
                 line.index)


def find_doc_no(lines: Sequence[Line]) -> Found | None:
    """The document's own number; value is (normalised text, (prefix, year, number)); an old-style
    number without a year keeps its printed form and has year and number None."""
    top = head(lines, limit=20)
    for line in top:
        if m := _ALONE.match(line.compact):
            return _found(m, line, 0.95)
    for line in lines:
        if m := _LABELLED.search(line.compact):
            return _found(m, line, 0.9)
    for line in top:
        if m := _OLD_STYLE.match(line.compact):
            printed = line.raw_compact
            return Found((printed, (printed[: m.end("prefix")], None, None)), 0.8, printed, line.index)
    for line in top:
        if m := _ANY.search(line.compact):
            prefix = _LEADING_WORDS.sub("", m.group("prefix"))
            if len(prefix) >= 2:
                return _found(m, line, 0.55, prefix)
    return None
