"""Walk-in and outside-unit requests (查档出证) at the archive-room desk.

The archivist registers who asks (identity number checked by its GB 11643 check digit; an outside
unit with its 介绍信 number), why (a purpose of the configured list; personal use is refused),
what was found (records the archivist may see) and the outcome. A request exists for a person only
if they may see every record found for it: nothing above clearance appears in lists or registers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from archive import audit
from archive.arrangement.common import display_names, record_ref, viewer_of
from archive.clock import CHINA, utcnow
from archive.errors import Conflict, NotFound, ValidationError
from archive.identity import Identity
from archive.models import Record
from archive.policy import Action, Viewer, can_see, rank, require
from archive.utilization import id_card, purposes
from archive.utilization.messages import FORMS, KINDS, OUTCOMES, label, msg
from archive.utilization.models import CertifiedCopy, UtilizationRequest
from archive.visibility import visible

CLOSING_OUTCOMES = ("provided", "certified", "not_found", "refused")
PICK_LIMIT = 50


def desk(session: Session, identity: Identity) -> Viewer:
    """Who serves the desk: an active archivist (the role that lends)."""
    viewer = viewer_of(session, identity)
    require(viewer, Action.LEND)
    return viewer


def beijing(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


# -- registering ---------------------------------------------------------------------------------
def register(session: Session, identity: Identity, *, name: str, id_number: str, purpose: str,
             unit: str = "", letter_no: str = "", purpose_note: str = "",
             records: Sequence[str | int] = ()) -> dict[str, Any]:
    """Register a request; `records` are what the archivist found (archival codes or ids)."""
    viewer = desk(session, identity)
    found = [record_ref(session, viewer, ref) for ref in records]
    request = new_request(session, viewer.username, kind=_kind(unit, letter_no), name=name, id_number=id_number,
                          purpose=purposes.checked(session, purpose), unit=unit, letter_no=letter_no,
                          purpose_note=purpose_note, found=found)
    return describe(session, viewer, request)


def new_request(session: Session, actor: str, *, kind: str, name: str, id_number: str, purpose: str,
                unit: str = "", letter_no: str = "", purpose_note: str = "",
                found: Iterable[Record] = ()) -> UtilizationRequest:
    """The register line itself (the desk and the self-service page both write one); audited."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(msg("name_needed"))
    number = id_card.checked(id_number)
    records = _unique(found)
    request = UtilizationRequest(
        number=_next_number(session), kind=kind, requester_name=name[:50], requester_id_number=number,
        unit=(unit or "").strip()[:200], letter_no=(letter_no or "").strip()[:100], purpose=purpose,
        purpose_note=(purpose_note or "").strip()[:2000], found=[r.id for r in records],
        level=_level(records), outcome="open", registered_by=actor, registered_at=utcnow())
    session.add(request)
    session.flush()
    audit.record(session, actor, "utilization.register", f"utilization:{request.id}", {
        "number": request.number, "kind": kind, "purpose": purpose, "requester": id_card.masked(number),
        "records": request.found, "level": request.level})
    return request


def _kind(unit: str, letter_no: str) -> str:
    if not (unit or "").strip() and not (letter_no or "").strip():
        return "walk_in"
    if not (unit or "").strip() or not (letter_no or "").strip():
        raise ValidationError(msg("unit_papers"))
    return "outside_unit"


def _unique(records: Iterable[Record]) -> list[Record]:
    out: list[Record] = []
    for record in records:
        if record not in out:
            out.append(record)
    return out


def _level(records: Sequence[Record]) -> str:
    return max((r.secrecy for r in records), key=rank, default="public")


def _next_number(session: Session) -> str:
    prefix = f"CD{utcnow().astimezone(CHINA).year}-"
    count = session.execute(select(func.count()).select_from(UtilizationRequest)
                            .where(UtilizationRequest.number.like(f"{prefix}%"))).scalar_one()
    return f"{prefix}{count + 1:04d}"


# -- finding, closing ------------------------------------------------------------------------------
def pick(session: Session, identity: Identity, words: str) -> list[dict[str, Any]]:
    """The record picker: records the archivist may see whose code, title, name or identity
    number contains `words` (at most PICK_LIMIT); the search is audited."""
    viewer = desk(session, identity)
    text = (words or "").strip()[:100]
    if not text:
        return []
    like = f"%{text}%"
    query = (select(Record).where(visible(viewer), or_(Record.archival_code.like(like), Record.title.like(like),
                                                        Record.person_name == text, Record.person_id_number == text))
             .order_by(Record.archival_code, Record.id).limit(PICK_LIMIT))
    rows = list(session.execute(query).scalars())
    audit.record(session, viewer.username, "utilization.pick", "", {"hits": len(rows)})
    return [_record_json(r) for r in rows]


def add_found(session: Session, identity: Identity, ref: str | int, records: Sequence[str | int]) -> dict[str, Any]:
    viewer = desk(session, identity)
    request = request_ref(session, viewer, ref)
    _open(request)
    found = found_records(session, request) + [record_ref(session, viewer, r) for r in records]
    found = _unique(found)
    request.found, request.level = [r.id for r in found], _level(found)
    audit.record(session, viewer.username, "utilization.found", f"utilization:{request.id}",
                 {"records": request.found, "level": request.level})
    return describe(session, viewer, request)


