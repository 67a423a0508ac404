"""The retention schedule (保管期限表): versioned rules, changes proposed by one person and
approved by another in their own session (which recomputes the due dates of the records the
rule governs), and extensions with their history (DOMAIN.md §3).

Dates follow from year and retention in the unit of work (archive.unit_of_work): setting a
record's retention recomputes its dates; an extension sets the due date on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit, policy, record_retention
from archive.clock import utcnow
from archive.codes import RecordStatus, Retention, Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.holds import held_record_ids, is_held
from archive.identity import Identity
from archive.lifecycle_models import RetentionChange, ScheduleChange
from archive.models import Category, Record, RetentionRule
from archive.retention_rules import EVERY_CATEGORY, active_rules, governing_rule
from archive.schedule_defaults import DEFAULT_CONFIDENCE
from archive.visibility import can_see_record_id
from retention import people, rules

__all__ = ["active_rules", "classify", "governs"]

SCHEDULE_APPROVER_ROLES = (Role.DIRECTOR.value, Role.LEADER.value, Role.OFFICE_DIRECTOR.value)
# The system administrator keeps the schedule (ADMINISTER); an approver may propose too, and then
# another approver decides: nobody approves their own change.
SCHEDULE_PROPOSER_ROLES = (Role.SYSADMIN.value, *SCHEDULE_APPROVER_ROLES)
STATUSES = ("proposed", "approved", "rejected")


def version(session: Session) -> int:
    return session.execute(select(func.max(ScheduleChange.version))
                           .where(ScheduleChange.status == "approved")).scalar() or 1


def classify(rules_in_order: Sequence[RetentionRule], category: str, title: str, doc_type: str | None = None,
             business_step: str | None = None) -> RetentionRule | None:
    """The rule that governs a record (archive.retention_rules.governing_rule)."""
    found = governing_rule(rules_in_order, category, title, doc_type or None, business_step or None)
    return None if found is None else found.rule


def governs(rules_in_order: Sequence[RetentionRule], record: Record) -> RetentionRule | None:
    """The rule that governs this record: its category, title, 文种 and business step."""
    return classify(rules_in_order, record.category_code, record.title, record.doc_type, record.business_step)


def apply_schedule(session: Session, record: Record) -> RetentionRule | None:
    """For a new record: take the retention from the schedule if none was given (its dates follow
    in the unit of work)."""
    rule = governs(active_rules(session), record)
    if rule is not None and not record.retention:
        record.retention = rule.retention
    return rule


# -- who may see and change the schedule --------------------------------------------------------
def may_propose(role: str) -> bool:
    return role in SCHEDULE_PROPOSER_ROLES


def may_approve(role: str) -> bool:
    return role in SCHEDULE_APPROVER_ROLES


def require_schedule_reader(session: Session, who: Identity) -> None:
    """The schedule's keepers and its approvers work with it (and with its pending changes)."""
    if who.is_system:
        return
    found = people.acting(session, who)
    if not (may_propose(found.role) or may_approve(found.role)):
        raise Forbidden(f"{found.username} ({found.role}) does not keep or approve the retention schedule")


def _retention(value: str) -> str:
    try:
        return Retention.parse((value or "").strip()).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _reason(value: str, what: str = "a schedule change") -> str:
    if not (value or "").strip():
        raise ValidationError(f"{what} needs a reason")
    return value.strip()


