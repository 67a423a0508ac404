"""Appraisal (鉴定, DOMAIN.md §6.1-2): a group of at least three members decides per due record
— destroy, extend N years, keep permanently — with reasons; concluding applies the keep and
extend decisions and files the appraisal report as a permanent record. 保存从宽、销毁从严:
a destroy decision is refused for held records and living persons' personnel files."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today, utcnow
from archive.codes import RETENTION_ZH, RecordStatus, Retention, Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lifecycle_models import AppraisalBatch, AppraisalItem, AppraisalMember
from archive.models import Record
from archive.policy import Viewer
from archive.visibility import can_see_record_id
from retention import filing, holds, pdf, people, rules, schedule

DECISIONS = ("destroy", "extend", "keep_permanent")
DECISION_ZH = {"destroy": "销毁", "extend": "延长保管", "keep_permanent": "永久保存"}
CREATOR_ROLES = (Role.ARCHIVIST.value,)


def living_personnel_file(record: Record) -> bool:
    """Personnel files are never destroyed while the person lives (DOMAIN.md §3)."""
    return record.category_code == "RS" and record.person_deceased_on is None


def create_batch(session: Session, *, actor: str, title: str, members: list[str], record_ids: list[int]) -> AppraisalBatch:
    people.require_role(session, actor, CREATOR_ROLES, "open an appraisal")
    members = list(dict.fromkeys(members))
    minimum = int(rules.get(session, "appraisal_min_members"))
    if len(members) < minimum:
        raise ValidationError(f"an appraisal group needs at least {minimum} members, got {len(members)}")
    roles = rules.get(session, "appraiser_roles")
    for name in members:
        people.require_role(session, name, roles, "sit on an appraisal group")
    batch = AppraisalBatch(title=title, created_by=actor, created_at=utcnow())
    session.add(batch)
    session.flush()
    session.add_all(AppraisalMember(batch_id=batch.id, username=name) for name in members)
    add_records(session, batch=batch, actor=actor, record_ids=record_ids)
    audit.record(session, actor, "appraisal.create", f"appraisal:{batch.id}",
                 {"title": title, "members": members, "records": record_ids})
    return batch


def add_records(session: Session, *, batch: AppraisalBatch, actor: str, record_ids: list[int]) -> None:
    _open(batch)
    day = today()
    viewer = people.viewer(session, actor)
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


def decide(session: Session, *, batch_id: int, record_id: int, decision: str, reason: str, by: str,
           years: int | None = None) -> AppraisalItem:
    batch = _open(get_batch(session, batch_id))
    _member(session, batch.id, by)
    if decision not in DECISIONS:
        raise ValidationError(f"decision must be one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise ValidationError("every appraisal decision needs a reason")
    if decision == "extend" and (years is None or years < 1):
        raise ValidationError("an extension needs a number of years (at least 1)")
    item = session.execute(select(AppraisalItem).where(
        AppraisalItem.batch_id == batch.id, AppraisalItem.record_id == record_id)).scalar_one_or_none()
    if item is None or not can_see_record_id(session, people.viewer(session, by), record_id):
        raise NotFound(f"record {record_id} is not in appraisal {batch.id}")
    record = session.get(Record, record_id)
    if decision == "destroy":
        if living_personnel_file(record):
            raise Forbidden(f"record {record.archival_code or record.id} is the personnel file of a living person")
        holds.assert_not_held(session, record, "appraise for destruction")
    item.decision, item.reason, item.decided_by, item.decided_at = decision, reason, by, utcnow()
    item.extend_years = years if decision == "extend" else None
    audit.record(session, by, "appraisal.decide", f"record:{record_id}",
                 {"batch": batch.id, "decision": decision, "years": item.extend_years, "reason": reason})
    return item


def sign(session: Session, *, batch_id: int, member: str) -> None:
    batch = _open(get_batch(session, batch_id))
    row = _member(session, batch.id, member)
    row.signed_at = utcnow()
    audit.record(session, member, "appraisal.sign", f"appraisal:{batch.id}")


def conclude(session: Session, store, *, batch_id: int, actor: str, opinion: str) -> AppraisalBatch:  # noqa: ANN001
    """All items decided and all members signed: apply keep/extend, file the report (WS, Y)."""
    batch = _open(get_batch(session, batch_id))
    if not opinion.strip():
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
        record = session.get(Record, item.record_id)
        if item.decision == "extend":
            schedule.extend(session, record, years=item.extend_years, reason=item.reason, decided_by=item.decided_by,
                            source=source)
        elif item.decision == "keep_permanent":
            schedule.keep_permanently(session, record, reason=item.reason, decided_by=item.decided_by, source=source)
    batch.status, batch.concluded_at, batch.opinion = "concluded", utcnow(), opinion
    first = session.get(Record, rows[0].record_id)
    report = filing.file_pdf(session, store, fonds_id=first.fonds_id, title=f"{batch.title}鉴定报告",
                             pdf=report_pdf(session, batch), actor=actor, filename=f"appraisal-{batch.id}.pdf",
                             notes=source)
    batch.report_record_id = report.id
    audit.record(session, actor, "appraisal.conclude", f"appraisal:{batch.id}",
                 {"report_record": report.id, "decisions": {i.record_id: i.decision for i in rows}})
    return batch


def report_pdf(session: Session, batch: AppraisalBatch) -> bytes:
    group = members(session, batch.id)
    rows = []
    for n, item in enumerate(items(session, batch.id), 1):
        r = session.get(Record, item.record_id)
        decision = DECISION_ZH.get(item.decision or "", "")
        if item.decision == "extend":
            decision += f" {item.extend_years}年"
        rows.append([n, r.archival_code or r.id, r.title, RETENTION_ZH.get(Retention.parse(r.retention), r.retention),
                     item.due_on, decision, item.reason, item.decided_by])
    return pdf.document(
        f"{batch.title} 鉴定报告",
        [f"鉴定批次：{batch.id}", f"鉴定小组：{'、'.join(m.username for m in group)}",
         f"鉴定意见：{batch.opinion}", f"完成时间：{batch.concluded_at:%Y-%m-%d %H:%M}"],
        [("鉴定明细", ["序号", "档号", "题名", "保管期限", "到期日", "鉴定结论", "理由", "决定人"], rows)],
    )


def _open(batch: AppraisalBatch) -> AppraisalBatch:
    if batch.status != "open":
        raise Conflict(f"appraisal {batch.id} is {batch.status}; it can no longer change")
    return batch


def _member(session: Session, batch_id: int, username: str) -> AppraisalMember:
    row = session.execute(select(AppraisalMember).where(
        AppraisalMember.batch_id == batch_id, AppraisalMember.username == username)).scalar_one_or_none()
    if row is None:
        raise Forbidden(f"{username} is not a member of appraisal {batch_id}")
    people.user(session, username)  # still an active user
    return row
