"""The business system's metadata beside a born-digital file: `foo.ofd` + `foo.json` or `foo.xml`
(same stem). Its fields (person, ID number, business step, transaction number, handler, dates,
title, document number, issuer …) fill the catalogue and win over what was read from the pages;
files naming one transaction number become one item (DOMAIN.md §2: one transaction, one item).
A business-system export CSV goes through the batch manifest (ingest.manifest) with the same
column names.

JSON: one object, keys in Chinese or English (`{"业务流水号": "…", "姓名": "…"}`). XML: any root
whose leaf elements are the fields, by tag (`<业务流水号>…</业务流水号>`) or by a name attribute
(`<field name="业务流水号">…</field>`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from lxml import etree

from archive.errors import ValidationError
from ingest.manifest import ALIASES

SUFFIXES = (".json", ".xml")
# metadata key → (catalogue column, the extraction field its review reasons name)
GIVEN = {"person_name": ("person_name", "person_name"), "person_id": ("person_id_number", "person_id"),
         "business_step": ("business_step", "business_step"), "doc_no": ("doc_no", "doc_no"),
         "issuer": ("issuer", "issuer"), "doc_date": ("doc_date", "date"), "title": ("title", "title")}
LENGTHS = {"person_name": 50, "business_step": 10, "doc_no": 100, "issuer": 200}  # the columns' sizes
_DATE = re.compile(r"(\d{4})\s*[-年/.]?\s*(\d{1,2})\s*[-月/.]?\s*(\d{1,2})")


def sidecar_of(path: Path) -> Path | None:
    """The sidecar beside `path`, if there is one."""
    for suffix in SUFFIXES:
        candidate = path.with_suffix(suffix)
        if candidate != path and candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path) -> dict[str, str]:
    """The sidecar's fields under the manifest's names (transaction_no, person_name, …)."""
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(path.read_text(encoding="utf-8-sig"))
            if not isinstance(raw, dict):
                raise ValueError("not one JSON object")
            pairs = list(raw.items())
        else:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
            pairs = [(e.get("name") or etree.QName(e).localname, e.text) for e in root.iter()
                     if isinstance(e.tag, str) and len(e) == 0 and e is not root]
    except (OSError, ValueError, etree.XMLSyntaxError) as exc:
        raise ValidationError(f"{path.name}: the metadata sidecar cannot be read ({str(exc)[:120]})") from None
    out = {}
    for key, value in pairs:
        name = ALIASES.get(str(key).strip().lower()) or ALIASES.get(str(key).strip())
        if name and name not in ("file", "record") and value not in (None, ""):
            out[name] = str(value).strip()
    return out


def with_sidecars(groups: list[tuple[list[Path], dict]]) -> list[tuple[list[Path], dict]]:
    """Each lone file's sidecar read into its metadata (what a manifest gave wins); lone files
    naming the same transaction number merged into one record, pages in the order found."""
    out: list[tuple[list[Path], dict]] = []
    by_transaction: dict[str, tuple[list[Path], dict]] = {}
    for files, meta in groups:
        if "_error" in meta or len(files) != 1 or (side := sidecar_of(files[0])) is None:
            out.append((files, meta))
            continue
        try:
            meta = {**read_sidecar(side), **meta}
        except ValidationError as exc:
            out.append((files, {"_error": str(exc)}))
            continue
        key = meta.get("transaction_no", "")
        if key and key in by_transaction:
            merged_files, merged = by_transaction[key]
            merged_files.extend(files)
            merged.update({k: v for k, v in meta.items() if k not in merged})
            continue
        group = (list(files), dict(meta))
        if key:
            by_transaction[key] = group
        out.append(group)
    return out


def parse_date(value: str) -> dt.date | None:
    m = _DATE.search(value or "")
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def born_digital_facts(flags) -> dict[str, str]:
    """What the pages' flags say of a born-digital original: its format and its seal's state."""
    flags = set(flags)
    fmt = "ofd" if "ofd" in flags else ("pdf_text" if "pdf_text" in flags else "")
    seal = next((f.partition(":")[2] for f in flags if f.startswith("e_signature:")), "")
    return {k: v for k, v in (("format", fmt), ("e_signature", seal)) if v}


def apply(fields: dict, reasons: list[str], metadata: dict, flags=(), schedule=None) -> list[str]:
    """Write what the sidecar (or manifest) gave over what was read, drop the review reasons it
    settles, and say in the evidence which fields were given and what the born-digital original
    is (format, electronic seal). Returns the remaining reasons."""
    from ingest.extract.identity import is_valid_id

    given = []
    for key, (column, field) in GIVEN.items():
        value = str(metadata.get(key) or "").strip()
        if not value:
            continue
        if key == "doc_date":
            date = parse_date(value)
            if date is None:
                reasons.append("given_date_invalid")
                continue
            fields[column] = date
        elif key == "person_id":
            value = value.upper()
            fields[column], fields["person_id_valid"] = value[:18], is_valid_id(value)
            if fields["person_id_valid"]:
                reasons = [r for r in reasons if r != "person_id_invalid"]
        else:
            fields[column] = value[:LENGTHS.get(column, 500)]
        given.append(key)
        reasons = [r for r in reasons if r not in (f"missing:{field}", f"low_confidence:{field}")]
    if "business_step" in given and schedule is not None and not metadata.get("retention"):
        fields["retention"] = schedule.propose(fields.get("category_code"), fields.get("title"),
                                               fields.get("doc_type") or None, fields["business_step"])[0].value
    evidence = dict(fields.get("extra_evidence") or {})
    if given:
        evidence["given"] = sorted(given)
    if facts := born_digital_facts(flags):
        evidence["born_digital"] = facts
    fields["extra_evidence"] = evidence
    if facts.get("e_signature") == "invalid":
        reasons.append("e_signature_invalid")
    return reasons
