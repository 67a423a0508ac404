"""The document date (成文日期): `2018年8月15日` or, in older documents, `二〇〇九年七月二十三日`.

The date that counts is the one under the signature near the end of the document (or a form's
填表日期). Web pages add posting dates (`发布时间：2023-05-01`) and forms carry birth and
joining dates: those are never the document date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.extract.result import Found
from ingest.extract.text import Line, cn_digits, cn_number

_ARABIC = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?P<s1>[年./\-])\s*(?P<m>\d{1,2})\s*(?:月|(?P=s1))\s*(?P<d>\d{1,2})(?!\d)\s*(?P<ri>日|号)?"
)
_ARABIC_MONTH = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)")
_CN_YEAR = "〇○零OoＯ0一二三四五六七八九"
_CHINESE = re.compile(
    rf"(?P<y>[{_CN_YEAR}]{{3,4}})\s*年\s*(?P<m>[一二三四五六七八九十元]{{1,2}})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十廿卅]{1,3})\s*(?:日|号)"
)

# Lines that carry a web posting or page-furniture date.
_POSTING = re.compile(r"发布(?:时间|日期|于)|更新(?:时间|日期)|浏览|点击|访问量|来源[:：]|打印|字号")
# Labels of dates about a person or a rule's validity, never the document's.
_NOT_DOC = re.compile(
    r"(?:出生|生日|入党|入团|参加工作|工作时间|毕业|入学|入伍|退休|离休|死亡|受伤|发病|入职|任职|起止|至|到|"
    r"有效期|截止|缴费|生效|施行|实施|开始|申请|受理|立案|开庭|发生|签订|入院|出院|时间段|参保|开工|竣工|终止|"
    r"拍摄期|统计期|所属期)\s*(?:日期|时间|年月)?\s*[:：]?\s*$"
)
_DOC_LABEL = re.compile(r"(?:日期|时间)\s*[:：]?\s*$")
# Labels that name the date a form or decision was made: preferred over any other labelled date.
_MADE_LABEL = re.compile(
    r"(?:填表|填报|成文|签发|核定|审批|审核|批准|决定|裁决|制表|经办|报送|落款|登记|办理|拍摄)\s*(?:日期|时间)\s*[:：]?\s*$"
)
_PRINTED = re.compile(r"^\s*印\s*发")
_PRINT_SCORE = 0.55


@dataclass(frozen=True)
class _Candidate:
    date: dt.date
    score: float
    line: int
    evidence: str


def _to_date(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    if y is None or m is None or d is None:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _cn_year(digits: str) -> int | None:
    """二〇〇九 → 2009; OCR often loses the first of four digits: 九五五 → 1955, 〇一九 → 2019."""
    if len(digits) == 3:
        year = cn_digits(digits)
        if year is None:
            return None
        return 1000 + year if digits[0] == "九" else 2000 + year if year < 100 else None
    return cn_digits(digits)


def _matches(text: str):
    for m in _ARABIC.finditer(text):
        if m.group("s1") != "年" and not (m.group("s1") in "-./" and m.group("ri") is None):
            continue
        yield m, _to_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), True
    for m in _CHINESE.finditer(text):
        yield m, _to_date(_cn_year(m.group("y")), cn_number(m.group("m")), cn_number(m.group("d"))), True
    for m in _ARABIC_MONTH.finditer(text):
        yield m, _to_date(int(m.group("y")), int(m.group("m")), 1), False


def _score(line: Line, m: re.Match[str], full: bool, position: float) -> float:
    before, after = line.norm[: m.start()], line.norm[m.end():]
    if _NOT_DOC.search(before[-12:]):
        return 0.0
    rest = re.sub(r"[\s()（）]", "", before + after)
    if _PRINTED.match(after):
        score = _PRINT_SCORE  # 印发 date of the distribution block: the printing, not the signing
    elif _MADE_LABEL.search(before[-10:]):
        score = 0.88
    elif _DOC_LABEL.search(before[-10:]):
        score = 0.8
    elif not rest:
        score = 0.8 + 0.12 * position  # alone on its line: the signature date, best near the end
    elif len(rest) <= 20 and not re.search(r"[，,。；;]", rest):
        score = 0.6 + 0.1 * position  # next to the signing body on the same line
    else:
        score = 0.3  # inside a sentence
    return score if full else min(score, 0.5) - 0.05


def find_date(lines: Sequence[Line]) -> Found | None:
    """The document date; value is a datetime.date."""
    candidates: list[_Candidate] = []
    last = max(len(lines) - 1, 1)
    for line in lines:
        if _POSTING.search(line.norm):
            continue
        for m, date, full in _matches(line.norm):
            if date is None or not (1949 <= date.year <= dt.date.today().year + 1):
                continue
            score = _score(line, m, full, line.index / last)
            if score > 0:
                candidates.append(_Candidate(date, score, line.index, m.group(0).strip()))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.score, c.line))
    printed = [c.date for c in candidates if c.score == _PRINT_SCORE]
    if printed and best.date > max(printed):
        # Signed after it was printed cannot be: one of the two was misread (3 read as 8).
        return Found(best.date, min(best.score, 0.45), f"{best.evidence} (after the 印发 date {max(printed)})", best.line)
    return Found(best.date, best.score, best.evidence, best.line)
