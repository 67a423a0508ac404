"""One record as a person may see it: its page, a page image, its PDF; every face (web pages,
the JSON API, `archive show`) calls these, so each reading is checked and audited alike.

Every function takes the acting identity first and runs in the caller's unit of work
(`catalog.session(identity)`), whose audit events carry the identity's channel. A record the
person may not see is NotFound, exactly like one that does not exist. Grants (archive.lending.
viewing) are used at the electronic place only: no face here is the reading-room terminal, so
top-secret content is never shown through them.

Corrections of a record are ingest's (ingest.corrections.correct), since they feed the
classifier's training.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import (
    audit,
    declassification,
    four_properties,
    record_links,
    relations,
    retention_rules,
    special_access,
    use_matrix,
)
from archive.codes import ObjectRole, Role, Secrecy
from archive.errors import Forbidden, NotFound
from archive.identity import Identity
from archive.lending import viewing
from archive.lending.messages import msg
from archive.lending.models import ViewingGrant
from archive.models import AuditEvent, Page, Record, StoredObject
from archive.policy import Action, allowed_actions, can_see, rank
from archive.visibility import MAX_ID, record_for

METADATA_FIELDS = (
    "archival_code", "title", "category_code", "year", "retention", "secrecy", "doc_no", "issuer",
    "doc_type", "pages", "department", "status", "person_name", "personnel_class", "business_step",
    "insurance_type", "transaction_no",
)
PLACE = "electronic"
# Who read a confidential or higher record is listed for these roles (archive.lending.viewing).
READER_LIST_ROLES = (Role.AUDITOR, Role.SECURITY_OFFICER, Role.ARCHIVIST)
HISTORY = 50


class ObjectStore(Protocol):
    def get(self, key: str) -> Any: ...


@dataclasses.dataclass
class RecordView:
    """What a person may know of one record. `record` is the catalog row (for faces that show
    more of its columns, such as `archive show`); `to_dict` is the shape of the record page and
    of GET /api/v1/records/{id}."""

    record: Record
    actions: frozenset[Action]
    pages: list[dict[str, Any]]
    history: list[dict[str, Any]]
    readers: list[dict[str, Any]] | None
    grant: ViewingGrant | None
    objects: list[dict[str, Any]] | None  # stored objects, with the content only
    links: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # archive.record_links
    basis: dict[str, Any] | None = None  # why its retention and who set its level (retention_rules, declassification)
    four_properties: dict[str, Any] | None = None  # the latest 四性检测 (archive.four_properties.summary)
    masked: dict[str, str] | None = None  # a petitioner's identity hidden (archive.special_access.shown)

    @property
    def content(self) -> bool:
        return Action.VIEW_CONTENT in self.actions

    def to_dict(self) -> dict[str, Any]:
        grant = self.grant
        return {
            "record": {**metadata(self.record), "retention_basis": (self.basis or {}).get("retention"),
                       "secrecy_origin": (self.basis or {}).get("secrecy"), **(self.masked or {})},
            "actions": sorted(a.value for a in self.actions),
            "pages": [{k: p[k] for k in ("page_no", "text", "width", "height", "operator", "scanned_at")}
                      for p in self.pages],
            "history": self.history,
            "loans": None,
            "readers": self.readers,
            "links": self.links,
            "four_properties": self.four_properties,
            "grant": None if grant is None else {
                "expires_at": grant.expires_at.isoformat(), "place": grant.place, "download": grant.download},
        }


@dataclasses.dataclass(frozen=True)
class PageImage:
    """A page image to send: the stored object `key`, or, read through a grant, watermarked
    `body` bytes that must not be cached."""

    media_type: str
    key: str | None = None
    body: bytes | None = None


@dataclasses.dataclass(frozen=True)
class Download:
    key: str
    media_type: str
    filename: str


def metadata(record: Record) -> dict[str, Any]:
    out = {name: getattr(record, name) for name in METADATA_FIELDS}
    out["id"] = record.id
    out["doc_date"] = record.doc_date.isoformat() if record.doc_date else None
    out["retention_due"] = record.retention_due.isoformat() if record.retention_due else None
    out["review_reasons"] = list(record.review_reasons or [])
    # A born-digital original's format and electronic seal state (ingest.born_digital), or None.
    out["born_digital"] = ((record.extra or {}).get("evidence") or {}).get("born_digital")
    return out


def find(session: Session, identity: Identity, ref: int | str) -> Record:
    """A record by id or archival code (档号), or NotFound when it does not exist or this person
    may not see it (the same answer)."""
    text = str(ref).strip()
    if text.isdigit():
        return record_for(session, identity.viewer, int(text))
    record = session.execute(select(Record).where(Record.archival_code == text)).scalar_one_or_none()
    if record is None or not can_see(identity.viewer, record):
        raise NotFound(f"record {text} does not exist")
    return record


def _grant(session: Session, identity: Identity, record: Record) -> ViewingGrant | None:
    if identity.is_system:
        return None
    return viewing.current_grant(session, identity, record.id, place=PLACE)


def _actions(session: Session, identity: Identity, record: Record, grant: ViewingGrant | None) -> set[Action]:
    """What the policy allows under the use matrix in force (archive.use_matrix: content reserved to
    approved consultations), minus the content of one's own or a relative's file (archive.relations)."""
    actions = set(allowed_actions(identity.viewer, record, viewing_grant=grant is not None,
                                  use_rule=use_matrix.rule(session)))
    if grant is not None and not viewing.may_download(session, identity, record.id):
        actions.discard(Action.DOWNLOAD)
    if not identity.is_system and relations.related(session, identity.username, record):
        actions -= {Action.VIEW_CONTENT, Action.DOWNLOAD}
    return actions


def _refuse_content(record: Record) -> Forbidden:
    """The 403 of content reserved to approved consultations: says so, and how to get one."""
    return Forbidden(msg("consultation_needed", id=record.id))


def view(session: Session, identity: Identity, record_id: int) -> RecordView:
    """The record's catalogue entry, its pages (their text only with the content), its history
    and, for the roles that keep watch, who read it; audited as one view."""
    record = record_for(session, identity.viewer, record_id)
    grant = _grant(session, identity, record)
    actions = _actions(session, identity, record, grant)
    content = Action.VIEW_CONTENT in actions
    pages = [
        {"page_no": p.page_no, "text": p.ocr_text if content else None, "width": p.width, "height": p.height,
         "dpi": p.dpi, "color_mode": p.color_mode, "ocr_confidence": p.ocr_confidence, "blank": p.blank,
         "rotation": p.rotation, "skew_angle": p.skew_angle, "flags": p.flags, "operator": p.operator,
         "scanned_at": p.scanned_at.isoformat() if p.scanned_at else None}
        for p in session.execute(select(Page).where(Page.record_id == record.id).order_by(Page.page_no)).scalars()
    ]
    history = [
        {"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action}
        for e in session.execute(
            select(AuditEvent).where(AuditEvent.target == f"record:{record.id}", ~AuditEvent.action.like("%.view%"))
            .order_by(AuditEvent.seq.desc()).limit(HISTORY)
        ).scalars()
    ]
    objects = None
    if content:
        objects = [
            {"sha256": o.sha256, "role": o.role, "media_type": o.media_type, "size": o.size, "page_no": o.page_no,
             "filename": o.filename}
            for o in session.execute(select(StoredObject).where(StoredObject.record_id == record.id)
                                     .order_by(StoredObject.id)).scalars()
        ]
    audit.record(session, identity.username, "record.view", f"record:{record.id}",
                 {"secrecy": record.secrecy, "content": content})
    return RecordView(record, frozenset(actions), pages, history, _readers(session, identity, record), grant, objects,
                      record_links.linked(session, identity.viewer, record),
                      basis={"retention": retention_rules.basis(session, record),
                             "secrecy": declassification.origin_json(session, record)},
                      four_properties=four_properties.summary(four_properties.latest(session, record.id)),
                      masked=_masked(identity, record, grant is not None))


def _masked(identity: Identity, record: Record, need: bool) -> dict[str, str] | None:
    """A 信访 file's petitioner, hidden from readers without a need (DOMAIN.md §15)."""
    if not special_access.needs_identity_mask(identity.viewer, record, need=need):
        return None
    return special_access.shown(identity.viewer, record, need=need)


