"""Catalog -> index: the outbox drain, an index outage, check and reindex, the service and CLI.

The unit of work queues every change (no test writes an outbox row); the tests drain by hand
because their catalogs have no runtime to nudge the index after commit."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest
from click.testing import CliRunner
from sqlalchemy import delete

from archive import audit
from archive.cli import NotLoggedIn, _load_plugins, cli
from archive.errors import Forbidden
from archive.identity import Identity
from archive.models import Page, Record
from search import indexer
from search.elastic import ElasticsearchIndex
from search.model import IndexUnavailable, SearchQuery
from search.service import SearchService
from tests.cli_auth import token_for
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
    gone = file_record(catalog, "孤儿", ["将从目录库删除"])
    indexer.drain(catalog, index)
    with catalog.session() as s:  # removed from the catalog (a restored backup): the unit of work queues a delete
        s.execute(delete(Page).where(Page.record_id == gone))
        s.delete(s.get(Record, gone))
    assert indexer.check(catalog, index).extra == [gone]
    indexer.drain(catalog, index)
    assert index.get(gone) is None and indexer.check(catalog, index).ok


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
    staff = Identity(viewer("staff", "internal"), "api")
    service = SearchService(catalog, index)
    assert [h.id for h in service.search(staff, SearchQuery(staff.viewer, "考核")).hits] == [rid]
    change_record(catalog, rid, secrecy="secret")  # raised, not yet re-indexed
    assert service.search(staff, SearchQuery(staff.viewer, "考核")).hits == ()
    officer = Identity(viewer("staff", "secret"), "web")
    hit = service.search(officer, SearchQuery(staff.viewer, "考核")).hits[0]  # as the person acting, always
    assert hit.snippets == ()  # may know it exists, may not read it without a grant


@pytest.mark.parametrize("role", ["auditor", "security_officer", "sysadmin"])
def test_only_roles_that_work_with_records_search(catalog, role):
    """The gate is the service's: every face (pages, API, CLI) gets the same refusal."""
    service = SearchService(catalog, None)  # refused before the index is asked
    who = Identity(viewer(role, "top_secret"), "cli")
    with pytest.raises(Forbidden, match="does not search"):
        service.search(who, SearchQuery(who.viewer, "考核"))
    with catalog.session() as s:
        assert not audit.events(s, action="search", limit=1)


def test_every_search_is_audited_with_its_channel(catalog, make_index):
    index = make_index()
    file_record(catalog, "工作人员考核办法", ["年度考核"])
    indexer.drain(catalog, index)
    service = SearchService(catalog, index)
    for channel in ("web", "api", "cli"):
        who = Identity(viewer("staff", "internal"), channel)
        service.search(who, SearchQuery(who.viewer, "考核", filters={"category": ("WS",)}))
    with catalog.session() as s:
        events = audit.events(s, action="search", limit=10)
    assert sorted(e.details["channel"] for e in events) == ["api", "cli", "web"]
    assert all(e.details["q"] == "考核" and e.details["total"] == 1 and e.details["filters"] == {"category": ["WS"]}
               for e in events)


@pytest.mark.parametrize("backend", ["embedded"])
def test_cli_search_reindex_check(catalog, tmp_path, monkeypatch, backend):
    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", catalog.url)
    monkeypatch.setenv("ARCHIVE_SEARCH_URL", f"embedded://{tmp_path / 'index'}")
    monkeypatch.delenv("ARCHIVE_TOKEN", raising=False)
    add_user(catalog, "wang", "staff", "internal")
    add_user(catalog, "root", "sysadmin", "top_secret")
    rid = file_record(catalog, "关于社会保险费征缴的通知", ["第一页", "社会保险费征缴工作"])
    file_record(catalog, "秘密文件", ["社会保险"], secrecy="secret")
    _load_plugins()
    runner = CliRunner()

    def run(*args: str, who: str | None = None):
        if who:
            monkeypatch.setenv("ARCHIVE_TOKEN", token_for(catalog.url, who))
        else:
            monkeypatch.delenv("ARCHIVE_TOKEN", raising=False)
        return runner.invoke(cli, list(args))

    check = run("index", "check", "--json")  # an operator command: nobody logged in
    assert check.exit_code == 1 and json.loads(check.output)["missing"]
    assert run("reindex").exit_code == 0
    assert run("index", "check").exit_code == 0
    anonymous = run("search", "社会保险")
    assert isinstance(anonymous.exception, NotLoggedIn)
    res = run("search", "社会保险", "--json", "--filter", "category=WS", "--limit", "5", who="wang")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["total"] == 1 and out["hits"][0]["id"] == rid and out["hits"][0]["page"] == 2
    assert {"id", "archival_code", "title", "snippets", "page"} <= set(out["hits"][0])
    assert out["facets"]["category"] == [["WS", 1]]
    refused = run("search", "社会保险", "--json", who="root")  # the system administrator does not search holdings
    assert isinstance(refused.exception, Forbidden) and "does not search" in str(refused.exception)
    bad = run("search", "x", "--filter", "colour=red", who="wang")
    assert bad.exit_code != 0 and "unknown filter" in str(bad.exception)
    plain = run("search", "社会保险", who="wang")
    assert "1 条" in plain.output and "文书档案 (WS) (1)" in plain.output
    with catalog.session() as s:
        searches = audit.events(s, action="search", limit=10)
        rebuilt = audit.events(s, action="index.rebuilt", limit=1)
    assert {e.actor for e in searches} == {"wang"} and all(e.details["channel"] == "cli" for e in searches)
    assert rebuilt and rebuilt[0].actor == "system:reindex" and rebuilt[0].details["channel"] == "cli"
    names = {ep.name for ep in entry_points(group="archive.commands")}
    assert {"search", "reindex", "index"} <= names
