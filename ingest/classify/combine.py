"""Classification of one record: rules first, the statistical model for the rest, then the
retention schedule and the proposed secrecy level.

A rule that fires with high confidence overrides the model; when they agree the confidence rises;
when they disagree the stronger wins and the confidence drops, usually below the review threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

from archive.codes import Disclosure, Secrecy
from ingest.classify.model import TrainedModel, default_model
from ingest.classify.result import Classification
from ingest.classify.retention_schedule import Schedule, propose_retention
from ingest.classify.review import DEFAULT_THRESHOLD, review_reasons
from ingest.classify.rules import RuleHit, apply_rules
from ingest.extract.result import Extraction

RULE_OVERRIDES_AT = 0.85
# Categories whose records are about named people: personal data is at least `internal` (DOMAIN §4).
_PERSONAL_CATEGORIES = ("RS", "AJ")


def decide(rule: RuleHit | None, predicted: tuple[str, float] | None) -> tuple[str | None, float, str]:
    """(value, confidence, reason) from a rule hit and a model prediction, either may be missing."""
    if rule is None and predicted is None:
        return None, 0.0, "no evidence"
    if rule is None:
        label, p = predicted  # type: ignore[misc]
        return label, p, f"model {p:.2f}"
    if predicted is None:
        return rule.value, rule.confidence, f"rule: {rule.reason}"
    label, p = predicted
    if rule.value == label:
        return label, min(0.99, 1 - (1 - rule.confidence) * (1 - p)), f"rule ({rule.reason}) and model {p:.2f} agree"
    if rule.confidence >= RULE_OVERRIDES_AT or rule.confidence >= p:
        return rule.value, max(0.0, rule.confidence - 0.3 * p), f"rule ({rule.reason}) over model {label} {p:.2f}"
    return label, max(0.0, p - 0.3 * rule.confidence), f"model {p:.2f} over rule ({rule.reason})"


def proposed_secrecy(fields: Extraction, category: str | None) -> tuple[Secrecy, float, str]:
    """The level to file at: never below a marking on the page; `public` only for what the page
    says is proactively disclosed and holds no personal data; otherwise `internal` (work
    material for staff, DOMAIN §4 and §12)."""
    level = Secrecy.parse(fields.secrecy)
    if level.rank >= Secrecy.INTERNAL.rank:
        return level, fields.confidence.get("secrecy", 0.9), f"marking {fields.evidence.get('secrecy', '')}".strip()
    if fields.person_id or fields.person_name or category in _PERSONAL_CATEGORIES:
        return Secrecy.INTERNAL, 0.85, "personal data"
    if fields.disclosure == Disclosure.PROACTIVE.value:
        return Secrecy.PUBLIC, 0.9, "page says 此件主动公开"
    return Secrecy.INTERNAL, 0.7, "no marking and not proactively disclosed: staff only"


def classify(
    text: str, fields: Extraction, flags: Iterable[str] = (), *, model: TrainedModel | None = None,
    threshold: float = DEFAULT_THRESHOLD, schedule: Schedule | None = None,
) -> Classification:
    """Category, personnel class (RS), business step (SB), 文种, retention and proposed secrecy."""
    model = model if model is not None else default_model()
    rules = apply_rules(text, fields, flags)
    out = Classification()

    category, conf, why = decide(rules.get("category"), model.predict("category", text))
    out.category = category
    out.confidence["category"], out.reasons["category"] = round(conf, 3), why

    if category == "RS":
        value, conf, why = decide(rules.get("personnel_class"), model.predict("personnel_class", text))
        out.personnel_class = value
        out.confidence["personnel_class"], out.reasons["personnel_class"] = round(conf, 3), why
    if category == "SB":
        value, conf, why = decide(rules.get("business_step"), model.predict("business_step", text))
        out.business_step = value
        out.confidence["business_step"], out.reasons["business_step"] = round(conf, 3), why

    if fields.doc_type:
        out.doc_type = fields.doc_type
        out.confidence["doc_type"] = fields.confidence.get("doc_type", 0.5)
        out.reasons["doc_type"] = f"title ends with {fields.doc_type}"

    retention, conf, why = propose_retention(category, out.doc_type, fields.title, out.business_step, schedule)
    out.retention = retention.value
    # A guessed category makes the period a guess too.
    out.confidence["retention"] = round(min(conf, max(out.confidence["category"], 0.3)), 3)
    out.reasons["retention"] = why

    level, conf, why = proposed_secrecy(fields, category)
    out.secrecy = level.value
    out.secrecy_term_months = fields.secrecy_term_months
    out.confidence["secrecy"], out.reasons["secrecy"] = round(conf, 3), why

    out.review_reasons = review_reasons(fields, out, threshold)
    return out
