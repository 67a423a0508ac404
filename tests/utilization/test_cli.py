"""`archive utilization …`, `archive certify` and `archive verify` (issue 17 faces), in-process
through click, acting as the person whose token is in ARCHIVE_TOKEN."""

import json

import pytest
from click.testing import CliRunner

from archive.cli import _load_plugins, cli
from archive.utilization.cli import certify_command, utilization_group, verify_command
from storage.local import LocalObjectStore
from tests.cli_auth import token_for
from tests.utilization.conftest import ALICE_ID, BAD_ID


def run(*args):
    _load_plugins()
    for name, command in (("utilization", utilization_group), ("certify", certify_command),
                          ("verify", verify_command)):
        cli.commands.setdefault(name, command)  # before the package is reinstalled with its entry points
    return CliRunner().invoke(cli, list(args))


def ok(*args):
    out = run(*args, "--json")
    assert out.exit_code == 0, (args, out.output)
    return json.loads(out.stdout)


@pytest.fixture
def store(tmp_path):
    return LocalObjectStore(tmp_path / "home" / "objects")  # the CLI's own store under ARCHIVE_HOME


def test_desk_commands_register_close_certify_and_verify(archive_env, room, monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHIVE_TOKEN", token_for(archive_env["database_url"], "arch"))
    bad = run("utilization", "register", "--name", "张三", "--id-number", BAD_ID, "--purpose", "work_years")
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    refused = run("utilization", "register", "--name", "张三", "--id-number", ALICE_ID, "--purpose", "personal_use")
    assert refused.exit_code != 0
    made = ok("utilization", "register", "--name", "张三", "--id-number", ALICE_ID, "--purpose", "work_years",
              "--record", str(room["ids"]["alice_reg"]))
    out = tmp_path / "copy.pdf"
    issued = ok("certify", str(room["ids"]["alice_reg"]), "--pages", "1-2", "--copies", "2", "--request",
                made["number"], "--approved-by", "office", "--out", str(out))
    assert out.read_bytes()[:5] == b"%PDF-"
    checked = ok("verify", issued["serial"], "--file", str(out))
    assert checked["match"] and checked["issued"]
    data = bytearray(out.read_bytes())
    data[-200] ^= 0x20
    out.write_bytes(bytes(data))
    assert run("verify", issued["serial"], "--file", str(out)).exit_code == 1
    closed = ok("utilization", "close", made["number"], "--outcome", "certified")
    assert closed["outcome"] == "certified"
    listed = ok("utilization", "list")
    assert [r["number"] for r in listed["requests"]] == [made["number"]]
    register_file = tmp_path / "register.xlsx"
    stats = ok("utilization", "stats", "--out", str(register_file))
    assert stats["total"] == 1 and register_file.stat().st_size > 0
    code = ok("utilization", "code", "--id-number", ALICE_ID, "--name", "张三")
    assert len(code["code"]) == 8
