"""Builders for synthetic records with stored objects and pages; their retention dates follow
from year and retention in the unit of work (archive.unit_of_work), as for every record."""

from __future__ import annotations

from archive.models import Page, Record, StoredObject


def make_record(session, fonds_id: int, store=None, *, n_objects: int = 0, **fields) -> Record:
    values = {"category_code": "WS", "year": 2008, "retention": "D10", "title": "关于考勤的通知", "status": "filed",
              "pages": n_objects}
    values.update(fields)
    record = Record(fonds_id=fonds_id, **values)  # the unit of work derives its dates from year and retention
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
