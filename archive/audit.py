"""The audit trail: append-only and hash-chained (every event carries its predecessor's SHA-256).

There is deliberately no update or delete function here. Tampering with rows is detected by
`verify`; rolling the whole table back (a restored backup, a truncated tail) is detected by
comparing with anchors: write-once copies of the chain head kept in the object store. A restore
(archive.backup) is the one legitimate rollback: its signed `audit.restore` event names the anchor
it went back to and the timelines it abandoned (docs/audit.md, "Restores").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import String, cast, func, literal, null, or_, select
from sqlalchemy.orm import Session

from archive.anchoring import AnchorDirectory, restore_key, restore_key_path, signed
from archive.clock import utcnow
from archive.errors import Conflict, IntegrityError, NotFound
from archive.i18n import MESSAGES, lang, t_in
from archive.identity import IDENTITY, channel_details
from archive.models import AuditEvent, AuditHead, Record, User
from archive.policy import Viewer, rank
from archive.unit_of_work import AUDITED, anchoring_of
from archive.visibility import REDACTED, can_see_target

GENESIS = "0" * 64
ANCHOR_PREFIX = "audit-anchors/"
RESTORE = "audit.restore"
ANCHOR_PLACES = {"store": ("对象存储", "object store"), "mirror": ("锚点镜像", "anchor mirror")}


class AnchorStore(Protocol):
    """The part of an object store the trail needs (storage.ObjectStore provides it)."""

    def put_once(self, name: str, data: bytes) -> None: ...
    def get_named(self, name: str) -> bytes: ...
    def list_named(self, prefix: str) -> list[str]: ...


@runtime_checkable
class MirroredAnchors(AnchorStore, Protocol):
    """Anchors kept in more than one place (archive.anchoring.AnchorSet)."""

    primary: AnchorStore

    def locations(self) -> list[tuple[str, AnchorStore]]: ...


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
    # After commit the runtime anchors the head when it is due (archive.anchoring).
    session.info[AUDITED] = (seq, head.anchored_seq, head.anchored_at)
    session.flush()
    return event


@dataclasses.dataclass
class Verification:
    ok: bool
    checked: int
    head_seq: int
    anchors_checked: int = 0
    first_broken: int | None = None
    reason: str = ""  # in English, for scripts; `problem` and `params` give it in the reader's language
    problem: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in ("problem", "params")}

    def message(self, language: str | None = None) -> str:
        """One line in the reader's language (archive.i18n; the web passes the page's)."""
        if self.ok:
            return t_in(language, "audit.ok", checked=self.checked, anchors=self.anchors_checked)
        return t_in(language, "audit.broken", reason=t_in(language, f"audit.why.{self.problem}",
                                                          **_localised(self.params)))


class Broken(Exception):
    """One thing wrong with the trail (`problem` names an archive.i18n message audit.why.*)."""

    def __init__(self, at: int | None, problem: str, **params: Any):
        self.seq, self.problem, self.params = at, problem, params
        self.reason = MESSAGES[f"audit.why.{problem}"][1].format(**_english(params))
        super().__init__(self.reason)


def _english(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (v[1] if isinstance(v, tuple) else v) for k, v in params.items()}


def _localised(params: dict[str, Any]) -> dict[str, Any]:
    return {k: ((v[1] if lang() == "en" else v[0]) if isinstance(v, tuple) else v) for k, v in params.items()}


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


def verify(session: Session, anchors: AnchorStore | None = None, *, history: bool = False,
           key: bytes | None = None) -> Verification:
    """Walk the chain from the first event and name the first thing wrong: a broken link, a head
    that does not match the trail, an anchor the trail contradicts or that is missing (in either
    copy), and with `history`, a user, record, loan, hold, appraisal or register whose events
    are gone (the trail is shorter than the catalog's own history). Restore events must carry the
    instance's signature (`key`; default: the key file in ARCHIVE_HOME)."""
    restores = restore_events(session)
    current = restores[-1]["facts"] if restores else None
    anchors = _timeline_anchors(current, _with_mirror(session, anchors))
    state = {"checked": 0, "last": 0, "anchors": 0}
    found, copies_problem = _load_anchors(anchors) if anchors is not None else ([], None)
    try:
        last_hash, hashes = _walk(session, state, {a["seq"] for a in found})
        head = _check_head(session, state["last"], last_hash)
        _check_replays(session)
        _check_restores(restores, key)
        if copies_problem is not None:
            raise copies_problem
        if anchors is not None:
            state["anchors"] = _check_anchors(found, head, state["last"], hashes, [r["facts"] for r in restores])
        if history:
            _check_history(session)
    except Broken as broken:
        return Verification(False, state["checked"], state["last"], state["anchors"], broken.seq, broken.reason,
                            broken.problem, broken.params)
    return Verification(True, state["checked"], state["last"], state["anchors"])


def _walk(session: Session, state: dict[str, int], wanted: set[int]) -> tuple[str, dict[int, str]]:
    """The chain in order; returns the last hash and the hashes of the `wanted` (anchored) events."""
    prev_hash, expected = GENESIS, 1
    hashes: dict[int, str] = {}
    for event in iter_events(session):
        if event.seq != expected:
            raise Broken(expected, "missing", seq=expected, next=event.seq)
        if event.prev_hash != prev_hash:
            raise Broken(event.seq, "unlinked", seq=event.seq, prev=event.seq - 1)
        if digest(event.seq, event.time, event.actor, event.action, event.target, event.details,
                  event.prev_hash) != event.hash:
            raise Broken(event.seq, "changed", seq=event.seq)
        if event.seq in wanted:
            hashes[event.seq] = event.hash
        prev_hash, expected = event.hash, expected + 1
        state["checked"], state["last"] = state["checked"] + 1, event.seq
    return prev_hash, hashes


def _check_head(session: Session, last: int, last_hash: str) -> AuditHead:
    head = session.get(AuditHead, 1)
    if head is None:
        raise Broken(last + 1, "no_head")
    if (head.seq, head.hash) != (last, last_hash):
        raise Broken(min(head.seq, last) + 1, "head", last=last, head=head.seq)
    return head


def _check_replays(session: Session) -> None:
    """An event copied to the end of the trail and re-hashed forms a valid link; but no two
    real events share actor, action, target and a microsecond time (appends are serialised)."""
    key = (AuditEvent.time, AuditEvent.actor, AuditEvent.action, AuditEvent.target)
    repeated = session.execute(
        select(func.min(AuditEvent.seq), func.max(AuditEvent.seq)).group_by(*key).having(func.count() > 1).limit(1)
    ).first()
    if repeated is not None:
        raise Broken(repeated[1], "replayed", seq=repeated[1], first=repeated[0])


def _check_anchors(found: list[dict[str, Any]], head: AuditHead, last: int, hashes: dict[int, str],
                   restores: list[dict[str, Any]]) -> int:
    """Every anchor belongs to a timeline of this trail and agrees with it, except the anchors an
    abandoned timeline wrote beyond a restored head, which that restore's signed event lists."""
    known = {""}
    abandoned: dict[str, list[tuple[int, int]]] = {}  # timeline -> [(restored head, its last anchor)]
    for facts in restores:
        known.add(str(facts.get("timeline", "")))
        for gone in facts.get("abandoned") or []:
            known.add(str(gone["timeline"]))
            after = int(gone.get("after", facts["head"]["seq"]))
            abandoned.setdefault(str(gone["timeline"]), []).append((after, int(gone["last"])))
    seqs = {a["seq"] for a in found}
    agreeing = set()
    for anchor in found:
        if anchor["timeline"] not in known:
            raise Broken(anchor["seq"], "timeline", name=anchor["name"])
        if any(cut < anchor["seq"] <= upto for cut, upto in abandoned.get(anchor["timeline"], [])):
            continue  # written by the timeline a restore abandoned, beyond the point it went back to
        if anchor["seq"] > last:
            raise Broken(last + 1, "rolled_back", name=anchor["name"], seq=anchor["seq"], last=last)
        if hashes.get(anchor["seq"]) != anchor["hash"]:
            raise Broken(anchor["seq"], "differs", seq=anchor["seq"], name=anchor["name"])
        agreeing.add(anchor["seq"])
        prev = anchor.get("prev")
        if prev and prev not in seqs:
            raise Broken(prev, "prev_missing", seq=prev, name=anchor["name"])
    if head.anchored_seq and head.anchored_seq not in agreeing:
        raise Broken(head.anchored_seq, "anchored_missing", seq=head.anchored_seq)
    return len(found)


def restore_events(session: Session) -> list[dict[str, Any]]:
    """The trail's `audit.restore` events, oldest first: seq, prev_hash, facts and signature."""
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.details)
        .where(AuditEvent.action == RESTORE).order_by(AuditEvent.seq)
    ).all()
    return [{"seq": seq, "prev_hash": prev, "facts": (details or {}).get("restore") or {},
             "signature": (details or {}).get("signature", "")} for seq, prev, details in rows]


