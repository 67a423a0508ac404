"""The access policy as SQL: `policy.record_filter(viewer)` translated for catalog queries.

Every catalog list, count and look-up on behalf of a person uses these, as the search
backends use their own translation of the same AccessFilter; a test shows the SQL form
selects exactly the rows `AccessFilter.matches` accepts.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.orm import Session

from archive.codes import RecordStatus
from archive.errors import NotFound
from archive.models import Record
from archive.policy import Viewer, can_see, record_filter

MAX_ID = 2**31 - 1  # larger numbers (from a URL) would overflow the database's integer


def visible(viewer: Viewer, *, include_destroyed: bool = False, model=Record) -> ColumnElement[bool]:  # noqa: ANN001
    """A WHERE clause; `model` is Record or Volume (both carry secrecy, category, department, status)."""
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


def record_for(session: Session, viewer: Viewer, record_id: int) -> Record:
    """One record, or NotFound when it does not exist or the viewer may not see it (the same answer)."""
    record = session.get(Record, record_id) if 0 < record_id <= MAX_ID else None
    if record is None or not can_see(viewer, record):
        raise NotFound(f"record {record_id} does not exist")
    return record
