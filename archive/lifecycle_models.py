"""Life-cycle tables (DOMAIN.md §3, §4, §6, §11): schedule changes, retention history, holds,
appraisal, destruction registers and their approvals, witnesses and certificates, secrecy
reviews and four-property checks. Written by retention/; created by migration 0003.

Rows here are history: services append and close them, never delete them, so compliance
reports can be reproduced as of any past date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.clock import utcnow
from archive.models import Base


class LifecycleSetting(Base):
    """Configurable life-cycle rules (appraisal group size, approver roles...), by key."""

    __tablename__ = "lifecycle_settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)  # {"value": ...}


class ScheduleChange(Base):
    """One version step of the retention schedule: which rule changed, why, who approved.

    A change is proposed by one person and approved (or rejected) by another in their own
    session: until then it is `proposed`, has version 0 and no new rule; a new entry's
    category, kind and keywords wait in the proposal (migration 0007)."""

    __tablename__ = "schedule_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)  # schedule version after this change (0 while proposed)
    old_rule_id: Mapped[int | None] = mapped_column(ForeignKey("retention_rules.id"))
    new_rule_id: Mapped[int | None] = mapped_column(ForeignKey("retention_rules.id"))
    old_retention: Mapped[str] = mapped_column(String(5), default="")
    new_retention: Mapped[str] = mapped_column(String(5), default="")
    reason: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(50))  # who proposed it
    approved_by: Mapped[str] = mapped_column(String(50))  # who approved or rejected it ("" while proposed)
    recomputed: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # proposed at
    status: Mapped[str] = mapped_column(String(10), default="approved", server_default="approved")  # proposed | approved | rejected
    scheme: Mapped[str] = mapped_column(String(20), default="", server_default="")  # a new entry's scheme
    category_code: Mapped[str] = mapped_column(String(2), default="", server_default="")  # a new entry's category
    kind: Mapped[str] = mapped_column(String(100), default="", server_default="")  # a new entry's kind
    keywords: Mapped[list | None] = mapped_column(JSON)  # a new entry's keywords; None: keep the old rule's
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")  # why it was rejected


class RetentionChange(Base):
    """Every change of one record's retention or due date (extension, schedule change, keep
    permanently): the history that lets reports say what was due on a past date."""

    __tablename__ = "retention_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # extend | schedule | keep_permanent
    old_retention: Mapped[str] = mapped_column(String(5))
    new_retention: Mapped[str] = mapped_column(String(5))
    old_due: Mapped[dt.date | None] = mapped_column(Date)
    new_due: Mapped[dt.date | None] = mapped_column(Date)
    years: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(60), default="")  # appraisal:3, schedule:7
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # One record's retention set by a person (kind shorten | lengthen, migration 0016): a shortening
    # waits `proposed` for an approver, as a schedule change that shortens does; the rest is `applied`.
    status: Mapped[str] = mapped_column(String(10), default="applied", server_default="applied")
    approved_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")


class Hold(Base):
    """冻结: a litigation, audit or investigation hold over a scope. Released, never deleted."""

    __tablename__ = "holds"
    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(10))  # record | volume | category | query
    target: Mapped[str] = mapped_column(String(60), default="")  # record id, volume id or category code
    query: Mapped[dict] = mapped_column(JSON, default=dict)  # saved query for scope=query
    placed_by: Mapped[str] = mapped_column(String(50))
    placed_role: Mapped[str] = mapped_column(String(30), default="")  # who may release it: this role or higher
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(50))
    released_at: Mapped[dt.datetime | None] = mapped_column()
    release_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_holds_scope_target", "scope", "target"),)


class AppraisalBatch(Base):
    """鉴定: a batch of due records appraised by a group of at least three members."""

    __tablename__ = "appraisal_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(15), default="open")  # open | concluded
    concluded_at: Mapped[dt.datetime | None] = mapped_column()
    opinion: Mapped[str] = mapped_column(Text, default="")
    report_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))


class AppraisalMember(Base):
    __tablename__ = "appraisal_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("appraisal_batches.id"), index=True)
    username: Mapped[str] = mapped_column(String(50))
    signed_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("batch_id", "username", name="uq_appraisal_members_batch_user"),)


class AppraisalItem(Base):
    """One record in a batch and the group's decision on it."""

    __tablename__ = "appraisal_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("appraisal_batches.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # the due date this appraisal answers
    decision: Mapped[str | None] = mapped_column(String(15))  # destroy | extend | keep_permanent
    extend_years: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(50))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("batch_id", "record_id", name="uq_appraisal_items_batch_record"),)


