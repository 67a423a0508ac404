"""Catalog reads on behalf of a viewer. The decisions come from archive.policy only.

`visible` is the SQL form of `policy.record_filter(viewer)` (the same translation the search
backends do for their filters); `record_for` is `policy.can_see` on one row. A record the
viewer may not see is NotFound, exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.orm import Session

from archive.codes import RecordStatus
from archive.errors import NotFound
from archive.models import Record
from archive.policy import Action, Viewer, allowed_actions, can_see, record_filter


def visible(viewer: Viewer, *, include_destroyed: bool = False, model=Record) -> ColumnElement[bool]:  # noqa: ANN001
    """`model` is Record or Volume: both carry secrecy, category_code, department and status."""
    access = record_filter(viewer, include_destroyed=include_destroyed)
    if access.deny_all:
        return false()
    clauses = [model.secrecy.in_(sorted(access.secrecy))]
    if not access.include_destroyed:
        clauses.append(model.status != RecordStatus.DESTROYED.value)
    if access.categories is not None:
        clauses.append(model.category_code.in_(sorted(access.categories)))
    if access.departments is not None:
        clauses.append(or_(model.department == "", model.department.in_(sorted(access.departments))))
    return and_(true(), *clauses)


MAX_ID = 2**31 - 1  # larger numbers in a URL would overflow the database's integer


def record_for(db: Session, viewer: Viewer, record_id: int) -> Record:
    record = db.get(Record, record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(viewer, record):
        raise NotFound(f"record {record_id} does not exist")
    return record


def actions_for(viewer: Viewer, record: Record) -> frozenset[Action]:
    # Loans (issue 5) will pass viewing_grant=True for an approved, current loan; until the
    # lending service is wired here nobody holds a grant through the web.
    return allowed_actions(viewer, record, viewing_grant=False)
