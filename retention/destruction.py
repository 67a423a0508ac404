"""Destruction (销毁, DOMAIN.md §6.2-6): the register, its approvals and witnesses, and the
resumable execution.

Separation of duties: the requester never approves; no approver witnesses (stricter, as
allowed: the requester does not witness either). Execution is a state machine whose every
step commits on its own, in this order, so a crash anywhere leaves a state that `execute`
resumes and never a destroyed record without its register entry:

  register approved -> executing (method, place, time, preconditions checked)
  per entry: pending -> destroying (holds and due date re-checked)
             -> objects deleted through the store with a DestructionWarrant (idempotent)
             -> destroyed: tombstone, OCR text blanked, index entry removed, in one commit
  -> certificate PDF stored -> register filed as a permanent record -> executed
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, paper, policy
from archive.clock import today, utcnow
from archive.codes import STATE_SECRET_LEVELS, RecordStatus, Secrecy
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity
from archive.lifecycle_models import (
    AppraisalBatch,
    AppraisalItem,
    DestructionApproval,
    DestructionCertificate,
    DestructionEntry,
    DestructionRegister,
    DestructionWitness,
)
from archive.models import Page, Record, StoredObject, User
from archive.policy import Viewer
from archive.visibility import can_see_record_id
from archive.warrant import DestructionWarrant
from retention import appraisal, filing, holds, people, rules
from retention.rows import get as existing

Hook = Callable[[str], None]  # called at every step; tests raise from it to simulate a crash


def _no_hook(_step: str) -> None:
    return None


# -- the register ---------------------------------------------------------------------------
def create_register(session: Session, who: Identity, *, batch_id: int, title: str = "") -> DestructionRegister:
    """The archivist drafts the register of a concluded appraisal's destroy decisions."""
    actor = people.require_role(session, who, appraisal.CREATOR_ROLES, "request a destruction")
    requested_by = actor.username
    batch = session.get(AppraisalBatch, batch_id)
    if batch is None or batch.status != "concluded":
        raise Conflict(f"appraisal {batch_id} is not concluded; destruction needs a concluded appraisal")
    chosen = session.execute(select(AppraisalItem).where(
        AppraisalItem.batch_id == batch_id, AppraisalItem.decision == "destroy").order_by(AppraisalItem.id)).scalars().all()
    if not chosen:
        raise ValidationError(f"appraisal {batch_id} decided to destroy nothing")
    records = [existing(session, Record, item.record_id, "record") for item in chosen]
    already = session.execute(select(DestructionEntry.record_id).where(
        DestructionEntry.record_id.in_([r.id for r in records]))).scalars().all()
    if already:
        raise Conflict(f"records already on a destruction register: {sorted(already)}")
    required = list(rules.get(session, "destruction_approver_roles"))
    if any(Secrecy(r.secrecy) in STATE_SECRET_LEVELS for r in records):
        required += [r for r in rules.get(session, "secret_destruction_roles") if r not in required]
    register = DestructionRegister(batch_id=batch_id, title=(title or "").strip() or f"{batch.title}销毁清册",
                                   requested_by=requested_by, archivist=requested_by, required_roles=required,
                                   created_at=utcnow())
    session.add(register)
    session.flush()
    for n, (item, r) in enumerate(zip(chosen, records, strict=True), 1):
        session.add(DestructionEntry(register_id=register.id, record_id=r.id, seq_no=n, category_code=r.category_code,
                                     title=r.title, archival_code=r.archival_code or "", pages=r.pages,
                                     secrecy=r.secrecy, reason=item.reason))
    audit.record(session, requested_by, "destruction.register", f"register:{register.id}",
                 {"batch": batch_id, "records": [r.id for r in records], "required_roles": required})
    return register


def registers(session: Session, limit: int = 200) -> list[DestructionRegister]:
    return list(session.execute(select(DestructionRegister).order_by(DestructionRegister.id.desc())
                                .limit(limit)).scalars())


def get_register(session: Session, register_id: int) -> DestructionRegister:
    register = session.get(DestructionRegister, register_id)
    if register is None:
        raise NotFound(f"destruction register {register_id} does not exist")
    return register


def entries(session: Session, register_id: int) -> list[DestructionEntry]:
    return list(session.execute(select(DestructionEntry).where(DestructionEntry.register_id == register_id)
                                .order_by(DestructionEntry.seq_no)).scalars())


