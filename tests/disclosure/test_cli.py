"""`archive disclosure …` and `archive calendar …` in-process through click, as a logged-in person."""

import json

import pytest
from click.testing import CliRunner

from archive.cli import _load_plugins, cli
from archive.db import Catalog
from archive.disclosure.cli import calendar_group, disclosure_group
from archive.models import User
from tests.catalog.helpers import make_record, seeded
from tests.cli_auth import token_for


def run(*args):
    _load_plugins()
    # The entry points name these groups; an environment installed before them still gets them here.
    cli.add_command(disclosure_group, "disclosure")
    cli.add_command(calendar_group, "calendar")
    return CliRunner().invoke(cli, list(args))


def ok(*args):
    out = run(*args, "--json")
    assert out.exit_code == 0, (args, out.output)
    return json.loads(out.stdout)


@pytest.fixture
def room(archive_env, monkeypatch):
    assert run("init", "--admin", "root").exit_code == 0
    url = archive_env["database_url"]
    catalog = Catalog(url)
    with catalog.session() as s:
        fonds = seeded(s)
        s.add_all([User(username="arch", display_name="档案员", role="archivist", clearance="top_secret"),
                   User(username="office", display_name="办公室主任", role="office_director", clearance="secret"),
                   User(username="admin", display_name="系统管理员", role="sysadmin", clearance="internal")])
        s.flush()
        record = make_record(s, fonds, archival_code="J001-WS·2025-D30-0001", title="关于调整社保缴费基数的通知")
        record_id = record.id
    catalog.dispose()
    tokens: dict[str, str] = {}

    def act(name):
        tokens.setdefault(name, token_for(url, name))
        monkeypatch.setenv("ARCHIVE_TOKEN", tokens[name])

    return {"act": act, "record_id": record_id}


def test_attribute_request_clock_answer_and_report(room, tmp_path, clock):
    clock("2026-09-30")
    act = room["act"]
    act("arch")
    bad = run("disclosure", "set", "J001-WS·2025-D30-0001", "not_disclosed")
    assert bad.exit_code != 0 and "reason" in str(bad.exception)
    out = ok("disclosure", "set", "J001-WS·2025-D30-0001", "not_disclosed", "--reason", "process_info")
    assert out["disclosure"] == "not_disclosed" and out["reviewed_by"] == "arch"
    assert ok("disclosure", "show", str(room["record_id"]))["history"][0]["reason"] == "process_info"
    made = ok("disclosure", "request", "register", "--requester", "王五", "--content", "社保缴费基数文件",
              "--received", "2026-09-28", "--record", "J001-WS·2025-D30-0001")
    assert made["due_on"] == "2026-10-30" and made["records"][0]["id"] == room["record_id"]
    assert run("disclosure", "request", "extend", made["number"], "--reason", "x").exit_code != 0  # not an approver
    act("office")
    assert ok("disclosure", "request", "extend", made["number"], "--reason", "征求第三方意见")["due_on"] == "2026-11-27"
    act("arch")
    answered = ok("disclosure", "request", "answer", made["number"], "partial", "--reason", "process_info")
    assert answered["status"] == "answered" and answered["outcome_label"] == "partly disclosed"  # ARCHIVE_LANG=en
    assert ok("disclosure", "list", "--year", "2026")["requests"][0]["number"] == made["number"]
    assert ok("disclosure", "report", "--year", "2026")["outcomes"]["partial"] == 1
    pdf = tmp_path / "r.pdf"
    assert ok("disclosure", "report", "--year", "2026", "--format", "pdf", "--output", str(pdf))["size"] > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
    assert ok("disclosure", "deadline", "2026-09-28")["extended_due_on"] == "2026-11-27"


def test_calendar_commands_are_the_administrators(room, tmp_path):
    room["act"]("arch")
    assert run("calendar", "set", "2028-01-01", "holiday").exit_code != 0
    room["act"]("admin")
    assert ok("calendar", "set", "2028-01-01", "holiday", "--name", "元旦")["kind"] == "holiday"
    file = tmp_path / "cal.csv"
    file.write_text("date,kind,name\n2028-01-29,workday,春节调休上班\nnot-a-date,holiday\n", encoding="utf-8")
    result = ok("calendar", "import", str(file))
    assert result["added"] == 1 and len(result["errors"]) == 1
    assert [d["date"] for d in ok("calendar", "show", "2028")["days"]] == ["2028-01-01", "2028-01-29"]
    assert len(ok("calendar", "show", "2026")["days"]) == 39
