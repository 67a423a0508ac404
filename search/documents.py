"""From a catalog record and its pages to the document the index holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive.codes import RecordStatus, Secrecy
from archive.models import Page, Record
from search import analysis
from search.model import PageText, SearchDocument, ensure_indexable


def build_document(record: Record, pages: Iterable[Page] | None = None) -> SearchDocument:
    """The index document of a record. Top-secret and destroyed records keep filing data only:
    no title, no text, no names (DOMAIN.md §4; a destroyed record's content no longer exists)."""
    filing_only = record.secrecy == Secrecy.TOP_SECRET or record.status == RecordStatus.DESTROYED
    page_rows = record.page_list if pages is None else pages
    doc = SearchDocument(
        id=record.id,
        archival_code=record.archival_code or "",
        title="" if filing_only else (record.title or ""),
        doc_no="" if filing_only else analysis.doc_no_key(record.doc_no or ""),
        issuer="" if filing_only else (record.issuer or ""),
        person_name="" if filing_only else (record.person_name or ""),
        person_id="" if filing_only else analysis.person_id_key(record.person_id_number or ""),
        category=record.category_code or "",
        year=str(record.year) if record.year is not None else "",
        retention=record.retention or "",
        secrecy=record.secrecy or "internal",
        fonds=record.fonds.code if record.fonds is not None else "",
        doc_type=record.doc_type or "",
        personnel_class=record.personnel_class or "",
        business_step=record.business_step or "",
        department=record.department or "",
        status=record.status or "",
        doc_date=record.doc_date.isoformat() if record.doc_date else None,
        pages=()
        if filing_only
        else tuple(
            PageText(p.page_no, p.ocr_text or "")
            for p in sorted(page_rows, key=lambda p: p.page_no)
            if not p.blank
        ),
    )
    ensure_indexable(doc)
    return doc


def load_documents(session: Session, record_ids: Iterable[int]) -> dict[int, SearchDocument]:
    ids = list(record_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Record)
        .where(Record.id.in_(ids))
        .options(selectinload(Record.page_list), selectinload(Record.fonds))
    )
    return {r.id: build_document(r) for r in rows}


def iter_documents(catalog, batch: int = 500) -> Iterator[SearchDocument]:
    """Every record of the catalog, in id order, a batch per short transaction."""
    last = 0
    while True:
        with catalog.session() as session:
            ids = list(
                session.scalars(select(Record.id).where(Record.id > last).order_by(Record.id).limit(batch))
            )
            if not ids:
                return
            docs = load_documents(session, ids)
        for i in ids:
            yield docs[i]
        last = ids[-1]
