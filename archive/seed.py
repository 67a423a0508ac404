"""Default reference data loaded by `archive init`: categories and the retention schedule.

Both are *configurable* (DOMAIN.md): these are the shipped defaults an administrator edits. The
retention schedule's entries are archive.schedule_defaults.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import DEFAULT_CATEGORIES
from archive.models import Category, Fonds, RetentionRule
from archive.schedule_defaults import DEFAULT_SCHEDULE, EVERY_CATEGORY

DEFAULT_FONDS = ("J001", "人力资源和社会保障局")


def rule_of(entry: dict) -> RetentionRule:
    """A catalog rule from an entry of archive.schedule_defaults (`*`: every category, NULL)."""
    return RetentionRule(
        scheme=entry["scheme"], category_code=None if entry["category"] == EVERY_CATEGORY else entry["category"],
        kind=entry["kind"], keywords=list(entry["keywords"]), excludes=list(entry["excludes"]),
        doc_types=list(entry["doc_types"]), business_steps=list(entry["business_steps"]),
        priority=entry["priority"], confidence=entry["confidence"], retention=entry["retention"],
    )


def seed_defaults(session: Session, actor: str, fonds: tuple[str, str] = DEFAULT_FONDS) -> dict[str, int]:
    """Load what is missing; never overwrites an administrator's edits. Returns counts added."""
    added = {"categories": 0, "retention_rules": 0, "fonds": 0}
    known = set(session.execute(select(Category.code)).scalars())
    for code, zh, en in DEFAULT_CATEGORIES:
        if code not in known:
            session.add(Category(code=code, name_zh=zh, name_en=en))
            added["categories"] += 1
    session.flush()
    if not session.execute(select(RetentionRule.id).limit(1)).first():
        for entry in DEFAULT_SCHEDULE:
            session.add(rule_of(entry))
            added["retention_rules"] += 1
    if not session.execute(select(Fonds).where(Fonds.code == fonds[0])).scalar_one_or_none():
        session.add(Fonds(code=fonds[0], name=fonds[1]))
        added["fonds"] += 1
    session.flush()
    if any(added.values()):
        audit.record(session, actor, "catalog.seed", "catalog", added)
    return added
