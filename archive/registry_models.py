"""Registry tables of issue 19 (DOMAIN.md §15), created by migration 0018: the copy and extract
register (复制/摘抄登记), the officers of the arbitration deliberation committee and their special
access approvals (合议), and the register of non-record documents destroyed (非归档文件销毁登记).

Rows are history: services add and close them, never delete them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.clock import utcnow
from archive.models import Base


class CopyEntry(Base):
    """One copying or extracting of a record: who copied, when, how many, on whose approval; the
    annotation every copy carries; an extract belongs to the reader's unit (`reader_unit`)."""

    __tablename__ = "copy_register"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # FD2026-00001 / ZC2026-00001
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # copy | extract
    pages: Mapped[str] = mapped_column(String(50), default="")
    copies: Mapped[int] = mapped_column(Integer, default=1)
    copying_organ: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    reader: Mapped[str] = mapped_column(String(50), default="")
    reader_unit: Mapped[str] = mapped_column(String(200), default="")  # an extract belongs to it
    secrecy: Mapped[str] = mapped_column(String(15))  # the original's, carried by every copy
    superior_secret: Mapped[bool] = mapped_column(Boolean, default=False)  # a superior organ's secret document
    issuing_organ_approval: Mapped[str] = mapped_column(String(200), default="")  # its approval, as recorded
    approved_by: Mapped[str] = mapped_column(String(50), default="")  # office director / leader in charge
    special_approval_id: Mapped[int | None] = mapped_column(ForeignKey("special_access_approvals.id"))
    request_no: Mapped[str] = mapped_column(String(40), default="")  # the loan request it went through
    annotation: Mapped[str] = mapped_column(Text, default="")  # printed on every copy
    registered_by: Mapped[str] = mapped_column(String(50))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SpecialOfficer(Base):
    """A holder of an office that special access rules name (合议委员会主任 / 副主任)."""

    __tablename__ = "special_officers"
    __table_args__ = (UniqueConstraint("username", "office", name="uq_special_officers_username_office"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    office: Mapped[str] = mapped_column(String(20))  # panel_chair | panel_vice_chair
    appointed_by: Mapped[str] = mapped_column(String(50))
    appointed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SpecialAccessApproval(Base):
    """The committee chair's or vice-chair's approval for one person to read, extract or copy
    one 合议 record."""

    __tablename__ = "special_access_approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    grantee: Mapped[str] = mapped_column(String(50))
    uses: Mapped[list] = mapped_column(JSON, default=list)  # read | extract | copy
    reason: Mapped[str] = mapped_column(Text, default="")
    approver: Mapped[str] = mapped_column(String(50))
    approver_office: Mapped[str] = mapped_column(String(20))
    approved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class NonRecordDestruction(Base):
    """A lot of documents without filing value (非归档文件), destroyed with the office director's
    approval; secret ones before two people, their carriers handed to the designated
    destruction unit against its receipt."""

    __tablename__ = "non_record_destructions"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # FG2026-00001
    description: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(50), default="")
    items: Mapped[int] = mapped_column(Integer, default=1)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    secrecy: Mapped[str] = mapped_column(String(15), default="internal")
    carrier: Mapped[str] = mapped_column(String(20), default="paper")  # paper | disc | disk | other
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="registered")  # registered|approved|rejected|destroyed
    registered_by: Mapped[str] = mapped_column(String(50))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str] = mapped_column(String(50), default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column()
    decision_note: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(20), default="")  # shred | pulp | incinerate | destruction_unit
    place: Mapped[str] = mapped_column(String(100), default="")
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    destruction_unit: Mapped[str] = mapped_column(String(200), default="")
    receipt_no: Mapped[str] = mapped_column(String(100), default="")
    executed_by: Mapped[str] = mapped_column(String(50), default="")
    destroyed_at: Mapped[dt.datetime | None] = mapped_column()
