"""Tables of utilization (all on archive.models.Base; migration 0022)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from archive.clock import utcnow
from archive.models import Base


class UtilizationRequest(Base):
    """查档登记: one walk-in, outside-unit or self-service request, a line of the 利用登记簿."""

    __tablename__ = "utilization_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # CD2026-0001
    kind: Mapped[str] = mapped_column(String(15))  # walk_in | outside_unit | self_service
    requester_name: Mapped[str] = mapped_column(String(50))
    requester_id_number: Mapped[str] = mapped_column(String(18), index=True)
    unit: Mapped[str] = mapped_column(String(200), default="")  # outside unit's name
    letter_no: Mapped[str] = mapped_column(String(100), default="")  # 介绍信编号
    purpose: Mapped[str] = mapped_column(String(40))  # a code of the purpose list
    purpose_note: Mapped[str] = mapped_column(Text, default="")
    found: Mapped[list] = mapped_column(default=list)  # record ids picked at the desk
    level: Mapped[str] = mapped_column(String(15), default="public")  # highest secrecy of `found`
    outcome: Mapped[str] = mapped_column(String(15), default="open")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    registered_by: Mapped[str] = mapped_column(String(50))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    closed_by: Mapped[str] = mapped_column(String(50), default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column()


class CertifiedCopy(Base):
    """复制件: what was copied, for whom, and the SHA-256 of the file handed out (the verification)."""

    __tablename__ = "certified_copies"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("utilization_requests.id"))
    items: Mapped[list] = mapped_column(default=list)  # [{"record": id, "pages": [1, 2]}]
    level: Mapped[str] = mapped_column(String(15), default="public")
    copies: Mapped[int] = mapped_column(Integer, default=1)
    form: Mapped[str] = mapped_column(String(15), default="electronic")  # electronic | printed
    copying_organ: Mapped[str] = mapped_column(String(200))
    requester_name: Mapped[str] = mapped_column(String(50))
    purpose: Mapped[str] = mapped_column(String(40), default="")
    approval: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the PDF handed out; its object key
    issued_by: Mapped[str] = mapped_column(String(50))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SelfServiceCode(Base):
    """A one-time code the archivist hands to a citizen; only its hash is kept."""

    __tablename__ = "self_service_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    person_name: Mapped[str] = mapped_column(String(50))
    code_hash: Mapped[str] = mapped_column(String(128))  # scrypt, salted
    salt: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()
    failures: Mapped[int] = mapped_column(Integer, default=0)
    issued_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