class DestructionRegister(Base):
    """销毁清册, with the execution state machine's position (status + step)."""

    __tablename__ = "destruction_registers"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("appraisal_batches.id"))
    title: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(50))
    archivist: Mapped[str] = mapped_column(String(50), default="")
    required_roles: Mapped[list] = mapped_column(JSON, default=list)  # approver roles needed
    # draft -> approved -> executing -> executed
    status: Mapped[str] = mapped_column(String(15), default="draft")
    method: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    executed_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    register_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # 备案: a register listing social-insurance files is also filed with the HRSS department
    # (DOMAIN.md §6.3): the day, the department's reference and who recorded it (migration 0020).
    filed_with_authority_on: Mapped[dt.date | None] = mapped_column(Date)
    filed_with_authority_ref: Mapped[str] = mapped_column(String(100), default="", server_default="")
    filed_with_authority_by: Mapped[str] = mapped_column(String(50), default="", server_default="")


class DestructionEntry(Base):
    """One line of the register (DOMAIN.md §6); exists before the record is touched."""

    __tablename__ = "destruction_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("destruction_registers.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    seq_no: Mapped[int] = mapped_column(Integer)
    category_code: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(Text)
    archival_code: Mapped[str] = mapped_column(String(60), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    secrecy: Mapped[str] = mapped_column(String(15))
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(15), default="pending")  # pending | destroying | destroyed
    destroyed_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("register_id", "record_id", name="uq_destruction_entries_register_record"),)


class DestructionApproval(Base):
    __tablename__ = "destruction_approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("destruction_registers.id"), index=True)
    approver: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    opinion: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DestructionWitness(Base):
    __tablename__ = "destruction_witnesses"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("destruction_registers.id"), index=True)
    witness: Mapped[str] = mapped_column(String(50))
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DestructionCertificate(Base):
    """The certificate PDF of an executed register, kept in the object store."""

    __tablename__ = "destruction_certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("destruction_registers.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SecrecyReview(Base):
    """A security officer's review of a state secret: at term end, or the yearly review."""

    __tablename__ = "secrecy_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # term_end | yearly
    term_end: Mapped[dt.date | None] = mapped_column(Date)  # the declassify_on date reviewed
    review_year: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(15))  # declassify | extend | keep
    new_declassify_on: Mapped[dt.date | None] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(Text, default="")
    old_level: Mapped[str] = mapped_column(String(15), default="")
    new_level: Mapped[str] = mapped_column(String(15), default="")
    authority: Mapped[str] = mapped_column(String(300), default="")  # who decided a lowering (DOMAIN.md §4)
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FourPropertyCheck(Base):
    """四性检测 result for one record (DA/T 70)."""

    __tablename__ = "four_property_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    stage: Mapped[str] = mapped_column(String(15), default="on_demand")  # filing | transfer | on_demand
    batch: Mapped[str] = mapped_column(String(60), default="")
    passed: Mapped[bool] = mapped_column(Boolean)  # true only when every check ran and none failed
    # passed | failed | not_checked (a check that could not run, such as the malware scan; 0017)
    outcome: Mapped[str] = mapped_column(String(12), default="", server_default="")
    results: Mapped[dict] = mapped_column(JSON, default=dict)
    checked_by: Mapped[str] = mapped_column(String(50))
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
