"""Issue 12 #8: one OS user in one shell destroyed records in 15 seconds by running the CLI as the
archivist, three appraisers, the director and two witnesses in turn (`--by USER`).

Replayed here with the installed `archive` binary: the shell holds the archivist's login only.
Every step that is someone else's part is refused, whether the other person is named by a flag
(the flags no longer exist: click refuses them before anything runs) or by the environment
(only a token names a person); without the others' tokens (their passwords) the chain stops,
nothing is destroyed, and the trail names nobody but the archivist.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive import audit
from archive.cli import _load_plugins, cli
from archive.errors import ArchiveError
from archive.models import Record
from retention import destruction
from storage.local import LocalObjectStore
from tests.cli_auth import env_as
from tests.retention.workflow import concluded_batch, due_records

ARCHIVE = str(Path(sys.executable).parent / "archive")


class Ran(NamedTuple):
    code: int
    output: str
ACTOR_FLAGS = {"--by", "--as", "--user", "--on-behalf-of", "--acting-as", "--impersonate"}


def test_no_command_of_the_cli_names_who_acts():
    _load_plugins()
    for path, command in _walk(cli):
        names = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert not names & ACTOR_FLAGS, path


def _walk(command, path=()):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))
    else:
        yield path, command


def test_the_fifteen_second_one_shell_destruction_is_refused(world, archive_env):
    if archive_env["database_url"].startswith("postgresql"):
        pytest.skip("the installed binary is replayed once; the in-process CLI tests cover PostgreSQL")
    _load_plugins()
    store = LocalObjectStore(archive_env["home"] / "objects")
    a, b = due_records(world, store, n=2, n_objects=1)
    world["clock"].now = dt.datetime.now(dt.UTC)  # the binary runs on the real clock: tokens must be valid there
    shell = env_as(archive_env["database_url"], "arch", {k: v for k, v in os.environ.items() if k != "ARCHIVE_TOKEN"})

    def binary(*args: object, stdin: str | None = None, **extra_env: str) -> subprocess.CompletedProcess:
        """The installed `archive` in the archivist's shell (slow: a few calls only)."""
        return subprocess.run([ARCHIVE, *map(str, args)], capture_output=True, text=True, timeout=120, input=stdin,
                              env={**shell, **extra_env})

    def same_shell(*args: object, **extra_env: str) -> Ran:
        """The same command line, parsed and run in this process with the shell's environment."""
        done = CliRunner().invoke(cli, [str(x) for x in args],
                                  env={"ARCHIVE_TOKEN": shell["ARCHIVE_TOKEN"], **extra_env})
        refused = done.exception if isinstance(done.exception, ArchiveError) else None
        return Ran(1 if refused else done.exit_code, done.output + (str(refused) if refused else ""))

    started = time.monotonic()
    done = same_shell("retention", "appraisal", "create", a, b, "--title", "到期文书", "--member", "ap1",
                      "--member", "ap2", "--member", "ap3")
    assert done.code == 0, done.output  # the archivist's own part
    batch = done.output.split()[1]
    decide = ("retention", "appraisal", "decide", batch, a, "--decision", "destroy", "--reason", "无保存价值")
    sign = ("retention", "appraisal", "sign", batch)
    for args, name in ((decide, "ap1"), (sign, "ap1"), (sign, "ap2"), (sign, "ap3")):
        for flag in ("--by", "--as", "--user"):  # the old way: name the person by a flag
            done = same_shell(*args, flag, name)
            assert done.code == 2 and "No such option" in done.output, done.output
    # ... or by the environment: only a token names a person, so this is still the archivist
    done = binary(*decide, ARCHIVE_USER="ap1", ARCHIVE_AS="ap1", USER="ap1", LOGNAME="ap1")
    assert done.returncode == 1 and "not a member" in done.stderr, done.stderr
    assert done.stdout == "" and len(_errors(done.stderr)) == 1
    done = same_shell(*sign, ARCHIVE_USER="ap2")
    assert done.code == 1 and "not a member" in done.output, done.output
    done = binary("login", "ap1", "--password-stdin", stdin="ap1\n")  # another person's login needs their password
    assert done.returncode != 0
    done = same_shell("retention", "appraisal", "conclude", batch, "--opinion", "同意销毁")
    assert done.code != 0  # nobody has signed
    done = same_shell("retention", "destruction", "create", batch)
    assert done.code != 0 and "not concluded" in done.output, done.output
    elapsed = time.monotonic() - started

    # Suppose the appraisers did their part themselves: the register still needs the director and
    # two witnesses, and the archivist's shell cannot be any of them.
    (c,) = due_records(world, store, n=1, n_objects=1)
    batch = concluded_batch(world, store, [c])
    done = same_shell("retention", "destruction", "create", batch)
    assert done.code == 0, done.output
    register = done.output.split()[1]
    approve, witness = ("retention", "destruction", "approve", register), ("retention", "destruction", "witness", register)
    for args in (approve, witness):
        for flag, name in (("--by", "boss"), ("--as", "w1"), ("--user", "w2")):
            assert same_shell(*args, flag, name).code == 2
    done = same_shell(*approve, ARCHIVE_USER="boss", USER="boss")
    assert done.code == 1 and "may not approve" in done.output, done.output
    done = same_shell(*witness)
    assert done.code == 1 and "may not witness" in done.output, done.output
    done = binary("retention", "destruction", "execute", register, "--method", "粉碎", "--place", "档案室")
    assert done.returncode == 1 and "approval" in done.stderr, done.stderr

    with world["catalog"].session() as s:
        assert s.execute(select(Record).where(Record.status == "destroyed")).first() is None
        assert destruction.approvals(s, int(register)) == [] and destruction.witnesses(s, int(register)) == []
        by_the_shell = [e for e in audit.events(s) if e.details.get("channel") == "cli"]
        assert by_the_shell and {e.actor for e in by_the_shell} <= {"arch", "ap1"}
        # ap1's only trace is the refused sign-in, not any step of the chain
        assert {e.action for e in by_the_shell if e.actor == "ap1"} <= {"login.failed"}
    print(f"one-shell replay refused in {elapsed:.1f} s")


def _errors(stderr: str) -> list[str]:
    """The error lines (a start-up warning about a loose home folder may precede them)."""
    return [line for line in stderr.strip().splitlines() if not line.startswith("warning:")]