def _check_restores(restores: list[dict[str, Any]], key: bytes | None) -> None:
    if not restores:
        return
    home = _home()
    key = key if key is not None else restore_key(home)
    for r in restores:
        if key is None:
            raise Broken(r["seq"], "restore_unkeyed", seq=r["seq"], path=str(restore_key_path(home)))
        if not signed(key, r["seq"], r["prev_hash"], r["facts"], r["signature"]):
            raise Broken(r["seq"], "restore_unsigned", seq=r["seq"])
    current = restores[-1]["facts"]
    if current.get("drill") and current.get("home") != str(home):
        raise Broken(None, "drill_elsewhere", home=current.get("home"))


def _signed(event: dict[str, Any]) -> bool:
    key = restore_key(_home())
    return key is not None and signed(key, event["seq"], event["prev_hash"], event["facts"], event["signature"])


def _home() -> Any:
    from archive.config import load_settings  # where this installation keeps its key

    return load_settings().home


def _timeline_anchors(current: dict[str, Any] | None, store: AnchorStore | None) -> AnchorStore | None:
    """A restore drill's catalog keeps its anchors in the drill's own directory, never in the
    store it may share with the live catalog."""
    if current and current.get("drill") and store is not None:
        return AnchorDirectory(current["anchors"])
    return store