def visible_entries(session: Session, viewer: Viewer, register_id: int) -> list[DestructionEntry]:
    """The register's entries the viewer may see (a destroyed record keeps its catalogue row, so
    its level still decides); the others are left out, titles, codes and count alike."""
    return [e for e in entries(session, register_id) if can_see_record_id(session, viewer, e.record_id)]


def approvals(session: Session, register_id: int) -> list[DestructionApproval]:
    return list(session.execute(select(DestructionApproval).where(DestructionApproval.register_id == register_id)
                                .order_by(DestructionApproval.id)).scalars())


def witnesses(session: Session, register_id: int) -> list[DestructionWitness]:
    return list(session.execute(select(DestructionWitness).where(DestructionWitness.register_id == register_id)
                                .order_by(DestructionWitness.id)).scalars())


def _parties(session: Session, register: DestructionRegister) -> tuple[list[str], list[str]]:
    return [a.approver for a in approvals(session, register.id)], [w.witness for w in witnesses(session, register.id)]


def approve(session: Session, who: Identity, *, register_id: int, opinion: str = "") -> DestructionApproval:
    """An approver of a required role signs the register off (never its requester or a witness)."""
    register = get_register(session, register_id)
    if register.status != "draft":
        raise Conflict(f"register {register_id} is {register.status}; approvals are closed")
    user = people.require_role(session, who, register.required_roles, "approve this destruction register")
    approver = user.username
    approvers, present = _parties(session, register)
    if approver in approvers:
        raise Conflict(f"{approver} already approved register {register_id}")
    policy.distinct_people([register.requested_by], approvers + [approver], present, what="a destruction")
    row = DestructionApproval(register_id=register.id, approver=approver, role=user.role, opinion=(opinion or "").strip(),
                              approved_at=utcnow())
    session.add(row)
    session.flush()
    if not missing_roles(session, register):
        register.status = "approved"
    audit.record(session, approver, "destruction.approve", f"register:{register.id}",
                 {"role": user.role, "opinion": row.opinion, "status": register.status})
    return row


def missing_roles(session: Session, register: DestructionRegister) -> list[str]:
    have = {a.role for a in approvals(session, register.id)}
    return [r for r in register.required_roles if r not in have]


def sign_witness(session: Session, who: Identity, *, register_id: int) -> DestructionWitness:
    """A witness of the witness role signs (never the requester or an approver)."""
    register = get_register(session, register_id)
    if register.status in ("executed",):
        raise Conflict(f"register {register_id} was already executed")
    found = people.require_role(session, who, rules.get(session, "witness_roles"), "witness a destruction")
    witness = found.username
    _require_cleared_witness(session, register, Viewer.of(found))
    approvers, present = _parties(session, register)
    if witness in present:
        raise Conflict(f"{witness} already signed register {register_id}")
    policy.distinct_people([register.requested_by], approvers, present + [witness], what="a destruction")
    row = DestructionWitness(register_id=register.id, witness=witness, signed_at=utcnow())
    session.add(row)
    audit.record(session, witness, "destruction.witness", f"register:{register.id}")
    return row


def _require_cleared_witness(session: Session, register: DestructionRegister, viewer: Viewer) -> None:
    """A witness attests every entry of the register, so they must be allowed to see every one of
    them (clearance at least its highest level, and scope): nobody signs for what they cannot see."""
    hidden = len(entries(session, register.id)) - len(visible_entries(session, viewer, register.id))
    if hidden:
        raise Forbidden(f"{viewer.username} may not see {hidden} of the records on register {register.id} "
                        f"(it needs clearance {Secrecy(register_level(session, register)).label_zh}); "
                        f"a witness must be cleared for every record they attest")


def register_level(session: Session, register: DestructionRegister) -> str:
    """The highest level among the register's entries."""
    return max([Secrecy.INTERNAL.value, *(e.secrecy for e in entries(session, register.id))], key=policy.rank)


