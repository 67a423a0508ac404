"""The faces a person uses on the command line, as real processes: `archive catalogue import`,
then `archive search` finds an imported title; `archive catalogue attach` on a folder of scans
named by 档号; `archive catalogue export`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import users
from archive.config import load_settings
from archive.db import Catalog
from archive.models import Record
from tests.catalogue.legacy import SEARCHABLE_TITLE, make_legacy
from tests.cli_auth import env_as
from tests.pipeline.conftest import small_scan

ARCHIVE = str(Path(sys.executable).parent / "archive")


def run(*args, env, timeout=600):
    return subprocess.run([ARCHIVE, *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """An initialised ARCHIVE_HOME on embedded defaults, and an archivist cleared to top secret."""
    root = tmp_path_factory.mktemp("catalogue-cli")
    env = dict(os.environ, ARCHIVE_HOME=str(root / "home"), ARCHIVE_LANG="en")
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL",
                "ARCHIVE_CONFIG", "ARCHIVE_TOKEN"):
        env.pop(var, None)
    assert run("init", env=env).returncode == 0
    url = load_settings(env).database_url
    catalog = Catalog(url)
    with catalog.session() as s:
        users.add_user(s, actor="test", username="keeper", role="archivist", clearance="top_secret",
                       password="correct-horse-battery")
        users.add_user(s, actor="test", username="clerk", role="archivist", clearance="internal",
                       password="correct-horse-battery")
    catalog.dispose()
    legacy = make_legacy(root / "legacy")
    return {"env": env, "url": url, "root": root, "legacy": legacy,
            "keeper": env_as(url, "keeper", env), "clerk": env_as(url, "clerk", env)}


def test_import_reports_bad_rows_and_search_finds_a_title(home):
    legacy = home["legacy"]
    dry = run("catalogue", "import", str(legacy.workbook), str(legacy.csv), "--dry-run", "--json", env=home["keeper"])
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["dry_run"] is True
    out = run("catalogue", "import", str(legacy.workbook), str(legacy.csv), "--json", env=home["keeper"])
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert sum(report["created"].values()) == len(legacy.good_codes) + len(legacy.volume_codes)
    assert {(p["file"], p["sheet"], p["row"]) for p in report["problems"]} == legacy.bad_rows
    again = run("catalogue", "import", str(legacy.workbook), str(legacy.csv), env=home["keeper"])
    assert again.returncode == 0 and "new: 0 volumes, 0 items, 0 in-volume items" in again.stdout, again.stdout
    assert "row 1153: title is missing" in again.stdout

    found = run("search", "荔枝湾街道", "--json", env=home["keeper"])
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["hits"]
    assert [h["title"] for h in hits] == [SEARCHABLE_TITLE]
    assert hits[0]["archival_code"] == "J001-WS·1991-C-0001"


def test_attach_scans_named_by_code(home):
    folder = home["root"] / "scans"
    (folder / "J001-SB·2001-D100-001").mkdir(parents=True)
    page = small_scan(["市劳动和社会保障局文件", "人社发〔1991〕7号", SEARCHABLE_TITLE])
    (folder / "J001-WS-1991-C-0001-001.png").write_bytes(page)
    (folder / "J001-WS-1991-C-0001-002.png").write_bytes(small_scan(["此页为正文第二页"]))
    (folder / "J001-SB·2001-D100-001" / "0002.png").write_bytes(small_scan(["参保人员待遇核定表"]))
    (folder / "J009-WS-1999-Y-0001.png").write_bytes(small_scan(["无此档号"]))
    with Catalog(home["url"]).session() as s:
        before = s.execute(select(Record).where(Record.archival_code == "J001-WS·1991-C-0001")).scalar_one()
        fields = {k: getattr(before, k) for k in ("title", "doc_no", "issuer", "doc_date", "retention", "year")}
    out = run("catalogue", "attach", str(folder), "--json", env=home["keeper"])
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["unmatched"] == ["scans/J009-WS-1999-Y-0001.png"]
    attached = {row["archival_code"]: row for row in report["attached"]}
    assert set(attached) == {"J001-WS·1991-C-0001", "J001-SB·2001-D100-001-0002"}
    assert attached["J001-WS·1991-C-0001"]["pages"] == 2
    with Catalog(home["url"]).session() as s:
        record = s.execute(select(Record).where(Record.archival_code == "J001-WS·1991-C-0001")).scalar_one()
        assert [p.page_no for p in record.page_list] == [1, 2]
        assert "荔枝湾" in record.page_list[0].ocr_text
        # The imported catalogue stays; what the OCR read differently waits for review.
        assert {k: getattr(record, k) for k in fields} == fields
        differences = record.extra["ocr_differences"]
        if "doc_no" in differences:
            assert differences["doc_no"]["read"].endswith("7号")
            assert record.status == "needs_review" and "ocr_differs:doc_no" in record.review_reasons
    again = run("catalogue", "attach", str(folder), "--json", env=home["keeper"])
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["attached"] == []  # attached once


def test_export_is_trimmed_to_the_viewer(home):
    out_all = home["root"] / "all.xlsx"
    assert run("catalogue", "export", str(out_all), env=home["keeper"]).returncode == 0
    out_csv = home["root"] / "items.csv"
    done = run("catalogue", "export", str(out_csv), "--layout", "items", "--gb18030", env=home["clerk"])
    assert done.returncode == 0, done.stderr
    text = out_csv.read_bytes().decode("gb18030")
    assert text.startswith("件号,序号,档号") and text.count("\n") > 100
    assert "机密" not in text and "秘密" not in text  # above the clerk's clearance: not there at all
    refused = run("catalogue", "export", str(home["root"] / "x.csv"), env=home["keeper"])
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