def close(session: Session, identity: Identity, ref: str | int, *, outcome: str, note: str = "") -> dict[str, Any]:
    """Close a request with its outcome (provided, certified, not_found, refused)."""
    viewer = desk(session, identity)
    request = request_ref(session, viewer, ref)
    _open(request)
    if outcome not in CLOSING_OUTCOMES:
        raise ValidationError(msg("outcome_unknown", outcome=str(outcome)[:20]))
    request.outcome, request.outcome_note = outcome, (note or "").strip()[:2000]
    request.closed_by, request.closed_at = viewer.username, utcnow()
    audit.record(session, viewer.username, "utilization.close", f"utilization:{request.id}",
                 {"number": request.number, "outcome": outcome})
    return describe(session, viewer, request)


def _open(request: UtilizationRequest) -> None:
    if request.outcome != "open":
        raise Conflict(msg("closed", number=request.number))


# -- reading ---------------------------------------------------------------------------------------
def request_ref(session: Session, viewer: Viewer, ref: str | int) -> UtilizationRequest:
    """A request by id or number, if the viewer may see every record found for it."""
    text = str(ref).strip()
    request = None
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**31:
        request = session.get(UtilizationRequest, int(text))
    if request is None and text:
        request = session.execute(select(UtilizationRequest)
                                  .where(UtilizationRequest.number == text.upper())).scalar_one_or_none()
    if request is None or not may_see(session, viewer, request):
        raise NotFound(f"utilization request {text[:30]} does not exist")
    return request


def may_see(session: Session, viewer: Viewer, request: UtilizationRequest) -> bool:
    if viewer.system:
        return True
    if rank(request.level) > rank(viewer.clearance):
        return False
    return all(can_see(viewer, r) for r in found_records(session, request))


def found_records(session: Session, request: UtilizationRequest) -> list[Record]:
    ids = [int(i) for i in request.found or []]
    if not ids:
        return []
    rows = {r.id: r for r in session.execute(select(Record).where(Record.id.in_(ids))).scalars()}
    return [rows[i] for i in ids if i in rows]


def visible_requests(session: Session, viewer: Viewer, *, year: int | None = None,
                     open_only: bool = False) -> list[UtilizationRequest]:
    levels = [level for level in ("public", "internal", "secret", "confidential", "top_secret")
              if rank(level) <= rank(viewer.clearance)]
    query = select(UtilizationRequest).where(UtilizationRequest.level.in_(levels))
    if open_only:
        query = query.where(UtilizationRequest.outcome == "open")
    if year is not None:
        query = query.where(UtilizationRequest.number.like(f"CD{int(year)}-%"))
    rows = session.execute(query.order_by(UtilizationRequest.registered_at, UtilizationRequest.id)).scalars()
    return [r for r in rows if may_see(session, viewer, r)]


def list_requests(session: Session, identity: Identity, *, year: int | None = None,
                  open_only: bool = False) -> list[dict[str, Any]]:
    viewer = desk(session, identity)
    rows = visible_requests(session, viewer, year=year, open_only=open_only)
    audit.record(session, viewer.username, "utilization.list", "", {"year": year, "count": len(rows)})
    names = display_names(session, [r.registered_by for r in rows])
    return [summary(session, r, names) for r in rows]


def detail(session: Session, identity: Identity, ref: str | int) -> dict[str, Any]:
    viewer = desk(session, identity)
    request = request_ref(session, viewer, ref)
    audit.record(session, viewer.username, "utilization.view", f"utilization:{request.id}", {})
    return describe(session, viewer, request)


def summary(session: Session, request: UtilizationRequest, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names if names is not None else display_names(session, [request.registered_by])
    return {
        "id": request.id, "number": request.number, "kind": request.kind, "kind_label": label(KINDS, request.kind),
        "requester_name": request.requester_name, "id_number": id_card.masked(request.requester_id_number),
        "unit": request.unit, "letter_no": request.letter_no, "purpose": request.purpose,
        "purpose_label": purposes.purpose_label(session, request.purpose), "purpose_note": request.purpose_note,
        "outcome": request.outcome, "outcome_label": label(OUTCOMES, request.outcome),
        "outcome_note": request.outcome_note, "level": request.level,
        "registered_by": names.get(request.registered_by, request.registered_by),
        "registered_at": beijing(request.registered_at), "closed_at": beijing(request.closed_at),
    }


def describe(session: Session, viewer: Viewer, request: UtilizationRequest) -> dict[str, Any]:
    copies = session.execute(select(CertifiedCopy).where(CertifiedCopy.request_id == request.id)
                             .order_by(CertifiedCopy.id)).scalars()
    return {**summary(session, request),
            "found": [_record_json(r) for r in found_records(session, request)],
            "copies": [{"serial": c.serial, "issued_at": beijing(c.issued_at), "copies": c.copies,
                        "form": c.form, "form_label": label(FORMS, c.form), "sha256": c.sha256} for c in copies]}


def _record_json(record: Record) -> dict[str, Any]:
    return {"id": record.id, "archival_code": record.archival_code or "", "title": record.title,
            "secrecy": record.secrecy, "category": record.category_code, "pages": record.pages or 0}