def _readers(session: Session, identity: Identity, record: Record) -> list[dict[str, Any]] | None:
    if identity.viewer.role not in READER_LIST_ROLES or identity.is_system \
            or rank(record.secrecy) < rank(Secrecy.CONFIDENTIAL):
        return None
    return [{"reader": r["reader"], "what": r["what"], "at": str(r["at"]), "loan": r.get("loan") or ""}
            for r in viewing.readers_of(session, identity, record.id)]


def _page_object(session: Session, record_id: int, page_no: int) -> StoredObject | None:
    if not 0 < page_no <= MAX_ID:
        return None
    return session.execute(
        select(StoredObject).where(
            StoredObject.record_id == record_id, StoredObject.role == ObjectRole.PAGE_IMAGE.value,
            StoredObject.page_no == page_no, StoredObject.destroyed_at.is_(None),
        ).order_by(StoredObject.id.desc())
    ).scalars().first()


def page_image(session: Session, identity: Identity, record_id: int, page_no: int, store: ObjectStore) -> PageImage:
    """One page image after the policy check, audited. Read through a grant, the page comes
    watermarked from viewing.view_page (which audits it); otherwise the face streams `key`."""
    record = record_for(session, identity.viewer, record_id)
    if _grant(session, identity, record) is not None:
        if _page_object(session, record.id, page_no) is None:
            raise NotFound(f"record {record_id} has no page {page_no}")

        def load(page: Page) -> bytes:
            obj = _page_object(session, page.record_id, page.page_no)
            if obj is None:
                raise NotFound(f"record {record_id} has no page {page_no}")
            with store.get(obj.sha256) as body:
                return body.read()

        body = viewing.view_page(session, identity, record.id, page_no, load, place=PLACE)
        return PageImage("image/png", body=body)
    if Action.VIEW_CONTENT not in _actions(session, identity, record, None):
        raise _refuse_content(record)
    obj = _page_object(session, record.id, page_no)
    if obj is None:
        raise NotFound(f"record {record_id} has no page {page_no}")
    audit.record(session, identity.username, "page.view", f"record:{record.id}",
                 {"page": page_no, "secrecy": record.secrecy})
    return PageImage(obj.media_type, key=obj.sha256)


def download(session: Session, identity: Identity, record_id: int) -> Download:
    """The searchable PDF after the policy check (never at `secret` or above); audited."""
    record = record_for(session, identity.viewer, record_id)
    allowed = Action.DOWNLOAD in _actions(session, identity, record, _grant(session, identity, record))
    if not allowed:
        raise Forbidden("this record may not be downloaded")
    obj = session.execute(
        select(StoredObject).where(StoredObject.record_id == record.id, StoredObject.role == ObjectRole.PDF.value,
                                   StoredObject.destroyed_at.is_(None)).order_by(StoredObject.id.desc())
    ).scalars().first()
    if obj is None:
        raise NotFound(f"record {record_id} has no PDF")
    audit.record(session, identity.username, "record.download", f"record:{record.id}",
                 {"secrecy": record.secrecy, "sha256": obj.sha256})
    return Download(obj.sha256, obj.media_type, f"{record.archival_code or record.id}.pdf")
