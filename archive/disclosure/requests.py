"""The register of disclosure requests (依申请公开登记) and its statutory clock.

A request is answered within 20 working days of its receipt (条例 第三十三条: 自收到申请之日起;
the day of receipt is not counted, so the clock starts the next day); the head of the disclosure
office may extend it once, by at most 20 working days. Working days come from the maintained
calendar (archive.workdays). Requests are registered in writing with the requester's identity
(no telephone requests, DOMAIN.md §15) and answered in one of the five ways (codes.OUTCOMES).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.clock import CHINA, today, utcnow
from archive.disclosure import codes
from archive.disclosure.attributes import parse_reason
from archive.disclosure.common import (
    EXTENSION_APPROVERS,
    handler,
    is_handler,
    record_event,
    record_ref,
    viewer_of,
)
from archive.disclosure.models import DisclosureRequest
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity
from archive.models import Record
from archive.policy import Viewer, can_see
from archive.visibility import MAX_ID
from archive.workdays import Calendar

MAX_TEXT = 2000
PAGE = 50


def _text(value: object, name: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"{name} is required")
    if "\x00" in text:
        raise ValidationError(f"{name} holds a NUL character")
    if len(text) > limit:
        raise ValidationError(f"{name} has at most {limit} characters")
    return text


def _date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(f"{name} must be a date (YYYY-MM-DD)") from None
    if not 2000 <= day.year <= 2199:  # the statutory clock counts within the calendar's years
        raise ValidationError(f"{name} must lie between 2000 and 2199")
    return day


def _choice(value: object, table: dict[str, tuple[str, str]], name: str) -> str:
    text = str(value or "").strip()
    by_words = {zh: code for code, (zh, _en) in table.items()}
    text = by_words.get(text, text)
    if text not in table:
        if name == "form" and text in ("telephone", "phone", "电话"):
            raise ValidationError("requests are made in writing: no telephone requests")
        raise ValidationError(f"{name} must be one of {', '.join(table)}")
    return text


def _found(session: Session, viewer: Viewer, refs: list[Any]) -> list[int]:
    ids: list[int] = []
    for ref in refs or []:
        record = record_ref(session, viewer, ref)
        if record.id not in ids:
            ids.append(record.id)
    return ids


def _request(session: Session, ref: str | int) -> DisclosureRequest:
    text = str(ref).strip()
    found = None
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        found = session.get(DisclosureRequest, int(text))
    if found is None and text:
        found = session.execute(select(DisclosureRequest).where(DisclosureRequest.number == text)).scalars().first()
    if found is None:
        raise NotFound(f"disclosure request {ref} does not exist")
    return found


def _next_number(session: Session, year: int) -> str:
    count = session.scalar(select(func.count()).where(DisclosureRequest.year == year)) or 0
    number = count + 1
    while session.execute(select(DisclosureRequest.id).where(
            DisclosureRequest.number == f"{year}-{number:03d}")).first() is not None:
        number += 1
    return f"{year}-{number:03d}"


def _moment(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def request_json(session: Session, viewer: Viewer, req: DisclosureRequest, calendar: Calendar,
                 language: str = "zh", *, full: bool = True) -> dict[str, Any]:
    """One request as the handler sees it: the records found only as far as their clearance goes."""
    on = today()
    left = calendar.between(on, req.due_on) if req.status == "open" else None
    data: dict[str, Any] = {
        "id": req.id, "number": req.number, "requester": req.requester, "requester_kind": req.requester_kind,
        "requester_kind_label": codes.label(codes.REQUESTER_KINDS, req.requester_kind, language),
        "form": req.form, "form_label": codes.label(codes.FORMS, req.form, language),
        "received_on": req.received_on.isoformat(), "content": req.content,
        "status": req.status, "status_label": codes.label(codes.STATUSES, req.status, language),
        "due_on": req.due_on.isoformat(), "first_due_on": _first_due(req, calendar).isoformat(),
        "working_days_left": left, "overdue": bool(req.status == "open" and on > req.due_on)
        or bool(req.answered_on and req.answered_on > req.due_on),
        "extended": req.extended, "extension_reason": req.extension_reason,
        "extension_approved_by": req.extension_approved_by, "extended_at": _moment(req.extended_at),
        "outcome": req.outcome, "outcome_label": codes.label(codes.OUTCOMES, req.outcome, language) if req.outcome else "",
        "outcome_reason": req.outcome_reason,
        "outcome_reason_label": codes.label(codes.REASONS_BY_OUTCOME.get(req.outcome, {}), req.outcome_reason, language)
        if req.outcome_reason else "",
        "answered_on": req.answered_on.isoformat() if req.answered_on else "", "answered_by": req.answered_by,
        "registered_by": req.registered_by, "calendar_notes": calendar.notes(req.received_on, req.due_on),
    }
    if full:
        records = [session.get(Record, rid) for rid in (req.record_ids or [])]
        seen = [r for r in records if r is not None and can_see(viewer, r)]
        data.update({
            "id_number": req.id_number, "contact": req.contact, "answer": req.answer,
            "records": [{"id": r.id, "archival_code": r.archival_code or "", "title": r.title,
                         "disclosure": r.disclosure,
                         "disclosure_label": codes.label(codes.ATTRIBUTES, r.disclosure, language)} for r in seen],
            "records_hidden": len(records) - len(seen),  # found by someone cleared higher
        })
    return data


def _first_due(req: DisclosureRequest, calendar: Calendar) -> dt.date:
    return calendar.add(req.received_on, codes.TIME_LIMIT)


def register(session: Session, identity: Identity, *, requester: str, content: str, received_on: str | dt.date = "",
             requester_kind: str = "citizen", id_number: str = "", contact: str = "", form: str = "in_person",
             records: list[Any] | None = None, language: str = "zh") -> dict[str, Any]:
    """Register a request as received; its deadline is the 20th working day after receipt."""
    viewer = handler(session, identity)
    received = _date(received_on, "received_on") if received_on else today()
    if received > today():
        raise ValidationError("received_on lies in the future")
    calendar = Calendar.load(session)
    req = DisclosureRequest(
        number=_next_number(session, received.year), year=received.year,
        requester=_text(requester, "requester", 200, required=True),
        requester_kind=_choice(requester_kind, codes.REQUESTER_KINDS, "requester_kind"),
        id_number=_text(id_number, "id_number", 30), contact=_text(contact, "contact", 200),
        form=_choice(form, codes.FORMS, "form"), received_on=received,
        content=_text(content, "content", MAX_TEXT, required=True),
        record_ids=_found(session, viewer, list(records or [])), status="open",
        due_on=calendar.add(received, codes.TIME_LIMIT), registered_by=viewer.username,
    )
    session.add(req)
    session.flush()
    record_event(session, viewer, "disclosure.request.register", f"disclosure_request:{req.id}",
                 {"number": req.number, "received_on": received.isoformat(), "due_on": req.due_on.isoformat(),
                  "records": req.record_ids})
    return request_json(session, viewer, req, calendar, language)


def show(session: Session, identity: Identity, ref: str | int, *, language: str = "zh") -> dict[str, Any]:
    viewer = handler(session, identity)
    req = _request(session, ref)
    record_event(session, viewer, "disclosure.request.view", f"disclosure_request:{req.id}", {"number": req.number})
    return request_json(session, viewer, req, Calendar.load(session), language)


def add_records(session: Session, identity: Identity, ref: str | int, records: list[Any], *,
                language: str = "zh") -> dict[str, Any]:
    """Note further records found for an open request."""
    viewer = handler(session, identity)
    req = _request(session, ref)
    if req.status != "open":
        raise Conflict(f"request {req.number} is answered already")
    added = [i for i in _found(session, viewer, records) if i not in (req.record_ids or [])]
    req.record_ids = [*(req.record_ids or []), *added]
    session.flush()
    record_event(session, viewer, "disclosure.request.records", f"disclosure_request:{req.id}",
                 {"number": req.number, "added": added})
    return request_json(session, viewer, req, Calendar.load(session), language)


def extend(session: Session, identity: Identity, ref: str | int, reason: str, *, language: str = "zh") -> dict[str, Any]:
    """Extend the time limit once by 20 working days; the person acting approves it (the head of the
    disclosure office or a leader), before the first deadline has passed."""
    viewer = handler(session, identity)
    if not viewer.system and viewer.role not in EXTENSION_APPROVERS:
        raise Forbidden("an extension needs the approval of the head of the disclosure office (办公室主任) or a leader")
    req = _request(session, ref)
    why = _text(reason, "reason", MAX_TEXT, required=True)
    if req.status != "open":
        raise Conflict(f"request {req.number} is answered already")
    if req.extended:
        raise Conflict(f"request {req.number} was extended already: the time limit extends only once")
    if today() > req.due_on:
        raise Conflict(f"request {req.number} is overdue since {req.due_on.isoformat()}: too late to extend")
    calendar = Calendar.load(session)
    before = req.due_on
    req.due_on = calendar.add(before, codes.EXTENSION)
    req.extended, req.extension_reason = True, why
    req.extension_approved_by, req.extended_at = viewer.username, utcnow()
    session.flush()
    record_event(session, viewer, "disclosure.request.extend", f"disclosure_request:{req.id}",
                 {"number": req.number, "from": before.isoformat(), "to": req.due_on.isoformat()})
    return request_json(session, viewer, req, calendar, language)


def answer(session: Session, identity: Identity, ref: str | int, outcome: str, *, reason: str = "", text: str = "",
           answered_on: str | dt.date = "", language: str = "zh") -> dict[str, Any]:
    """Answer in one of the five ways; every way but 予以公开 names its reason, 予以公开 may say how."""
    viewer = handler(session, identity)
    req = _request(session, ref)
    if req.status != "open":
        raise Conflict(f"request {req.number} is answered already")
    kind = _choice(outcome, codes.OUTCOMES, "outcome")
    table = codes.REASONS_BY_OUTCOME[kind]
    why = parse_reason(reason, table)
    if kind != "granted" and not why:
        raise ValidationError(f"{codes.OUTCOMES[kind][0]} needs a reason: one of {', '.join(table)}")
    when = _date(answered_on, "answered_on") if answered_on else today()
    if when < req.received_on or when > today():
        raise ValidationError("answered_on lies before the receipt or in the future")
    req.outcome, req.outcome_reason = kind, why or ("provided" if kind == "granted" else "")
    req.answer = _text(text, "answer", MAX_TEXT)
    req.answered_on, req.answered_by, req.status = when, viewer.username, "answered"
    session.flush()
    record_event(session, viewer, "disclosure.request.answer", f"disclosure_request:{req.id}",
                 {"number": req.number, "outcome": kind, "reason": req.outcome_reason,
                  "answered_on": when.isoformat(), "late": when > req.due_on})
    return request_json(session, viewer, req, Calendar.load(session), language)


def list_requests(session: Session, identity: Identity, *, status: str = "", year: int | None = None,
                  page: int = 1, language: str = "zh") -> dict[str, Any]:
    viewer = handler(session, identity)
    query = select(DisclosureRequest)
    if status:
        query = query.where(DisclosureRequest.status == _choice(status, codes.STATUSES, "status"))
    if year is not None:
        query = query.where(DisclosureRequest.year == int(year))
    page = max(1, min(int(page or 1), 10_000))
    rows = session.execute(query.order_by(DisclosureRequest.status.desc(), DisclosureRequest.due_on,
                                          DisclosureRequest.id).offset((page - 1) * PAGE).limit(PAGE)).scalars().all()
    calendar = Calendar.load(session)
    return {"requests": [request_json(session, viewer, r, calendar, language, full=False) for r in rows],
            "page": page}


def due_soon(session: Session, identity: Identity, *, within: int = codes.REMIND_BEFORE,
             language: str = "zh") -> list[dict[str, Any]]:
    """Open requests due within `within` working days, or overdue: the inbox's and the dashboard's
    reminders. Empty for anyone who does not handle requests (the dashboard asks for everyone)."""
    viewer = viewer_of(session, identity)
    if not is_handler(viewer):
        return []
    calendar = Calendar.load(session)
    horizon = calendar.add(today(), max(0, min(int(within), 60)))
    rows = session.execute(select(DisclosureRequest).where(DisclosureRequest.status == "open",
                                                           DisclosureRequest.due_on <= horizon)
                           .order_by(DisclosureRequest.due_on, DisclosureRequest.id)).scalars().all()
    return [request_json(session, viewer, r, calendar, language, full=False) for r in rows]


def deadline(session: Session, identity: Identity, received_on: str | dt.date) -> dict[str, Any]:
    """The statutory deadline of a request received on a day, and with the extension (a calculator
    for the page, the API and the CLI; the calendar is public, any active person may ask)."""
    viewer_of(session, identity)
    received = _date(received_on, "received_on")
    calendar = Calendar.load(session)
    due = calendar.add(received, codes.TIME_LIMIT)
    extended = calendar.add(due, codes.EXTENSION)
    return {"received_on": received.isoformat(), "due_on": due.isoformat(), "extended_due_on": extended.isoformat(),
            "notes": calendar.notes(received, extended)}
