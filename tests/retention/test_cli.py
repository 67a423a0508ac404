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

from archive import audit
from archive.audit_cli import audit_command
from archive.models import Record, User
from retention import destruction
from retention.cli import retention_group
from storage.local import LocalObjectStore
from tests.cli_auth import env_as
from tests.retention.workflow import approved_register, concluded_batch, due_records, execute

ARCHIVE = str(Path(sys.executable).parent / "archive")
PERSON_COMMANDS = [
    ("retention", "due"), ("retention", "schedule", "list"), ("retention", "schedule", "change", "1", "--retention",
                                                                "D30", "--reason", "r"),
    ("retention", "schedule", "approve", "1"), ("retention", "extend", "1", "--years", "1", "--reason", "r"),
    ("retention", "hold", "place", "--reason", "r", "--record", "1"), ("retention", "hold", "release", "1",
                                                                        "--reason", "r"),
    ("retention", "hold", "list"), ("retention", "appraisal", "create", "1", "--title", "t", "--member", "a"),
    ("retention", "appraisal", "decide", "1", "1", "--decision", "destroy", "--reason", "r"),
    ("retention", "appraisal", "sign", "1"), ("retention", "appraisal", "conclude", "1", "--opinion", "o"),
    ("retention", "destruction", "create", "1"), ("retention", "destruction", "approve", "1"),
    ("retention", "destruction", "witness", "1"), ("retention", "destruction", "execute", "1"),
    ("retention", "destruction", "show", "1"), ("retention", "secrecy-review", "1", "--outcome", "keep"),
    ("retention", "report"), ("retention", "settings"), ("audit", "log"),
]



def test_destruction_invariants_through_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    a, b = due_records(world, store, n=2, n_objects=2)
    members = ["--member", "ap1", "--member", "ap2"]
    code, _, err = run("retention", "appraisal", "create", a, b, "--title", "t", *members, as_="arch")
    assert code != 0 and "at least 3" in err
    code, _, err = run("retention", "appraisal", "create", a, b, "--title", "t", *members, "--member", "ap3",
                       as_="ap1")
    assert code != 0 and "may not open an appraisal" in err  # the archivist opens it
    code, out, err = run("retention", "appraisal", "create", a, b, "--title", "到期文书", *members, "--member", "ap3",
                         as_="arch")
    assert code == 0, err
    batch = out.split()[1]
    code, _, err = run("retention", "appraisal", "decide", batch, a, "--decision", "destroy", "--reason", "r", as_="w1")
    assert code != 0 and "not a member" in err
    for rid in (a, b):
        assert run("retention", "appraisal", "decide", batch, rid, "--decision", "destroy", "--reason", "无保存价值",
                   as_="ap1")[0] == 0
    for m in ("ap1", "ap2", "ap3"):
        code, out, err = run("retention", "appraisal", "sign", batch, as_=m)
        assert code == 0 and m in out, err
    code, _, err = run("retention", "destruction", "create", batch, as_="arch")
    assert code != 0 and "not concluded" in err  # no register without a concluded appraisal
    assert run("retention", "appraisal", "conclude", batch, "--opinion", "同意销毁", as_="arch")[0] == 0
    code, out, err = run("retention", "destruction", "create", batch, as_="arch")
    assert code == 0, err
    reg = out.split()[1]
    execute = ("retention", "destruction", "execute", reg, "--method", "粉碎", "--place", "档案室")

    def refused(*args, match: str, as_: str) -> None:
        code, _, err = run(*args, as_=as_)
        assert code != 0 and match in err, err
        with world["catalog"].session() as s:
            assert not s.execute(select(Record).where(Record.id.in_([a, b]), Record.status == "destroyed")).first()

    refused(*execute, match="approval", as_="arch")
    refused("retention", "destruction", "approve", reg, match="may not approve", as_="arch")
    assert run("retention", "destruction", "approve", reg, as_="boss")[0] == 0
    refused("retention", "destruction", "witness", reg, match="may not witness", as_="boss")
    assert run("retention", "destruction", "witness", reg, as_="w1")[0] == 0
    refused(*execute, match="2 witnesses", as_="arch")
    assert run("retention", "destruction", "witness", reg, as_="w2")[0] == 0
    code, out, err = run("retention", "hold", "place", "--reason", "审计", "--record", a, as_="arch")
    assert code == 0, err
    hold_id = out.split()[1]
    code, out, _ = run("retention", "hold", "list", "--json", as_="arch")
    assert [h["id"] for h in json.loads(out)] == [int(hold_id)]
    refused(*execute, match="under hold", as_="arch")
    assert run("retention", "hold", "release", hold_id, "--reason", "审计结束", as_="arch")[0] == 0
    world["clock"].to("2018-12-31")
    refused(*execute, match="not due", as_="arch")
    world["clock"].to("2020-03-01")
    refused(*execute, match="may not carry out", as_="boss")  # only the archivist executes
    code, out, err = run(*execute, as_="arch")
    assert code == 0, err
    code, out, _ = run("retention", "destruction", "show", reg, "--json", as_="arch")
    assert json.loads(out)["status"] == "executed"
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status == "destroyed" for i in (a, b))
    target = archive_env["home"] / "certificate.pdf"
    assert run("retention", "destruction", "pdf", reg, "--certificate", "--output", target, as_="arch")[0] == 0
    assert target.read_bytes().startswith(b"%PDF")

    code, _, err = run("retention", "report", "--as-of", "2020-03-01", as_="arch")
    assert code != 0 and "auditors" in err
    code, out, _ = run("retention", "report", "--as-of", "2020-03-01", as_="aud")
    report = json.loads(out)
    assert report["destroyed_chain_complete"] and len(report["sections"]["destroyed"]) == 2
    for fmt in ("csv", "xlsx", "pdf"):
        target = archive_env["home"] / f"report.{fmt}"
        assert run("retention", "report", "--as-of", "2020-03-01", "--format", fmt, "--output", target,
                   as_="aud")[0] == 0
        assert target.stat().st_size > 100


