"""Electronic and reading-room viewing: time-limited grants, watermarked pages, downloads.

A grant is what archive.policy calls `viewing_grant`: with it a cleared reader sees state-secret
content. Top-secret content is shown only in the reading room, with the accompanying archivist
recorded on the grant; nothing at `secret` or above is ever downloaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, relations, use_matrix, watermark
from archive.clock import CHINA, utcnow
from archive.codes import Role, Secrecy
from archive.errors import Forbidden, ValidationError
from archive.lending.access import Who, acting, name_of, user_of, visible_record
from archive.lending.messages import msg
from archive.lending.models import LoanRequest, ViewingGrant
from archive.lending.requests import PERSONNEL, _require_archivist, _require_status, get_request
from archive.models import Page, Record
from archive.policy import Action, Viewer, allowed_actions, rank

PLACES = ("electronic", "reading_room")


def issue_grants(
    session: Session, who: Who, request_id: int, *, accompanied_by: str = "", hours: int | None = None,
) -> list[ViewingGrant]:
    """Open an approved reading-room or electronic request: one grant per reader and record.

    `accompanied_by` records the archivist who stays with a top-secret reader (an active
    archivist who is not a reader); the issuing archivist acts, the name is recorded."""
    archivist = acting(session, who)
    actor = archivist.username
    request = get_request(session, request_id, lock=True)
    _require_archivist(session, archivist, request)
    _require_status(request, "approved")
    if request.form not in PLACES:
        raise ValidationError("use requests.issue_loans for physical loans")
    top_secret = request.level == Secrecy.TOP_SECRET
    if top_secret:
        if request.form != "reading_room":
            raise ValidationError(msg("reading_room_only"))
        if not accompanied_by or accompanied_by in request.readers or not _active_archivist(session, accompanied_by):
            raise ValidationError(msg("accompany"))
    until = utcnow() + (dt.timedelta(hours=hours) if hours else dt.timedelta(days=request.days))
    record_ids = _record_ids(session, request)
    contents = list(session.execute(select(Record).where(Record.id.in_(record_ids))).scalars())
    if relations.related_any(session, request.readers, contents):  # declared after the request was made
        raise Forbidden(msg("personnel_self"))
    rule = use_matrix.rule(session)
    # What the use matrix reserves is read watermarked in the browser, never downloaded.
    reserved = any(rule.needs_consultation(user_viewer(session, r), c) for r in request.readers for c in contents)
    download = (request.form == "electronic" and rank(request.level) < rank(Secrecy.SECRET) and not request.personnel
                and not reserved)
    grants = []
    for record_id in record_ids:
        for reader in request.readers:
            grant = ViewingGrant(
                request_id=request.id, record_id=record_id, username=reader, place=request.form,
                accompanied_by=accompanied_by, download=download, issued_by=actor, expires_at=until,
            )
            session.add(grant)
            grants.append(grant)
    request.status = "issued"
    session.flush()
    audit.record(session, actor, "viewing.grant", f"loan:{request.number}", {
        "records": sorted({g.record_id for g in grants}), "readers": request.readers, "place": request.form,
        "accompanied_by": accompanied_by, "expires_at": until.isoformat(), "download": download,
    })
    return grants


def user_viewer(session: Session, username: str) -> Viewer:
    """A reader's policy view now (an inactive reader was refused by _require_archivist already)."""
    return Viewer.of(user_of(session, username))


def _active_archivist(session: Session, username: str) -> bool:
    try:
        return user_of(session, username).role == Role.ARCHIVIST.value
    except Forbidden:  # unknown or disabled: accompanies nobody
        return False


def _record_ids(session: Session, request: LoanRequest) -> list[int]:
    ids = [i.record_id for i in request.items if i.record_id is not None]
    volume_ids = [i.volume_id for i in request.items if i.volume_id is not None]
    if volume_ids:
        ids += list(session.execute(select(Record.id).where(Record.volume_id.in_(volume_ids))).scalars())
    return sorted(set(ids))


