"""Catalog -> index: the outbox drain, an index outage, check and reindex, the service and CLI."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest
from click.testing import CliRunner

from archive.models import IndexOutbox
from search import indexer
from search.cli import index_group, reindex_command, search_command
from search.elastic import ElasticsearchIndex
from search.model import IndexUnavailable, SearchQuery
from search.service import SearchService
from tests.search.catalog import add_user, change_record, file_record, new_catalog, outbox
from tests.search.conftest import ALL, viewer
from tests.servers.opensearch import OpenSearchServer, PlainMediaNode


@pytest.fixture
def catalog(request, tmp_path):
    cat = new_catalog(request, tmp_path)
    yield cat
    cat.dispose()


def ids(index, text="", who=ALL) -> list[int]:
    return [h.id for h in index.search(SearchQuery(who, text, size=100)).hits]


def test_drain_applies_the_outbox_and_check_agrees(catalog, make_index):
    index = make_index()
    a = file_record(catalog, "关于社会保险费征缴的通知", ["社会保险费征缴工作", "第二页"])
    b = file_record(catalog, "檔案管理辦法", ["檔案室防火"])
    secret = file_record(catalog, "绝密文件", ["绝密正文"], secrecy="top_secret")
    report = indexer.drain(catalog, index, batch=2)
    assert report.applied == 3 and report.remaining == 0 and not report.error
    assert outbox(catalog) == []
    assert set(ids(index)) == {a, b, secret}
    assert ids(index, "档案管理") == [b]
    stored = index.get(secret)
    assert stored.title == "" and stored.pages == () and stored.archival_code
    assert ids(index, "绝密") == []
    assert indexer.check(catalog, index).ok

    change_record(catalog, a, title="关于工伤认定的通知")
    assert indexer.check(catalog, index).stale == [a]
    indexer.drain(catalog, index)
    assert ids(index, "工伤认定") == [a]
    change_record(catalog, b, status="destroyed")
    indexer.drain(catalog, index)
    assert ids(index, "档案管理") == [] and index.get(b).title == ""
    assert b in {h.id for h in index.search(SearchQuery(ALL, "", include_destroyed=True)).hits}
    with catalog.session() as s:
        s.add(IndexOutbox(record_id=999, op="delete"))
    index.index(index.get(a).__class__(id=999, title="孤儿", category="WS"))
    assert indexer.check(catalog, index).extra == [999]
    indexer.drain(catalog, index)
    assert index.get(999) is None and indexer.check(catalog, index).ok


class DownIndex:
    """An index that is unreachable: every write fails as a dead server would."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise IndexUnavailable("connection refused")

        return fail


def test_embedded_catches_up_after_an_outage(catalog, tmp_path):
    from search.embedded import EmbeddedIndex

    first = file_record(catalog, "失业保险金申领", ["失业保险金"])
    report = indexer.drain(catalog, DownIndex())
    assert report.failed == 1 and report.remaining == 1 and "refused" in report.error
    row = outbox(catalog)[0]
    assert row.attempts == 1 and "refused" in row.last_error
    second = file_record(catalog, "工伤认定决定", ["工伤认定"])
    indexer.drain(catalog, DownIndex())
    assert [r.attempts for r in outbox(catalog)] == [2, 1]
    index = EmbeddedIndex(tmp_path / "index")
    report = indexer.drain(catalog, index)
    assert report.applied == 2 and report.remaining == 0
    assert set(ids(index)) == {first, second}


