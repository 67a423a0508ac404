"""The retention schedule (保管期限表) as the catalog holds it: the one table administrators edit
(`/admin/schedule`, `archive retention schedule`), read by everything that needs a record's rule.

- `active_rules(session)`: the active rules in precedence order (a new version of a rule keeps
  the place of the rule it replaced);
- `governing_rule(rules, category, title)`: the rule that governs a record of this category and
  title: the first rule of the category whose keywords occur in the title, failing that the
  category's catch-all (a rule without keywords).

Ingest proposes a new record's retention with these (ingest.pipeline), and the retention
package recomputes due dates with them when a rule changes (retention.schedule), so a record
filed today and one re-evaluated after a schedule change are judged by the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.lifecycle_models import ScheduleChange
from archive.models import RetentionRule


class RuleLike(Protocol):
    category_code: str
    keywords: list


R = TypeVar("R", bound=RuleLike)


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


def governing_rule(rules_in_order: Sequence[R], category: str | None, title: str | None) -> R | None:
    """The first rule of the record's category whose keywords occur in the title; failing
    that, the category's catch-all (a rule without keywords), wherever it stands."""
    mine = [r for r in rules_in_order if r.category_code == category]
    for rule in mine:
        if rule.keywords and any(k in (title or "") for k in rule.keywords):
            return rule
    return next((r for r in mine if not r.keywords), None)
