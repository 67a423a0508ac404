"""Classification of records and the retention they should get (issue 3 §6, DOMAIN §2-§4).

`analyse(text, lines=None, flags=())` is what the ingest pipeline calls: extraction, then
`classify`, then the review reasons; `Analysis.to_dict()` gives the fields of the CLI contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.classify.combine import classify, decide
from ingest.classify.model import (
    TrainedModel,
    active_model_path,
    default_model,
    evaluate,
    forget_loaded_models,
    held_out_split,
    load,
    save,
    train,
    train_and_report,
)
from ingest.classify.result import Classification
from ingest.classify.retention_schedule import (
    DEFAULT_SCHEDULE,
    CatalogSchedule,
    Schedule,
    ScheduleEntry,
    propose_retention,
)
from ingest.classify.review import DEFAULT_THRESHOLD, review_reasons
from ingest.classify.rules import RuleHit, apply_rules
from ingest.classify.training_data import LabelledExample, as_example, generate
from ingest.extract import Extraction, extract_fields

__all__ = [
    "DEFAULT_SCHEDULE", "DEFAULT_THRESHOLD", "Analysis", "CatalogSchedule", "Classification", "LabelledExample",
    "RuleHit", "Schedule", "ScheduleEntry", "TrainedModel", "active_model_path", "analyse", "apply_rules", "as_example", "classify",
    "decide", "default_model", "evaluate", "forget_loaded_models", "generate", "held_out_split", "load",
    "propose_retention", "review_reasons", "save", "train", "train_and_report",
]

# Contract fields taken from extraction; the rest come from classification.
_FROM_EXTRACTION = ("title", "doc_no", "issuer", "date", "person_name", "person_id", "addressees", "disclosure")


@dataclass
class Analysis:
    extraction: Extraction
    classification: Classification

    @property
    def review_reasons(self) -> list[str]:
        return self.classification.review_reasons

    @property
    def needs_review(self) -> bool:
        return bool(self.classification.review_reasons)

    def to_dict(self) -> dict[str, Any]:
        """The classification and extraction fields of the CLI JSON contract, with confidence per
        field, evidence, the reasons behind each decision and the review reasons."""
        ex, cl = self.extraction.to_dict(), self.classification.to_dict()
        out: dict[str, Any] = {
            "category": cl["category"], "secrecy": cl["secrecy"], "secrecy_term_months": cl["secrecy_term_months"],
            "secrecy_start": ex["secrecy_start"], "retention": cl["retention"],
        }
        out.update({name: ex[name] for name in _FROM_EXTRACTION})
        out.update(doc_type=cl["doc_type"], personnel_class=cl["personnel_class"], business_step=cl["business_step"],
                   person_id_valid=ex["person_id_valid"])
        out["confidence"] = {**ex["confidence"], **cl["confidence"]}
        out["evidence"] = ex["evidence"]
        out["reasons"] = cl["reasons"]
        out["flags"] = ex["flags"]
        out["review_reasons"] = cl["review_reasons"]
        return out


def analyse(
    text: str, *, lines: Sequence[object] | None = None, flags: Iterable[str] = (), model: TrainedModel | None = None,
    threshold: float = DEFAULT_THRESHOLD, schedule: Schedule | None = None,
) -> Analysis:
    """Extract and classify one record's text (all its pages, in order)."""
    flags = tuple(flags)
    fields = extract_fields(text, lines=lines, flags=flags)
    return Analysis(fields, classify(text, fields, flags, model=model, threshold=threshold, schedule=schedule))