def test_elasticsearch_outage_keeps_rows_and_catches_up(catalog):
    server = OpenSearchServer().start()
    try:
        index = ElasticsearchIndex(
            server.url, "outage", node_class=PlainMediaNode, refresh_writes=True, max_retries=0
        )
        before = file_record(catalog, "关于养老保险的通知", ["养老保险"])
        assert indexer.drain(catalog, index).applied == 1
        server.stop()  # the index goes down (and, being in memory, forgets everything)
        during = [file_record(catalog, f"停机期间归档{i}", [f"第{i}件"]) for i in range(3)]
        report = indexer.drain(catalog, index)
        assert report.error and report.remaining == 3 and report.applied == 0
        assert all(r.attempts == 1 and r.last_error for r in outbox(catalog))
        with pytest.raises(IndexUnavailable):
            index.search(SearchQuery(ALL, "养老"))
        assert not index.health().ok
        server.start()  # same port, empty server
        report = indexer.drain(catalog, index)
        assert report.applied == 3 and report.remaining == 0
        assert set(ids(index)) == set(during)
        assert indexer.check(catalog, index).missing == [before]  # lost with the old server
        assert indexer.reindex(catalog, index) == 4
        assert indexer.check(catalog, index).ok and set(ids(index)) == {before, *during}
        assert ids(index, "养老保险") == [before]
    finally:
        server.stop()


def test_reindex_swaps_without_downtime(catalog, make_index):
    index = make_index()
    for i in range(5):
        file_record(catalog, f"测试记录{i}", [f"内容{i}"])
    indexer.drain(catalog, index)
    file_record(catalog, "迟到的记录", ["迟到"])  # queued before the rebuild: covered by it
    assert indexer.reindex(catalog, index) == 6
    assert outbox(catalog) == [] and indexer.check(catalog, index).ok
    assert ids(index, "迟到") != []
    if isinstance(index, ElasticsearchIndex):
        backing = list(index.es.indices.get_alias(name=index.alias).body)
        assert len(backing) == 1 and backing[0].startswith(index.alias + "-v")


def test_service_rechecks_hits_on_the_catalog(catalog, make_index):
    index = make_index()
    rid = file_record(catalog, "工作人员考核办法", ["年度考核"])
    indexer.drain(catalog, index)
    staff = viewer("staff", "internal")
    service = SearchService(catalog, index)
    assert [h.id for h in service.search(SearchQuery(staff, "考核")).hits] == [rid]
    change_record(catalog, rid, secrecy="secret")  # raised, not yet re-indexed
    assert service.search(SearchQuery(staff, "考核")).hits == ()
    officer = viewer("staff", "secret")
    hit = service.search(SearchQuery(officer, "考核")).hits[0]
    assert hit.snippets == ()  # may know it exists, may not read it without a grant


@pytest.mark.parametrize("backend", ["embedded"])
def test_cli_search_reindex_check(catalog, tmp_path, monkeypatch, backend):
    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", catalog.url)
    monkeypatch.setenv("ARCHIVE_SEARCH_URL", f"embedded://{tmp_path / 'index'}")
    add_user(catalog, "wang", "staff", "internal")
    add_user(catalog, "root", "sysadmin", "top_secret")
    rid = file_record(catalog, "关于社会保险费征缴的通知", ["第一页", "社会保险费征缴工作"])
    file_record(catalog, "秘密文件", ["社会保险"], secrecy="secret")
    runner = CliRunner()
    check = runner.invoke(index_group, ["check", "--json"])
    assert check.exit_code == 1 and json.loads(check.output)["missing"]
    assert runner.invoke(reindex_command, []).exit_code == 0
    assert runner.invoke(index_group, ["check"]).exit_code == 0
    res = runner.invoke(
        search_command, ["社会保险", "--user", "wang", "--json", "--filter", "category=WS", "--limit", "5"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["total"] == 1 and out["hits"][0]["id"] == rid and out["hits"][0]["page"] == 2
    assert {"id", "archival_code", "title", "snippets", "page"} <= set(out["hits"][0])
    assert out["facets"]["category"] == [["WS", 1]]
    nothing = json.loads(runner.invoke(search_command, ["社会保险", "--user", "root", "--json"]).output)
    assert nothing["total"] == 0 and nothing["hits"] == []
    bad = runner.invoke(search_command, ["x", "--user", "wang", "--filter", "colour=red"])
    assert bad.exit_code != 0 and "unknown filter" in str(bad.exception)
    plain = runner.invoke(search_command, ["社会保险", "--user", "wang"])
    assert "1 条" in plain.output
    names = {ep.name for ep in entry_points(group="archive.commands")}
    assert {"search", "reindex", "index"} <= names