def test_the_trail_of_a_cli_destruction_names_the_people_logged_in(world, run, archive_env):
    """Each step was taken by the person whose token the command carried, through the channel cli."""
    store = LocalObjectStore(archive_env["home"] / "objects")
    (rid,) = due_records(world, store, n=1, n_objects=1)
    code, out, err = run("retention", "appraisal", "create", rid, "--title", "t", "--member", "ap1", "--member", "ap2",
                         "--member", "ap3", as_="arch")
    assert code == 0, err
    batch = out.split()[1]
    assert run("retention", "appraisal", "decide", batch, rid, "--decision", "destroy", "--reason", "r", as_="ap2")[0] == 0
    for m in ("ap1", "ap2", "ap3"):
        assert run("retention", "appraisal", "sign", batch, as_=m)[0] == 0
    assert run("retention", "appraisal", "conclude", batch, "--opinion", "同意", as_="arch")[0] == 0
    reg = run("retention", "destruction", "create", batch, as_="arch")[1].split()[1]
    assert run("retention", "destruction", "approve", reg, as_="boss")[0] == 0
    for w in ("w1", "w2"):
        assert run("retention", "destruction", "witness", reg, as_=w)[0] == 0
    code, _, err = run("retention", "destruction", "execute", reg, "--method", "粉碎", "--place", "档案室", as_="arch")
    assert code == 0, err
    expected = {"appraisal.create": {"arch"}, "appraisal.decide": {"ap2"}, "appraisal.sign": {"ap1", "ap2", "ap3"},
                "appraisal.conclude": {"arch"}, "destruction.register": {"arch"}, "destruction.approve": {"boss"},
                "destruction.witness": {"w1", "w2"}, "destruction.begin": {"arch"}, "record.destroy": {"arch"},
                "destruction.executed": {"arch"}}
    with world["catalog"].session() as s:
        for action, actors in expected.items():
            events = audit.events(s, action=action)
            assert {e.actor for e in events} == actors, action
            assert all(e.details["channel"] == "cli" and "@" in e.details["origin"] for e in events), action
    # the auditor reads the trail as themself, and the reading is on it too
    code, out, err = run("audit", "log", "--action", "destruction.approve", "--json", as_="aud")
    assert code == 0, err
    assert [json.loads(line)["actor"] for line in out.splitlines()] == ["boss"]
    code, _, err = run("audit", "log", as_="arch")
    assert code != 0 and "may not read_audit" in err
    with world["catalog"].session() as s:
        read = audit.events(s, action="audit.read")[0]
        assert read.actor == "aud" and read.details["channel"] == "cli"


