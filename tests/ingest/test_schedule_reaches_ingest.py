"""The schedule an administrator changes (proposed by the system administrator, approved by a
director in their own session) is the schedule the next ingested record is judged by: ingest
reads the catalog's retention_rules, and the new version of a rule keeps its conditions."""

from __future__ import annotations

import pytest

from archive import seed, users
from archive.db import Catalog
from archive.identity import resolve, system
from archive.models import Record, RetentionRule
from archive.retention_rules import active_rules, governing_rule
from ingest.pipeline import IngestService, Options
from retention import services as life
from storage.local import LocalObjectStore
from tests.pipeline.conftest import small_scan


def page(title: str, date: str) -> list[str]:
    """A bureau's document: header, number, title, addressees, body, date."""
    return ["长白市人力资源和社会保障局文件", "长白人社发〔2020〕5号", title, "各科室：", "现提出如下意见，请认真贯彻执行。",
            "长白市人力资源和社会保障局", date]


@pytest.fixture
def service(tmp_path):
    catalog = Catalog(f"sqlite:///{tmp_path / 'catalog.db'}")
    catalog.migrate()
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
        for name, role in (("admin", "sysadmin"), ("boss", "director")):
            users.add_user(s, actor="test", username=name, role=role, password="correct-horse-battery")
    yield IngestService(catalog, LocalObjectStore(tmp_path / "objects"), system("test"), options=Options(workers=2))
    catalog.dispose()


def test_an_approved_schedule_change_reaches_the_next_ingested_record(service, tmp_path):
    catalog = service.catalog
    first = tmp_path / "first.png"
    first.write_bytes(small_scan(page("关于进一步加强档案工作的意见", "2020年3月2日")))
    result = service.ingest_files([first])
    assert (result["category"], result["retention"]) == ("WS", "Y"), result  # an 意见 of the bureau: permanent
    with catalog.session() as s:
        record = s.get(Record, result["id"])
        assert record.doc_type == "意见"
        rule = governing_rule(active_rules(s), "WS", record.title, record.doc_type).rule
        assert (rule.kind, rule.doc_types, rule.keywords) == ("本机关政策性意见与决定", ["意见", "决定"], [])
        rule_id = rule.id

    with catalog.session() as s:
        admin = resolve(s, "admin", channel="web")
        change = life.propose_schedule_change(s, admin, rule_id, retention="D30", reason="依上级新规定调整")
    with catalog.session() as s:
        assert s.get(RetentionRule, rule_id).active  # a proposal alone changes nothing
    with catalog.session() as s:
        boss = resolve(s, "boss", channel="web")
        decided = life.decide_schedule_change(s, boss, change["id"], approve=True)
    assert decided["status"] == "approved" and decided["recomputed"] == 1  # the first record follows too

    second = tmp_path / "second.png"
    second.write_bytes(small_scan(page("关于做好档案安全工作的意见", "2021年4月6日")))
    result = service.ingest_files([second])
    assert (result["category"], result["retention"]) == ("WS", "D30"), result
    with catalog.session() as s:
        record = s.get(Record, result["id"])
        governing = governing_rule(active_rules(s), "WS", record.title, record.doc_type)
        assert governing.rule.id == decided["new_rule"] and governing.rule.version == 2
        assert governing.rule.doc_types == ["意见", "决定"] and governing.confidence == 0.75