# -- proposing ---------------------------------------------------------------------------------
def propose_change(session: Session, who: Identity, *, rule_id: int, retention: str, reason: str,
                   keywords: list[str] | None = None) -> ScheduleChange:
    """Propose a new version of one rule; nothing changes until an approver approves it."""
    proposer = people.require_role(session, who, SCHEDULE_PROPOSER_ROLES, "propose a schedule change")
    reason = _reason(reason)
    new_retention = _retention(retention)
    old = session.get(RetentionRule, rule_id)
    if old is None or not old.active:
        raise NotFound(f"retention rule {rule_id} does not exist or is no longer active")
    waiting = session.execute(select(ScheduleChange.id).where(
        ScheduleChange.old_rule_id == old.id, ScheduleChange.status == "proposed")).scalar()
    if waiting is not None:
        raise Conflict(f"rule {rule_id} already has a proposed change ({waiting}) waiting for approval")
    change = ScheduleChange(
        version=0, status="proposed", old_rule_id=old.id, old_retention=old.retention, new_retention=new_retention,
        reason=reason, changed_by=proposer.username, approved_by="", changed_at=utcnow(),
        keywords=None if keywords is None else list(keywords),
    )
    session.add(change)
    session.flush()
    audit.record(session, proposer.username, "retention.schedule.propose", f"schedule_change:{change.id}", {
        "rule": old.id, "old": old.retention, "new": new_retention, "reason": reason,
    })
    return change


def propose_rule(session: Session, who: Identity, *, category: str, kind: str, keywords: list[str], retention: str,
                 reason: str, scheme: str = "") -> ScheduleChange:
    """Propose a new entry of the schedule; once approved it governs records filed from then on."""
    proposer = people.require_role(session, who, SCHEDULE_PROPOSER_ROLES, "propose a schedule change")
    reason = _reason(reason, "a new schedule entry")
    if not (kind or "").strip():
        raise ValidationError("a new schedule entry needs a kind (what it covers)")
    code = _retention(retention)
    category = (category or "").strip().upper()
    if category != EVERY_CATEGORY and session.get(Category, category) is None:
        raise NotFound(f"category {category or '-'} does not exist")
    words = [k.strip() for k in keywords if k and k.strip()]
    if not scheme:
        same = RetentionRule.category_code.is_(None) if category == EVERY_CATEGORY else \
            RetentionRule.category_code == category
        scheme = session.execute(select(RetentionRule.scheme).where(same)
                                 .order_by(RetentionRule.id)).scalars().first() or "documents"
    change = ScheduleChange(
        version=0, status="proposed", old_rule_id=None, new_retention=code, reason=reason,
        changed_by=proposer.username, approved_by="", changed_at=utcnow(), scheme=scheme[:20],
        category_code=category, kind=kind.strip()[:100], keywords=words,
    )
    session.add(change)
    session.flush()
    audit.record(session, proposer.username, "retention.schedule.propose", f"schedule_change:{change.id}", {
        "category": category, "kind": change.kind, "keywords": words, "new": code, "reason": reason,
    })
    return change


# -- deciding ----------------------------------------------------------------------------------
def _proposed(session: Session, change_id: int) -> ScheduleChange:
    change = session.get(ScheduleChange, change_id)
    if change is None:
        raise NotFound(f"schedule change {change_id} does not exist")
    if change.status != "proposed":
        raise Conflict(f"schedule change {change_id} was already {change.status}")
    return change


def _approver(session: Session, who: Identity, change: ScheduleChange, what: str) -> str:
    approver = people.require_role(session, who, SCHEDULE_APPROVER_ROLES, what)
    policy.distinct_people([change.changed_by], [approver.username], what="a schedule change")
    return approver.username


def approve(session: Session, who: Identity, *, change_id: int) -> ScheduleChange:
    """Apply a proposed change: a new rule version (or the new entry) and, for a changed rule,
    the recomputed due dates of the pending records it governs."""
    change = _proposed(session, change_id)
    approver = _approver(session, who, change, "approve a schedule change")
    old = session.get(RetentionRule, change.old_rule_id) if change.old_rule_id is not None else None
    if change.old_rule_id is not None and (old is None or not old.active):
        raise Conflict(f"rule {change.old_rule_id} changed since this proposal; propose again")
    change.status, change.approved_by, change.decided_at = "approved", approver, utcnow()
    if old is None:
        return _add(session, change)
    before = active_rules(session)
    new = RetentionRule(
        scheme=old.scheme, category_code=old.category_code, kind=old.kind,
        keywords=list(old.keywords if change.keywords is None else change.keywords), retention=change.new_retention,
        excludes=list(old.excludes or []), doc_types=list(old.doc_types or []),
        business_steps=list(old.business_steps or []), priority=old.priority, confidence=old.confidence,
        note=old.note, version=old.version + 1, active=True,
    )
    old.active = False
    session.add(new)
    session.flush()
    change.new_rule_id, change.version = new.id, version(session) + 1
    session.flush()
    moved, kept = _recompute(session, before, old, change)
    change.recomputed = len(moved)
    audit.record(session, approver, "retention.schedule.change", f"rule:{old.id}", {
        "new_rule": new.id, "old": old.retention, "new": change.new_retention, "reason": change.reason,
        "proposed_by": change.changed_by, "approved_by": approver, "version": change.version,
        "shortens": shortens(old.retention, change.new_retention), "recomputed": change.recomputed,
        "records": moved, "kept_held": kept, "change": change.id,
    })
    return change


