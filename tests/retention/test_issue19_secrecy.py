"""Issue 19, secrecy (DOMAIN.md §4): terms end by themselves, extensions are decided before
expiry by the organ that set the level and within the legal maxima, and a record carries who
set its level and whether that classification is original or derived."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from archive import audit, unit_of_work
from archive.errors import Conflict, Forbidden, ValidationError
from archive.lifecycle_models import SecrecyReview
from archive.models import Fonds, IndexOutbox, Record
from ingest.corrections import correct
from retention import holds, secrecy, services, sweep
from tests.retention.builders import make_record
from tests.retention.workflow import person


def _secret(world, s, **fields) -> Record:
    values = {"secrecy": "secret", "secrecy_term_months": 120, "secrecy_start": dt.date(2009, 3, 1),
              "declassify_on": dt.date(2019, 3, 1), "retention": "Y", "year": 2009}
    values.update(fields)
    return make_record(s, world["fonds_id"], **values)


def test_a_term_ends_by_itself_on_the_day_after(world):
    """The daily task declassifies a secret whose term ended (audited, a review row, re-indexed);
    on the last day of the term nothing happens yet."""
    world["clock"].to("2019-03-01")
    with world["catalog"].session() as s:
        rid = _secret(world, s).id
        s.execute(IndexOutbox.__table__.delete())
    with world["catalog"].session() as s:
        assert sweep.run(s, end_terms_as="system:retention")["secrecy_terms_ended"]["count"] == 0
        assert s.get(Record, rid).secrecy == "secret"
    world["clock"].to("2019-03-02")
    with world["catalog"].session() as s:
        result = sweep.run(s, end_terms_as="system:retention")
        assert result["secrecy_terms_ended"]["items"] == [rid]
    with world["catalog"].session() as s:
        r = s.get(Record, rid)
        assert (r.secrecy, r.declassify_on) == ("internal", None)
        review = s.execute(select(SecrecyReview).where(SecrecyReview.record_id == rid)).scalar_one()
        assert (review.outcome, review.old_level, review.new_level, review.term_end, review.reviewer) == (
            "declassify", "secret", "internal", dt.date(2019, 3, 1), "system:retention")
        event = audit.events(s, action="secrecy.term_ended")[0]
        assert event.target == f"record:{rid}" and event.details["old"] == "secret"
        assert s.execute(select(IndexOutbox).where(IndexOutbox.record_id == rid)).first() is not None
        assert sweep.run(s)["declassification_review"]["count"] == 0


def test_the_daily_task_ends_terms(world, archive_env):
    from retention.tasks import daily_sweep

    world["clock"].to("2021-06-01")
    with world["catalog"].session() as s:
        rid = _secret(world, s).id
    result = daily_sweep.run(limit=10)
    assert result["secrecy_terms_ended"]["count"] == 1
    with world["catalog"].session() as s:
        assert s.get(Record, rid).secrecy == "internal"


def test_long_term_unknown_and_held_secrets_are_listed_not_declassified(world):
    world["clock"].to("2030-01-02")
    with world["catalog"].session() as s:
        long_term = _secret(world, s, secrecy="top_secret", secrecy_term_months=None, declassify_on=None,
                            secrecy_marking="绝密★长期").id
        held = _secret(world, s).id
        holds.place(s, person(world, "arch"), reason="审计", scope="record", target=str(held))
    with world["catalog"].session() as s:
        # a flush of the catalog's derived dates never invents a term for 长期
        s.get(Record, long_term).declassify_on = None
        result = sweep.run(s, end_terms_as="system:retention")
        assert result["secrecy_terms_ended"]["count"] == 0 and result["secrecy_terms_ended"]["held"] == [held]
        assert [i["id"] for i in result["secrecy_term_open"]["items"]] == [long_term]
        assert s.get(Record, long_term).secrecy == "top_secret" and s.get(Record, held).secrecy == "secret"
        assert "secrecy_term_open" in services.LISTS


def test_an_extension_after_expiry_is_refused(world):
    """The issue's case: 秘密 record 8 extended to 2060 twelve years after its term."""
    world["clock"].to("2031-05-01")
    with world["catalog"].session() as s:
        rid = _secret(world, s, declassify_on=dt.date(2019, 3, 1)).id
        # the sweep would have ended it; a record the task has not reached yet is still refused
        with pytest.raises(Conflict, match="before the term ends"):
            secrecy.review(s, person(world, "sec"), record_id=rid, outcome="extend",
                           new_declassify_on=dt.date(2060, 1, 1))
        assert s.get(Record, rid).declassify_on == dt.date(2019, 3, 1)


