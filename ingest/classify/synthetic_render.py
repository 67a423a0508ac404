"""How the synthetic pages spell things the extractors must read: dates in Arabic or Chinese
numerals, secrecy markings with OCR variants of the star, document numbers with OCR brackets,
identity numbers with a valid or broken check character, and OCR character noise.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from archive.codes import Secrecy
from ingest.classify.synthetic_pools import GIVEN, ID_REGIONS, OCR_CONFUSIONS, SURNAMES
from ingest.extract.identity import check_char

_CN = "〇一二三四五六七八九"


def cn_day(n: int) -> str:
    """1..31 in Chinese numerals: 七, 十二, 二十三, 三十."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def cn_date(d: dt.date, zero: str = "〇") -> str:
    year = "".join(_CN[int(ch)] for ch in str(d.year)).replace("〇", zero)
    return f"{year}年{cn_day(d.month)}月{cn_day(d.day)}日"


@dataclass
class Page:
    """A synthetic page: its lines (text, may take OCR noise) and every label it states."""

    lines: list[tuple[str, bool]] = field(default_factory=list)
    labels: dict[str, Any] = field(default_factory=dict)

    def add(self, text: str, noisy: bool = False) -> None:
        self.lines.append((text, noisy))


class Writer:
    """Random choices for one page, from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def date(self, first_year: int = 2005, last_year: int = 2023) -> dt.date:
        start = dt.date(first_year, 1, 1).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, dt.date(last_year, 12, 28).toordinal()))

    def date_text(self, d: dt.date, chinese: float = 0.15) -> str:
        if self.chance(chinese):
            return cn_date(d, self.pick(["〇", "〇", "○", "O"]))
        if self.chance(0.1):
            return f"{d.year} 年 {d.month} 月 {d.day} 日"
        return f"{d.year}年{d.month}月{d.day}日"

    def person_id(self, valid: bool = True) -> str:
        birth = self.date(1955, 2002)
        first17 = f"{self.pick(ID_REGIONS)}{birth:%Y%m%d}{self.rng.randint(1, 999):03d}"
        check = check_char(first17)
        if not valid:
            check = self.pick([c for c in "0123456789X" if c != check])
        return first17 + check

    def id_text(self, number: str) -> str:
        text = number[:17] + (number[17].lower() if number[17] == "X" and self.chance(0.4) else number[17])
        return " ".join(text) if self.chance(0.2) else text

    def space(self) -> str:
        return self.pick(["", "", "", " ", "\u3000"])

    def marking(self, level: Secrecy) -> tuple[str, int | None]:
        """A printed secrecy marking as OCR reads it, and its term in months (None: 长期)."""
        zh = level.label_zh
        if self.chance(0.25):
            zh = zh[0] + self.pick([" ", "\u3000", "  "]) + zh[1]
        star = self.pick(["★", "★", "★", "★", "*", "☆", "✩", "x", "X", "大", "＊", ""])
        roll = self.rng.random()
        max_years = level.max_term_years or 10
        if roll < 0.2:
            term, months = "", max_years * 12
        elif roll < 0.3:
            term, months = "长期", None
        elif roll < 0.4:
            n = self.pick([3, 6, 9])
            term, months = f"{n}个月", n
        else:
            n = self.rng.randint(1, max_years)
            term, months = f"{n}{self.space()}年", n * 12
        return f"{zh}{self.space()}{star}{self.space()}{term}".strip(), months

    def doc_no(self, prefix: str, year: int, number: int) -> tuple[str, str]:
        """The number as OCR reads it, and as it must be normalised."""
        left, right = self.pick([("〔", "〕")] * 4 + [("[", "]"), ("［", "］"), ("【", "】"), ("(", ")"), ("（", "）")])
        text = f"{prefix}{left}{year}{right}{number}号"
        if self.chance(0.15):
            text = " ".join(text)
        elif self.chance(0.15):
            text = f"{prefix} {left} {year} {right} {number} 号"
        return text, f"{prefix}〔{year}〕{number}号"

    def noise(self, text: str, rate: float) -> str:
        """OCR-like damage: look-alike characters, a lost character, a stray space."""
        if rate <= 0:
            return text
        out = []
        for ch in text:
            roll = self.rng.random()
            if roll < rate:
                out.append(OCR_CONFUSIONS.get(ch, ch))
            elif roll < rate * 1.25:
                continue  # a character the engine missed
            elif roll < rate * 1.4:
                out.append(ch + " ")
            else:
                out.append(ch)
        return "".join(out)