# -- execution ------------------------------------------------------------------------------
def execute(catalog, who: Identity, store, *, register_id: int, method: str = "", place: str = "",
            hook: Hook | None = None) -> DestructionRegister:
    """The archivist runs (or resumes) the destruction of an approved register. Each step commits
    by itself, in a unit of work acting for `who` (`catalog` is an archive.db.Catalog)."""
    hook = hook or _no_hook
    with catalog.session(who) as session:
        actor = people.require_role(session, who, appraisal.CREATOR_ROLES, "carry out a destruction").username
        register = session.get(DestructionRegister, register_id, with_for_update=True)
        if register is None:
            raise NotFound(f"destruction register {register_id} does not exist")
        if register.status == "executed":
            return register
        if register.status == "approved":
            _begin(session, register, actor, method, place)
            hook("begin")
        elif register.status != "executing":
            raise Conflict(f"register {register_id} is {register.status}: it needs every approval first "
                           f"(missing: {', '.join(missing_roles(session, register)) or '-'})")
        entry_ids = [e.id for e in entries(session, register_id) if e.state != "destroyed"]
    for entry_id in entry_ids:
        _destroy_entry(catalog, who, store, entry_id, actor, hook)
    with catalog.session(who) as session:
        register = get_register(session, register_id)
        if session.execute(select(DestructionCertificate).where(DestructionCertificate.register_id == register_id)).first() is None:
            _certificate(session, store, register)
            hook("certificate")
    with catalog.session(who) as session:
        register = get_register(session, register_id)
        _file_register(session, store, register, actor)
        hook("filed")
    return register


def check_preconditions(session: Session, register: DestructionRegister) -> None:
    """Everything the law asks before anything is destroyed; raises naming the first gap."""
    missing = missing_roles(session, register)
    if missing:
        raise Forbidden(f"register {register.id} lacks approval by: {', '.join(missing)}")
    approvers, present = _parties(session, register)
    minimum = int(rules.get(session, "witness_min"))
    if len(present) < minimum:
        raise Forbidden(f"register {register.id} needs at least {minimum} witnesses, has {len(present)}")
    policy.distinct_people([register.requested_by], approvers, present, what="a destruction")
    for name in present:  # a clearance lowered after signing voids the signature
        account = session.execute(select(User).where(User.username == name)).scalar_one()
        _require_cleared_witness(session, register, Viewer.of(account))
    for entry in entries(session, register.id):
        if entry.state != "destroyed":
            check_entry(session, register, entry)


def check_entry(session: Session, register: DestructionRegister, entry: DestructionEntry) -> Record:
    record = existing(session, Record, entry.record_id, "record")
    label = record.archival_code or record.id
    decided = session.execute(select(AppraisalItem).where(
        AppraisalItem.batch_id == register.batch_id, AppraisalItem.record_id == record.id,
        AppraisalItem.decision == "destroy")).scalar_one_or_none()
    if decided is None:
        raise Forbidden(f"record {label} has no appraisal decision to destroy it")
    if appraisal.living_personnel_file(record):
        raise Forbidden(f"record {label} is the personnel file of a living person and is never destroyed")
    if record.retention_due is None or record.retention_due > today():
        raise Conflict(f"record {label} is not due until {record.retention_due or '永久'}")
    holds.assert_not_held(session, record, "destroy")
    return record


def _begin(session: Session, register: DestructionRegister, actor: str, method: str, place: str) -> None:
    if not (method or "").strip() or not (place or "").strip():
        raise ValidationError("destruction needs its method and place")
    method, place = method.strip(), place.strip()
    check_preconditions(session, register)
    register.status, register.method, register.place, register.executed_at = "executing", method, place, utcnow()
    audit.record(session, actor, "destruction.begin", f"register:{register.id}", {"method": method, "place": place})


def _destroy_entry(catalog, who: Identity, store, entry_id: int, actor: str, hook: Hook) -> None:
    with catalog.session(who) as session:
        entry = existing(session, DestructionEntry, entry_id, with_for_update=True)  # one executor at a time
        if entry.state == "pending":
            check_entry(session, get_register(session, entry.register_id), entry)  # holds re-checked now
            _refuse_locked(store, _keys_to_delete(session, entry.record_id), entry)
            entry.state = "destroying"
            hook("destroying")
    with catalog.session(who) as session:
        entry = existing(session, DestructionEntry, entry_id, with_for_update=True)  # one executor at a time
        keys = _keys_to_delete(session, entry.record_id)
        warrant = DestructionWarrant(register_entry_id=entry.id, keys=frozenset(keys), issued_by=actor)
        for key in keys:
            if store.exists(key):
                store.delete(key, warrant=warrant)
            hook("object_deleted")
    with catalog.session(who) as session:
        entry = existing(session, DestructionEntry, entry_id, with_for_update=True)  # one executor at a time
        record = existing(session, Record, entry.record_id, "record")
        now = utcnow()
        for obj in session.execute(select(StoredObject).where(StoredObject.record_id == record.id)).scalars():
            obj.destroyed_at = obj.destroyed_at or now
        for page in session.execute(select(Page).where(Page.record_id == record.id)).scalars():
            page.ocr_text = ""
        record.extra = {}  # extraction evidence quotes the content; the catalogue fields stay
        record.status, record.destroyed_at = RecordStatus.DESTROYED.value, now
        entry.state, entry.destroyed_at = "destroyed", now
        audit.record(session, actor, "record.destroy", f"record:{record.id}",
                     {"register": entry.register_id, "entry": entry.id, "archival_code": record.archival_code})
        hook("tombstoned")


