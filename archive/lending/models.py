"""Tables of lending, the store, transfers, inventory and fixity (all on archive.models.Base)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.clock import utcnow
from archive.models import Base


class ApprovalRule(Base):
    """One row of the configurable approval matrix; no rows means the DOMAIN.md §5 defaults."""

    __tablename__ = "approval_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[int] = mapped_column(Integer)  # first matching row wins
    name: Mapped[str] = mapped_column(String(50))
    min_level: Mapped[str | None] = mapped_column(String(15))
    extract: Mapped[bool | None] = mapped_column(Boolean)
    other_department: Mapped[bool | None] = mapped_column(Boolean)
    personnel: Mapped[bool | None] = mapped_column(Boolean)
    steps: Mapped[list] = mapped_column(default=list)  # [[role, ...], ...]: one approval per step, any listed role
    consultation: Mapped[bool | None] = mapped_column(Boolean)  # content reserved by archive.use_matrix


class FamilyRelation(Base):
    """A user's declared identity (relation 'self') and relatives, for the personnel-file rule."""

    __tablename__ = "family_relations"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    relation: Mapped[str] = mapped_column(String(20))  # self, spouse, parent, child, sibling, ...
    person_name: Mapped[str] = mapped_column(String(50), default="")
    person_id_number: Mapped[str] = mapped_column(String(18), index=True)
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoanRequest(Base):
    """借阅/查阅申请: borrower, purpose, form, period, items; walks pending → approved → issued → closed."""

    __tablename__ = "loan_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 借阅单号, printed in the watermark
    requester: Mapped[str] = mapped_column(String(50), index=True)
    department: Mapped[str] = mapped_column(String(50), default="")
    purpose: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(15))  # reading_room | electronic | loan
    extract: Mapped[bool] = mapped_column(Boolean, default=False)
    days: Mapped[int] = mapped_column(Integer, default=7)
    level: Mapped[str] = mapped_column(String(15))  # highest secrecy of the items
    personnel: Mapped[bool] = mapped_column(Boolean, default=False)
    readers: Mapped[list] = mapped_column(default=list)  # user names who will read
    outside_name: Mapped[str] = mapped_column(String(50), default="")
    outside_unit: Mapped[str] = mapped_column(String(100), default="")
    outside_letter: Mapped[str] = mapped_column(String(100), default="")  # 介绍信 number or object key
    outside_id_number: Mapped[str] = mapped_column(String(18), default="")
    steps: Mapped[list] = mapped_column(default=list)  # approval chain chosen at submission
    rule: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(15), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # rejection reason
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    # Possible relations found by archive.relations (same surname, same birthplace code): for the archivist.
    flags: Mapped[list] = mapped_column(default=list)

    items: Mapped[list[LoanRequestItem]] = relationship(back_populates="request", order_by="LoanRequestItem.id")
    approvals: Mapped[list[Approval]] = relationship(back_populates="request", order_by="Approval.id")


class LoanRequestItem(Base):
    __tablename__ = "loan_request_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("loan_requests.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("volumes.id"))
    secrecy: Mapped[str] = mapped_column(String(15))

    request: Mapped[LoanRequest] = relationship(back_populates="items")


class Approval(Base):
    __tablename__ = "loan_approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("loan_requests.id"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    approver: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))  # approve | reject
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    request: Mapped[LoanRequest] = relationship(back_populates="approvals")


class Loan(Base):
    """One physical volume out of the store. The partial unique index allows one active loan per volume."""

    __tablename__ = "loans"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("loan_requests.id"), index=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("volumes.id"))
    borrower: Mapped[str] = mapped_column(String(50))
    issued_by: Mapped[str] = mapped_column(String(50))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_on: Mapped[dt.date] = mapped_column(Date)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    returned_at: Mapped[dt.datetime | None] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(50), default="")
    pages_expected: Mapped[int | None] = mapped_column(Integer)
    pages_returned: Mapped[int | None] = mapped_column(Integer)
    damage: Mapped[str] = mapped_column(Text, default="")
    last_reminded_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        Index(
            "uq_loans_active_volume", "volume_id", unique=True,
            sqlite_where=text("active = 1"), postgresql_where=text("active"),
        ),
    )


