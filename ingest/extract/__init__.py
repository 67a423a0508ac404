"""Field extraction from the OCR text of a record (DOMAIN §4, §10).

`extract_fields(text, lines=None, flags=())` reads secrecy marking, document number, issuer,
title, 文种, document date, addressees, disclosure note, person name and identity number, the
insurance type and 业务流水号 of a social-insurance form, each with a confidence and the matched text as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from archive.codes import STATE_SECRET_LEVELS, Secrecy
from ingest.extract.dates import find_date
from ingest.extract.docno import find_doc_no
from ingest.extract.fields import (
    doc_type_of,
    find_addressees,
    find_disclosure,
    find_issuer,
    find_masthead,
    find_title,
)
from ingest.extract.identity import find_person_id, find_person_name, is_valid_id
from ingest.extract.result import EXTRACTION_FIELDS, Extraction, Found
from ingest.extract.secrecy import Marking, detect_secrecy, find_markings
from ingest.extract.social_insurance import find_insurance_type, find_transaction_no
from ingest.extract.text import Line, prepare_lines

__all__ = [
    "EXTRACTION_FIELDS", "Extraction", "Found", "Marking", "extract_fields", "find_markings", "is_valid_id",
]

# Below this OCR confidence a line's fields lose confidence in proportion.
_OCR_TRUSTED = 0.85


def extract_fields(text: str, *, lines: Sequence[object] | None = None, flags: Iterable[str] = ()) -> Extraction:
    """Every field found on the record's text. `lines` are the OCR lines in reading order (str,
    dicts or objects with `text` and `confidence`); `flags` come from preprocessing
    (`red_masthead`, `red_seal`, ...) and are kept for the classifier."""
    prepared = prepare_lines(text, lines)
    out = Extraction(page_flags=tuple(flags))

    date = find_date(prepared)
    if date is not None:
        out.set("date", Found(date.value.isoformat(), date.confidence, date.evidence, date.line))

    _set_secrecy(out, detect_secrecy(prepared))

    doc_no = find_doc_no(prepared)
    if doc_no is not None:
        out.set("doc_no", Found(doc_no.value[0], doc_no.confidence, doc_no.evidence, doc_no.line))
        out.doc_no_parts = doc_no.value[1]

    masthead = find_masthead(prepared)
    out.masthead = masthead.evidence if masthead else None
    title = find_title(prepared)
    out.set("title", title)
    out.set("doc_type", doc_type_of(out.title))
    out.set("issuer", find_issuer(prepared, date.line if date else None, title.line if title else None))
    out.set("addressees", find_addressees(prepared, title.line if title else None))
    out.set("disclosure", find_disclosure(prepared))
    out.set("person_name", find_person_name(prepared))
    out.set("insurance_type", find_insurance_type(prepared, out.title))
    out.set("transaction_no", find_transaction_no(prepared))

    person_id = find_person_id(prepared)
    if person_id is not None:
        number, valid = person_id.value
        out.set("person_id", Found(number, person_id.confidence, person_id.evidence, person_id.line))
        out.person_id_valid = valid
        if not valid:
            out.flag("person_id_invalid")

    _discount_for_ocr(out, prepared, {"date": date, "doc_no": doc_no, "title": title, "person_id": person_id})
    return out


def _set_secrecy(out: Extraction, marking: Marking | None) -> None:
    if marking is None:
        return
    out.secrecy = marking.level.value
    out.confidence["secrecy"] = marking.confidence
    out.evidence["secrecy"] = marking.evidence
    if marking.level in STATE_SECRET_LEVELS:
        out.secrecy_term_months = marking.term_months
        out.secrecy_long_term = marking.long_term
        out.secrecy_start = out.date  # the term counts from the document's date
        out.confidence["secrecy_term_months"] = marking.confidence if marking.explicit_term else 0.7
        out.evidence["secrecy_term_months"] = marking.evidence
        out.flag("secrecy_marking_found")
        if not marking.explicit_term:
            out.flag("secrecy_term_defaulted")
    elif marking.level is Secrecy.INTERNAL:
        out.flag("internal_marking_found")


def _discount_for_ocr(out: Extraction, lines: list[Line], found: dict[str, Found | None]) -> None:
    """A field read from a line the OCR engine was unsure of is less certain (never the secrecy:
    a doubtful marking still counts, and is flagged anyway)."""
    by_index = {line.index: line for line in lines}
    for name, item in found.items():
        if item is None or item.line is None or name not in out.confidence:
            continue
        conf = by_index[item.line].ocr_confidence
        if conf is not None and conf < _OCR_TRUSTED:
            out.confidence[name] = round(out.confidence[name] * max(conf, 0.0) / _OCR_TRUSTED, 3)