def anchor_name(timeline: str, seq: int) -> str:
    return f"{ANCHOR_PREFIX}{timeline + '/' if timeline else ''}{seq:012d}.json"


def _load_anchors(store: AnchorStore) -> tuple[list[dict[str, Any]], Broken | None]:
    """Every anchor, from every copy, and what is wrong between the copies (reported after the
    chain itself): a copy missing from one location or differing between them."""
    try:
        return _read_copies(store), None
    except Broken as problem:
        return [], problem


def _read_copies(store: AnchorStore) -> list[dict[str, Any]]:
    copies: dict[str, dict[str, bytes]] = {}
    locations = store.locations() if isinstance(store, MirroredAnchors) else [("store", store)]
    for label, location in locations:
        copies[label] = {name: location.get_named(name) for name in location.list_named(ANCHOR_PREFIX)}
    names = sorted(set().union(*(c.keys() for c in copies.values())))
    out = []
    for name in names:
        for label, held in copies.items():
            if name not in held:
                raise Broken(_anchor_seq(name), "copy_missing", name=name, place=ANCHOR_PLACES[label])
        bodies = {held[name] for held in copies.values()}
        if len(bodies) > 1:
            raise Broken(_anchor_seq(name), "copies_differ", name=name)
        out.append(_parse_anchor(name, bodies.pop()))
    return out


