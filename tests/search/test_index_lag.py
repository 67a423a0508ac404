"""While the index lags the catalog, nothing of a record the viewer may no longer see is counted
(issue 12, finding 16): not in the hits, the total, the facets or the suggestions.

The lag is made as it happens: the catalog is written in a unit of work, which queues the outbox
row, and the outbox is not drained (these catalogs have no runtime to nudge the index).
"""

from __future__ import annotations

import dataclasses

import pytest

from archive.identity import Identity
from archive.models import IndexOutbox
from search import indexer
from search.model import FACET_FIELDS, IndexUnavailable, SearchQuery
from search.service import SearchService
from tests.search.catalog import change_record, file_record, new_catalog, outbox
from tests.search.conftest import viewer


@pytest.fixture
def catalog(request, tmp_path):
    cat = new_catalog(request, tmp_path)
    yield cat
    cat.dispose()


STAFF = Identity(viewer("staff", "internal", name="wang"), "web")
CLEARED = Identity(viewer("staff", "secret", name="li"), "web")


def answer(service: SearchService, who: Identity, text: str = "考核", **filters):
    res = service.search(who, SearchQuery(who.viewer, text, filters=filters, facets=FACET_FIELDS, size=50))
    return dataclasses.replace(res, took_ms=0)


def counted(res) -> dict:
    return {"total": res.total, "ids": sorted(h.id for h in res.hits), "facets": res.facets}


@pytest.fixture
def filed(catalog, make_index):
    index = make_index()
    kept = file_record(catalog, "工作人员考核办法", ["年度考核细则"], year=2018)
    moved = file_record(catalog, "年度考核结果通报", ["考核结果名单"], year=2019, department="办公室")
    indexer.drain(catalog, index)
    return SearchService(catalog, index), kept, moved


def test_a_record_raised_above_the_viewer_is_not_counted_while_the_index_lags(catalog, filed):
    service, kept, moved = filed
    assert answer(service, STAFF).total == 2
    change_record(catalog, moved, secrecy="secret")  # raised; the outbox holds it, the index does not know
    assert [r.record_id for r in outbox(catalog)] == [moved]
    lagging = answer(service, STAFF)
    assert counted(lagging) == {
        "total": 1, "ids": [kept],
        "facets": {**{f: [] for f in FACET_FIELDS}, "category": [("WS", 1)], "year": [("2018", 1)],
                   "retention": [("D30", 1)], "secrecy": [("internal", 1)], "fonds": [("J001", 1)]},
    }
    assert answer(service, STAFF, "", id=str(moved)).total == 0
    assert service.suggest(STAFF, "年度", "title") == []
    # Someone cleared for it still finds it while the index lags.
    assert answer(service, CLEARED).total == 2
    indexer.drain(catalog, service.index)
    assert counted(answer(service, STAFF)) == counted(lagging)


def test_a_record_moved_out_of_the_viewers_scope_is_not_counted(catalog, filed):
    service, kept, moved = filed
    scoped = Identity(viewer("staff", "internal", departments=("办公室",), name="zhao"), "api")
    assert answer(service, scoped).total == 2
    change_record(catalog, moved, department="人事科")
    lagging = answer(service, scoped)
    assert (lagging.total, [h.id for h in lagging.hits]) == (1, [kept])
    assert dict(lagging.facets["year"]) == {"2018": 1}


def test_content_made_unreadable_does_not_match_while_the_index_lags(catalog, filed):
    service, kept, moved = filed
    assert answer(service, STAFF, "考核结果名单").total == 1
    change_record(catalog, moved, category_code="RS")  # now a personnel file: staff see the card only
    assert answer(service, STAFF, "考核结果名单").total == 0  # page text
    assert answer(service, STAFF, "结果通报").total == 1  # title, a catalogue field


def test_a_lagging_record_the_viewer_may_read_is_still_found(catalog, filed):
    service, kept, moved = filed
    change_record(catalog, kept, retention="D10")
    assert answer(service, STAFF).total == 2


def test_export_leaves_lagging_hidden_records_out(catalog, filed):
    service, kept, moved = filed
    director = Identity(viewer("director", "internal", name="zhou"), "web")
    change_record(catalog, moved, secrecy="secret")
    rows = service.export(director, SearchQuery(director.viewer, "考核")).rows
    assert [r[0] for r in rows] == [f"J001-WS·2018-D30-{kept:04d}"]


def test_search_waits_when_too_much_is_waiting_for_the_index(catalog, filed, monkeypatch):
    service, kept, moved = filed
    monkeypatch.setattr("search.service.LAG_LIMIT", 1)
    change_record(catalog, kept, retention="D10")
    change_record(catalog, moved, retention="D10")
    with catalog.session() as s:
        assert s.query(IndexOutbox).count() == 2
    with pytest.raises(IndexUnavailable):
        answer(service, STAFF)
