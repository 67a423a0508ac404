"""One catalogue row, checked on its own, into an `Entry` or a `Bad` reason.

The legacy 档号 is kept exactly as written (only surrounding spaces go); what it says about
fonds, category, year, retention and number fills the fields the row leaves empty, whatever
separators the old system used (J001-WS·1998-Y-0012, J001-WS-1998-Y-0012).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping

from archive.catalogue.values import (
    Bad,
    SecrecyMark,
    parse_date,
    parse_int,
    parse_pages,
    parse_retention,
    parse_secrecy,
    text,
)

SEP = "[-·・.．]"
LOOSE_CODE = re.compile(
    rf"^(?P<fonds>[A-Z0-9]{{4}}){SEP}(?P<category>[A-Z]{{2}}){SEP}(?P<year>\d{{4}}){SEP}"
    rf"(?P<retention>Y|C|D\d{{0,3}}|永久|长期|短期)(?P<rest>(?:{SEP}[A-Z0-9]+)*)$"
)
# Old codes wrote the old terms as letters: Y 永久, C 长期, D 短期.
OLD_LETTERS = {"C": "长期", "D": "短期"}
LIMITS = {"archival_code": 60, "volume_code": 60, "doc_no": 100, "issuer": 200, "org_code": 10,
          "department": 50, "legacy_retention": 20, "date_range": 40, "secrecy": 40}


@dataclasses.dataclass
class Entry:
    """A checked row: a volume (layout `volumes`) or an item (`items`, `volume_items`)."""

    layout: str
    code: str
    fonds: str
    category: str
    year: int
    retention: str
    legacy_retention: str
    org_code: str = ""
    number: int | None = None  # 件号 of an item, 案卷号 of a volume
    sequence: int | None = None
    volume_code: str = ""
    doc_no: str = ""
    issuer: str = ""
    title: str = ""
    doc_date: dt.date | None = None
    date_precision: str = ""
    date_range: str = ""
    secrecy: SecrecyMark = dataclasses.field(default_factory=lambda: parse_secrecy(""))
    pages: int | None = None
    page_ref: str = ""
    notes: str = ""
    department: str = ""

    @property
    def is_volume(self) -> bool:
        return self.layout == "volumes"


@dataclasses.dataclass(frozen=True)
class CodeHints:
    fonds: str = ""
    category: str = ""
    year: int | None = None
    retention: str = ""
    org: str = ""
    number: int | None = None
    parent: str = ""  # the code without its last number: the volume of an item in a volume


def code_hints(code: str) -> CodeHints:
    """What a legacy code says, when it follows the 档号 pattern at all (else nothing)."""
    m = LOOSE_CODE.match(code.upper())
    if not m:
        return CodeHints()
    segments = [s for s in re.split(SEP, m["rest"]) if s]
    number = int(segments[-1]) if segments and segments[-1].isdigit() else None
    org = next((s for s in segments if s[:1].isalpha()), "")
    parent = code[: len(code) - len(segments[-1]) - 1] if number is not None and len(segments) > 1 else ""
    retention = OLD_LETTERS.get(m["retention"], m["retention"])
    return CodeHints(m["fonds"], m["category"], int(m["year"]), retention, org, number, parent)


def check_code(raw: str) -> str:
    code = raw.strip()
    if not code or len(code) > LIMITS["archival_code"] or any(ord(c) < 32 or c.isspace() for c in code):
        raise Bad("bad_code", value=code[:80])
    return code


def entry_of(layout: str, cells: Mapping[str, object], *, terms: Mapping[str, str],
             categories: Mapping[str, str]) -> Entry:
    """The row as an Entry; Bad names the first thing wrong with it."""
    get = {k: text(v) for k, v in cells.items()}
    if not get.get("archival_code"):
        raise Bad("missing", field="archival_code")
    code = check_code(get["archival_code"])
    hints = code_hints(code)
    for field, limit in LIMITS.items():
        if len(get.get(field, "")) > limit:
            raise Bad("too_long", field=field, limit=limit)
    title = get.get("title", "")
    if not title:
        raise Bad("missing", field="title")
    fonds = (get.get("fonds") or hints.fonds).upper()
    if not fonds:
        raise Bad("missing", field="fonds")
    category = _category(get.get("category") or hints.category, categories)
    period, legacy = parse_retention(get.get("retention") or hints.retention, terms)
    if get.get("legacy_retention"):
        legacy = get["legacy_retention"]
    date = parse_date(cells.get("doc_date"))
    year = _year(get.get("year"), hints.year, date.date.year if date else None)
    pages, page_ref = parse_pages(get.get("pages") or get.get("page_ref"))
    if get.get("page_ref"):
        page_ref = get["page_ref"]
    number_field = "volume_no" if layout == "volumes" else "item_no"
    number = parse_int(get.get(number_field), number_field, low=0, high=10**8)
    volume_code = get.get("volume_code", "")
    if layout == "volume_items":
        volume_code = check_code(volume_code) if volume_code else hints.parent
        if not volume_code:
            raise Bad("missing", field="volume_code")
    return Entry(
        layout=layout, code=code, fonds=fonds, category=category, year=year, retention=period.value,
        legacy_retention=legacy, org_code=(get.get("org_code") or hints.org).upper(),
        number=number if number is not None else hints.number,
        sequence=parse_int(get.get("sequence"), "sequence", low=0, high=10**8),
        volume_code=volume_code if layout == "volume_items" else "",
        doc_no=get.get("doc_no", ""), issuer=get.get("issuer", ""), title=title,
        doc_date=date.date if date else None, date_precision=date.precision if date else "",
        date_range=get.get("date_range", ""), secrecy=parse_secrecy(get.get("secrecy")),
        pages=pages, page_ref=page_ref, notes=get.get("notes", ""), department=get.get("department", ""),
    )


def _category(raw: str, categories: Mapping[str, str]) -> str:
    if not raw:
        raise Bad("missing", field="category")
    found = categories.get(raw.upper()) or categories.get(raw.lower()) or categories.get(raw)
    if found is None:
        raise Bad("unknown_category", value=raw)
    return found


def _year(raw: str | None, from_code: int | None, from_date: int | None) -> int:
    if raw:
        digits = raw.removesuffix("年")
        if not digits.isdigit() or not 1900 <= int(digits) <= 2999:
            raise Bad("bad_year", value=raw)
        return int(digits)
    year = from_code or from_date
    if year is None:
        raise Bad("missing", field="year")
    return year
