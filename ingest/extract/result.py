"""What extraction returns: each field with its confidence (0..1) and the text that proves it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Found:
    """One extracted value, how sure we are, the matched text and the line it came from."""

    value: Any
    confidence: float
    evidence: str
    line: int | None = None


# Field names of the CLI JSON contract that extraction fills, in output order.
EXTRACTION_FIELDS = (
    "secrecy", "secrecy_term_months", "title", "doc_no", "issuer", "date", "doc_type",
    "person_name", "person_id", "addressees", "disclosure",
)


@dataclass
class Extraction:
    secrecy: str = "public"  # archive.codes.Secrecy value carried by a marking on the page
    secrecy_term_months: int | None = None  # None: 长期 or no state-secret marking
    secrecy_long_term: bool = False  # 长期: no fixed end
    secrecy_start: str | None = None  # YYYY-MM-DD, the document date: the term counts from it
    title: str | None = None
    doc_no: str | None = None  # normalised: 吉人社办字〔2018〕56号
    doc_no_parts: tuple[str, int | None, int | None] | None = None  # prefix, year, number
    issuer: str | None = None
    date: str | None = None  # YYYY-MM-DD
    doc_type: str | None = None  # 文种
    person_name: str | None = None
    person_id: str | None = None
    person_id_valid: bool | None = None
    addressees: str | None = None
    disclosure: str | None = None  # archive.codes.Disclosure value
    masthead: str | None = None  # the `…文件` line, as read: evidence of an official document
    insurance_type: str | None = None  # 养老保险, 医疗保险, 失业保险, 工伤保险, 生育保险
    transaction_no: str | None = None  # 业务流水号 printed on a social-insurance form
    confidence: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # person_id_invalid, secrecy_marking_found, ...
    page_flags: tuple[str, ...] = ()  # from preprocessing: red_masthead, red_seal, ...

    def set(self, name: str, found: Found | None) -> None:
        if found is None:
            return
        setattr(self, name, found.value)
        self.confidence[name] = round(found.confidence, 3)
        self.evidence[name] = found.evidence

    def flag(self, reason: str) -> None:
        if reason not in self.flags:
            self.flags.append(reason)

    @property
    def has_state_secret_marking(self) -> bool:
        return "secrecy_marking_found" in self.flags

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in EXTRACTION_FIELDS}
        out["secrecy_start"] = self.secrecy_start
        out["person_id_valid"] = self.person_id_valid
        out["insurance_type"] = self.insurance_type
        out["transaction_no"] = self.transaction_no
        out["confidence"] = dict(self.confidence)
        out["evidence"] = dict(self.evidence)
        out["flags"] = list(self.flags)
        return out
