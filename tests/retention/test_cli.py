"""Every invariant attempted through the `archive` command line as well."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.cli import _load_plugins, main
from archive.models import Record
from retention import destruction
from storage.local import LocalObjectStore
from tests.retention.workflow import approved_register, due_records

ARCHIVE = str(Path(sys.executable).parent / "archive")


@pytest.fixture
def run(capsys, archive_env):
    _load_plugins()

    def archive(*args: str) -> tuple[int, str, str]:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return archive


def test_destruction_invariants_through_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    a, b = due_records(world, store, n=2, n_objects=2)
    members = ["--member", "ap1", "--member", "ap2"]
    code, _, err = run("retention", "appraisal", "create", a, b, "--by", "arch", "--title", "t", *members)
    assert code != 0 and "at least 3" in err
    code, out, err = run("retention", "appraisal", "create", a, b, "--by", "arch", "--title", "到期文书", *members,
                         "--member", "ap3")
    assert code == 0, err
    batch = out.split()[1]
    for rid in (a, b):
        assert run("retention", "appraisal", "decide", batch, rid, "--decision", "destroy", "--reason", "无保存价值",
                   "--by", "ap1")[0] == 0
    for m in ("ap1", "ap2", "ap3"):
        assert run("retention", "appraisal", "sign", batch, "--by", m)[0] == 0
    code, _, err = run("retention", "destruction", "create", batch, "--by", "arch")
    assert code != 0 and "not concluded" in err  # no register without a concluded appraisal
    assert run("retention", "appraisal", "conclude", batch, "--by", "arch", "--opinion", "同意销毁")[0] == 0
    code, out, err = run("retention", "destruction", "create", batch, "--by", "arch")
    assert code == 0, err
    reg = out.split()[1]
    execute = ("retention", "destruction", "execute", reg, "--by", "arch", "--method", "粉碎", "--place", "档案室")

    def refused(*args, match: str) -> None:
        code, _, err = run(*args)
        assert code != 0 and match in err, err
        with world["catalog"].session() as s:
            assert not s.execute(select(Record).where(Record.id.in_([a, b]), Record.status == "destroyed")).first()

    refused(*execute, match="approval")
    refused("retention", "destruction", "approve", reg, "--by", "arch", match="may not approve")
    assert run("retention", "destruction", "approve", reg, "--by", "boss")[0] == 0
    refused("retention", "destruction", "witness", reg, "--by", "boss", match="may not witness")
    assert run("retention", "destruction", "witness", reg, "--by", "w1")[0] == 0
    refused(*execute, match="2 witnesses")
    assert run("retention", "destruction", "witness", reg, "--by", "w2")[0] == 0
    code, out, err = run("retention", "hold", "place", "--by", "arch", "--reason", "审计", "--record", a)
    assert code == 0, err
    hold_id = out.split()[1]
    refused(*execute, match="under hold")
    assert run("retention", "hold", "release", hold_id, "--by", "arch", "--reason", "审计结束")[0] == 0
    world["clock"].to("2018-12-31")
    refused(*execute, match="not due")
    world["clock"].to("2020-03-01")
    code, out, err = run(*execute)
    assert code == 0, err
    code, out, _ = run("retention", "destruction", "show", reg, "--json")
    assert json.loads(out)["status"] == "executed"
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status == "destroyed" for i in (a, b))

    code, out, _ = run("retention", "report", "--as-of", "2020-03-01")
    report = json.loads(out)
    assert report["destroyed_chain_complete"] and len(report["sections"]["destroyed"]) == 2
    for fmt in ("csv", "xlsx", "pdf"):
        target = archive_env["home"] / f"report.{fmt}"
        assert run("retention", "report", "--as-of", "2020-03-01", "--format", fmt, "--output", target)[0] == 0
        assert target.stat().st_size > 100


def test_living_persons_file_and_separation_of_duties_through_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    (rs,) = due_records(world, store, n=1, category_code="RS", title="王五人事档案")
    code, out, _ = run("retention", "appraisal", "create", rs, "--by", "arch", "--title", "t",
                       "--member", "ap1", "--member", "ap2", "--member", "ap3")
    batch = out.split()[1]
    code, _, err = run("retention", "appraisal", "decide", batch, rs, "--decision", "destroy", "--reason", "r",
                       "--by", "ap1")
    assert code != 0 and "living person" in err
    code, _, err = run("retention", "schedule", "change", "1", "--retention", "D30", "--reason", "r",
                       "--by", "boss", "--approver", "boss")
    assert code != 0 and "cannot act twice" in err
    code, out, err = run("retention", "schedule", "change", "1", "--retention", "Y", "--reason", "新规定",
                         "--by", "arch", "--approver", "boss")
    assert code == 0 and "schedule version 2" in out, err
    (secret,) = due_records(world, store, n=1, secrecy="secret", declassify_on=dt.date(2020, 1, 1))
    code, _, err = run("retention", "secrecy-review", secret, "--by", "arch", "--outcome", "declassify")
    assert code != 0 and "security officer" in err
    assert run("retention", "secrecy-review", secret, "--by", "sec", "--outcome", "declassify")[0] == 0
    code, _, err = run("retention", "extend", secret, "--years", "3", "--reason", "参考", "--by", "staff1")
    assert code != 0
    assert run("retention", "extend", secret, "--years", "3", "--reason", "参考", "--by", "ap1")[0] == 0


def test_a_crashed_destruction_resumes_from_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    register_id, ids = approved_register(world, store, n=2, n_objects=2)

    def crash(step: str) -> None:
        if step == "object_deleted":
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        destruction.execute(world["catalog"], store, register_id=register_id, actor="arch", method="粉碎",
                            place="档案室", hook=crash)
    with world["catalog"].session() as s:
        assert destruction.entries(s, register_id)[0].state == "destroying"
    code, _, err = run("retention", "destruction", "execute", register_id, "--by", "arch")
    assert code == 0, err
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status == "destroyed" for i in ids)
        assert destruction.get_register(s, register_id).status == "executed"


def test_due_schedule_hold_list_and_check_through_the_binary(world, archive_env):
    if archive_env["database_url"].startswith("postgresql"):
        pytest.skip("the installed binary is checked once; the in-process CLI tests cover PostgreSQL")
    store = LocalObjectStore(archive_env["home"] / "objects")
    due_records(world, store, n=2, n_objects=1)
    env = {**os.environ}

    def binary(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([ARCHIVE, *args], capture_output=True, text=True, env=env, timeout=60)

    done = binary("retention", "due", "--json", "--date", "2020-03-01")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due_for_appraisal"]["count"] == 2
    assert binary("retention", "schedule", "list", "--json").returncode == 0
    done = binary("check", "--json")
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["passed"] == 2
