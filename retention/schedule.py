"""The retention schedule (保管期限表): versioned rules, each record's dates, schedule changes
that recompute pending due dates, and extensions with their history (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit, policy
from archive.clock import utcnow
from archive.codes import RecordStatus, Retention, Role
from archive.config import Settings
from archive.errors import ValidationError
from archive.lifecycle_models import RetentionChange, ScheduleChange
from archive.models import Record, RetentionRule
from archive.retention_dates import retention_dates
from retention import people, rules

SCHEDULE_APPROVER_ROLES = (Role.DIRECTOR.value, Role.LEADER.value, Role.OFFICE_DIRECTOR.value)


def version(session: Session) -> int:
    return session.execute(select(func.max(ScheduleChange.version))).scalar() or 1


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


def classify(rules_in_order: Sequence[RetentionRule], category: str, title: str) -> RetentionRule | None:
    """The first rule of the record's category whose keywords occur in the title; failing
    that, the category's catch-all (a rule without keywords), wherever it stands."""
    mine = [r for r in rules_in_order if r.category_code == category]
    for rule in mine:
        if rule.keywords and any(k in (title or "") for k in rule.keywords):
            return rule
    return next((r for r in mine if not r.keywords), None)


def assign_dates(session: Session, record: Record, settings: Settings | None = None) -> None:
    """Set retention start, appraisal due date and transfer date from year and retention."""
    start, due, transfer = retention_dates(record.year, record.retention, rules.transfer_years(session, settings))
    record.retention_start, record.retention_due, record.transfer_due = start, due, transfer


def apply_schedule(session: Session, record: Record, settings: Settings | None = None) -> RetentionRule | None:
    """For a new record: take the retention from the schedule if none was given, then its dates."""
    rule = classify(active_rules(session), record.category_code, record.title)
    if rule is not None and not record.retention:
        record.retention = rule.retention
    assign_dates(session, record, settings)
    return rule


def change_rule(
    session: Session, *, rule_id: int, retention: str, reason: str, changed_by: str, approved_by: str,
    keywords: list[str] | None = None, settings: Settings | None = None,
) -> ScheduleChange:
    """Replace a rule with a new version and recompute the due dates of the records it governs
    that are still pending (not destroyed, not individually extended or kept)."""
    if not reason.strip():
        raise ValidationError("a schedule change needs a reason")
    try:
        new_retention = Retention.parse(retention).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    policy.distinct_people([changed_by], [approved_by], what="a schedule change")
    people.require_role(session, approved_by, SCHEDULE_APPROVER_ROLES, "approve a schedule change")
    old = session.get(RetentionRule, rule_id)
    if old is None or not old.active:
        raise ValidationError(f"retention rule {rule_id} does not exist or is no longer active")
    before = active_rules(session)
    new = RetentionRule(
        scheme=old.scheme, category_code=old.category_code, kind=old.kind,
        keywords=list(old.keywords if keywords is None else keywords), retention=new_retention,
        note=old.note, version=old.version + 1, active=True,
    )
    old.active = False
    session.add(new)
    session.flush()
    change = ScheduleChange(
        version=version(session) + 1, old_rule_id=old.id, new_rule_id=new.id, old_retention=old.retention,
        new_retention=new_retention, reason=reason, changed_by=changed_by, approved_by=approved_by,
    )
    session.add(change)
    session.flush()
    change.recomputed = _recompute(session, before, old, new_retention, change, settings)
    audit.record(session, changed_by, "retention.schedule.change", f"rule:{old.id}", {
        "new_rule": new.id, "old": old.retention, "new": new_retention, "reason": reason,
        "approved_by": approved_by, "version": change.version, "recomputed": change.recomputed,
    })
    return change


