"""Tables of issue 19's archive-room rules (DOMAIN.md §7, §15): typed links between records (a
signed draft and its fair copy, a leader's instruction and the report it answers), the stack-room
log (entries of non-archivists, temperature and humidity readings) and the review form of an
incoming personnel file (档案审查表). Created by migration 0019."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.clock import utcnow
from archive.models import Base


class RecordLink(Base):
    """`from_record` stands to `to_record` as `kind` says: a signed draft (签发稿) of the fair copy
    (正本), a leader's written instruction (领导批示) on the report it answers, or a related record."""

    __tablename__ = "record_links"
    __table_args__ = (UniqueConstraint("from_record_id", "to_record_id", "kind", name="uq_record_links_pair"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    to_record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # draft_of | instruction_on | related
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StackRoomEntry(Base):
    """出入库登记: who went into the stack room, when in and out, for what, approved by which leader
    (empty for an archivist, who needs no approval)."""

    __tablename__ = "stack_room_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(30), default="")
    person_name: Mapped[str] = mapped_column(String(50))
    username: Mapped[str] = mapped_column(String(50), default="")  # "" for someone without an account
    unit: Mapped[str] = mapped_column(String(100), default="")
    purpose: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(50), default="")
    recorded_by: Mapped[str] = mapped_column(String(50))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    left_at: Mapped[dt.datetime | None] = mapped_column()


class StackRoomReading(Base):
    """One temperature and humidity reading, typed in or imported from a sensor CSV; `alert` names
    what was out of the limits in force when it was taken ("" when none)."""

    __tablename__ = "stack_room_readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(30), default="")
    taken_at: Mapped[dt.datetime] = mapped_column(index=True)
    temperature: Mapped[float] = mapped_column(Float)
    humidity: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(100), default="manual")
    alert: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(50))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PersonnelReview(Base):
    """档案审查表 of an incoming personnel file: how it came, alteration or forgery, inconsistencies,
    missing materials, wrong key data; then returned to the sender with a reason, or kept with the
    person's 告知承诺 for what is missing, or accepted."""

    __tablename__ = "personnel_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id_number: Mapped[str] = mapped_column(String(18), index=True)
    person_name: Mapped[str] = mapped_column(String(50))
    from_unit: Mapped[str] = mapped_column(String(100))  # the sender (former employer or its keeper)
    arrived_on: Mapped[dt.date] = mapped_column(Date)
    how_came: Mapped[str] = mapped_column(String(15))  # courier | messenger | self_carried | post
    alteration: Mapped[str] = mapped_column(Text, default="")  # 涂改造假 found ("" none)
    inconsistencies: Mapped[str] = mapped_column(Text, default="")  # 前后不一致
    missing: Mapped[list] = mapped_column(default=list)  # 缺失材料
    wrong_key_data: Mapped[str] = mapped_column(Text, default="")  # 关键信息错误
    status: Mapped[str] = mapped_column(String(15), default="open", index=True)  # open|returned|committed|accepted
    reviewed_by: Mapped[str] = mapped_column(String(50))
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    returned_by: Mapped[str] = mapped_column(String(50), default="")
    returned_at: Mapped[dt.datetime | None] = mapped_column()
    commitment_due: Mapped[dt.date | None] = mapped_column(Date)  # missing materials promised by
    committed_at: Mapped[dt.datetime | None] = mapped_column()
