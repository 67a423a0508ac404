"""Secrecy reviews by the security officer (DOMAIN.md §4): at the end of a term, and yearly.
Declassifying lowers the level, which only the security officer may do; every review is audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from archive import audit, policy
from archive.clock import today, utcnow
from archive.codes import STATE_SECRET_LEVELS, Secrecy
from archive.errors import Forbidden, NotFound, ValidationError
from archive.identity import Identity
from archive.lifecycle_models import SecrecyReview
from archive.models import Record
from archive.visibility import can_see_record_id
from retention import people

OUTCOMES = ("declassify", "extend", "keep")


def review(session: Session, who: Identity, *, record_id: int, outcome: str, note: str = "",
           new_declassify_on: dt.date | None = None, kind: str | None = None) -> SecrecyReview:
    """The security officer reviews one state secret: declassify, extend the term, or keep it."""
    viewer = policy.Viewer.of(people.acting(session, who))
    reviewer = viewer.username
    if not policy.may_lower_secrecy(viewer):
        raise Forbidden(f"{reviewer} is not the security officer and may not review secrecy")
    record = session.get(Record, record_id)
    if record is None or not can_see_record_id(session, viewer, record_id):
        raise NotFound(f"record {record_id} does not exist")
    if Secrecy(record.secrecy) not in STATE_SECRET_LEVELS:
        raise ValidationError(f"record {record_id} is not a state secret")
    if outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be one of {', '.join(OUTCOMES)}")
    if outcome == "extend" and (new_declassify_on is None or (record.declassify_on and new_declassify_on <= record.declassify_on)):
        raise ValidationError("an extension needs a new declassification date after the current one")
    day = today()
    kind = kind or ("term_end" if record.declassify_on and record.declassify_on <= day + dt.timedelta(days=366) else "yearly")
    row = SecrecyReview(record_id=record.id, kind=kind, term_end=record.declassify_on, review_year=day.year,
                        outcome=outcome, new_declassify_on=new_declassify_on, reviewer=reviewer, note=note,
                        reviewed_at=utcnow())
    session.add(row)
    old = record.secrecy
    if outcome == "declassify":
        record.secrecy = Secrecy.INTERNAL.value  # the unit of work clears the declassification date
    elif outcome == "extend":
        record.declassify_on = new_declassify_on
    audit.record(session, reviewer, "secrecy.review", f"record:{record.id}", {
        "kind": kind, "outcome": outcome, "old": old, "new": record.secrecy, "term_end": row.term_end,
        "new_declassify_on": new_declassify_on, "note": note,
    })
    return row