def add_rule(
    session: Session, *, scheme: str, category: str, kind: str, keywords: list[str], retention: str, reason: str,
    changed_by: str, approved_by: str,
) -> ScheduleChange:
    """A new entry of the schedule; it governs records filed from now on (existing ones keep theirs)."""
    if not reason.strip() or not kind.strip():
        raise ValidationError("a new schedule entry needs a kind and a reason")
    try:
        code = Retention.parse(retention).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    policy.distinct_people([changed_by], [approved_by], what="a schedule change")
    people.require_role(session, approved_by, SCHEDULE_APPROVER_ROLES, "approve a schedule change")
    rule = RetentionRule(scheme=scheme, category_code=category, kind=kind, keywords=list(keywords), retention=code)
    session.add(rule)
    session.flush()
    change = ScheduleChange(version=version(session) + 1, old_rule_id=None, new_rule_id=rule.id, new_retention=code,
                            reason=reason, changed_by=changed_by, approved_by=approved_by)
    session.add(change)
    audit.record(session, changed_by, "retention.schedule.add", f"rule:{rule.id}", {
        "category": category, "kind": kind, "keywords": keywords, "retention": code, "reason": reason,
        "approved_by": approved_by, "version": change.version,
    })
    return change


def _recompute(session: Session, before: list[RetentionRule], old: RetentionRule, new_retention: str,
               change: ScheduleChange, settings: Settings | None) -> int:
    individually_set = select(RetentionChange.record_id).where(RetentionChange.kind.in_(("extend", "keep_permanent")))
    candidates = session.execute(
        select(Record).where(
            Record.category_code == old.category_code, Record.retention == old.retention,
            Record.status != RecordStatus.DESTROYED.value, Record.id.not_in(individually_set),
        )
    ).scalars()
    count = 0
    for record in candidates:
        if classify(before, record.category_code, record.title) is not old:
            continue
        old_due = record.retention_due
        record.retention = new_retention
        assign_dates(session, record, settings)
        session.add(RetentionChange(
            record_id=record.id, kind="schedule", old_retention=old.retention, new_retention=new_retention,
            old_due=old_due, new_due=record.retention_due, reason=change.reason, decided_by=change.approved_by,
            source=f"schedule:{change.id}", changed_at=utcnow(),
        ))
        count += 1
    return count


def extend(session: Session, record: Record, *, years: int, reason: str, decided_by: str, source: str = "") -> RetentionChange:
    """Keep a record N more years past its current due date (DOMAIN.md §6: extend with history)."""
    if years < 1:
        raise ValidationError("an extension is at least one year")
    if not reason.strip():
        raise ValidationError("an extension needs a reason")
    if record.retention_due is None:
        raise ValidationError(f"record {record.id} is kept permanently; nothing to extend")
    old_due = record.retention_due
    new_due = _add_years(old_due, years)
    change = RetentionChange(
        record_id=record.id, kind="extend", old_retention=record.retention, new_retention=record.retention,
        old_due=old_due, new_due=new_due, years=years, reason=reason, decided_by=decided_by, source=source,
        changed_at=utcnow(),
    )
    record.retention_due = new_due
    session.add(change)
    audit.record(session, decided_by, "retention.extend", f"record:{record.id}",
                 {"years": years, "old_due": old_due, "new_due": new_due, "reason": reason, "source": source})
    return change


def keep_permanently(session: Session, record: Record, *, reason: str, decided_by: str, source: str = "") -> RetentionChange:
    change = RetentionChange(
        record_id=record.id, kind="keep_permanent", old_retention=record.retention, new_retention="Y",
        old_due=record.retention_due, new_due=None, reason=reason, decided_by=decided_by, source=source,
        changed_at=utcnow(),
    )
    record.retention, record.retention_due = "Y", None
    session.add(change)
    audit.record(session, decided_by, "retention.keep_permanent", f"record:{record.id}",
                 {"reason": reason, "source": source, "old_due": change.old_due})
    return change


def history(session: Session, record_id: int) -> list[RetentionChange]:
    return list(session.execute(
        select(RetentionChange).where(RetentionChange.record_id == record_id).order_by(RetentionChange.id)
    ).scalars())


def due_as_of(record: Record, changes: Sequence[RetentionChange], when: dt.datetime) -> dt.date | None:
    """The record's due date as it stood at `when`, from its change history (reproducible reports)."""
    when = _aware(when)
    later = [c for c in changes if _aware(c.changed_at) >= when]
    if later:
        return min(later, key=lambda c: c.id).old_due
    return record.retention_due


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
