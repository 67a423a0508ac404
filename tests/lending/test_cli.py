"""`archive loan|register|inventory|volume|transfer|personnel|extract|relation|fixity`: in-process
through click (real processes check the one-line errors), on SQLite and PostgreSQL.

Every command acts as the person whose token is in ARCHIVE_TOKEN (tests/cli_auth.py), exactly as a
script would after `archive login`; no option names who acts.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import _load_plugins, cli
from archive.db import Catalog
from archive.models import AuditEvent, StoredObject, User
from storage.local import LocalObjectStore
from tests.cli_auth import token_for
from tests.lending.helpers import make_volume, world

ARCHIVE = str(Path(sys.executable).parent / "archive")


def run(*args, stdin=None):
    _load_plugins()
    result = CliRunner().invoke(cli, list(args), input=stdin)
    result.returncode = result.exit_code
    return result


def run_process(*args):
    return subprocess.run([ARCHIVE, *args], capture_output=True, text=True, env=os.environ, timeout=120)


def ok(*args, stdin=None):
    """Run a command that must succeed; its JSON output."""
    out = run(*args, "--json", stdin=stdin)
    assert out.returncode == 0, (args, out.output)
    return json.loads(out.stdout)


@pytest.fixture
def bureau(archive_env, monkeypatch):
    """An initialised archive with the lending users; `act(name)` logs the shell in as that person."""
    assert run("init", "--admin", "root").returncode == 0
    url = archive_env["database_url"]
    catalog = Catalog(url)
    with catalog.session() as s:
        w = world(s)
        make_volume(s, w["fonds"], "J001-SB·2025-D100-001", category="SB", title="养老待遇核定卷")
    catalog.dispose()
    made: dict[str, str] = {}

    def act(name: str) -> None:
        if name not in made:
            made[name] = token_for(url, name)
        monkeypatch.setenv("ARCHIVE_TOKEN", made[name])

    w["act"], w["url"] = act, url
    return w


def set_active(url: str, username: str, active: bool) -> None:
    catalog = Catalog(url)
    with catalog.session() as s:
        s.query(User).filter_by(username=username).one().active = active
    catalog.dispose()


def test_loan_register_inventory_and_fixity_commands(bureau, archive_env, monkeypatch, tmp_path):
    act, vol = bureau["act"], str(bureau["volumes"]["internal"])
    monkeypatch.delenv("ARCHIVE_TOKEN", raising=False)
    anonymous = run_process("loan", "list")
    assert anonymous.returncode != 0 and "archive login" in anonymous.stderr and "Traceback" not in anonymous.stderr
    act("wang")
    assert run("loan", "approve", "--as", "head_ylk", "1").returncode != 0  # no option names who acts

    req = ok("loan", "request", "--purpose", "查考", "--form", "loan", "--volume", vol)
    assert req["rule"] == "own_department" and req["status"] == "pending" and req["requester"] == "wang"
    refused = run_process("loan", "approve", str(req["id"]))
    assert refused.returncode != 0 and "own request" in refused.stderr and "Traceback" not in refused.stderr
    act("head_ylk")
    assert ok("loan", "approve", str(req["id"]))["status"] == "approved"
    act("arch")
    issued = ok("loan", "issue", str(req["id"]))
    assert issued["status"] == "issued" and len(issued["loans"]) == 1
    assert [r["number"] for r in ok("loan", "list")] == [req["number"]]
    act("li")
    assert ok("loan", "list") == []  # not li's request
    assert run("loan", "show", str(req["id"])).returncode != 0  # nor does it exist for li

    act("arch")
    csv_out = run("register", "export", "--kind", "loans", "--format", "csv")
    assert csv_out.returncode == 0 and req["number"] in csv_out.stdout_bytes.decode("utf-8-sig")
    pdf = tmp_path / "loans.pdf"
    assert run("register", "export", "--kind", "inout", "--format", "pdf", "-o", str(pdf)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    loan_id = str(issued["loans"][0]["id"])
    assert ok("loan", "renew", loan_id)["renewals"] == 1
    assert ok("loan", "return", loan_id, "--pages", "20")["pages_ok"] is True
    shown = run("loan", "show", str(req["id"]))
    # Words, not codes (ARCHIVE_LANG=en in the tests; Chinese by default).
    assert shown.returncode == 0 and "physical loan" in shown.stdout and "closed" in shown.stdout

    check = ok("inventory", "open")
    scanned = run("inventory", "scan", str(check["id"]), "--shelf", "A-01-01-01-01",
                  stdin="J001-WS·2018-D30-001\nUNKNOWN-1\n")
    assert scanned.returncode == 0, scanned.output
    result = ok("inventory", "close", str(check["id"]))
    assert [u["code"] for u in result["unexpected"]] == ["UNKNOWN-1"]
    assert ok("volume", "shelve", vol, "B-01-01-01-01")["location"] == "B-01-01-01-01"
    assert [h["to"] for h in ok("volume", "history", vol)] == ["B-01-01-01-01"]
    act("wang")
    assert run("inventory", "open").returncode != 0  # stock checks are the archivists'
    assert run("volume", "shelve", vol, "C-01").returncode != 0

    store = LocalObjectStore(archive_env["home"] / "objects")
    key = store.put(b"page")
    clean = run("fixity", "--json")
    assert clean.returncode == 3 and json.loads(clean.stdout)["unexpected"] == [key]
    catalog = Catalog(archive_env["database_url"])
    with catalog.session() as s:
        s.add(StoredObject(sha256=key, size=4, media_type="image/png", role="page_image"))
        # The trail names each person and the channel the command came through.
        event = s.query(AuditEvent).filter_by(action="loan.approve").one()
        assert event.actor == "head_ylk" and event.details["channel"] == "cli"
    catalog.dispose()
    ok_run = run("fixity", "--slice", "1/1", "--json")
    assert ok_run.returncode == 0 and json.loads(ok_run.stdout)["checked"] == 1


def test_a_disabled_department_head_approves_nothing_on_the_command_line(bureau):
    act, url = bureau["act"], bureau["url"]
    act("head_ylk")  # the token exists before the account is disabled
    act("wang")
    req = ok("loan", "request", "--purpose", "查考", "--form", "electronic", "--record",
             str(bureau["records"]["internal"]))
    set_active(url, "head_ylk", False)
    act("head_ylk")
    refused = run_process("loan", "approve", str(req["id"]))
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    set_active(url, "head_ylk", True)
    act("wang")
    assert ok("loan", "show", str(req["id"]))["status"] == "pending"


def test_transfer_registers_on_the_command_line(bureau, tmp_path):
    act = bureau["act"]
    code = "J001-SB·2025-D100-001"
    lines = tmp_path / "register.csv"
    lines.write_text("档号,题名,页数,业务流水号\n" + f"{code},养老待遇核定,30,T001\nJ001-SB·2025-D100-002,参保登记,12,T002\n",
                     encoding="utf-8")
    act("wang")
    submitted = ok("handover", "submit", "--department", "YLK", "--year", "2025", "--category", "SB",
                   "--lines-csv", str(lines))
    assert submitted["status"] == "unsigned" and len(submitted["items"]) == 2
    rid = str(submitted["id"])
    assert run("handover", "sign", rid).returncode != 0  # the person handing over is not the head
    act("head_ylk")
    assert ok("handover", "sign", rid)["dept_head"] == "head_ylk"
    act("wang")
    assert run("handover", "check", rid, "--arrived", f"{code}=30").returncode != 0  # archivists receive
    act("arch")
    txns = tmp_path / "txns.csv"
    txns.write_text("业务流水号\nT001\nT003\n", encoding="utf-8")
    checked = ok("handover", "check", rid, "--arrived", f"{code}=30", "--transactions", str(txns))
    assert checked["transactions_without_item"] == ["T003"]
    assert "J001-SB·2025-D100-002" in checked["problems"]
    ok("handover", "decide", rid, "J001-SB·2025-D100-002", "reject", "--reason", "未到")
    done = ok("handover", "decide", rid, code, "accept", "--shelf", "K2-01-01-01-01")
    assert done["status"] == "closed"
    listed = run("handover", "list")
    assert listed.returncode == 0 and "closed" in listed.stdout
    assert ok("handover", "filing-status")["year"] >= 2024


def test_personnel_intake_on_the_command_line(bureau):
    act = bureau["act"]
    act("wang")
    assert run("personnel", "list").returncode != 0  # personnel files are the archivists'
    act("arch")
    dossier = ok("personnel", "check", "--id-number", "110101199003071234", "--name", "王某",
                 "--present", "1 干部履历表", "--problem", "出生日期前后不一致")
    assert "6 入党入团材料" in dossier["missing"]
    notice = ok("personnel", "notice", str(dossier["id"]))
    assert "6 入党入团材料" in notice["notice_text"]
    assert run("personnel", "notice", str(dossier["id"])).returncode != 0  # once only
    assert ok("personnel", "undertaking", str(dossier["id"]))["undertaking_signed_at"]
    assert run("personnel", "send", "--id-number", "110101199003071234", "--name", "王某", "--to-unit", "某县人社局",
               "--carrier", "messenger", "--carrier-name", "王某").returncode != 0  # never the person concerned
    sent = ok("personnel", "send", "--id-number", "110101199003071234", "--name", "王某", "--to-unit", "某县人社局",
              "--carrier", "courier", "--carrier-name", "机要员甲")
    assert sent["receipt_on"] is None
    assert ok("personnel", "chase") == []  # not due for a month
    assert ok("personnel", "receipt", str(sent["id"]), "收件人丙")["receipt_signed_by"] == "收件人丙"
    listing = ok("personnel", "list")
    assert [d["id"] for d in listing["dossiers"]] == [dossier["id"]] and listing["notices"][0]["receipt_on"]


def test_extracts_relations_outside_borrowers_and_closing_on_the_command_line(bureau):
    act, rid = bureau["act"], str(bureau["records"]["secret"])
    act("zhao")
    req = ok("loan", "request", "--purpose", "摘抄", "--form", "reading_room", "--record", rid, "--extract")
    act("leader")
    ok("loan", "approve", str(req["id"]))
    act("arch")
    ok("loan", "issue", str(req["id"]))
    made = ok("extract", "register", str(req["id"]), rid, "--reader", "zhao", "--description", "第2页第3段",
              "--kind", "copy", "--copies", "2")
    assert made["secrecy"] == "secret" and made["copies_in_circulation"] == 2
    act("zhao")
    assert run("extract", "register", str(req["id"]), rid, "--reader", "zhao", "--description", "x").returncode != 0
    assert [e["kind"] for e in ok("extract", "list", str(req["id"]))] == ["copy"]
    act("arch")
    assert ok("loan", "close", str(req["id"]))["status"] == "closed"

    act("wang")
    assert ok("relation", "declare", "self", "110101199003071234", "--name", "王某")["username"] == "wang"
    assert run("relation", "declare", "spouse", "110101199003071234", "--for", "li").returncode != 0
    act("sec")
    assert ok("relation", "declare", "spouse", "110101199003071234", "--for", "li")["username"] == "li"
    assert [r["relation"] for r in ok("relation", "list", "--for", "li")] == ["spouse"]

    outside = ("loan", "request", "--purpose", "查证", "--form", "reading_room", "--record",
               str(bureau["records"]["internal"]), "--outside-name", "张某", "--outside-unit", "某市人社局",
               "--letter", "介绍信〔2026〕3号", "--outside-id-number", "110101199003071234")
    act("wang")
    assert run(*outside).returncode != 0  # an outside unit's request is registered at the archivists' desk
    act("arch2")
    registered = ok(*outside)
    assert registered["outside"]["unit"] == "某市人社局" and registered["rule"] == "other_department"
