"""Text preparation shared by the extractors.

Every transformation here maps one character to one character, so an offset found in the
prepared text is the same offset in what the page actually says: values such as a title are
cut from the original line (traditional characters and full-width punctuation kept) while the
patterns only ever see one simplified, half-width spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Bullets and rules that web pages and OCR put in front of a line; never part of a value.
LEADING_JUNK = "•·●◆◇■□▪►▶-—–_=*#>〉 \t"


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)  # full-width digits and letters read by OCR from forms
    if ch in "\u3000\u00a0\u2002\u2003\u2009\u200b\t":
        return " "
    return ch


def simplify(text: str) -> str:
    """Half-width digits/letters, plain spaces and simplified characters, same length as `text`."""
    folded = "".join(_fold_char(ch) for ch in text)
    converted = _t2s().convert(folded)
    if len(converted) == len(folded):
        return converted
    # A phrase rule changed the length: fall back to character by character to keep offsets.
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in folded)


def squeeze(text: str) -> str:
    """Drop the spaces OCR puts between the characters of a centred title or a spaced form name;
    keep one between two Latin words."""
    text = re.sub(r"(?<=[A-Za-z])\s+(?=[A-Za-z])", "\0", text.strip())
    return re.sub(r"\s+", "", text).replace("\0", " ")


def strip_leading_junk(text: str) -> str:
    return text.lstrip(LEADING_JUNK).strip()


@dataclass(frozen=True)
class Line:
    """One line of page text: as read (`raw`), as matched (`norm`), its index and OCR confidence."""

    index: int
    raw: str
    norm: str
    ocr_confidence: float | None = None

    @property
    def compact(self) -> str:
        """The normalised line without any whitespace: for labels and numbers broken by OCR spacing."""
        return re.sub(r"\s+", "", self.norm)

    @property
    def raw_compact(self) -> str:
        """The line as read, without the characters `compact` drops: same offsets as `compact`."""
        return "".join(r for r, n in zip(self.raw, self.norm, strict=True) if not n.isspace())


def _line_text(item: object) -> tuple[str, float | None]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict):
        return str(item.get("text", "")), item.get("confidence")
    return str(getattr(item, "text", "")), getattr(item, "confidence", None)


def prepare_lines(text: str, lines: Sequence[object] | None = None) -> list[Line]:
    """Non-empty lines in reading order; `lines` (OCR lines: str, dicts or objects with `text`
    and `confidence`) win over splitting `text` because they carry per-line confidence."""
    source: Iterable[tuple[str, float | None]]
    if lines:
        source = (_line_text(item) for item in lines)
    else:
        source = ((part, None) for part in text.splitlines())
    out: list[Line] = []
    for raw, conf in source:
        for part in raw.splitlines() or [""]:
            if part.strip():
                out.append(Line(len(out), part, simplify(part), conf))
    return out


def head(lines: Sequence[Line], limit: int = 15) -> list[Line]:
    """The top of page one, where markings, masthead, number and title sit (GB/T 9704 §7.2).

    It ends at the first body paragraph: a long line that is neither a title nor a masthead."""
    out: list[Line] = []
    for line in lines[:limit]:
        if len(line.compact) > 60 and not line.compact.startswith("关于"):
            break
        out.append(line)
    return out


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "0": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3,
              "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """Chinese numerals up to 99 (十二, 二十三, 廿三, 卅一) or Arabic digits; None when unreadable."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十").replace("元", "一")
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            return None
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    if len(text) == 1:
        return _CN_DIGITS[text]
    return None


def cn_digits(text: str) -> int | None:
    """A year written digit by digit: 二〇〇九, 二○一九, 二O一九."""
    digits = [_CN_DIGITS.get(ch) for ch in text]
    if not digits or any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))
