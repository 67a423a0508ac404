"""What classification returns, with a confidence and a reason per field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Classification:
    category: str | None = None  # WS SB RS AJ KJ JJ SX
    personnel_class: str | None = None  # "1".."10", RS only
    business_step: str | None = None  # SB only
    doc_type: str | None = None  # 文种
    retention: str | None = None  # archive.codes.Retention value
    secrecy: str = "public"  # proposed level: the marking's, raised to internal for personal data
    secrecy_term_months: int | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # why each value: rule, model, schedule
    review_reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "personnel_class": self.personnel_class,
            "business_step": self.business_step,
            "doc_type": self.doc_type,
            "retention": self.retention,
            "secrecy": self.secrecy,
            "secrecy_term_months": self.secrecy_term_months,
            "confidence": dict(self.confidence),
            "reasons": dict(self.reasons),
            "review_reasons": list(self.review_reasons),
        }