class ViewingGrant(Base):
    """Time-limited right of one reader to see one record's content (electronic or reading room)."""

    __tablename__ = "viewing_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("loan_requests.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    username: Mapped[str] = mapped_column(String(50), index=True)
    place: Mapped[str] = mapped_column(String(15))  # electronic | reading_room
    accompanied_by: Mapped[str] = mapped_column(String(50), default="")  # archivist staying with the reader
    download: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by: Mapped[str] = mapped_column(String(50))
    starts_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class Extract(Base):
    """摘抄/复制件: registered, inherits the original's secrecy, counted."""

    __tablename__ = "extracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("loan_requests.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    kind: Mapped[str] = mapped_column(String(10))  # extract | copy
    reader: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    pages: Mapped[str] = mapped_column(String(50), default="")
    copies: Mapped[int] = mapped_column(Integer, default=1)
    secrecy: Mapped[str] = mapped_column(String(15))
    stamped: Mapped[bool] = mapped_column(Boolean, default=True)  # bears the bureau's stamp
    registered_by: Mapped[str] = mapped_column(String(50))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LocationHistory(Base):
    """Every shelving of a volume; rows are only ever added."""

    __tablename__ = "location_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("volumes.id"), index=True)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    actor: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(String(100), default="")
    moved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StoreMovement(Base):
    """出入库登记: every movement of a volume into or out of the store."""

    __tablename__ = "store_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("volumes.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    reason: Mapped[str] = mapped_column(String(20))  # receive | loan | return | reading_room | transfer
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id"))
    actor: Mapped[str] = mapped_column(String(50))
    carriers: Mapped[list] = mapped_column(default=list)  # top-secret carriers move only with two people
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TransferRegister(Base):
    """移交登记表 of a department, checked item by item by the archivist."""

    __tablename__ = "transfer_registers"
    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(50))
    year: Mapped[int] = mapped_column(Integer)
    handed_by: Mapped[str] = mapped_column(String(50))
    dept_head: Mapped[str] = mapped_column(String(50))
    category_code: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(15), default="submitted")  # submitted | checked | closed
    received_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column()

    items: Mapped[list[TransferItem]] = relationship(back_populates="register", order_by="TransferItem.line")


class TransferItem(Base):
    __tablename__ = "transfer_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("transfer_registers.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    archival_code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    transaction_no: Mapped[str] = mapped_column(String(50), default="")  # business-system 业务流水号 (SB)
    arrived: Mapped[bool | None] = mapped_column(Boolean)
    pages_arrived: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[list] = mapped_column(default=list)
    decision: Mapped[str] = mapped_column(String(10), default="")  # accept | reject
    reason: Mapped[str] = mapped_column(Text, default="")
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("volumes.id"))

    register: Mapped[TransferRegister] = relationship(back_populates="items")


class DossierChecklist(Base):
    """Completeness of one incoming personnel dossier, and the one-time 告知承诺 notice."""

    __tablename__ = "dossier_checklists"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id_number: Mapped[str] = mapped_column(String(18), unique=True)
    person_name: Mapped[str] = mapped_column(String(50))
    materials: Mapped[dict] = mapped_column(default=dict)  # material -> present?
    problems: Mapped[list] = mapped_column(default=list)  # altered or inconsistent entries
    notice_text: Mapped[str] = mapped_column(Text, default="")
    notice_issued_at: Mapped[dt.datetime | None] = mapped_column()
    undertaking_signed_at: Mapped[dt.datetime | None] = mapped_column()
    checked_by: Mapped[str] = mapped_column(String(50))
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PersonnelTransferNotice(Base):
    """干部档案转递通知单 with its receipt slip (回执); chased when not back within a month."""

    __tablename__ = "personnel_transfer_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    person_id_number: Mapped[str] = mapped_column(String(18))
    person_name: Mapped[str] = mapped_column(String(50))
    to_unit: Mapped[str] = mapped_column(String(100))
    carrier: Mapped[str] = mapped_column(String(15))  # courier (机要交通) | messenger (专人送取)
    carrier_name: Mapped[str] = mapped_column(String(50))
    sent_by: Mapped[str] = mapped_column(String(50))
    sent_on: Mapped[dt.date] = mapped_column(Date)
    receipt_due: Mapped[dt.date] = mapped_column(Date)
    receipt_on: Mapped[dt.date | None] = mapped_column(Date)
    receipt_signed_by: Mapped[str] = mapped_column(String(50), default="")
    chased_on: Mapped[dt.date | None] = mapped_column(Date)


class InventoryCheck(Base):
    """盘点: scans shelf by shelf; the result is kept when the check is closed."""

    __tablename__ = "inventory_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(20), default="")  # empty: every room
    opened_by: Mapped[str] = mapped_column(String(50))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    result: Mapped[dict] = mapped_column(default=dict)


class InventoryScan(Base):
    __tablename__ = "inventory_scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("inventory_checks.id"), index=True)
    location_path: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(60))
    scanned_by: Mapped[str] = mapped_column(String(50))
    scanned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """In-app message to one user (overdue reminders, fixity alerts)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column()


class FixityRun(Base):
    __tablename__ = "fixity_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    slice_no: Mapped[int] = mapped_column(Integer, default=1)
    slices: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    checked: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(50))


class FixityFailure(Base):
    __tablename__ = "fixity_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("fixity_runs.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12))  # changed | missing | unexpected
    object_ids: Mapped[list] = mapped_column(default=list)
    found_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
