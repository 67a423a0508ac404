"""Catalog rows for the sync, service and CLI tests: a SQLite file catalog per test."""

from __future__ import annotations

import datetime as dt
import shutil

from archive.db import Catalog
from archive.models import Category, Fonds, IndexOutbox, Page, Record, User


def new_catalog(request, tmp_path) -> Catalog:
    path = tmp_path / "c.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)  # migrated once per session
    catalog = Catalog(f"sqlite:///{path}")
    with catalog.session() as s:
        for code, zh in (("WS", "文书档案"), ("SB", "社保业务档案"), ("RS", "人事档案")):
            if s.get(Category, code) is None:
                s.add(Category(code=code, name_zh=zh, name_en=code))
        if not s.query(Fonds).filter_by(code="J001").first():
            s.add(Fonds(code="J001", name="测试局"))
    return catalog


def file_record(catalog: Catalog, title: str, pages: list[str], **fields) -> int:
    """A filed record with its pages, in one transaction (the unit of work queues its indexing)."""
    with catalog.session() as s:
        fonds = s.query(Fonds).filter_by(code="J001").one()
        values = {
            "category_code": "WS",
            "year": 2019,
            "retention": "D30",
            "status": "filed",
            "secrecy": "internal",
            "doc_date": dt.date(2019, 5, 1),
        }
        values.update(fields)
        record = Record(fonds_id=fonds.id, title=title, **values)
        s.add(record)
        s.flush()
        record.archival_code = (
            record.archival_code or f"J001-{record.category_code}·{record.year}-D30-{record.id:04d}"
        )
        for n, text in enumerate(pages, 1):
            s.add(Page(record_id=record.id, page_no=n, ocr_text=text))
        return record.id


def change_record(catalog: Catalog, record_id: int, **fields) -> None:
    with catalog.session() as s:
        record = s.get(Record, record_id)
        for k, v in fields.items():
            setattr(record, k, v)


def add_user(catalog: Catalog, name: str, role: str = "staff", clearance: str = "internal", **kw) -> None:
    with catalog.session() as s:
        s.add(User(username=name, role=role, clearance=clearance, **kw))


def outbox(catalog: Catalog) -> list[IndexOutbox]:
    with catalog.session() as s:
        return list(s.query(IndexOutbox).order_by(IndexOutbox.id))
