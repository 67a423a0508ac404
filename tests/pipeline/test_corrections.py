"""An archivist's correction confirms a record, is audited, and becomes a training example."""

import pytest
from sqlalchemy import select

from archive import audit
from archive.codes import Role, Secrecy
from archive.errors import Forbidden, ValidationError
from archive.models import AuditEvent, IndexOutbox, Page
from archive.policy import Viewer
from ingest.classify import train_and_report
from ingest.corrections import correct, labelled_examples
from tests.catalog.helpers import make_record, seeded

ARCHIVIST = Viewer("arch", Role.ARCHIVIST, Secrecy.CONFIDENTIAL)


def test_correction_confirms_audits_and_feeds_training(catalog):
    with catalog.session() as s:
        record = make_record(s, seeded(s), status="needs_review", review_reasons=["low_confidence:category"],
                             category_code="WS")
        s.add(Page(record_id=record.id, page_no=1, ocr_text="干部履历表 姓名 张三 出生年月 1980年1月"))
        s.flush()
        correct(s, ARCHIVIST, record, {"category_code": "RS", "personnel_class": "1"})
        assert record.status == "filed" and record.review_reasons == []
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "record.corrected")).scalar_one()
        assert event.details["before"] == {"category_code": "WS", "personnel_class": ""}
        assert s.execute(select(IndexOutbox).where(IndexOutbox.record_id == record.id)).scalar_one()
        examples = labelled_examples(s)
        assert audit.verify(s).ok
    assert examples == [("干部履历表 姓名 张三 出生年月 1980年1月", {"category": "RS", "personnel_class": "1"})]
    _, report = train_and_report(examples, per_class=20)
    assert report["corrections"] == 1 and report["accuracy"]["category"] >= 0.9


def test_corrections_respect_policy(catalog):
    with catalog.session() as s:
        record = make_record(s, seeded(s), secrecy="secret")
        staff = Viewer("staff", Role.STAFF, Secrecy.TOP_SECRET)
        with pytest.raises(Forbidden):
            correct(s, staff, record, {"title": "x"})
        with pytest.raises(Forbidden, match="security officer"):
            correct(s, ARCHIVIST, record, {"secrecy": "internal"})
        with pytest.raises(ValidationError):
            correct(s, ARCHIVIST, record, {"business_step": "打麻将"})
        correct(s, ARCHIVIST, record, {"secrecy": "confidential"})  # raising is free
        assert record.secrecy == "confidential"


def test_a_held_record_cannot_be_corrected(catalog):
    from archive.errors import Conflict
    from archive.lifecycle_models import Hold

    with catalog.session() as s:
        record = make_record(s, seeded(s))
        s.add(Hold(reason="诉讼", scope="record", target=str(record.id), placed_by="arch"))
        s.flush()
        with pytest.raises(Conflict, match="hold"):
            correct(s, ARCHIVIST, record, {"title": "改"})
