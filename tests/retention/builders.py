"""Builders for synthetic records with stored objects and pages."""

from __future__ import annotations

from archive.models import Page, Record, StoredObject
from archive.retention_dates import retention_dates


def make_record(session, fonds_id: int, store=None, *, n_objects: int = 0, **fields) -> Record:
    values = {"category_code": "WS", "year": 2008, "retention": "D10", "title": "关于考勤的通知", "status": "filed",
              "pages": n_objects}
    values.update(fields)
    record = Record(fonds_id=fonds_id, **values)
    start, due, transfer = retention_dates(record.year, record.retention)
    record.retention_start = record.retention_start or start
    record.retention_due = record.retention_due or due
    record.transfer_due = record.transfer_due or transfer
    session.add(record)
    session.flush()
    if record.archival_code is None:
        record.archival_code = f"J001-{record.category_code}·{record.year}-{record.retention}-{record.id:04d}"
    roles = ["original", "page_image", "thumbnail", "pdf", "text"]
    for i in range(n_objects):
        data = f"record {record.id} object {i}".encode()
        key = store.put(data)
        session.add(StoredObject(sha256=key, size=len(data), media_type="application/octet-stream",
                                 role=roles[i % len(roles)], record_id=record.id, page_no=i + 1))
        session.add(Page(record_id=record.id, page_no=i + 1, ocr_text=f"第{i + 1}页 正文", sha256=key))
    session.flush()
    return record
