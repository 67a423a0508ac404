"""Why a record goes to `needs_review` instead of being filed directly (issue 3 §6, DOMAIN §4).

Reasons are short codes the CLI prints and the catalog stores:
`secrecy_marking_found` (always, for a state-secret marking), `person_id_invalid`,
`low_confidence:<field>` below the configurable threshold, `missing:<field>` for what a record of
its category must have, `disclosure_conflicts_secrecy`.
"""

from __future__ import annotations

from archive.codes import STATE_SECRET_LEVELS, Secrecy
from ingest.classify.result import Classification
from ingest.extract.result import Extraction

DEFAULT_THRESHOLD = 0.6

# Fields a record of each category must have before it can be filed without a look.
REQUIRED = {
    "*": ("category", "title", "date"),
    "WS": ("issuer", "doc_type"),
    "RS": ("personnel_class", "person_name"),
    "SB": ("business_step",),
    "AJ": ("doc_no",),
}
# Fields whose confidence is checked, in the order reasons are listed.
_CHECKED = ("category", "personnel_class", "business_step", "doc_type", "retention", "secrecy", "title", "date",
            "doc_no", "issuer", "addressees", "person_name", "person_id", "disclosure")


def review_reasons(extraction: Extraction, classification: Classification, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    reasons: list[str] = []
    if extraction.has_state_secret_marking or Secrecy.parse(classification.secrecy) in STATE_SECRET_LEVELS:
        reasons.append("secrecy_marking_found")  # DOMAIN §4: a marked record is always looked at
    if "person_id_invalid" in extraction.flags:
        reasons.append("person_id_invalid")

    values = {**extraction.to_dict(), **{k: v for k, v in classification.to_dict().items() if k != "confidence"}}
    for name in REQUIRED["*"] + REQUIRED.get(classification.category or "", ()):
        if values.get(name) in (None, ""):
            reasons.append(f"missing:{name}")

    confidence = {**extraction.confidence, **classification.confidence}
    for name in _CHECKED:
        if name == "person_id" and "person_id_invalid" in reasons:
            continue
        if name in confidence and values.get(name) is not None and confidence[name] < threshold:
            reasons.append(f"low_confidence:{name}")

    if extraction.disclosure == "proactive" and Secrecy.parse(classification.secrecy) in STATE_SECRET_LEVELS:
        reasons.append("disclosure_conflicts_secrecy")
    return reasons