def test_living_persons_file_secrecy_review_and_extension_through_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    (rs,) = due_records(world, store, n=1, category_code="RS", title="王五人事档案")
    code, out, _ = run("retention", "appraisal", "create", rs, "--title", "t",
                       "--member", "ap1", "--member", "ap2", "--member", "ap3", as_="arch")
    batch = out.split()[1]
    code, _, err = run("retention", "appraisal", "decide", batch, rs, "--decision", "destroy", "--reason", "r",
                       as_="ap1")
    assert code != 0 and "living person" in err
    (secret,) = due_records(world, store, n=1, secrecy="secret", declassify_on=dt.date(2020, 1, 1))
    code, _, err = run("retention", "secrecy-review", secret, "--outcome", "declassify", as_="arch")
    assert code != 0 and "security officer" in err
    assert run("retention", "secrecy-review", secret, "--outcome", "declassify", as_="sec")[0] == 0
    code, _, err = run("retention", "extend", secret, "--years", "3", "--reason", "参考", as_="staff1")
    assert code != 0
    code, out, err = run("retention", "extend", secret, "--years", "3", "--reason", "参考", as_="ap1")
    assert code == 0 and "2022-01-01" in out, err


def test_a_schedule_change_is_approved_in_the_approvers_own_session(world, run):
    code, _, err = run("retention", "schedule", "change", "1", "--retention", "D30", "--reason", "r", as_="arch")
    assert code != 0 and "may not propose" in err
    code, out, err = run("retention", "schedule", "change", "1", "--retention", "Y", "--reason", "新规定", as_="admin")
    assert code == 0, err
    change = out.split()[2].rstrip(":")
    code, out, _ = run("retention", "schedule", "list", "--json", as_="boss")
    listed = json.loads(out)
    assert listed["version"] == 1 and [c["id"] for c in listed["pending"]] == [int(change)]
    code, _, err = run("retention", "schedule", "approve", change, as_="admin")  # the proposer never approves
    assert code != 0 and "may not approve" in err
    code, _, err = run("retention", "schedule", "approve", change, as_="arch")
    assert code != 0
    code, out, err = run("retention", "schedule", "approve", change, as_="boss")
    assert code == 0 and "version 2" in out, err
    # an approver who proposes cannot approve their own change either; another approver rejects it
    code, out, err = run("retention", "schedule", "add", "--category", "WS", "--kind", "信访材料", "--keyword", "信访",
                         "--retention", "D10", "--reason", "新增", as_="boss")
    assert code == 0, err
    entry = out.split()[3].rstrip(":")
    code, _, err = run("retention", "schedule", "approve", entry, as_="boss")
    assert code != 0 and "cannot act twice" in err
    code, out, err = run("retention", "schedule", "approve", entry, "--reject", "依据不足", as_="lead")
    assert code == 0 and "rejected" in out, err
    with world["catalog"].session() as s:
        change_event = audit.events(s, action="retention.schedule.change")[0]
        assert (change_event.actor, change_event.details["proposed_by"]) == ("boss", "admin")
        assert change_event.details["channel"] == "cli"