def _years(code: str) -> float:
    years = Retention(code).years
    return float("inf") if years is None else years


def shortens(old: str, new: str) -> bool:
    """Whether a period of `new` is shorter than one of `old` (permanent is the longest)."""
    return _years(new) < _years(old)


def _add(session: Session, change: ScheduleChange) -> ScheduleChange:
    category = None if change.category_code == EVERY_CATEGORY else change.category_code
    rule = RetentionRule(scheme=change.scheme or "documents", category_code=category, kind=change.kind,
                         keywords=list(change.keywords or []), retention=change.new_retention)
    session.add(rule)
    session.flush()
    change.new_rule_id, change.version = rule.id, version(session) + 1
    session.flush()
    audit.record(session, change.approved_by, "retention.schedule.add", f"rule:{rule.id}", {
        "category": change.category_code, "kind": change.kind, "keywords": list(change.keywords or []),
        "retention": change.new_retention, "reason": change.reason, "proposed_by": change.changed_by,
        "approved_by": change.approved_by, "version": change.version, "change": change.id,
    })
    return change


def reject(session: Session, who: Identity, *, change_id: int, reason: str) -> ScheduleChange:
    change = _proposed(session, change_id)
    approver = _approver(session, who, change, "decide on a schedule change")
    note = _reason(reason, "a rejection")
    change.status, change.approved_by, change.decided_at, change.decision_note = "rejected", approver, utcnow(), note
    audit.record(session, approver, "retention.schedule.reject", f"schedule_change:{change.id}", {
        "reason": change.decision_note, "proposed_by": change.changed_by,
    })
    return change


def withdraw(session: Session, who: Identity, *, change_id: int) -> ScheduleChange:
    """The proposer takes their own proposal back."""
    change = _proposed(session, change_id)
    proposer = people.acting(session, who)
    if proposer.username != change.changed_by:
        raise Forbidden(f"only {change.changed_by} may withdraw schedule change {change_id}")
    change.status, change.approved_by, change.decided_at = "rejected", proposer.username, utcnow()
    change.decision_note = "withdrawn"
    audit.record(session, proposer.username, "retention.schedule.withdraw", f"schedule_change:{change.id}")
    return change


def pending(session: Session) -> list[ScheduleChange]:
    return list(session.execute(select(ScheduleChange).where(ScheduleChange.status == "proposed")
                                .order_by(ScheduleChange.id)).scalars())


