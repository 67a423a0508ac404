"""A small archive room for utilization tests: an archivist cleared to secret, one cleared to
internal, a staff member, and social-insurance records of two people with scanned pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image, ImageDraw

from archive.identity import of_user, system
from archive.models import Page, Record, StoredObject, User
from storage.local import LocalObjectStore
from tests.catalog.helpers import seeded

# Two valid 18-digit numbers (GB 11643 check characters) and one with a wrong last character.
ALICE_ID = "11010519491231002X"
BOB_ID = "440524198001010013"
BAD_ID = "110105194912310021"


def page_png(text: str) -> bytes:
    image = Image.new("L", (800, 1100), 255)
    ImageDraw.Draw(image).text((40, 40), text, fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def add_record(session, fonds, store, *, pages: int = 2, **fields) -> Record:
    values = {"category_code": "SB", "year": 2020, "retention": "D30", "status": "filed", "secrecy": "internal",
              "title": "参保登记表", "doc_date": dt.date(2020, 3, 1), "pages": pages}
    values.update(fields)
    record = Record(fonds_id=fonds.id, **values)
    session.add(record)
    session.flush()
    record.archival_code = f"J001-{record.category_code}·2020-D30-{record.id:04d}"
    for n in range(1, pages + 1):
        key = store.put(page_png(f"record {record.id} page {n}"), media_type="image/png")
        session.add(Page(record_id=record.id, page_no=n, ocr_text=f"第{n}页"))
        session.add(StoredObject(sha256=key, size=1, media_type="image/png", role="page_image",
                                 record_id=record.id, page_no=n))
    session.flush()
    return record


@pytest.fixture
def store(tmp_path):
    return LocalObjectStore(tmp_path / "objects")


@pytest.fixture
def room(catalog, store):
    ids = {}
    with catalog.session() as s:
        fonds = seeded(s)
        s.add_all([User(username="arch", display_name="档案员甲", role="archivist", clearance="secret"),
                   User(username="low", display_name="档案员丙", role="archivist", clearance="internal"),
                   User(username="clerk", display_name="业务员乙", role="staff", clearance="internal"),
                   User(username="office", display_name="办公室主任丁", role="office_director", clearance="internal"),
                   User(username="leader", display_name="分管局领导戊", role="leader", clearance="secret")])
        s.flush()
        ids["alice_reg"] = add_record(s, fonds, store, person_id_number=ALICE_ID, person_name="张三",
                                      business_step="参保登记").id
        ids["alice_pension"] = add_record(s, fonds, store, person_id_number=ALICE_ID, person_name="张三",
                                          business_step="养老待遇", title="养老待遇核定表").id
        ids["alice_secret"] = add_record(s, fonds, store, person_id_number=ALICE_ID, person_name="张三",
                                         business_step="参保登记", secrecy="secret", title="秘密稽核").id
        ids["bob_reg"] = add_record(s, fonds, store, person_id_number=BOB_ID, person_name="李四",
                                    business_step="参保登记").id
        ids["ws_secret"] = add_record(s, fonds, store, category_code="WS", secrecy="secret", title="秘密通知").id
        ids["top"] = add_record(s, fonds, store, category_code="WS", secrecy="top_secret", title="绝密").id
    return {"catalog": catalog, "ids": ids, "store": store}


def person(session, username: str, channel: str = "cli"):
    return of_user(session.query(User).filter_by(username=username).one(), channel=channel)


def page_process():
    return system("self-service", channel="web", origin="127.0.0.1")
