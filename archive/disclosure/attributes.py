"""Each record's disclosure attribute (主动公开 / 依申请公开 / 不予公开) with its statutory reason,
set and reviewed by a person: who decided and when stay on the record, every decision is kept in
the review history and the audit trail.

Who decides: the archivist who may edit the record, or the office director and the bureau's
leaders (the disclosure office's head and its superiors), within their clearance and scope.
A state secret or a personnel file is never disclosed (DOMAIN.md §12): only the reason of its
不予公开 can change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.clock import CHINA, utcnow
from archive.codes import Disclosure
from archive.disclosure import codes
from archive.disclosure.common import EXTENSION_APPROVERS, record_event, record_ref, viewer_of
from archive.disclosure.models import DisclosureReview
from archive.errors import Forbidden, ValidationError
from archive.identity import Identity
from archive.models import Record
from archive.policy import Action, Viewer, allowed_actions
from archive.visibility import visible

MAX_NOTE = 500


def _may_decide(viewer: Viewer, record: Record) -> bool:
    return viewer.system or Action.EDIT in allowed_actions(viewer, record) or viewer.role in EXTENSION_APPROVERS


def parse_attribute(value: str) -> str:
    text = str(value).strip()
    by_words = {zh: code for code, (zh, _en) in codes.ATTRIBUTES.items()}
    text = by_words.get(text, text)
    if text not in codes.ATTRIBUTES:
        raise ValidationError(f"disclosure must be one of {', '.join(codes.ATTRIBUTES)}, not {str(value)[:30]!r}")
    return text


def parse_reason(value: str, table: dict[str, tuple[str, str]] = codes.REASONS) -> str:
    text = str(value or "").strip()
    if text and text not in table:
        by_words = {zh.split("（")[0]: code for code, (zh, _en) in table.items()}
        text = by_words.get(text, text)
    if text and text not in table:
        raise ValidationError(f"reason must be one of {', '.join(table)}, not {str(value)[:30]!r}")
    return text


def attribute_json(record: Record, language: str = "zh") -> dict[str, Any]:
    forced = codes.default_for(record.secrecy, record.category_code)
    return {
        "record_id": record.id, "archival_code": record.archival_code or "", "title": record.title,
        "secrecy": record.secrecy, "category": record.category_code,
        "disclosure": record.disclosure, "disclosure_label": codes.label(codes.ATTRIBUTES, record.disclosure, language),
        "reason": record.disclosure_reason,
        "reason_label": codes.label(codes.REASONS, record.disclosure_reason, language) if record.disclosure_reason else "",
        "reviewed_by": record.disclosure_reviewed_by or "",
        "reviewed_at": _beijing(record.disclosure_reviewed_at),
        "fixed": forced is not None,  # a state secret or personnel file: never disclosed
    }


def show(session: Session, identity: Identity, ref: str | int, *, language: str = "zh") -> dict[str, Any]:
    """A record's attribute, its review and the history of decisions."""
    viewer = viewer_of(session, identity)
    record = record_ref(session, viewer, ref)
    history = session.execute(select(DisclosureReview).where(DisclosureReview.record_id == record.id)
                              .order_by(DisclosureReview.id.desc())).scalars().all()
    return {
        **attribute_json(record, language),
        "may_decide": _may_decide(viewer, record),
        "history": [{"disclosure": h.disclosure, "disclosure_label": codes.label(codes.ATTRIBUTES, h.disclosure, language),
                     "reason": h.reason, "reason_label": codes.label(codes.REASONS, h.reason, language) if h.reason else "",
                     "note": h.note, "previous": h.previous, "decided_by": h.decided_by,
                     "decided_at": _beijing(h.decided_at)} for h in history],
    }


def _beijing(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def set_attribute(session: Session, identity: Identity, ref: str | int, disclosure: str, reason: str = "",
                  note: str = "", *, language: str = "zh") -> dict[str, Any]:
    """Decide (or confirm, on review) a record's attribute; 不予公开 needs a statutory reason."""
    viewer = viewer_of(session, identity)
    record = record_ref(session, viewer, ref)
    if not _may_decide(viewer, record):
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not decide the disclosure of this record")
    value = parse_attribute(disclosure)
    why = parse_reason(reason)
    note = str(note or "").strip()
    if "\x00" in note:
        raise ValidationError("the note holds a NUL character")
    if len(note) > MAX_NOTE:
        raise ValidationError(f"the note has at most {MAX_NOTE} characters")
    if value == Disclosure.NOT_DISCLOSED.value and not why:
        raise ValidationError("不予公开 needs a reason from the statutory list: " + ", ".join(codes.REASONS))
    if value != Disclosure.NOT_DISCLOSED.value and why:
        raise ValidationError("a reason is given only for 不予公开")
    forced = codes.default_for(record.secrecy, record.category_code)
    if forced is not None and value != forced[0]:
        raise ValidationError("a state secret or personnel file is never disclosed: declassify it first"
                              if forced[1] == "state_secret" else "a personnel file is never disclosed")
    previous, previous_reason = record.disclosure, record.disclosure_reason
    record.disclosure, record.disclosure_reason = value, why
    record.disclosure_reviewed_by, record.disclosure_reviewed_at = viewer.username, utcnow()
    session.add(DisclosureReview(record_id=record.id, disclosure=value, reason=why, note=note, previous=previous,
                                 previous_reason=previous_reason, decided_by=viewer.username,
                                 decided_at=record.disclosure_reviewed_at))
    session.flush()
    record_event(session, viewer, "disclosure.set", f"record:{record.id}",
                 {"from": previous, "to": value, "reason_from": previous_reason, "reason": why,
                  "review": previous == value and previous_reason == why})
    return show(session, identity, record.id, language=language)


def unreviewed(session: Session, identity: Identity, *, limit: int = 100, language: str = "zh") -> list[dict[str, Any]]:
    """Records whose attribute nobody has reviewed yet, or whose 国家秘密 reason outlived the secret
    (declassified since): the disclosure office's work list, within the viewer's clearance."""
    viewer = viewer_of(session, identity)
    rows = session.execute(
        select(Record).where(visible(viewer), (Record.disclosure_reviewed_by == "")
                             | ((Record.disclosure_reason == "state_secret")
                                & Record.secrecy.in_(["public", "internal"])))
        .order_by(Record.id).limit(max(1, min(limit, 1000)))).scalars().all()
    return [attribute_json(r, language) for r in rows]