def _recompute(session: Session, before: list[RetentionRule], old: RetentionRule,
               change: ScheduleChange) -> tuple[list[dict[str, Any]], list[int]]:
    """The records the old rule governed that are still pending (not destroyed, not individually
    extended or kept) take the new retention; the unit of work recomputes their dates. A held
    record is never made shorter (DOMAIN.md §6.4): it keeps its period. Answers each
    recomputation (record, old and new period and due date) and the held records kept."""
    individually_set = select(RetentionChange.record_id).where(
        RetentionChange.kind.in_(record_retention.INDIVIDUAL_KINDS), RetentionChange.status == "applied")
    governed = select(Record).where(
        Record.retention == old.retention, Record.status != RecordStatus.DESTROYED.value,
        Record.id.not_in(individually_set),
    )
    if old.category_code not in (None, EVERY_CATEGORY):
        governed = governed.where(Record.category_code == old.category_code)
    moved: list[tuple[Record, dt.date | None]] = []
    kept: list[int] = []
    held = held_record_ids(session) if shortens(old.retention, change.new_retention) else set()
    for record in session.execute(governed).scalars().all():
        if governs(before, record) is not old:
            continue
        if record.id in held:
            kept.append(record.id)
            continue
        moved.append((record, record.retention_due))
        record.retention = change.new_retention
    session.flush()  # the unit of work derives the new dates
    now = utcnow()
    for record, old_due in moved:
        session.add(RetentionChange(
            record_id=record.id, kind="schedule", old_retention=old.retention, new_retention=change.new_retention,
            old_due=old_due, new_due=record.retention_due, reason=change.reason, decided_by=change.approved_by,
            source=f"schedule:{change.id}", changed_at=now,
        ))
    listed = [{"record": record.id, "old_retention": old.retention, "new_retention": change.new_retention,
               "old_due": _day(old_due), "new_due": _day(record.retention_due)} for record, old_due in moved]
    return listed, sorted(kept)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def change_json(change: ScheduleChange) -> dict[str, Any]:
    return {
        "id": change.id, "status": change.status, "version": change.version, "old_rule": change.old_rule_id,
        "new_rule": change.new_rule_id, "old_retention": change.old_retention or "",
        "new_retention": change.new_retention, "reason": change.reason, "proposed_by": change.changed_by,
        "proposed_at": change.changed_at.isoformat() if change.changed_at else None,
        "decided_by": change.approved_by or None,
        "decided_at": change.decided_at.isoformat() if change.decided_at else None,
        "decision_note": change.decision_note or "", "category": change.category_code or None,
        "kind": change.kind or None, "keywords": change.keywords, "recomputed": int(change.recomputed or 0),
    }


def rule_json(r: RetentionRule) -> dict[str, Any]:
    """A rule as every face shows it; `category` is `*` for a rule of every category."""
    return {"id": r.id, "scheme": r.scheme, "category": r.category_code or EVERY_CATEGORY, "kind": r.kind,
            "keywords": list(r.keywords or []), "excludes": list(r.excludes or []),
            "doc_types": list(r.doc_types or []), "business_steps": list(r.business_steps or []),
            "priority": int(r.priority or 0), "confidence": float(DEFAULT_CONFIDENCE if r.confidence is None else r.confidence),
            "retention": r.retention, "note": r.note or "", "version": r.version}


# -- one record's term ---------------------------------------------------------------------------
def extend(session: Session, who: Identity, *, record_id: int, years: int, reason: str,
           source: str = "") -> RetentionChange:
    """An appraiser keeps one record N more years past its current due date."""
    actor = people.require_role(session, who, rules.get(session, "appraiser_roles"), "extend a retention term")
    record = session.get(Record, record_id)
    if record is None or record.status == RecordStatus.DESTROYED.value or not can_see_record_id(
            session, people.viewer(session, who), record_id):
        raise NotFound(f"record {record_id} does not exist")
    return extend_due(session, record, years=years, reason=reason, decided_by=actor.username, source=source)


def extend_due(session: Session, record: Record, *, years: int, reason: str, decided_by: str,
               source: str = "") -> RetentionChange:
    """Move the due date N years on, with history (DOMAIN.md §6). Called by `extend` and by an
    appraisal's conclusion, which name the person who decided."""
    if years is None or years < 1:
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
    record.retention_due = new_due  # set on purpose: the unit of work keeps it
    session.add(change)
    audit.record(session, decided_by, "retention.extend", f"record:{record.id}",
                 {"years": years, "old_due": old_due, "new_due": new_due, "reason": reason, "source": source})
    return change


def keep_permanently(session: Session, record: Record, *, reason: str, decided_by: str, source: str = "") -> RetentionChange:
    """Keep a record permanently (an appraisal's conclusion applies it, naming who decided)."""
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


