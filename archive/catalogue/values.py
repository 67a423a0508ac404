"""One catalogue cell to one field value. Every parser raises `Bad(key, **params)` with a message
key of archive.catalogue.messages, so a row's reason is told in the reader's language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping

from archive.codes import SECRECY_ZH, Retention, Secrecy


class Bad(ValueError):
    """A cell that cannot be read; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, and a leading apostrophe that an export
    put before a formula character (archive.tabular) taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    out = str(value).strip()
    if len(out) > 1 and out[0] == "'" and out[1] in "=+-@\t\r":
        out = out[1:]
    return out


# -- dates: 19980312, 19980300, 1998.3, 1998-03-12, 1998年3月12日, 一九九八年三月 ----------------------

@dataclasses.dataclass(frozen=True)
class CatalogueDate:
    """A date as precise as the catalogue wrote it: day, month or year."""

    date: dt.date
    precision: str  # "day" | "month" | "year"

    def written(self) -> str:
        """DA/T 22's eight digits, unknown parts as 00 (19980300), so a round trip keeps precision."""
        if self.precision == "year":
            return f"{self.date.year:04d}0000"
        if self.precision == "month":
            return f"{self.date.year:04d}{self.date.month:02d}00"
        return self.date.strftime("%Y%m%d")


CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9, "两": 2}


def _cn_number(word: str) -> int:
    """一九九八 → 1998 (digit by digit); 十二 → 12, 二十三 → 23, 三十 → 30 (tens)."""
    if "十" not in word:
        return int("".join(str(CN_DIGITS[c]) for c in word))
    tens, _, ones = word.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


_CN = "〇零○Ｏ一二三四五六七八九十两"
CN_DATE = re.compile(rf"^([{_CN}O]{{4}})年(?:([{_CN}]{{1,3}})月(?:([{_CN}]{{1,3}})日)?)?$")
ARABIC_DATE = re.compile(r"^(\d{4})\s*(?:[年.\-/]\s*(\d{1,2})\s*(?:[月.\-/]\s*(\d{1,2})\s*日?)?\s*月?)?$")


def parse_date(value: object) -> CatalogueDate | None:
    """None for an empty cell; Bad for one that is not a date."""
    if isinstance(value, dt.datetime | dt.date):
        return CatalogueDate(value.date() if isinstance(value, dt.datetime) else value, "day")
    raw = text(value).replace(" ", "")
    if not raw:
        return None
    try:
        year, month, day = _date_parts(raw)
        if month == 0:
            return CatalogueDate(dt.date(year, 1, 1), "year")
        if day == 0:
            return CatalogueDate(dt.date(year, month, 1), "month")
        return CatalogueDate(dt.date(year, month, day), "day")
    except (ValueError, KeyError):
        raise Bad("bad_date", value=raw) from None


def _date_parts(raw: str) -> tuple[int, int, int]:
    if raw.isdigit() and len(raw) in (4, 6, 8):
        year, month, day = int(raw[:4]), int(raw[4:6] or 0), int(raw[6:8] or 0)
    elif m := CN_DATE.match(raw):
        year = _cn_number(m[1])
        month = _cn_number(m[2]) if m[2] else 0
        day = _cn_number(m[3]) if m[3] else 0
    elif m := ARABIC_DATE.match(raw):
        year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    else:
        raise ValueError(raw)
    if not 1900 <= year <= 2999 or not 0 <= month <= 12 or (month == 0 and day):
        raise ValueError(raw)
    if day:
        dt.date(year, month, day)  # a real day of that month
    return year, month, day


# -- secrecy: 秘密, 机密★10年, 绝密★长期, 秘密*5年, 内部, 公开, 非密 --------------------------------------

@dataclasses.dataclass(frozen=True)
class SecrecyMark:
    level: Secrecy
    term_months: int | None  # None: the level's maximum, or 长期 when long_term
    long_term: bool
    marking: str  # the printed form when a ★ term was written, else ""


LEVEL_WORDS = {zh: level for level, zh in SECRECY_ZH.items()} | {
    "非密": Secrecy.PUBLIC, "无": Secrecy.PUBLIC, "工作秘密": Secrecy.INTERNAL, "内部资料": Secrecy.INTERNAL,
}
STARS = "★*☆＊"
TERM = re.compile(r"^(?:(\d{1,2})\s*(年|个月|月)|长期)$")


def parse_secrecy(value: object) -> SecrecyMark:
    raw = text(value).replace(" ", "")
    if not raw:
        return SecrecyMark(Secrecy.INTERNAL, None, False, "")
    word, star, term = raw, "", ""
    for mark in STARS:
        if mark in raw:
            word, _, term = raw.partition(mark)
            star = mark
            break
    level = LEVEL_WORDS.get(word)
    if level is None:
        try:
            level = Secrecy.parse(word.lower())
        except ValueError:
            raise Bad("bad_secrecy", value=raw) from None
    if not star:
        return SecrecyMark(level, None, False, "")
    if level.max_term_years is None:
        raise Bad("bad_secrecy", value=raw)  # only state secrets carry a ★ term
    if not term:
        return SecrecyMark(level, None, False, raw)
    m = TERM.match(term)
    if not m:
        raise Bad("bad_secrecy_term", value=raw)
    if not m[1]:
        return SecrecyMark(level, None, True, raw)
    months = int(m[1]) * (12 if m[2] == "年" else 1)
    if months <= 0 or months > level.max_term_years * 12:
        raise Bad("secrecy_term_too_long", value=raw, years=level.max_term_years)
    return SecrecyMark(level, months, False, raw)


# -- retention: 永久, 30年, D30, and the old 长期/短期 through a configurable table ------------------

def parse_retention(value: object, legacy: Mapping[str, str]) -> tuple[Retention, str]:
    """(today's period, the old term as written or "") ."""
    raw = text(value)
    if not raw:
        raise Bad("missing", field="retention")
    try:
        period = Retention.parse(raw, legacy)
    except ValueError:
        raise Bad("bad_retention", value=raw) from None
    return period, raw if raw in legacy else ""


def parse_int(value: object, field: str, *, low: int = 0, high: int = 10**9) -> int | None:
    raw = text(value)
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise Bad("bad_number", field=field, value=raw)
    return int(raw)


def parse_pages(value: object) -> tuple[int | None, str]:
    """页数 as a count, or 页号 as a range 3-7 (5 pages) kept as written."""
    raw = text(value).replace(" ", "")
    if not raw:
        return None, ""
    if raw.isdigit():
        return int(raw), ""
    m = re.fullmatch(r"(\d+)[-~—–至](\d+)", raw)
    if m and int(m[2]) >= int(m[1]):
        return int(m[2]) - int(m[1]) + 1, raw
    raise Bad("bad_pages", value=raw)
