"""Proposing a retention period from the retention schedule (保管期限表, DOMAIN §3).

There is one schedule and one rule for reading it:

- the schedule is the catalog's retention_rules table, which administrators edit
  (`/admin/schedule`); its shipped entries are archive.schedule_defaults;
- which entry governs a record, and how sure that is, is archive.retention_rules.governing_rule
  (conditions on keywords, excluded words, 文种 and business steps; the most specific wins, then
  the longest period; priority; confidence), the very rule the retention package applies when
  the schedule changes.

The ingest pipeline passes the catalog's active rules (`CatalogSchedule.of(active_rules(s))`);
analysis without a catalog (the field-accuracy benchmark, the classifier's tests) reads the
shipped entries (`DEFAULT_SCHEDULE`); rows in the shape of `ScheduleEntry.to_row()` may be
passed instead. Here the title is only simplified first (traditional characters, full-width
forms), which the archive package cannot do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from archive.codes import Retention
from archive.retention_rules import governing_rule
from archive.schedule_defaults import DEFAULT_CONFIDENCE, EVERY_CATEGORY
from archive.schedule_defaults import DEFAULT_SCHEDULE as _SHIPPED
from ingest.extract.text import simplify

NO_RULE_CONFIDENCE = 0.3


@dataclass(frozen=True)
class ScheduleEntry:
    """One rule of the schedule, detached from the catalog (see archive.schedule_defaults)."""

    category: str  # WS SB RS AJ KJ JJ SX, or * for every category
    kind: str  # what the entry covers, as the schedule names it
    retention: str  # archive.codes.Retention value
    keywords: tuple[str, ...] = ()  # any of them in the title
    excludes: tuple[str, ...] = ()  # none of them in the title
    doc_types: tuple[str, ...] = ()  # any of these 文种
    business_steps: tuple[str, ...] = ()  # any of these steps (SB)
    priority: int = 0  # beats specificity: forwarded rules are still forwarded documents
    confidence: float = DEFAULT_CONFIDENCE  # how sure a match is; below the review threshold where DOMAIN is silent
    id: int | None = None  # the catalog rule's id, for a rule read from the catalog

    @property
    def category_code(self) -> str:
        """The name archive.retention_rules reads (`*`: every category)."""
        return self.category

    def to_row(self) -> dict[str, Any]:
        """A row for the catalog's retention_rules table (lists kept as lists)."""
        row = asdict(self)
        for key in ("keywords", "excludes", "doc_types", "business_steps"):
            row[key] = list(row[key])
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | ScheduleEntry) -> ScheduleEntry:
        if isinstance(row, ScheduleEntry):
            return row

        def items(value: Any) -> tuple[str, ...]:
            if not value:
                return ()
            if isinstance(value, str):
                return tuple(v for v in re.split(r"[,，、;；|\s]+", value) if v)
            return tuple(str(v) for v in value)

        confidence = row.get("confidence")
        return cls(
            category=str(row.get("category") or row.get("category_code") or EVERY_CATEGORY).upper(),
            kind=str(row.get("kind") or ""),
            retention=Retention.parse(str(row["retention"])).value,
            keywords=items(row.get("keywords")),
            excludes=items(row.get("excludes")),
            doc_types=items(row.get("doc_types")),
            business_steps=items(row.get("business_steps")),
            priority=int(row.get("priority") or 0),
            confidence=DEFAULT_CONFIDENCE if confidence is None else float(confidence),
            id=None if row.get("id") is None else int(row["id"]),
        )

    @classmethod
    def of_rule(cls, rule: Any) -> ScheduleEntry:
        """From a catalog RetentionRule (or anything with its attributes)."""
        return cls.from_row({
            "id": rule.id, "category": rule.category_code, "kind": rule.kind, "retention": rule.retention,
            "keywords": rule.keywords, "excludes": rule.excludes, "doc_types": rule.doc_types,
            "business_steps": rule.business_steps, "priority": rule.priority, "confidence": rule.confidence,
        })


# The shipped entries, for analysis without a catalog.
DEFAULT_SCHEDULE: tuple[ScheduleEntry, ...] = tuple(ScheduleEntry.from_row(entry) for entry in _SHIPPED)


@dataclass(frozen=True)
class CatalogSchedule:
    """The catalog's active rules in precedence order (archive.retention_rules.active_rules),
    detached from their session so classification can run after it closes."""

    rules: tuple[ScheduleEntry, ...]

    @classmethod
    def of(cls, rules: Iterable[Any]) -> CatalogSchedule:
        """From RetentionRule rows (or anything with the same attributes), in precedence order."""
        return cls(tuple(ScheduleEntry.of_rule(r) for r in rules))

    def propose(self, category: str | None, title: str | None, doc_type: str | None = None,
                business_step: str | None = None) -> tuple[Retention, float, str]:
        return propose_retention(category, doc_type, title, business_step, self)


# What `schedule` arguments accept: the catalog's schedule, or entries (objects or table rows).
Schedule = CatalogSchedule | Iterable[ScheduleEntry | Mapping[str, Any]]


def propose_retention(
    category: str | None, doc_type: str | None, title: str | None, business_step: str | None,
    schedule_entries: Schedule | None = None,
) -> tuple[Retention, float, str]:
    """(retention, confidence, reason): the governing rule of the schedule given (the catalog's
    rules; entries or rows; the shipped entries when none)."""
    if isinstance(schedule_entries, CatalogSchedule):
        entries: tuple[ScheduleEntry, ...] = schedule_entries.rules
    elif schedule_entries is None:
        entries = DEFAULT_SCHEDULE
    else:
        entries = tuple(ScheduleEntry.from_row(e) for e in schedule_entries)
    found = governing_rule(entries, category, simplify(title or ""), doc_type, business_step)
    if found is None:
        return Retention.D30, NO_RULE_CONFIDENCE, (
            f"no schedule entry for category {category or '?'}: 30 years until an archivist decides")
    entry = found.rule
    retention = Retention.parse(entry.retention)
    where = f" [rule {entry.id}]" if entry.id is not None else ""
    return retention, found.confidence, (
        f"schedule: {entry.category} {entry.kind} ({found.matched}) → {retention.value}{where}")
