"""Secrecy reviews by the security officer (DOMAIN.md §4): at the end of a term, and yearly.

Outcomes: `declassify` (to `internal`: no longer a state secret, still a work secret), `downgrade`
(to a lower state-secret level), `extend` the term, or `keep`. Lowering follows
archive.declassification: never a record above the officer's clearance or under a hold, and
only on the decision of the organ that set the level, which the review records as its
authority. The unit of work re-indexes the record and recomputes its declassification date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from archive import audit, policy
from archive.clock import today, utcnow
from archive.codes import STATE_SECRET_LEVELS, RecordStatus, Secrecy
from archive.declassification import lowering_authority
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.holds import is_held
from archive.identity import Identity
from archive.lifecycle_models import SecrecyReview
from archive.models import Fonds, Record
from archive.unit_of_work import BUREAU_LEVEL
from archive.visibility import can_see_record_id
from retention import people

OUTCOMES = ("declassify", "downgrade", "extend", "keep")
LOWERING = ("declassify", "downgrade")


def review(session: Session, who: Identity, *, record_id: int, outcome: str, note: str = "",
           new_declassify_on: dt.date | None = None, kind: str | None = None, level: str | None = None,
           authority: str = "") -> SecrecyReview:
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
    if outcome == "extend" and (new_declassify_on is None or (record.declassify_on and new_declassify_on <= record.declassify_on)):
        raise ValidationError("an extension needs a new declassification date after the current one")
    decided_by = ""
    if target is not None:
        fonds = session.get(Fonds, record.fonds_id)
        decided_by = lowering_authority(viewer, record, target, held=is_held(session, record), authority=authority,
                                        fonds_name=fonds.name if fonds else "",
                                        bureau_level=session.info.get(BUREAU_LEVEL, "prefecture")).authority
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
        record.declassify_on = new_declassify_on
    audit.record(session, reviewer, "secrecy.review", f"record:{record.id}", {
        "kind": kind, "outcome": outcome, "old": old, "new": record.secrecy, "term_end": row.term_end,
        "new_declassify_on": new_declassify_on, "note": note, "authority": decided_by,
    })
    return row


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
