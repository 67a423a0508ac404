"""Filing the life cycle's own documents (destruction registers, appraisal reports) as
permanent records: category WS, retention Y (DOMAIN.md §3: kept permanently, always)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive import archival_code, audit
from archive.clock import today, utcnow
from archive.codes import ObjectRole, RecordStatus
from archive.models import Fonds, Record, StoredObject
from retention.rows import get as existing


def file_pdf(session: Session, store, *, fonds_id: int, title: str, pdf: bytes, actor: str,
             filename: str, notes: str = "") -> Record:
    """Store the PDF, create the permanent record with a fresh archival code, queue its indexing."""
    key = store.put(pdf, media_type="application/pdf")
    fonds = existing(session, Fonds, fonds_id, "fonds")
    year = today().year
    code, item = archival_code.issue(session, archival_code.CodeParts(fonds=fonds.code, category="WS", year=year,
                                                                      retention="Y"))
    record = Record(
        fonds_id=fonds_id, category_code="WS", year=year, retention="Y", item_no=item, archival_code=code,
        title=title, doc_date=today(), pages=1, notes=notes, secrecy="internal", status=RecordStatus.FILED.value,
        filed_at=utcnow(), issuer="档案室",
        doc_type="报告",
    )
    session.add(record)
    session.flush()
    session.add(StoredObject(sha256=key, size=len(pdf), media_type="application/pdf", role=ObjectRole.PDF.value,
                             record_id=record.id, filename=filename))
    audit.record(session, actor, "record.file", f"record:{record.id}", {"archival_code": code, "title": title})
    return record
