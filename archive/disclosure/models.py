"""Tables of disclosure: the review history of records' attributes and the request register."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from archive.clock import utcnow
from archive.models import Base


class DisclosureReview(Base):
    """One decision on a record's disclosure attribute: who decided, when, from what to what."""

    __tablename__ = "disclosure_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    disclosure: Mapped[str] = mapped_column(String(15))
    reason: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    previous: Mapped[str] = mapped_column(String(15), default="")
    previous_reason: Mapped[str] = mapped_column(String(100), default="")
    decided_by: Mapped[str] = mapped_column(String(50))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DisclosureRequest(Base):
    """依申请公开 register: one request, its statutory clock and its answer."""

    __tablename__ = "disclosure_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. 2026-007
    year: Mapped[int] = mapped_column(Integer)
    requester: Mapped[str] = mapped_column(String(200))
    requester_kind: Mapped[str] = mapped_column(String(15), default="citizen")
    id_number: Mapped[str] = mapped_column(String(30), default="")  # ID card or unified social credit code
    contact: Mapped[str] = mapped_column(String(200), default="")
    form: Mapped[str] = mapped_column(String(15), default="in_person")
    received_on: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    record_ids: Mapped[list] = mapped_column(default=list)  # records found
    status: Mapped[str] = mapped_column(String(15), default="open")
    due_on: Mapped[dt.date] = mapped_column(Date)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extension_approved_by: Mapped[str] = mapped_column(String(50), default="")
    extended_at: Mapped[dt.datetime | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(15), default="")
    outcome_reason: Mapped[str] = mapped_column(String(30), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_by: Mapped[str] = mapped_column(String(50), default="")
    registered_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_disclosure_requests_status_due", "status", "due_on"),)
