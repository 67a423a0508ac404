"""Social-insurance fields (DOMAIN.md §2, §13): the insurance type a form is about (养老, 医疗,
失业, 工伤, 生育) and the business system's transaction number (业务流水号), which makes the item:
one transaction is one item."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.extract.result import Found
from ingest.extract.text import Line

# The names catalogues and volumes use (archive.arrangement.auto_arrange.INSURANCE_TYPES), with
# the words that name each on a form.
INSURANCE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("养老保险", ("养老",)),
    ("医疗保险", ("医疗保险", "医保", "基本医疗", "医疗待遇", "医疗费")),
    ("失业保险", ("失业",)),
    ("工伤保险", ("工伤",)),
    ("生育保险", ("生育",)),
)
TITLE_LINES = 6
_TRANSACTION = re.compile(r"(?:业务)?流水(?:号|编号)[:：]?(?P<no>[A-Za-z0-9][A-Za-z0-9\-_]{3,48})")


def _types_in(text: str) -> list[str]:
    return [name for name, words in INSURANCE_WORDS if any(w in text for w in words)]


def find_insurance_type(lines: Sequence[Line], title: str | None) -> Found | None:
    """From the form's title (its name, or the first lines) when it names one type; otherwise the
    type the text names most often, when one clearly leads."""
    heading = "".join([re.sub(r"\s+", "", title or ""), *(line.compact for line in lines[:TITLE_LINES])])
    named = _types_in(heading)
    if len(named) == 1:
        return Found(named[0], 0.9, heading[:60])
    text = "".join(line.compact for line in lines)
    counts = sorted(((sum(text.count(w) for w in words), name) for name, words in INSURANCE_WORDS), reverse=True)
    (best, name), (second, _) = counts[0], counts[1]
    if best and best > second:
        return Found(name, 0.6 if second else 0.75, f"{name} ×{best}")
    return None


def find_transaction_no(lines: Sequence[Line]) -> Found | None:
    """`业务流水号：T2020000123` (or 流水号, 流水编号) as printed on the form."""
    for line in lines:
        if m := _TRANSACTION.search(line.compact):
            return Found(m.group("no"), 0.9, line.compact[:60], line.index)
    return None
