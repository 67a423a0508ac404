"""Catalogue import without scans (issue 14), on SQLite and PostgreSQL: the generated legacy
workbook (three sheets, 2,000 good rows, a GBK CSV beside it, ten bad rows)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from archive import archival_code, audit
from archive.catalogue.service import import_catalogue
from archive.errors import Forbidden
from archive.models import AuditEvent, IndexOutbox, Record, Volume
from tests.catalogue.legacy import make_legacy


def _counts(catalog):
    with catalog.session() as s:
        return (s.scalar(select(func.count()).select_from(Record)), s.scalar(select(func.count()).select_from(Volume)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def test_legacy_catalogue_goes_in_once_with_its_codes(seeded, operator, legacy):
    before = _counts(seeded)
    dry = import_catalogue(seeded, operator, [legacy.workbook, legacy.csv], dry_run=True)
    assert _counts(seeded) == before  # a dry run writes nothing, not even an audit event
    assert sum(dry.created.values()) == len(legacy.good_codes) + len(legacy.volume_codes)

    report = import_catalogue(seeded, operator, [legacy.workbook, legacy.csv])
    assert report.created == dry.created
    assert {(p.source, p.sheet, p.row) for p in report.problems} == legacy.bad_rows
    assert all(p.reason("zh") and p.reason("en") for p in report.problems)
    with seeded.session() as s:
        codes = set(s.execute(select(Record.archival_code)).scalars())
        volumes = {v.archival_code: v.id for v in s.execute(select(Volume)).scalars()}
        assert legacy.good_codes <= codes and len(codes) == len(legacy.good_codes)
        assert set(volumes) == legacy.volume_codes
        # Catalogue-only, filed, with the old term kept beside today's period.
        long_term = s.execute(select(Record).where(Record.archival_code == "J001-WS·1991-C-0001")).scalar_one()
        assert (long_term.retention, long_term.legacy_retention) == ("D30", "长期")
        assert long_term.status == "filed" and long_term.page_list == []
        short = s.execute(select(Record).where(Record.archival_code == "J001-WS·1992-D-0002")).scalar_one()
        assert (short.retention, short.legacy_retention) == ("D10", "短期")
        assert short.retention_due is not None and short.retention_due.year == 1993 + 10
        inner = s.execute(select(Record).where(Record.archival_code == "J001-SB·2001-D100-001-0003")).scalar_one()
        assert inner.volume_id == volumes["J001-SB·2001-D100-001"] and inner.sequence == 3
        assert inner.extra["catalogue"]["page_ref"] == "7-9" and inner.pages == 3
        # Searchable at once: every imported record is queued for the index in its own transaction.
        queued = set(s.execute(select(IndexOutbox.record_id)).scalars())
        assert set(s.execute(select(Record.id)).scalars()) <= queued
        # A code issued later never repeats an imported one.
        parts, _ = archival_code.parse("J001-WS·2013-Y-BGS-5001")
        issued, number = archival_code.issue(s, parts)
        assert number > 5000 + 200 - 5 and issued not in codes
        # Each imported record has its own event: the trail is as long as the catalog's history.
        verified = audit.verify(s, history=True)
        assert verified.ok, verified.reason

    after = _counts(seeded)
    again = import_catalogue(seeded, operator, [legacy.workbook, legacy.csv])
    assert sum(again.created.values()) == 0
    assert again.unchanged == len(legacy.good_codes) + len(legacy.volume_codes)
    assert {(p.source, p.sheet, p.row) for p in again.problems} == legacy.bad_rows
    assert _counts(seeded) == after  # changes nothing


def test_changed_row_is_a_conflict_never_an_overwrite(seeded, operator, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("档号,题名,保管期限\nJ001-WS·2001-Y-0001,原题名,永久\n", encoding="utf-8")
    import_catalogue(seeded, operator, [first])
    changed = tmp_path / "b.csv"
    changed.write_text("档号,题名,保管期限\nJ001-WS·2001-Y-0001,改过的题名,永久\n", encoding="utf-8")
    report = import_catalogue(seeded, operator, [changed])
    assert [p.key for p in report.problems] == ["exists_differs"]
    with seeded.session() as s:
        assert s.execute(select(Record.title)).scalar_one() == "原题名"


def test_rows_above_the_importers_clearance_are_refused(seeded, person, tmp_path):
    sheet = tmp_path / "items.csv"
    sheet.write_text("档号,题名,保管期限,密级\nJ001-WS·2001-Y-0001,甲,永久,内部\nJ001-WS·2001-Y-0002,乙,永久,机密★10年\n",
                     encoding="utf-8")
    report = import_catalogue(seeded, person("archivist", "internal"), [sheet])
    assert [(p.row, p.key) for p in report.problems] == [(3, "above_clearance")]
    assert report.created["items"] == 1
    with pytest.raises(Forbidden):
        import_catalogue(seeded, person("staff", "secret"), [sheet])


def test_gbk_csv_english_headers_and_a_mapping_file(seeded, operator, tmp_path):
    gbk = tmp_path / "old.csv"
    gbk.write_bytes("Archival code,Title,Retention,Date,Secrecy\nJ001-WS·2003-C-0007,关于工伤认定的批复,长期,一九九八年三月,秘密★5年\n"
                    .encode("gbk"))
    odd = tmp_path / "odd.csv"
    odd.write_text("编号,文件名称,期限\nJ001-WS·2004-Y-0001,局务会议纪要,永久\n", encoding="gb18030")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"headers": {"编号": "archival_code", "文件名称": "title", "期限": "retention"},
                                   "retention_terms": {"长期": "D50"}}, ensure_ascii=False), encoding="utf-8")
    report = import_catalogue(seeded, operator, [gbk, odd], mapping=mapping)
    assert report.problems == [] and report.created["items"] == 2
    with seeded.session() as s:
        rec = s.execute(select(Record).where(Record.archival_code == "J001-WS·2003-C-0007")).scalar_one()
        assert (rec.retention, rec.legacy_retention, rec.secrecy, rec.secrecy_term_months) == ("D50", "长期", "secret", 60)
        assert rec.doc_date.isoformat() == "1998-03-01" and rec.year == 2003
        assert rec.declassify_on is not None and rec.declassify_on.year == 2003


def test_unreadable_files_are_reported_not_fatal(seeded, operator, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    good = tmp_path / "ok.csv"
    good.write_text("档号,题名,保管期限\nJ001-WS·2001-Y-0001,甲,永久\n", encoding="utf-8")
    report = import_catalogue(seeded, operator, [broken, good])
    assert [(p.source, p.row, p.key) for p in report.problems] == [("broken.xlsx", None, "unreadable_file")]
    assert report.created["items"] == 1


def test_a_small_generated_catalogue(seeded, operator, tmp_path):
    small = make_legacy(tmp_path, items=20, volumes=2, per_volume=3, csv_rows=5, bad=False)
    report = import_catalogue(seeded, operator, [small.workbook, small.csv], chunk=7)
    assert report.problems == [] and sum(report.created.values()) == len(small.good_codes) + 2