def current_grant(session: Session, who: Who, record_id: int, *,
                  place: str | None = None) -> ViewingGrant | None:
    """The reader's current grant for a record, if any (a look-up: it decides nothing by itself)."""
    username = name_of(who)
    now = utcnow()
    query = select(ViewingGrant).where(
        ViewingGrant.username == username, ViewingGrant.record_id == record_id, ViewingGrant.revoked_at.is_(None),
    )
    if place:
        query = query.where(ViewingGrant.place == place)
    for grant in session.execute(query.order_by(ViewingGrant.id.desc())).scalars():
        if _aware(grant.starts_at) <= now < _aware(grant.expires_at):
            return grant
    return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def view_page(
    session: Session, who: Who, record_id: int, page_no: int, load_page: Callable[[Page], bytes], *,
    place: str = "electronic",
) -> bytes:
    """Render one page for the viewer, watermarked (viewer, time, loan number); audited.

    `load_page` fetches the stored image and is called only after every check passed.
    """
    reader = acting(session, who)
    viewer, actor = reader.viewer, reader.username
    record = visible_record(session, viewer, record_id)
    if place not in PLACES:
        raise ValidationError(f"place must be one of {', '.join(PLACES)}")
    # A reading-room grant opens pages only on the reading-room terminal.
    grant = current_grant(session, actor, record_id, place=place)
    if record.secrecy == Secrecy.TOP_SECRET and (grant is None or place != "reading_room"):
        raise Forbidden(msg("reading_room_only"))
    if record.category_code == PERSONNEL and viewer.role is not Role.ARCHIVIST and (
            grant is None or place != "reading_room"):
        raise Forbidden(msg("personnel_room"))  # stricter than the policy's internal-level default
    if relations.related(session, actor, record):  # not even with an approved request
        raise Forbidden(msg("personnel_self"))
    if Action.VIEW_CONTENT not in allowed_actions(viewer, record, viewing_grant=grant is not None,
                                                  use_rule=use_matrix.rule(session)):
        raise Forbidden(msg("no_grant"))
    page = session.execute(select(Page).where(Page.record_id == record.id, Page.page_no == page_no)).scalar_one_or_none()
    if page is None:
        raise ValidationError(f"record {record_id} has no page {page_no}")
    number = get_request(session, grant.request_id).number if grant else "-"
    shown_at = utcnow().astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    name = reader.user.display_name or actor
    image = watermark.render(load_page(page), watermark.watermark_text(name, shown_at, number))
    audit.record(session, actor, "page.view", f"record:{record.id}", {
        "page": page_no, "loan": number, "place": place, "secrecy": record.secrecy,
        "accompanied_by": grant.accompanied_by if grant else "",
    })
    return image


def may_download(session: Session, who: Who, record_id: int) -> bool:
    reader = acting(session, who)
    viewer = reader.viewer
    record = visible_record(session, viewer, record_id)
    grant = current_grant(session, reader, record_id)
    if rank(record.secrecy) >= rank(Secrecy.SECRET):
        return False
    if grant is not None and not grant.download:
        return False
    if relations.related(session, reader.username, record):
        return False
    return Action.DOWNLOAD in allowed_actions(viewer, record, viewing_grant=grant is not None,
                                              use_rule=use_matrix.rule(session))


def download(session: Session, who: Who, record_id: int) -> Record:
    """Check and audit a download; the caller streams the bytes after this returns."""
    reader = acting(session, who)
    if not may_download(session, reader, record_id):
        raise Forbidden(msg("no_download"))
    record = session.get_one(Record, record_id)
    audit.record(session, reader.username, "record.download", f"record:{record_id}", {"secrecy": record.secrecy})
    return record


def close_viewing(session: Session, who: Who, request_id: int) -> LoanRequest:
    """End a reading-room or electronic consultation: every grant of the request is revoked."""
    request = get_request(session, request_id, lock=True)
    actor = _require_archivist(session, who, request, readers=False).username
    _require_status(request, "issued")
    if request.form not in PLACES:
        raise ValidationError("a physical loan is closed by returning its volumes")
    now = utcnow()
    for grant in session.execute(select(ViewingGrant).where(ViewingGrant.request_id == request.id)).scalars():
        grant.revoked_at = grant.revoked_at or now
    request.status, request.closed_at = "closed", now
    audit.record(session, actor, "viewing.close", f"loan:{request.number}")
    return request


def readers_of(session: Session, who: Who, record_id: int) -> list[dict]:
    """Who read a `confidential` or higher record (grants and page views), for auditors and the
    security officer; they must themselves be cleared for the record."""
    from archive.models import AuditEvent

    me = acting(session, who)
    viewer, actor = me.viewer, me.username
    if viewer.role not in (Role.AUDITOR, Role.SECURITY_OFFICER, Role.ARCHIVIST):
        raise Forbidden(f"{actor} may not list the readers of a record")
    record = visible_record(session, viewer, record_id)
    grants = session.execute(select(ViewingGrant).where(ViewingGrant.record_id == record.id)
                             .order_by(ViewingGrant.id)).scalars().all()
    views = session.execute(select(AuditEvent).where(AuditEvent.action == "page.view",
                                                     AuditEvent.target == f"record:{record.id}")
                            .order_by(AuditEvent.seq)).scalars().all()
    out: list[dict[str, Any]] = [{"reader": g.username, "what": "grant", "place": g.place, "accompanied_by": g.accompanied_by,
            "at": g.starts_at.isoformat(), "loan": get_request(session, g.request_id).number} for g in grants]
    out += [{"reader": e.actor, "what": "page_view", "page": e.details.get("page"), "at": e.time,
             "loan": e.details.get("loan")} for e in views]
    audit.record(session, actor, "record.readers", f"record:{record.id}", {"count": len(out)})
    return out
