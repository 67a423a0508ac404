"""Extracts and copies (摘抄/复制): only under an approved extract request, registered by the
archivist with the reader and what was taken, carrying the original's secrecy; a copy is counted
like the original."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import Secrecy
from archive.errors import Forbidden, ValidationError
from archive.lending.access import Who, acting, viewer_of, visible_record
from archive.lending.messages import msg
from archive.lending.models import Extract
from archive.lending.requests import _require_archivist, _require_status, get_request, visible_request
from archive.lending.viewing import _record_ids

KINDS = ("extract", "copy")


def register_extract(
    session: Session, who: Who, request_id: int, record_id: int, *, reader: str, description: str,
    pages: str = "", copies: int = 1, kind: str = "extract",
) -> Extract:
    archivist = acting(session, who)
    request = get_request(session, request_id)
    _require_archivist(session, archivist, request)
    _require_status(request, "approved", "issued")
    if not request.extract:
        raise Forbidden(msg("extract_request"))
    if kind not in KINDS or copies < 1 or not description.strip():
        raise ValidationError("an extract names its kind (extract|copy), what was taken and at least one copy")
    if record_id not in _record_ids(session, request) or reader not in request.readers:
        raise ValidationError("the record and the reader must belong to the request")
    record = visible_record(session, viewer_of(session, reader), record_id)
    if record.secrecy == Secrecy.TOP_SECRET:
        raise Forbidden(msg("top_secret_form"))
    extract = Extract(request_id=request.id, record_id=record.id, kind=kind, reader=reader,
                      description=description.strip(), pages=pages.strip(), copies=copies, secrecy=record.secrecy,
                      registered_by=archivist.username)
    session.add(extract)
    session.flush()
    audit.record(session, archivist.username, f"{kind}.register", f"record:{record.id}", {
        "loan": request.number, "reader": reader, "pages": pages, "copies": copies, "secrecy": record.secrecy,
    })
    return extract


def extracts_of(session: Session, who: Who, request_id: int) -> list[Extract]:
    """The extracts and copies taken under one request, for whoever may see the request (its
    requester and readers, its approvers, the archivists)."""
    request = visible_request(session, who, request_id)
    return list(session.execute(select(Extract).where(Extract.request_id == request.id)
                                .order_by(Extract.id)).scalars())


def copies_of(session: Session, record_id: int) -> int:
    """Copies in circulation of one record (they are managed like the original)."""
    return session.execute(select(func.coalesce(func.sum(Extract.copies), 0)).where(
        Extract.record_id == record_id, Extract.kind == "copy")).scalar_one()
