"""The retention schedule (保管期限表) as the catalog holds it: the one table administrators edit
(`/admin/schedule`, `archive retention schedule`), read by everything that needs a record's rule.

- `active_rules(session)`: the active rules in precedence order (a new version of a rule keeps
  the place of the rule it replaced);
- `governing_rule(rules, category, title, doc_type=None, business_step=None)`: the rule that
  governs a record, and how sure that is (`Governing`).

The one matching rule: a rule applies to its category (or to every category: `*`, stored as
NULL); none of its `excludes` may occur in the title; each condition it sets must hold — one of
its keywords in the title, the record's 文种 among its doc types, its business step among its
steps. The most specific applicable rule governs: each condition met counts (a keyword by its
length too, so 统计公报 beats 公报), and a rule's priority outweighs them all (a forwarded
rule is still a forwarded document). Among equally specific rules the longest period governs
(保存从宽: keep generously); among rules equal in that too, the first in precedence order. A
rule without conditions is its category's catch-all. How sure: the rule's own confidence,
below the review threshold where the schedule is a guess, so an archivist confirms it.

Ingest proposes a new record's retention with these (ingest.pipeline), and the retention
package recomputes due dates with them when a rule changes (retention.schedule), so a record
filed today and one re-evaluated after a schedule change are judged by the same rule. The
shipped rules are archive.schedule_defaults.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.codes import Retention
from archive.lifecycle_models import RetentionChange, ScheduleChange
from archive.models import RetentionRule
from archive.schedule_defaults import DEFAULT_CONFIDENCE, EVERY_CATEGORY

__all__ = ["EVERY_CATEGORY", "Governing", "RuleLike", "active_rules", "applies_to", "basis", "governing_rule",
           "is_catch_all", "match"]

# Longest first: the tie-break between equally specific rules.
GENEROSITY = (Retention.PERMANENT, Retention.D100, Retention.D50, Retention.D30, Retention.D10, Retention.D2)
PRIORITY_WEIGHT = 1000  # one step of priority outweighs any specificity
CONDITION_WEIGHT = 10  # a keyword, 文种 or business step that holds


class RuleLike(Protocol):
    """A catalog rule (RetentionRule) or anything shaped like one (a detached copy)."""

    @property
    def category_code(self) -> str | None: ...  # None or "*": every category
    @property
    def keywords(self) -> Sequence[str] | None: ...
    @property
    def excludes(self) -> Sequence[str] | None: ...
    @property
    def doc_types(self) -> Sequence[str] | None: ...
    @property
    def business_steps(self) -> Sequence[str] | None: ...
    @property
    def priority(self) -> int | None: ...
    @property
    def confidence(self) -> float | None: ...
    @property
    def retention(self) -> str: ...


R = TypeVar("R", bound=RuleLike)


@dataclass(frozen=True)
class Governing(Generic[R]):
    """The rule that governs a record, how sure that is, and what in the record selected it
    (the keyword, 文种 and business step that held, joined by +; `default` for a catch-all)."""

    rule: R
    confidence: float
    matched: str


def active_rules(session: Session) -> list[RetentionRule]:
    """Active rules in precedence order: a new version keeps the place of the rule it replaced."""
    place: dict[int, int] = {}
    for old, new in session.execute(
        select(ScheduleChange.old_rule_id, ScheduleChange.new_rule_id).order_by(ScheduleChange.id)
    ):
        if old is not None and new is not None:
            place[new] = place.get(old, old)
    found = session.execute(select(RetentionRule).where(RetentionRule.active.is_(True))).scalars().all()
    return sorted(found, key=lambda r: place.get(r.id, r.id))


def applies_to(rule: RuleLike, category: str | None) -> bool:
    """The rule's category is the record's, or the rule applies to every category."""
    return rule.category_code in (None, EVERY_CATEGORY) or rule.category_code == (category or "").strip().upper()


def is_catch_all(rule: RuleLike) -> bool:
    """A rule without conditions: it governs whatever else of its category no rule names."""
    return not (rule.keywords or rule.doc_types or rule.business_steps)


def match(rule: RuleLike, category: str | None, title: str | None, doc_type: str | None = None,
          business_step: str | None = None) -> tuple[int, str] | None:
    """(specificity, what matched) when the rule applies to the record, else None. The title is
    compared without whitespace; callers that read traditional characters simplify it first."""
    if not applies_to(rule, category):
        return None
    compact = re.sub(r"\s", "", title or "")
    if any(x and x in compact for x in rule.excludes or ()):
        return None
    score, matched = 0, []
    if rule.keywords:
        found = [k for k in rule.keywords if k and k in compact]
        if not found:
            return None
        best = max(found, key=len)
        score += CONDITION_WEIGHT + len(best)
        matched.append(best)
    if rule.doc_types:
        if not doc_type or doc_type not in rule.doc_types:
            return None
        score += CONDITION_WEIGHT
        matched.append(doc_type)
    if rule.business_steps:
        if not business_step or business_step not in rule.business_steps:
            return None
        score += CONDITION_WEIGHT
        matched.append(business_step)
    return (rule.priority or 0) * PRIORITY_WEIGHT + score, "+".join(matched) or "default"


def _generosity(retention: str) -> int:
    try:
        return len(GENEROSITY) - GENEROSITY.index(Retention.parse(retention))
    except ValueError:
        return 0


def basis(session: Session, record) -> dict:
    """Why a record is kept as long as it is, for its page: the schedule rule that governs it
    (id, kind, period, what in the record selected it, whether the record's period is that
    rule's) and the last individual decision on it (an extension, a person's change, an
    appraisal), if any."""
    found = governing_rule(active_rules(session), record.category_code, record.title, record.doc_type or None,
                           record.business_step or None)
    rule = None if found is None else {
        "id": found.rule.id, "kind": found.rule.kind, "category": found.rule.category_code or EVERY_CATEGORY,
        "retention": found.rule.retention, "matched": found.matched,
        "agrees": found.rule.retention == record.retention,
    }
    last = session.execute(select(RetentionChange).where(
        RetentionChange.record_id == record.id, RetentionChange.status == "applied",
        RetentionChange.kind != "schedule").order_by(RetentionChange.id.desc()).limit(1)).scalars().first()
    individual = None if last is None else {
        "kind": last.kind, "old": last.old_retention, "new": last.new_retention, "reason": last.reason,
        "decided_by": last.decided_by, "approved_by": last.approved_by or None, "source": last.source or None,
    }
    return {"rule": rule, "individual": individual}


def governing_rule(rules_in_order: Sequence[R], category: str | None, title: str | None,
                   doc_type: str | None = None, business_step: str | None = None) -> Governing[R] | None:
    """The rule that governs a record of this category, title, 文种 and business step, with how
    sure that is; None when no rule applies (not even a catch-all)."""
    best: tuple[tuple[int, int], R, str] | None = None
    for rule in rules_in_order:
        found = match(rule, category, title, doc_type, business_step)
        if found is None:
            continue
        key = (found[0], _generosity(rule.retention))
        if best is None or key > best[0]:  # strictly better: the first in precedence order keeps a tie
            best = (key, rule, found[1])
    if best is None:
        return None
    _, rule, matched = best
    confidence = DEFAULT_CONFIDENCE if rule.confidence is None else float(rule.confidence)
    return Governing(rule, confidence, matched)