def test_a_disabled_approver_is_refused_through_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    batch = concluded_batch(world, store, due_records(world, store, n=1, n_objects=1))
    code, out, err = run("retention", "destruction", "create", batch, as_="arch")
    assert code == 0, err
    reg = out.split()[1]
    for name in ("boss", "w1"):  # logged in while still active: their tokens are saved
        assert run("whoami", as_=name)[0] == 0
    with world["catalog"].session() as s:
        for user in s.execute(select(User).where(User.username.in_(["boss", "w1"]))).scalars():
            user.active = False
    for args, name in ((("retention", "destruction", "approve", reg), "boss"),
                       (("retention", "destruction", "witness", reg), "w1")):
        code, out, err = run(*args, as_=name)
        assert code != 0 and out == "" and len(err.strip().splitlines()) == 1, err
    with world["catalog"].session() as s:
        assert destruction.approvals(s, int(reg)) == [] and destruction.witnesses(s, int(reg)) == []


def test_no_retention_command_names_who_acts(run):
    """No flag names another person, and without a login a person's command fails with one line."""
    for group in (retention_group, audit_command):
        for path, command in _walk(group):
            names = {opt for param in command.params for opt in getattr(param, "opts", [])}
            assert not names & {"--by", "--as", "--user", "--approver", "--actor-name"}, path
    for args in PERSON_COMMANDS:
        code, out, err = run(*args)
        assert code != 0 and out == "", args
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "archive login" in lines[0], (args, err)


def _walk(command, path=()):
    import click

    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))
    else:
        yield path, command


def test_a_crashed_destruction_resumes_from_the_cli(world, run, archive_env):
    store = LocalObjectStore(archive_env["home"] / "objects")
    register_id, ids = approved_register(world, store, n=2, n_objects=2)

    def crash(step: str) -> None:
        if step == "object_deleted":
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        execute(world, store, register_id, place="档案室", hook=crash)
    with world["catalog"].session() as s:
        assert destruction.entries(s, register_id)[0].state == "destroying"
    code, _, err = run("retention", "destruction", "execute", register_id, as_="boss")
    assert code != 0 and "may not carry out" in err  # resuming is the archivist's work too
    code, _, err = run("retention", "destruction", "execute", register_id, as_="arch")
    assert code == 0, err
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status == "destroyed" for i in ids)
        assert destruction.get_register(s, register_id).status == "executed"


def test_due_schedule_hold_list_and_check_through_the_binary(world, archive_env):
    if archive_env["database_url"].startswith("postgresql"):
        pytest.skip("the installed binary is checked once; the in-process CLI tests cover PostgreSQL")
    store = LocalObjectStore(archive_env["home"] / "objects")
    due_records(world, store, n=2, n_objects=1, doc_date=dt.date(2008, 5, 1), issuer="某某市人力资源和社会保障局")
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_TOKEN"}
    world["clock"].now = dt.datetime.now(dt.UTC)  # the binary runs on the real clock: tokens must be valid there

    def binary(*args: str, as_: str | None = None) -> subprocess.CompletedProcess:
        run_env = env_as(archive_env["database_url"], as_, env) if as_ else env
        return subprocess.run([ARCHIVE, *args], capture_output=True, text=True, env=run_env, timeout=60)

    done = binary("retention", "due", "--json", "--date", "2020-03-01")
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1 and "archive login" in done.stderr
    done = binary("retention", "due", "--json", "--date", "2020-03-01", as_="arch")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due_for_appraisal"]["count"] == 2
    assert binary("retention", "schedule", "list", "--json", as_="admin").returncode == 0
    done = binary("check", "--json")  # an operator command: acts as system, needs no login
    assert done.returncode == 0, done.stdout
    checked = json.loads(done.stdout)
    # Nothing failed; what could not be checked (no malware scanner here) is not counted as passed.
    assert checked["failed"] == [] and checked["passed"] + len(checked["not_checked"]) == 2
