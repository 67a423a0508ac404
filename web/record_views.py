"""One record as a viewer may see it: metadata, pages, history; content only when policy allows."""

from __future__ import annotations

from sqlalchemy import select

from archive import audit
from archive.codes import ObjectRole, Role, Secrecy
from archive.errors import Forbidden, NotFound
from archive.lending import viewing
from archive.models import AuditEvent, Page, Record, StoredObject
from archive.policy import Action, Viewer, rank
from web.access import MAX_ID, actions_for, record_for

METADATA_FIELDS = (
    "archival_code", "title", "category_code", "year", "retention", "secrecy", "doc_no", "issuer",
    "doc_type", "pages", "department", "status", "person_name", "personnel_class", "business_step",
)


def metadata(record: Record) -> dict:
    out = {name: getattr(record, name) for name in METADATA_FIELDS}
    out["id"] = record.id
    out["doc_date"] = record.doc_date.isoformat() if record.doc_date else None
    out["retention_due"] = record.retention_due.isoformat() if record.retention_due else None
    out["review_reasons"] = list(record.review_reasons or [])
    return out


# The web is never the reading-room terminal: grants are used at the electronic place only, so
# top-secret content (reading room only) is never shown through it.
PLACE = "electronic"


def grant_of(db, viewer: Viewer, record: Record):  # noqa: ANN001, ANN201 - a ViewingGrant or None
    if viewer.system:
        return None
    return viewing.current_grant(db, viewer.username, record.id, place=PLACE)


def view_record(db, viewer: Viewer, record_id: int, *, channel: str) -> dict:  # noqa: ANN001
    """Everything the record page shows; audited as one view."""
    record = record_for(db, viewer, record_id)
    grant = grant_of(db, viewer, record)
    actions = set(actions_for(viewer, record, viewing_grant=grant is not None))
    if grant is not None and not viewing.may_download(db, viewer.username, record.id):
        actions.discard(Action.DOWNLOAD)
    content = Action.VIEW_CONTENT in actions
    pages = [
        {"page_no": p.page_no, "text": p.ocr_text if content else None, "width": p.width, "height": p.height}
        for p in db.execute(select(Page).where(Page.record_id == record.id).order_by(Page.page_no)).scalars()
    ]
    history = [
        {"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action}
        for e in db.execute(
            select(AuditEvent).where(AuditEvent.target == f"record:{record.id}", ~AuditEvent.action.like("%.view%"))
            .order_by(AuditEvent.seq.desc()).limit(50)
        ).scalars()
    ]
    audit.record(db, viewer.username, "record.view", f"record:{record.id}",
                 {"channel": channel, "secrecy": record.secrecy})
    return {
        "record": metadata(record),
        "actions": sorted(a.value for a in actions),
        "pages": pages,
        "history": history,
        "loans": None,
        "readers": readers(db, viewer, record),
        "grant": None if grant is None else {
            "expires_at": grant.expires_at.isoformat(), "place": grant.place, "download": grant.download},
    }


# Who read a confidential or higher record is listed for these roles (archive.lending.viewing).
READER_LIST_ROLES = (Role.AUDITOR, Role.SECURITY_OFFICER, Role.ARCHIVIST)


def readers(db, viewer: Viewer, record: Record) -> list[dict] | None:  # noqa: ANN001
    if viewer.role not in READER_LIST_ROLES or rank(record.secrecy) < rank(Secrecy.CONFIDENTIAL):
        return None
    return [{"reader": r["reader"], "what": r["what"], "at": str(r["at"]), "loan": r.get("loan") or ""}
            for r in viewing.readers_of(db, viewer.username, record.id)]


def _page_object(db, record_id: int, page_no: int) -> StoredObject | None:  # noqa: ANN001
    return None if page_no > MAX_ID else db.execute(
        select(StoredObject).where(
            StoredObject.record_id == record_id, StoredObject.role == ObjectRole.PAGE_IMAGE.value,
            StoredObject.page_no == page_no, StoredObject.destroyed_at.is_(None),
        ).order_by(StoredObject.id.desc())
    ).scalars().first()


def page_image(db, viewer: Viewer, record_id: int, page_no: int, *, channel: str,  # noqa: ANN001
               store=None) -> tuple[str | None, str, bytes | None]:  # noqa: ANN001
    """(object key, media type, None) of one page image after the policy check, audited; or, when
    the viewer reads through a grant, (None, "image/png", watermarked bytes) from viewing.view_page."""
    record = record_for(db, viewer, record_id)
    if store is not None and grant_of(db, viewer, record) is not None:
        if _page_object(db, record.id, page_no) is None:
            raise NotFound(f"record {record_id} has no page {page_no}")

        def load(page: Page) -> bytes:
            obj = _page_object(db, page.record_id, page.page_no)
            if obj is None:
                raise NotFound(f"record {record_id} has no page {page_no}")
            with store.get(obj.sha256) as body:
                return body.read()

        return None, "image/png", viewing.view_page(db, viewer.username, record.id, page_no, load, place=PLACE)
    if Action.VIEW_CONTENT not in actions_for(viewer, record):
        raise Forbidden("you may see this record's catalogue entry but not its pages")
    obj = _page_object(db, record.id, page_no)
    if obj is None:
        raise NotFound(f"record {record_id} has no page {page_no}")
    audit.record(db, viewer.username, "page.view", f"record:{record.id}",
                 {"page": page_no, "channel": channel, "secrecy": record.secrecy})
    return obj.sha256, obj.media_type, None


def download(db, viewer: Viewer, record_id: int, *, channel: str) -> tuple[str, str, str]:  # noqa: ANN001
    """(object key, media type, file name) of the searchable PDF, after the policy check; audited."""
    record = record_for(db, viewer, record_id)
    grant = grant_of(db, viewer, record)
    allowed = viewing.may_download(db, viewer.username, record.id) if grant is not None \
        else Action.DOWNLOAD in actions_for(viewer, record)
    if not allowed:
        raise Forbidden("this record may not be downloaded")
    obj = db.execute(
        select(StoredObject).where(StoredObject.record_id == record.id, StoredObject.role == ObjectRole.PDF.value,
                                   StoredObject.destroyed_at.is_(None)).order_by(StoredObject.id.desc())
    ).scalars().first()
    if obj is None:
        raise NotFound(f"record {record_id} has no PDF")
    audit.record(db, viewer.username, "record.download", f"record:{record.id}",
                 {"channel": channel, "secrecy": record.secrecy, "sha256": obj.sha256})
    name = f"{record.archival_code or record.id}.pdf"
    return obj.sha256, obj.media_type, name


CORRECTABLE = ("title", "category_code", "doc_no", "issuer", "doc_type", "retention", "secrecy")


def correct_record(db, viewer: Viewer, record_id: int, values: dict) -> dict:  # noqa: ANN001
    """An archivist's correction through ingest.corrections (policy-checked, audited, re-indexed).

    Only fields that differ from the record are sent, so an untouched form changes nothing.
    """
    from ingest.corrections import correct

    record = record_for(db, viewer, record_id)
    changes = {k: str(values[k]).strip() for k in CORRECTABLE
               if k in values and isinstance(values[k], str) and str(values[k]).strip() != (getattr(record, k) or "")}
    correct(db, viewer, record, changes)
    return metadata(record)