# -- one record's retention changed by a person (archive.record_retention) ---------------------
def pending_record_changes(session: Session, who: Identity) -> list[RetentionChange]:
    """Shortenings of single records waiting for an approver, of the records `who` may see."""
    require_schedule_reader(session, who)
    viewer = people.viewer(session, who)
    rows = session.execute(select(RetentionChange).where(RetentionChange.status == "proposed")
                           .order_by(RetentionChange.id)).scalars()
    return [c for c in rows if can_see_record_id(session, viewer, c.record_id)]


def _proposed_record_change(session: Session, who: Identity, change_id: int, what: str) -> tuple[RetentionChange, str]:
    change = session.get(RetentionChange, change_id)
    if change is None or not can_see_record_id(session, people.viewer(session, who), change.record_id):
        raise NotFound(f"retention change {change_id} does not exist")
    if change.status != "proposed":
        raise Conflict(f"retention change {change_id} was already {change.status}")
    approver = people.require_role(session, who, SCHEDULE_APPROVER_ROLES, what)
    policy.distinct_people([change.decided_by], [approver.username], what="a retention change")
    return change, approver.username


def approve_record_change(session: Session, who: Identity, *, change_id: int) -> RetentionChange:
    """An approver of the schedule approves one record's shorter period in their own session:
    the record takes it and its due date is recomputed (never for a record under hold)."""
    change, approver = _proposed_record_change(session, who, change_id, "approve a retention change")
    record = session.get(Record, change.record_id)
    if record is None or record.status == RecordStatus.DESTROYED.value:
        raise Conflict(f"record {change.record_id} no longer exists here")
    if record.retention != change.old_retention:
        raise Conflict(f"record {record.id} is kept {record.retention} now, not {change.old_retention}; propose again")
    if is_held(session, record):
        raise Conflict(f"record {record.archival_code or record.id} is under hold; its retention cannot be shortened")
    now = utcnow()
    change.old_due = record.retention_due
    record.retention = change.new_retention
    session.flush()  # the unit of work derives the new due date
    change.new_due, change.status, change.approved_by = record.retention_due, "applied", approver
    change.decided_at = change.changed_at = now  # it takes effect now (reports read due dates as of a day)
    audit.record(session, approver, "retention.record.approve", f"record:{record.id}", {
        "change": change.id, "old": change.old_retention, "new": change.new_retention, "reason": change.reason,
        "proposed_by": change.decided_by, "approved_by": approver, "old_due": change.old_due, "new_due": change.new_due,
    })
    return change


def reject_record_change(session: Session, who: Identity, *, change_id: int, reason: str) -> RetentionChange:
    change, approver = _proposed_record_change(session, who, change_id, "decide on a retention change")
    change.decision_note = _reason(reason, "a rejection")
    change.status, change.approved_by, change.decided_at = "rejected", approver, utcnow()
    audit.record(session, approver, "retention.record.reject", f"record:{change.record_id}", {
        "change": change.id, "reason": change.decision_note, "proposed_by": change.decided_by})
    return change


def record_change_json(change: RetentionChange) -> dict[str, Any]:
    return {"id": change.id, "record": change.record_id, "kind": change.kind, "status": change.status,
            "old_retention": change.old_retention, "new_retention": change.new_retention, "reason": change.reason,
            "proposed_by": change.decided_by, "approved_by": change.approved_by or None,
            "old_due": _day(change.old_due), "new_due": _day(change.new_due),
            "decision_note": change.decision_note or ""}


def history(session: Session, record_id: int) -> list[RetentionChange]:
    return list(session.execute(
        select(RetentionChange).where(RetentionChange.record_id == record_id).order_by(RetentionChange.id)
    ).scalars())


def due_as_of(record: Record, changes: Sequence[RetentionChange], when: dt.datetime) -> dt.date | None:
    """The record's due date as it stood at `when`, from its change history (reproducible reports)."""
    when = _aware(when)
    later = [c for c in changes if _aware(c.changed_at) >= when and (c.status or "applied") == "applied"]
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
