"""Transfer to the state archive (移交进馆, DOMAIN.md §7; migration 0014): a batch of records and
volumes due for transfer, its items as listed on the 移交清册, the electronic package and its
four-property check. Written by retention.state_transfer; rows are history, never deleted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from archive.clock import utcnow
from archive.models import Base

BATCH_STATUSES = ("draft", "packaged", "checked", "completed")


class StateTransfer(Base):
    """One transfer batch: draft -> packaged -> checked (the package passed DA/T 70) -> completed."""

    __tablename__ = "state_transfers"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    to_archive: Mapped[str] = mapped_column(String(200))  # the receiving 综合档案馆
    status: Mapped[str] = mapped_column(String(15), default="draft")
    as_of: Mapped[dt.date] = mapped_column()  # the day the due list was taken
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    embed: Mapped[bool] = mapped_column(Boolean, default=True)  # files base64 inside each EEP, or beside it
    package_sha256: Mapped[str] = mapped_column(String(64), default="")  # the ZIP in the object store
    package_size: Mapped[int] = mapped_column(BigInteger, default=0)
    packaged_by: Mapped[str] = mapped_column(String(50), default="")
    packaged_at: Mapped[dt.datetime | None] = mapped_column()
    check_passed: Mapped[bool | None] = mapped_column(Boolean)  # None: not checked yet
    check_results: Mapped[dict] = mapped_column(JSON, default=dict)
    checked_by: Mapped[str] = mapped_column(String(50), default="")
    checked_at: Mapped[dt.datetime | None] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(100), default="")  # the state archive's receiver, by name
    completed_by: Mapped[str] = mapped_column(String(50), default="")
    completed_at: Mapped[dt.datetime | None] = mapped_column()


class StateTransferItem(Base):
    """One line of the 移交清册: a record (件) or a volume (卷), with its catalogue fields as handed over."""

    __tablename__ = "state_transfer_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("state_transfers.id"), index=True)
    seq_no: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(10))  # record | volume
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("volumes.id"))
    archival_code: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(5))
    secrecy: Mapped[str] = mapped_column(String(15))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    opening: Mapped[str] = mapped_column(String(10), default="")  # 开放审核意见: open | controlled
    eep_path: Mapped[str] = mapped_column(String(200), default="")  # the record's EEP inside the package
    eep_sha256: Mapped[str] = mapped_column(String(64), default="")