def test_an_extension_stays_within_the_legal_maximum(world):
    world["clock"].to("2012-01-01")
    with world["catalog"].session() as s:
        rid = _secret(world, s, secrecy_term_months=36, declassify_on=dt.date(2012, 3, 1)).id
        with pytest.raises(ValidationError, match="at most 10 years"):  # 秘密: 10 years from 2009-03-01
            secrecy.review(s, person(world, "sec"), record_id=rid, outcome="extend",
                           new_declassify_on=dt.date(2019, 3, 2))
        secrecy.review(s, person(world, "sec"), record_id=rid, outcome="extend", new_declassify_on=dt.date(2019, 3, 1))
        r = s.get(Record, rid)
        assert (r.declassify_on, r.secrecy_term_months) == (dt.date(2019, 3, 1), 120)
        conf = _secret(world, s, secrecy="confidential", declassify_on=dt.date(2019, 3, 1)).id
        secrecy.review(s, person(world, "sec"), record_id=conf, outcome="extend",
                       new_declassify_on=dt.date(2029, 3, 1))  # 机密: 20 years
        with pytest.raises(ValidationError, match="at most 20 years"):
            secrecy.review(s, person(world, "sec"), record_id=conf, outcome="extend",
                           new_declassify_on=dt.date(2029, 3, 2))


def test_an_extension_needs_the_organ_that_set_the_level(world):
    """A level set by another organ (derived) is extended only on that organ's decision, and
    only that organ may make it 长期."""
    world["clock"].to("2011-01-01")
    with world["catalog"].session() as s:
        rid = _secret(world, s, issuer="某某省人力资源和社会保障厅", secrecy_term_months=36,
                      declassify_on=dt.date(2012, 3, 1)).id
        with pytest.raises(Forbidden, match="only its decision"):
            secrecy.review(s, person(world, "sec"), record_id=rid, outcome="extend",
                           new_declassify_on=dt.date(2015, 3, 1))
        row = secrecy.review(s, person(world, "sec"), record_id=rid, outcome="extend", long_term=True,
                             authority="省人社厅关于延长保密期限的通知（2014）12号")
        r = s.get(Record, rid)
        assert (r.declassify_on, r.secrecy_term_months, row.authority) == (
            None, None, "省人社厅关于延长保密期限的通知（2014）12号")
        own = _secret(world, s).id  # the bureau's own 秘密: it decides itself
        out = services.review_secrecy(s, person(world, "sec"), own, outcome="extend", until="长期")
        assert out["declassify_on"] is None
        assert sweep.run(s)["secrecy_term_open"]["count"] == 0  # decided this year
    world["clock"].to("2012-01-02")
    with world["catalog"].session() as s:  # 长期 terms come back every year for review, never end by themselves
        assert [i["id"] for i in sweep.run(s, end_terms_as="system:retention")["secrecy_term_open"]["items"]] == [
            rid, own]


def test_original_and_derived_classification_follow_the_bureau_level(world):
    arch = person(world, "arch")
    with world["catalog"].session() as s:
        fonds = s.get(Fonds, world["fonds_id"]).name
        own = make_record(s, world["fonds_id"]).id
        other = make_record(s, world["fonds_id"], issuer="国家人力资源和社会保障部").id
        third = make_record(s, world["fonds_id"]).id
    with world["catalog"].session() as s, pytest.raises(Forbidden, match="may not classify top_secret originally"):
        correct(s, arch, own, {"secrecy": "top_secret"})  # a prefecture bureau: 机密 and 秘密 only
    with world["catalog"].session() as s:
        assert s.get(Record, own).secrecy == "internal"  # refused before anything changed
    with world["catalog"].session() as s:
        correct(s, arch, own, {"secrecy": "confidential"})
        r = s.get(Record, own)
        assert (r.secrecy, r.secrecy_origin, r.secrecy_classifier) == ("confidential", "original", fonds)
        correct(s, arch, other, {"secrecy": "top_secret"})  # a copy of the ministry's 绝密: derived
        r = s.get(Record, other)
        assert (r.secrecy_origin, r.secrecy_classifier) == ("derived", "国家人力资源和社会保障部")
    with world["catalog"].session() as s:
        s.info[unit_of_work.BUREAU_LEVEL] = "county"  # ARCHIVE_BUREAU_LEVEL=county: derive only
        with pytest.raises(Forbidden, match="county bureau"):
            correct(s, arch, third, {"secrecy": "secret"})
    with world["catalog"].session() as s:
        s.info[unit_of_work.BUREAU_LEVEL] = "county"
        correct(s, arch, third, {"secrecy": "secret"}, classifier="某某市人力资源和社会保障局")
        r = s.get(Record, third)
        assert (r.secrecy_origin, r.secrecy_classifier) == ("derived", "某某市人力资源和社会保障局")


def test_the_bureau_level_comes_from_the_settings(world, archive_env, monkeypatch):
    """ARCHIVE_BUREAU_LEVEL reaches every unit of work: the runtime's and the web application's."""
    from archive.config import load_settings
    from archive.runtime import Runtime
    from web.app import create_app

    monkeypatch.setenv("ARCHIVE_BUREAU_LEVEL", "county")
    settings = load_settings()
    assert settings.bureau_level == "county"
    runtime = Runtime(settings=settings)
    try:
        with runtime.catalog.session() as s:
            assert s.info[unit_of_work.BUREAU_LEVEL] == "county"
    finally:
        runtime.close()
    app = create_app(settings, testing=True)
    with app.extensions["archive"].catalog.session() as s:
        assert s.info[unit_of_work.BUREAU_LEVEL] == "county"
