"""Secrecy reviews by the security officer (DOMAIN.md §4): at the end of a term, and yearly.

Outcomes: `declassify` (to `internal`: no longer a state secret, still a work secret), `downgrade`
(to a lower state-secret level), `extend` the term, or `keep`. Lowering follows
archive.declassification: never a record above the officer's clearance or under a hold, and
only on the decision of the organ that set the level, which the review records as its
authority. The unit of work re-indexes the record and recomputes its declassification date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, policy
from archive.clock import today, utcnow
from archive.codes import STATE_SECRET_LEVELS, RecordStatus, Secrecy
from archive.declassification import extension_authority, lowering_authority
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.holds import is_held
from archive.identity import Identity
from archive.lifecycle_models import SecrecyReview
from archive.models import Fonds, Record
from archive.retention_dates import add_months
from archive.unit_of_work import BUREAU_LEVEL
from archive.visibility import can_see_record_id
from retention import people

OUTCOMES = ("declassify", "downgrade", "extend", "keep")
LONG_TERM_WORDS = ("长期", "long_term", "long-term")  # `--until 长期`: the organ that set the level keeps it secret
LOWERING = ("declassify", "downgrade")


def review(session: Session, who: Identity, *, record_id: int, outcome: str, note: str = "",
           new_declassify_on: dt.date | None = None, kind: str | None = None, level: str | None = None,
           authority: str = "", long_term: bool = False) -> SecrecyReview:
    """The security officer reviews one state secret: declassify, downgrade, extend the term, or keep it."""
    viewer = policy.Viewer.of(people.acting(session, who))
    reviewer = viewer.username
    if not policy.may_lower_secrecy(viewer):
        raise Forbidden(f"{reviewer} is not the security officer and may not review secrecy")
    record = session.get(Record, record_id)
    if record is None or not can_see_record_id(session, viewer, record_id):
        raise NotFound(f"record {record_id} does not exist")
    if record.status in (RecordStatus.DESTROYED.value, RecordStatus.TRANSFERRED.value):
        # Its level is the state archive's now (or nothing is left to classify): a tombstone here.
        raise Conflict(f"record {record.archival_code or record_id} is {record.status}: its level is not reviewed here")
    if Secrecy(record.secrecy) not in STATE_SECRET_LEVELS:
        raise ValidationError(f"record {record_id} is not a state secret")
    if outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be one of {', '.join(OUTCOMES)}")
    target = _target_level(record, outcome, level)
    fonds = session.get(Fonds, record.fonds_id)
    fonds_name, bureau_level = (fonds.name if fonds else ""), session.info.get(BUREAU_LEVEL, "prefecture")
    decided_by = ""
    if outcome == "extend":
        decided_by = _check_extension(record, new_declassify_on, long_term, authority=authority, fonds_name=fonds_name,
                                      bureau_level=bureau_level)
    if target is not None:
        decided_by = lowering_authority(viewer, record, target, held=is_held(session, record), authority=authority,
                                        fonds_name=fonds_name, bureau_level=bureau_level).authority
    day = today()
    kind = kind or ("term_end" if record.declassify_on and record.declassify_on <= day + dt.timedelta(days=366) else "yearly")
    old = record.secrecy
    row = SecrecyReview(record_id=record.id, kind=kind, term_end=record.declassify_on, review_year=day.year,
                        outcome=outcome, new_declassify_on=new_declassify_on, reviewer=reviewer, note=note,
                        old_level=old, new_level=target.value if target else old, authority=decided_by,
                        reviewed_at=utcnow())
    session.add(row)
    if target is not None:
        record.secrecy = target.value  # the unit of work re-indexes it and derives its declassification date
    elif outcome == "extend":
        # Set on purpose (the unit of work keeps it); the term follows the new date, 长期 has none.
        record.declassify_on = None if long_term else new_declassify_on
        start = _start(record)
        record.secrecy_term_months = None if long_term or start is None or new_declassify_on is None else \
            _months_between(start, new_declassify_on)
    audit.record(session, reviewer, "secrecy.review", f"record:{record.id}", {
        "kind": kind, "outcome": outcome, "old": old, "new": record.secrecy, "term_end": row.term_end,
        "new_declassify_on": new_declassify_on, "note": note, "authority": decided_by,
        **({"long_term": True} if long_term else {}),
    })
    return row


def _start(record: Record) -> dt.date | None:
    return record.secrecy_start or record.doc_date


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _check_extension(record: Record, until: dt.date | None, long_term: bool, *, authority: str, fonds_name: str,
                     bureau_level: str) -> str:
    """An extension is decided before the term ends, by the organ that set the level, and stays
    within the legal maximum of the level counted from its start (绝密 30 years, 机密 20, 秘密 10)
    unless that organ decides 长期 (DOMAIN.md §4). Answers the authority recorded."""
    day = today()
    if record.declassify_on is not None and day > record.declassify_on:
        raise Conflict(f"the secrecy term of record {record.archival_code or record.id} ended on "
                       f"{record.declassify_on.isoformat()}: it is declassified by law; an extension is decided "
                       "before the term ends")
    if record.declassify_on is None and not long_term and record.secrecy_term_months is None and _start(record) is None:
        raise ValidationError(f"record {record.id} has no known secrecy term or start; set them before extending")
    if long_term:
        if until is not None:
            raise ValidationError("an extension is either to a date or 长期, not both")
    else:
        if until is None or until <= (record.declassify_on or day):
            raise ValidationError("an extension needs a new declassification date after the current one")
        start = _start(record)
        if start is None:
            raise ValidationError(f"the secrecy term of record {record.id} has no known start; the legal maximum "
                                  "cannot be checked")
        limit_years = Secrecy(record.secrecy).max_term_years or 0
        limit = add_months(start, limit_years * 12)
        if until > limit:
            raise ValidationError(f"{record.secrecy} may be kept secret at most {limit_years} years "
                                  f"(until {limit.isoformat()}); only the organ that set the level may decide 长期")
    return extension_authority(record, authority=authority, fonds_name=fonds_name, bureau_level=bureau_level)


# -- terms that end by themselves (DOMAIN.md §4) ----------------------------------------------------
AUTO_AUTHORITY = "保密期限届满自行解密"
SWEEP_BATCH = 10_000  # per daily run; a first run over an old backlog finishes on the following days


def end_expired_terms(session: Session, *, actor: str, day: dt.date | None = None,
                      limit: int = SWEEP_BATCH) -> dict[str, Any]:
    """Declassify every state secret whose term ended before `day` (on the day after the term,
    to `internal`: no longer a state secret, still a work secret), each with a term-end review
    row and an audit event; the unit of work re-indexes it. A record under hold keeps its level
    and is listed for the security officer instead; terms that are 长期 or unknown never end by
    themselves (the sweep lists them for review). Answers what was done."""
    day = day or today()
    due = session.execute(select(Record).where(
        Record.secrecy.in_([s.value for s in STATE_SECRET_LEVELS]), Record.declassify_on < day,
        Record.status.not_in((RecordStatus.DESTROYED.value, RecordStatus.TRANSFERRED.value)),
    ).order_by(Record.declassify_on, Record.id).limit(limit)).scalars().all()
    done, held = [], []
    for record in due:
        if is_held(session, record):
            held.append(record.id)
            continue
        old, term_end = record.secrecy, record.declassify_on
        session.add(SecrecyReview(record_id=record.id, kind="term_end", term_end=term_end, review_year=day.year,
                                  outcome="declassify", reviewer=actor, note="", old_level=old,
                                  new_level=Secrecy.INTERNAL.value, authority=AUTO_AUTHORITY, reviewed_at=utcnow()))
        record.secrecy = Secrecy.INTERNAL.value  # the unit of work clears the date and re-indexes it
        audit.record(session, actor, "secrecy.term_ended", f"record:{record.id}", {
            "old": old, "new": record.secrecy, "term_end": term_end, "authority": AUTO_AUTHORITY})
        done.append(record.id)
    session.flush()
    return {"date": day.isoformat(), "declassified": done, "held": held}


def _target_level(record: Record, outcome: str, level: str | None) -> Secrecy | None:
    """The level a lowering outcome sets (None for extend and keep)."""
    if outcome == "declassify":
        return Secrecy.INTERNAL
    if outcome != "downgrade":
        return None
    try:
        target = Secrecy.parse((level or "").strip())
    except ValueError:
        raise ValidationError("a downgrade needs the lower state-secret level it sets") from None
    if target not in STATE_SECRET_LEVELS or policy.rank(target) >= policy.rank(record.secrecy):
        raise ValidationError("a downgrade sets a lower state-secret level; to end the secret, declassify")
    return target
