"""Appraisal (鉴定, DOMAIN.md §6.1-2): a group of at least three members decides per due record
— destroy, extend N years, keep permanently — with reasons; concluding applies the keep and
extend decisions and files the appraisal report as a permanent record. 保存从宽、销毁从严:
a destroy decision is refused for held records and living persons' personnel files."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, paper
from archive.clock import today, utcnow
from archive.codes import RETENTION_ZH, RecordStatus, Retention, Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity
from archive.lifecycle_models import AppraisalBatch, AppraisalItem, AppraisalMember
from archive.models import Record, User
from archive.policy import Viewer
from archive.visibility import can_see_record_id
from retention import filing, holds, people, rules, schedule
from retention.rows import get as existing

DECISIONS = ("destroy", "extend", "keep_permanent")
DECISION_ZH = {"destroy": "销毁", "extend": "延长保管", "keep_permanent": "永久保存"}
CREATOR_ROLES = (Role.ARCHIVIST.value,)


def living_personnel_file(record: Record) -> bool:
    """Personnel files are never destroyed while the person lives (DOMAIN.md §3)."""
    return record.category_code == "RS" and record.person_deceased_on is None


def create_batch(session: Session, who: Identity, *, title: str, members: list[str],
                 record_ids: list[int]) -> AppraisalBatch:
    """The archivist opens an appraisal of due records by a group of at least three members."""
    actor = people.require_role(session, who, CREATOR_ROLES, "open an appraisal")
    if not (title or "").strip():
        raise ValidationError("an appraisal needs a title")
    members = list(dict.fromkeys(m.strip() for m in members if m and m.strip()))
    minimum = int(rules.get(session, "appraisal_min_members"))
    if len(members) < minimum:
        raise ValidationError(f"an appraisal group needs at least {minimum} members, got {len(members)}")
    if not record_ids:
        raise ValidationError("an appraisal needs at least one due record")
    roles = rules.get(session, "appraiser_roles")
    for name in members:
        people.require_member_role(session, name, roles, "sit on an appraisal group")
    batch = AppraisalBatch(title=title.strip(), created_by=actor.username, created_at=utcnow())
    session.add(batch)
    session.flush()
    session.add_all(AppraisalMember(batch_id=batch.id, username=name) for name in members)
    _add_records(session, batch, Viewer.of(actor), record_ids)
    audit.record(session, actor.username, "appraisal.create", f"appraisal:{batch.id}",
                 {"title": batch.title, "members": members, "records": record_ids})
    return batch


def _add_records(session: Session, batch: AppraisalBatch, viewer: Viewer, record_ids: list[int]) -> None:
    _open(batch)
    day = today()
    for rid in record_ids:
        record = session.get(Record, rid)
        # A record above the actor's clearance does not exist for them: the same answer as a missing one.
        if record is None or record.status == RecordStatus.DESTROYED.value or not can_see_record_id(session, viewer, rid):
            raise NotFound(f"record {rid} does not exist or was destroyed")
        if record.retention_due is None or record.retention_due > day:
            raise Conflict(f"record {record.archival_code or rid} is not due (due {record.retention_due or '永久'})")
        taken = session.execute(select(AppraisalItem.id).where(
            AppraisalItem.record_id == rid, AppraisalItem.due_on == record.retention_due)).first()
        if taken:
            raise Conflict(f"record {record.archival_code or rid} is already in an appraisal for this due date")
        session.add(AppraisalItem(batch_id=batch.id, record_id=rid, due_on=record.retention_due))
    session.flush()


def get_batch(session: Session, batch_id: int) -> AppraisalBatch:
    batch = session.get(AppraisalBatch, batch_id)
    if batch is None:
        raise NotFound(f"appraisal {batch_id} does not exist")
    return batch


def members(session: Session, batch_id: int) -> list[AppraisalMember]:
    return list(session.execute(select(AppraisalMember).where(AppraisalMember.batch_id == batch_id)
                                .order_by(AppraisalMember.id)).scalars())


def items(session: Session, batch_id: int) -> list[AppraisalItem]:
    return list(session.execute(select(AppraisalItem).where(AppraisalItem.batch_id == batch_id)
                                .order_by(AppraisalItem.id)).scalars())


def visible_items(session: Session, viewer: Viewer, batch_id: int) -> list[AppraisalItem]:
    """The batch's items the viewer may see; the others do not exist for them (not even as a count)."""
    return [i for i in items(session, batch_id) if can_see_record_id(session, viewer, i.record_id)]


def batches(session: Session, limit: int = 200) -> list[AppraisalBatch]:
    return list(session.execute(select(AppraisalBatch).order_by(AppraisalBatch.id.desc()).limit(limit)).scalars())


