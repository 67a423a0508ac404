"""Small builders for catalog tests."""

from __future__ import annotations

from archive import seed
from archive.models import Fonds, Record


def seeded(session) -> Fonds:
    seed.seed_defaults(session, "test")
    return session.query(Fonds).filter_by(code="J001").one()


def make_record(session, fonds: Fonds, **fields) -> Record:
    values = {"category_code": "WS", "year": 2018, "retention": "D30", "title": "关于测试的通知", "status": "filed"}
    values.update(fields)
    record = Record(fonds_id=fonds.id, **values)
    session.add(record)
    session.flush()
    return record
