"""An archivist's correction confirms a record, is audited, and becomes a training example; the
security officer alone lowers a level, and a lowered record is found by the readers it now
reaches as soon as the unit of work's nudge has run."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive import audit, users
from archive.codes import Role, Secrecy
from archive.config import load_settings
from archive.errors import Forbidden, NotFound, ValidationError
from archive.identity import Identity, resolve, system
from archive.models import AuditEvent, IndexOutbox, Page
from archive.policy import Viewer
from archive.runtime import Runtime
from ingest.classify import train_and_report
from ingest.corrections import correct, labelled_examples, review_queue
from search import indexer
from search.model import SearchQuery
from search.service import SearchService
from tests.catalog.helpers import make_record, seeded

ARCHIVIST = Identity(Viewer("arch", Role.ARCHIVIST, Secrecy.CONFIDENTIAL), "cli")
OFFICER = Identity(Viewer("secoff", Role.SECURITY_OFFICER, Secrecy.CONFIDENTIAL), "cli")


def test_correction_confirms_audits_and_feeds_training(catalog):
    with catalog.session() as s:
        record = make_record(s, seeded(s), status="needs_review", review_reasons=["low_confidence:category"],
                             category_code="WS")
        s.add(Page(record_id=record.id, page_no=1, ocr_text="干部履历表 姓名 张三 出生年月 1980年1月"))
        s.flush()
        assert [r["id"] for r in review_queue(s, ARCHIVIST)] == [record.id]
        correct(s, ARCHIVIST, record.id, {"category_code": "RS", "personnel_class": "1"})
        assert record.status == "filed" and record.review_reasons == []
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "record.corrected")).scalar_one()
        assert event.details["before"] == {"category_code": "WS", "personnel_class": ""}
        # The unit of work queued the corrected record for the index (nobody wrote the row by hand).
        assert s.execute(select(IndexOutbox).where(IndexOutbox.record_id == record.id)).scalars().all()
        assert review_queue(s, ARCHIVIST) == []
        examples = labelled_examples(s)
        assert audit.verify(s).ok
    assert examples == [("干部履历表 姓名 张三 出生年月 1980年1月", {"category": "RS", "personnel_class": "1"})]
    _, report = train_and_report(examples, per_class=20)
    assert report["corrections"] == 1 and report["accuracy"]["category"] >= 0.9


def test_corrections_respect_policy(catalog):
    with catalog.session() as s:
        record = make_record(s, seeded(s), secrecy="secret")
        staff = Identity(Viewer("staff", Role.STAFF, Secrecy.TOP_SECRET), "web")
        with pytest.raises(Forbidden):
            correct(s, staff, record.id, {"title": "x"})
        with pytest.raises(Forbidden):
            review_queue(s, staff)
        with pytest.raises(Forbidden, match="security officer"):
            correct(s, ARCHIVIST, record.id, {"secrecy": "internal"})
        with pytest.raises(ValidationError):
            correct(s, ARCHIVIST, record.id, {"business_step": "打麻将"})
        with pytest.raises(ValidationError):
            correct(s, ARCHIVIST, record.id, {"volume_id": "1"})
        with pytest.raises(Forbidden, match="secrecy level"):
            correct(s, OFFICER, record.id, {"title": "改题名"})  # the officer changes levels, not the catalogue
        low = Identity(Viewer("arch2", Role.ARCHIVIST, Secrecy.INTERNAL), "cli")
        with pytest.raises(NotFound):
            correct(s, low, record.id, {"title": "x"})  # above clearance: the record does not exist
        correct(s, ARCHIVIST, record.id, {"secrecy": "confidential"})  # raising is free
        assert record.secrecy == "confidential"
        correct(s, OFFICER, record.id, {"secrecy": "internal"})
        assert record.secrecy == "internal" and record.declassify_on is None


def test_unchanged_fields_are_no_change(catalog):
    with catalog.session() as s:
        record = make_record(s, seeded(s), title="关于考勤的通知", doc_no="")
        correct(s, ARCHIVIST, record.id, {"title": "关于考勤的通知", "doc_no": " ", "issuer": "人社局"})
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "record.corrected")).scalar_one()
        assert event.details["after"] == {"issuer": "人社局"}


def test_a_held_record_cannot_be_corrected(catalog):
    from archive.errors import Conflict
    from archive.lifecycle_models import Hold

    with catalog.session() as s:
        record = make_record(s, seeded(s))
        s.add(Hold(reason="诉讼", scope="record", target=str(record.id), placed_by="arch"))
        s.flush()
        with pytest.raises(Conflict, match="hold"):
            correct(s, ARCHIVIST, record.id, {"title": "改"})


def test_a_lowered_record_reaches_its_new_readers(catalog_url, tmp_path, monkeypatch):
    """Secret → internal through the correction service: the unit of work re-indexes the record
    and nudges the index after commit, so a reader cleared to internal finds it at once and
    `archive index check` finds nothing stale. (Without the outbox row it stays at secret in the
    index: not found, and stale.)"""
    home = tmp_path / "home"
    runtime = Runtime(load_settings({"ARCHIVE_HOME": str(home), "ARCHIVE_DATABASE_URL": catalog_url}))
    try:
        with runtime.unit_of_work(system("test")) as s:
            fonds = seeded(s)
            users.add_user(s, actor="test", username="secoff", role="security_officer", clearance="secret",
                           password="correct-horse-battery")
            users.add_user(s, actor="test", username="reader", role="staff", clearance="internal",
                           password="correct-horse-battery")
            record = make_record(s, fonds, secrecy="secret", title="关于考勤制度修订的通知")
            s.add(Page(record_id=record.id, page_no=1, ocr_text="考勤制度修订 正文"))
            rid = record.id
        with runtime.unit_of_work() as s:
            reader, officer = resolve(s, "reader", channel="api"), resolve(s, "secoff", channel="web")
        search = SearchService(runtime.catalog, runtime.index)

        def found() -> list[int]:
            return [h.id for h in search.search(reader, SearchQuery(reader.viewer, "考勤制度")).hits]

        assert found() == []
        with runtime.unit_of_work(officer) as s:
            correct(s, officer, rid, {"secrecy": "internal"})
        assert found() == [rid]
        report = indexer.check(runtime.catalog, runtime.index)
        assert report.ok and report.stale == [] and report.missing == []
    finally:
        runtime.close()
    from archive.cli import _load_plugins, cli

    monkeypatch.setenv("ARCHIVE_HOME", str(home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", catalog_url)
    for var in ("ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL", "ARCHIVE_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    _load_plugins()
    result = CliRunner().invoke(cli, ["index", "check", "--json"])
    assert result.exit_code == 0, result.output