def decide(session: Session, who: Identity, *, batch_id: int, record_id: int, decision: str, reason: str,
           years: int | None = None) -> AppraisalItem:
    """A member of the group records the decision on one record, with its reason."""
    batch = _open(get_batch(session, batch_id))
    member = _member(session, batch.id, who)
    if decision not in DECISIONS:
        raise ValidationError(f"decision must be one of {', '.join(DECISIONS)}")
    if not (reason or "").strip():
        raise ValidationError("every appraisal decision needs a reason")
    if decision == "extend" and (years is None or years < 1):
        raise ValidationError("an extension needs a number of years (at least 1)")
    item = session.execute(select(AppraisalItem).where(
        AppraisalItem.batch_id == batch.id, AppraisalItem.record_id == record_id)).scalar_one_or_none()
    if item is None or not can_see_record_id(session, Viewer.of(member), record_id):
        raise NotFound(f"record {record_id} is not in appraisal {batch.id}")
    record = existing(session, Record, record_id, "record")
    if decision == "destroy":
        if living_personnel_file(record):
            raise Forbidden(f"record {record.archival_code or record.id} is the personnel file of a living person")
        holds.assert_not_held(session, record, "appraise for destruction")
    by = member.username
    item.decision, item.reason, item.decided_by, item.decided_at = decision, reason.strip(), by, utcnow()
    item.extend_years = years if decision == "extend" else None
    audit.record(session, by, "appraisal.decide", f"record:{record_id}",
                 {"batch": batch.id, "decision": decision, "years": item.extend_years, "reason": item.reason})
    return item


def sign(session: Session, who: Identity, *, batch_id: int) -> AppraisalMember:
    """A member signs the group's work."""
    batch = _open(get_batch(session, batch_id))
    member = _member(session, batch.id, who)
    row = session.execute(select(AppraisalMember).where(
        AppraisalMember.batch_id == batch.id, AppraisalMember.username == member.username)).scalar_one()
    if row.signed_at is not None:
        raise Conflict(f"{member.username} already signed appraisal {batch.id}")
    row.signed_at = utcnow()
    audit.record(session, member.username, "appraisal.sign", f"appraisal:{batch.id}")
    return row


def conclude(session: Session, who: Identity, store, *, batch_id: int, opinion: str) -> AppraisalBatch:
    """All items decided and all members signed: apply keep/extend, file the report (WS, Y)."""
    actor = people.require_role(session, who, CREATOR_ROLES, "conclude an appraisal")
    batch = _open(get_batch(session, batch_id))
    if not (opinion or "").strip():
        raise ValidationError("the appraisal report needs the group's opinion")
    group = members(session, batch.id)
    minimum = int(rules.get(session, "appraisal_min_members"))
    if len(group) < minimum:
        raise ValidationError(f"an appraisal group needs at least {minimum} members")
    unsigned = [m.username for m in group if m.signed_at is None]
    if unsigned:
        raise Conflict(f"members have not signed yet: {', '.join(unsigned)}")
    rows = items(session, batch.id)
    undecided = [i.record_id for i in rows if i.decision is None]
    if not rows or undecided:
        raise Conflict(f"records without a decision: {undecided or 'the batch is empty'}")
    source = f"appraisal:{batch.id}"
    for item in rows:
        record = existing(session, Record, item.record_id, "record")
        if item.decision == "extend":
            schedule.extend_due(session, record, years=item.extend_years or 0, reason=item.reason,
                                decided_by=item.decided_by or "", source=source)
        elif item.decision == "keep_permanent":
            schedule.keep_permanently(session, record, reason=item.reason, decided_by=item.decided_by or "",
                                      source=source)
    batch.status, batch.concluded_at, batch.opinion = "concluded", utcnow(), opinion.strip()
    listed = [existing(session, Record, item.record_id, "record") for item in rows]
    report = filing.file_pdf(session, store, fonds_id=listed[0].fonds_id, title=f"{batch.title}鉴定报告",
                             pdf=report_pdf(session, batch), actor=actor.username, filename=f"appraisal-{batch.id}.pdf",
                             listed=listed, notes=source)
    batch.report_record_id = report.id
    audit.record(session, actor.username, "appraisal.conclude", f"appraisal:{batch.id}",
                 {"report_record": report.id, "decisions": {i.record_id: i.decision for i in rows}})
    return batch


def report_pdf(session: Session, batch: AppraisalBatch) -> bytes:
    group = members(session, batch.id)
    rows = []
    for n, item in enumerate(items(session, batch.id), 1):
        r = existing(session, Record, item.record_id, "record")
        decision = DECISION_ZH.get(item.decision or "", "")
        if item.decision == "extend":
            decision += f" {item.extend_years}年"
        rows.append([n, r.archival_code or r.id, r.title, RETENTION_ZH.get(Retention.parse(r.retention), r.retention),
                     item.due_on, decision, item.reason, item.decided_by])
    return paper.document(
        f"{batch.title} 鉴定报告",
        [f"鉴定批次：{batch.id}", f"鉴定小组：{'、'.join(m.username for m in group)}",
         f"鉴定意见：{batch.opinion}", f"完成时间：{batch.concluded_at:%Y-%m-%d %H:%M}"],
        [("鉴定明细", ["序号", "档号", "题名", "保管期限", "到期日", "鉴定结论", "理由", "决定人"], rows)],
        landscape=True, signatures=[f"鉴定小组成员 {m.username}" for m in group],
    )


def _open(batch: AppraisalBatch) -> AppraisalBatch:
    if batch.status != "open":
        raise Conflict(f"appraisal {batch.id} is {batch.status}; it can no longer change")
    return batch


def _member(session: Session, batch_id: int, who: Identity) -> User:
    """The acting person, if they sit on the group and their account is still active."""
    found = people.acting(session, who)
    row = session.execute(select(AppraisalMember.id).where(
        AppraisalMember.batch_id == batch_id, AppraisalMember.username == found.username)).scalar_one_or_none()
    if row is None:
        raise Forbidden(f"{found.username} is not a member of appraisal {batch_id}")
    return found