def _parse_anchor(name: str, body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
        return {"name": name, "seq": int(data["seq"]), "hash": str(data["hash"]), "prev": data.get("prev"),
                "timeline": name.removeprefix(ANCHOR_PREFIX).rpartition("/")[0]}
    except (ValueError, KeyError, TypeError):
        raise Broken(_anchor_seq(name), "unreadable", name=name) from None


def _anchor_seq(name: str) -> int | None:
    digits = name.rpartition("/")[2].partition(".")[0]
    return int(digits) if digits.isdigit() else None


def anchor(session: Session, store: AnchorStore) -> dict[str, Any] | None:
    """Write the current chain head to the object store (and the mirror) as a write-once object.

    Returns the anchor written, or None when nothing happened since the last anchor. Each anchor
    names the one before it, so an anchor deleted from every copy is still missed.
    """
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None or head.seq == 0 or head.seq == head.anchored_seq:
        return None
    restores = restore_events(session)
    current = restores[-1]["facts"] if restores else {}
    if current.get("drill") and not _signed(restores[-1]):
        current = {**current, "drill": False}  # an unsigned claim to be a drill never diverts the anchors
    target = _timeline_anchors(current, _with_mirror(session, store) or store) or store
    now = timestamp()
    body = {"seq": head.seq, "hash": head.hash, "time": now, "prev": head.anchored_seq}
    name = anchor_name(str(current.get("timeline", "")), head.seq)
    try:
        target.put_once(name, json.dumps(body, sort_keys=True).encode())
    except Conflict:
        existing = json.loads(target.get_named(name))
        if existing.get("hash") != head.hash:
            raise Conflict(f"anchor {name} already holds a different hash: the trail was rewritten") from None
    head.anchored_seq, head.anchored_at = head.seq, now
    return {"name": name, **body}


def record_restore(session: Session, actor: str, key: bytes, anchors: AnchorStore, *, drill: str = "",
                   home: str = "", backup: dict[str, Any] | None = None) -> dict[str, Any]:
    """After the catalog was put back from a backup: append the signed `audit.restore` event that
    names the anchor the restored head goes back to (the last one at or below it that agrees with
    the trail) and every timeline the restore abandons with its last anchor, and start a new
    timeline for the anchors from here on. `drill`: the drill's own anchor directory (the event
    says so, and every later anchor of this catalog goes there, never to the live store)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        raise IntegrityError("the restored catalog has no audit chain head")
    ours = {""} | {str(r["facts"].get("timeline", "")) for r in restore_events(session)}
    found = [_parse_anchor(name, anchors.get_named(name)) for name in anchors.list_named(ANCHOR_PREFIX)]
    wanted = {a["seq"] for a in found if a["seq"] <= head.seq and a["timeline"] in ours}
    hashes = dict(session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(wanted))).all()) \
        if wanted else {}
    agreeing = [a for a in found if a["timeline"] in ours and a["seq"] in hashes and hashes[a["seq"]] == a["hash"]]
    point = max(agreeing, key=lambda a: a["seq"], default=None)
    abandoned: dict[str, dict[str, Any]] = {}
    for a in found:
        mine = a["timeline"] in ours
        if mine and a["seq"] <= head.seq:
            continue
        gone = abandoned.setdefault(a["timeline"], {"timeline": a["timeline"], "after": head.seq if mine else 0,
                                                    "last": 0})
        gone["last"] = max(gone["last"], a["seq"])
    from archive.anchoring import new_timeline, sign

    seq = head.seq + 1
    facts = canonical({
        "timeline": new_timeline(seq),
        "head": {"seq": head.seq, "hash": head.hash},
        "restored_to": {"name": point["name"], "seq": point["seq"], "hash": point["hash"]} if point else None,
        "abandoned": sorted(abandoned.values(), key=lambda g: g["timeline"]),
        "drill": bool(drill), "anchors": drill, "home": home, "backup": backup or {},
    })
    head.anchored_seq, head.anchored_at = (point["seq"] if point else 0), None  # the next commit anchors
    record(session, actor, RESTORE, f"timeline:{facts['timeline']}",
           {"restore": facts, "signature": sign(key, seq, head.hash, facts)})
    return facts


def maybe_anchor(session: Session, store: AnchorStore, every: int) -> dict[str, Any] | None:
    """Anchor once `every` events have accumulated since the last anchor (busy services call this)."""
    head = session.get(AuditHead, 1)
    if head is None or head.seq - head.anchored_seq < every:
        return None
    return anchor(session, store)


def _with_mirror(session: Session, store: AnchorStore | None) -> AnchorStore | None:
    """The runtime's anchor set (object store and mirror) when `store` is its object store, so
    that callers holding the object store write and check both copies."""
    anchoring = anchoring_of(session)
    mirrored = getattr(anchoring, "anchors", None) if anchoring is not None else None
    if isinstance(mirrored, MirroredAnchors) and store is not None and mirrored.primary is store:
        return mirrored
    return store


# -- the catalog's own history --------------------------------------------------------------
# Each row below was created together with its event (same transaction); a row without one means
# events were cut from the trail. Approvals must carry their approver's own event.
def _history_rules() -> list[tuple[tuple[str, str], Any, tuple[str, ...]]]:
    """((zh, en) name, rows of (target, actor or NULL), actions; () = any) per kind of row."""
    from archive.lending.models import Approval, LoanRequest
    from archive.lifecycle_models import AppraisalBatch, DestructionApproval, DestructionRegister, Hold

    def ref(prefix: str, column: Any) -> Any:
        return literal(prefix).concat(cast(column, String))

    return [
        (("用户", "user"), select(ref("user:", User.username).label("target"), null().label("actor")), ("user.add",)),
        (("档案", "record"), select(ref("record:", Record.id).label("target"), null().label("actor")), ()),
        (("借阅申请", "loan request"), select(ref("loan:", LoanRequest.number).label("target"), null().label("actor")),
         ("loan.request",)),
        (("借阅审批", "loan approval"), select(ref("loan:", LoanRequest.number).label("target"), Approval.approver.label("actor"))
         .join(LoanRequest, LoanRequest.id == Approval.request_id), ("loan.approve", "loan.reject")),
        (("冻结", "hold"), select(ref("hold:", Hold.id).label("target"), null().label("actor")), ("hold.place",)),
        (("鉴定", "appraisal"), select(ref("appraisal:", AppraisalBatch.id).label("target"), null().label("actor")),
         ("appraisal.create",)),
        (("销毁清册", "destruction register"), select(ref("register:", DestructionRegister.id).label("target"),
                                        null().label("actor")), ("destruction.register",)),
        (("销毁审批", "destruction approval"), select(ref("register:", DestructionApproval.register_id).label("target"),
                                        DestructionApproval.approver.label("actor")), ("destruction.approve",)),
    ]


def _check_history(session: Session) -> None:
    for what, rows, actions in _history_rules():
        sub = rows.subquery()
        trace = select(AuditEvent.seq).where(AuditEvent.target == sub.c.target)
        if actions:
            trace = trace.where(AuditEvent.action.in_(actions))
        trace = trace.where(or_(sub.c.actor.is_(None), AuditEvent.actor == sub.c.actor))
        orphan = session.execute(select(sub.c.target).where(~trace.exists()).limit(1)).scalar_one_or_none()
        if orphan is not None:
            raise Broken(None, "history", what=what, ref=orphan.partition(":")[2])


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
    """`events` for a person: the same rows (the chain stays whole), with details redacted where
    they would tell the reader more than their clearance allows: events about a record or volume
    the reader may not see, and every event of a person cleared above the reader (a leader's
    search for 绝密 files: its words, filters and totals). Every reader of the trail uses this."""
    rows = events(session, **filters)
    above = _cleared_above(session, viewer, {e.actor for e in rows})
    out = []
    for e in rows:
        if e.actor in above:
            details, hidden = redact_all(e.details), True
        elif not _target_visible(session, viewer, e.target or ""):
            details, hidden = redact(e.details), True
        else:
            details, hidden = e.details, False
        out.append({"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action, "target": e.target,
                    "details": details, "hash": e.hash, "redacted": hidden})
    return out


# Of an event by someone cleared above the reader only how it came in is shown.
CHANNEL_KEYS = frozenset({"channel", "origin"})


def redact_all(details: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if k in CHANNEL_KEYS else REDACTED) for k, v in (details or {}).items()}


def _cleared_above(session: Session, viewer: Viewer, actors: set[str]) -> set[str]:
    """The accounts among `actors` whose clearance is above the reader's (processes never are)."""
    if viewer.system or not actors:
        return set()
    found = session.execute(select(User.username, User.clearance).where(User.username.in_(actors))).all()
    return {name for name, level in found if rank(level) > rank(viewer.clearance)}