def _refuse_locked(store, keys: list[str], entry: DestructionEntry) -> None:
    """On object-lock stores a legally held object cannot go: refuse before anything is deleted."""
    if store.supports_object_lock:
        locked = [k[:12] for k in keys if store.exists(k) and store.get_legal_hold(k)]
        if locked:
            raise Conflict(f"record {entry.archival_code or entry.record_id} still has objects under legal hold: {locked}")
        # Write-once retention (archive.worm) outlasting a shortened period: none may go, not some.
        now = datetime.now(UTC)
        retained = [(k[:12], until) for k in keys if store.exists(k) and (until := store.retained_until(k)) and until > now]
        if retained:
            raise Conflict(f"record {entry.archival_code or entry.record_id} has objects retained (write-once) until "
                           f"{max(u for _k, u in retained).date().isoformat()}: {[k for k, _u in retained]}")


def _keys_to_delete(session: Session, record_id: int) -> list[str]:
    """Every object of the record (all roles) whose bytes no live record still shares."""
    mine = set(session.execute(select(StoredObject.sha256).where(StoredObject.record_id == record_id)).scalars())
    shared = set(session.execute(
        select(StoredObject.sha256).join(Record, StoredObject.record_id == Record.id).where(
            StoredObject.sha256.in_(mine), Record.id != record_id,
            Record.status != RecordStatus.DESTROYED.value)).scalars())
    return sorted(mine - shared)


def _certificate(session: Session, store, register: DestructionRegister) -> None:
    data = register_pdf(session, register, certificate=True)
    key = store.put(data, media_type="application/pdf")
    session.add(DestructionCertificate(register_id=register.id, sha256=key, created_at=utcnow()))


def _file_register(session: Session, store, register: DestructionRegister, actor: str) -> None:
    if register.register_record_id is None:
        listed = [existing(session, Record, e.record_id, "record") for e in entries(session, register.id)]
        filed = filing.file_pdf(session, store, fonds_id=listed[0].fonds_id, title=register.title,
                                pdf=register_pdf(session, register), actor=actor, listed=listed,
                                filename=f"destruction-register-{register.id}.pdf", notes=f"register:{register.id}")
        register.register_record_id = filed.id
        cert = session.execute(select(DestructionCertificate).where(
            DestructionCertificate.register_id == register.id)).scalar_one()
        cert.record_id = filed.id
    register.status, register.finished_at = "executed", utcnow()
    audit.record(session, actor, "destruction.executed", f"register:{register.id}",
                 {"register_record": register.register_record_id})


def register_pdf(session: Session, register: DestructionRegister, *, certificate: bool = False,
                 viewer: Viewer | None = None) -> bytes:
    """The register as a PDF; for a person (`viewer`), only the entries they may see."""
    approvers = [f"{a.approver}（{a.role}）{a.approved_at:%Y-%m-%d}" for a in approvals(session, register.id)]
    present = [w.witness for w in witnesses(session, register.id)]
    when = f"{register.executed_at:%Y-%m-%d %H:%M}" if register.executed_at else ""
    rows = [[e.category_code, e.seq_no, e.title, e.archival_code, e.pages, Secrecy(e.secrecy).label_zh, e.reason,
             f"{e.destroyed_at:%Y-%m-%d %H:%M}" if e.destroyed_at else "", register.place, register.method]
            for e in (entries(session, register.id) if viewer is None else visible_entries(session, viewer, register.id))]
    title = f"{register.title}{' 销毁证明' if certificate else ''}"
    return paper.document(title, [
        f"清册编号：{register.id}　鉴定批次：{register.batch_id}", f"批准人：{'；'.join(approvers)}",
        f"档案员：{register.archivist}", f"监销人：{'、'.join(present)}",
        f"销毁时间：{when}　地点：{register.place}　方式：{register.method}",
    ], [("销毁清册", ["门类", "序号", "题名", "档号", "页数", "密级", "销毁理由", "销毁时间", "地点", "方式"], rows)],
        landscape=True, signatures=[f"监销人 {name}" for name in present] or ["监销人"])
