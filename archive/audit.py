"""The audit trail: append-only and hash-chained (every event carries its predecessor's SHA-256).

There is deliberately no update or delete function here. Tampering with rows is detected by
`verify`; rolling the whole table back (a restored backup, a truncated tail) is detected by
comparing with anchors: write-once copies of the chain head kept in the object store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.clock import utcnow
from archive.errors import Conflict, IntegrityError, NotFound
from archive.identity import IDENTITY, channel_details
from archive.models import AuditEvent, AuditHead
from archive.policy import Viewer
from archive.visibility import REDACTED, can_see_target

GENESIS = "0" * 64
ANCHOR_PREFIX = "audit-anchors/"


class AnchorStore(Protocol):
    """The part of an object store the trail needs (storage.ObjectStore provides it)."""

    def put_once(self, name: str, data: bytes) -> None: ...
    def get_named(self, name: str) -> bytes: ...
    def list_named(self, prefix: str) -> list[str]: ...


def canonical(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from any database's JSON column."""
    return json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))


def digest(seq: int, time: str, actor: str, action: str, target: str, details: dict, prev_hash: str) -> str:
    body = json.dumps(
        [seq, time, actor, action, target, details, prev_hash],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def timestamp() -> str:
    return utcnow().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(session: Session, actor: str, action: str, target: str = "", details: dict | None = None) -> AuditEvent:
    """Append one event in the caller's transaction, so the action and its trace commit together."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        raise IntegrityError("the audit chain head is missing: the catalog was not migrated or was tampered with")
    seq = head.seq + 1
    time = timestamp()
    # The channel the work came through (web, api, cli, task, system): the unit of work's identity,
    # else the face's (archive.identity.through).
    identity = session.info.get(IDENTITY)
    channel = identity.audit_details() if identity is not None else channel_details()
    if channel:
        details = {**channel, **(details or {})}
    clean = canonical(details)
    event = AuditEvent(
        seq=seq, time=time, actor=actor, action=action, target=str(target), details=clean, prev_hash=head.hash
    )
    event.hash = digest(seq, time, actor, action, event.target, clean, head.hash)
    session.add(event)
    head.seq, head.hash = seq, event.hash
    session.flush()
    return event


@dataclasses.dataclass
class Verification:
    ok: bool
    checked: int
    head_seq: int
    anchors_checked: int = 0
    first_broken: int | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def iter_events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session, anchors: AnchorStore | None = None) -> Verification:
    """Walk the chain from the first event; name the first broken link."""
    prev_hash, expected, checked = GENESIS, 1, 0
    hashes_at: dict[int, str] = {}
    anchor_list = _load_anchors(anchors) if anchors is not None else []
    wanted = {a["seq"] for a in anchor_list}

    def broken(seq: int, reason: str) -> Verification:
        return Verification(False, checked, expected - 1, len(anchor_list), seq, reason)

    for event in iter_events(session):
        if event.seq != expected:
            return broken(expected, f"event {expected} is missing (the next one is {event.seq})")
        if event.prev_hash != prev_hash:
            return broken(event.seq, f"event {event.seq} does not follow event {event.seq - 1} (inserted or reordered)")
        if digest(event.seq, event.time, event.actor, event.action, event.target, event.details, event.prev_hash) != event.hash:
            return broken(event.seq, f"event {event.seq} was changed after it was written")
        if event.seq in wanted:
            hashes_at[event.seq] = event.hash
        prev_hash, expected, checked = event.hash, expected + 1, checked + 1

    last = expected - 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (last, prev_hash):
        return Verification(
            False, checked, last, len(anchor_list), min(head_seq, last) + 1,
            f"the trail ends at event {last} but its head records event {head_seq}: events were removed or added",
        )
    for anchor in anchor_list:
        if anchor["seq"] > last:
            return Verification(
                False, checked, last, len(anchor_list), last + 1,
                f"anchor {anchor['name']} records event {anchor['seq']} but the trail ends at {last}: it was rolled back",
            )
        if hashes_at.get(anchor["seq"]) != anchor["hash"]:
            return Verification(
                False, checked, last, len(anchor_list), anchor["seq"],
                f"event {anchor['seq']} differs from the hash anchored in {anchor['name']}",
            )
    return Verification(True, checked, last, len(anchor_list))


def _load_anchors(store: AnchorStore) -> list[dict[str, Any]]:
    out = []
    for name in store.list_named(ANCHOR_PREFIX):
        data = json.loads(store.get_named(name))
        out.append({"name": name, "seq": int(data["seq"]), "hash": data["hash"]})
    return out


def anchor(session: Session, store: AnchorStore) -> dict[str, Any] | None:
    """Write the current chain head to the object store as a write-once object.

    Returns the anchor written, or None when nothing happened since the last anchor.
    """
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None or head.seq == 0 or head.seq == head.anchored_seq:
        return None
    body = {"seq": head.seq, "hash": head.hash, "time": timestamp()}
    name = f"{ANCHOR_PREFIX}{head.seq:012d}.json"
    try:
        store.put_once(name, json.dumps(body, sort_keys=True).encode())
    except Conflict:
        existing = json.loads(store.get_named(name))
        if existing.get("hash") != head.hash:
            raise Conflict(f"anchor {name} already holds a different hash: the trail was rewritten") from None
    head.anchored_seq = head.seq
    return {"name": name, **body}


def maybe_anchor(session: Session, store: AnchorStore, every: int) -> dict[str, Any] | None:
    """Anchor once `every` events have accumulated since the last anchor (busy services call this)."""
    head = session.get(AuditHead, 1)
    if head is None or head.seq - head.anchored_seq < every:
        return None
    return anchor(session, store)


def events(
    session: Session, *, action: str | None = None, actor: str | None = None, target: str | None = None,
    since: str | None = None, until: str | None = None, limit: int = 100, offset: int = 0,
) -> list[AuditEvent]:
    """Read the trail, newest first, with filters (for auditors)."""
    q = select(AuditEvent)
    if action:
        q = q.where(AuditEvent.action == action)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if target:
        q = q.where(AuditEvent.target == target)
    if since:
        q = q.where(AuditEvent.time >= since)
    if until:
        q = q.where(AuditEvent.time < until)
    return list(session.execute(q.order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)).scalars())


def event(session: Session, seq: int) -> AuditEvent:
    found = session.get(AuditEvent, seq)
    if found is None:
        raise NotFound(f"audit event {seq} does not exist")
    return found


# -- the trail as a person reads it ---------------------------------------------------------
# The auditor must see that an event happened, also to a record above their clearance (who read
# what, DOMAIN.md §4); the event stays, with its target's archival code, but any words about the
# record (title, OCR'd file names, reasons, corrections) are replaced by REDACTED.
SAFE_DETAIL_KEYS = frozenset({
    "channel", "secrecy", "page", "sha256", "archival_code", "batch", "decision", "years", "register", "entry",
    "stage", "passed", "kind", "outcome", "content", "count", "loan", "place", "pages", "copies", "old_due",
    "new_due", "term_end", "new_declassify_on", "old", "new", "from", "to", "source", "download", "format",
    "origin",
})


def _target_visible(session: Session, viewer: Viewer, target: str) -> bool:
    kind, _, ref = target.partition(":")
    return can_see_target(session, viewer, kind, ref)


def redact(details: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if k in SAFE_DETAIL_KEYS else REDACTED) for k, v in (details or {}).items()}


def visible_events(session: Session, viewer: Viewer, **filters: Any) -> list[dict[str, Any]]:
    """`events` for a person: the same rows (the chain stays whole), with the details of events
    about a record or volume the viewer may not see redacted. Every reader of the trail uses this."""
    out = []
    for e in events(session, **filters):
        hidden = not _target_visible(session, viewer, e.target or "")
        out.append({"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action, "target": e.target,
                    "details": redact(e.details) if hidden else e.details, "hash": e.hash, "redacted": hidden})
    return out
