"""Filing the life cycle's own documents (destruction registers, appraisal reports) as
permanent records, retention Y (DOMAIN.md §3: kept permanently, always), in the category of the
records they list when those share one, otherwise 文书 (WS).

Such a document lists the code, title and level of every record in its batch, so it is as secret
as the most secret record it lists (DOMAIN.md §4: never under-classify) and belongs to their
department: whoever may not see one of those records does not find, open or download the
document either. Its own catalogue fields (title, notes) name the batch, never a listed record.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from archive import archival_code, audit
from archive.clock import today, utcnow
from archive.codes import STATE_SECRET_LEVELS, ObjectRole, RecordStatus, Secrecy
from archive.models import Fonds, Record, StoredObject
from archive.policy import rank
from retention.rows import get as existing

# The department of a document whose records belong to several: no department-scoped person
# holds this name, so only people who see every department see the document.
SEVERAL_DEPARTMENTS = "（多部门）"


def level_of(listed: Sequence[Record]) -> str:
    """The highest level among the listed records (internal at least: these are internal papers)."""
    return max([Secrecy.INTERNAL.value, *(r.secrecy for r in listed)], key=rank)


def category_of(listed: Sequence[Record]) -> str:
    """The category of the records it lists when they share one (so a person scoped to other
    categories does not see it), otherwise 文书 (WS), where the archive room's own papers go."""
    categories = {r.category_code for r in listed}
    return categories.pop() if len(categories) == 1 else "WS"


def department_of(listed: Sequence[Record]) -> str:
    departments = {r.department or "" for r in listed}
    return departments.pop() if len(departments) == 1 else SEVERAL_DEPARTMENTS if departments else ""


def file_pdf(session: Session, store, *, fonds_id: int, title: str, pdf: bytes, actor: str,
             filename: str, listed: Sequence[Record] = (), notes: str = "") -> Record:
    """Store the PDF, create the permanent record with a fresh archival code, queue its indexing.
    `listed` are the records the document names: they decide its level and department."""
    key = store.put(pdf, media_type="application/pdf")
    fonds = existing(session, Fonds, fonds_id, "fonds")
    year = today().year
    category = category_of(listed)
    code, item = archival_code.issue(session, archival_code.CodeParts(fonds=fonds.code, category=category, year=year,
                                                                      retention="Y"))
    level = level_of(listed)
    record = Record(
        fonds_id=fonds_id, category_code=category, year=year, retention="Y", item_no=item, archival_code=code,
        title=title, doc_date=today(), pages=1, notes=notes, secrecy=level, department=department_of(listed),
        status=RecordStatus.FILED.value, filed_at=utcnow(), issuer="档案室", doc_type="报告",
    )
    if Secrecy(level) in STATE_SECRET_LEVELS:
        record.secrecy_start = today()  # no term of its own (长期): as long as what it lists
    session.add(record)
    session.flush()
    session.add(StoredObject(sha256=key, size=len(pdf), media_type="application/pdf", role=ObjectRole.PDF.value,
                             record_id=record.id, filename=filename))
    audit.record(session, actor, "record.file", f"record:{record.id}",
                 {"archival_code": code, "title": title, "secrecy": level})
    return record
