"""Issue 12 findings 3, 14 and 21 on the command line: `archive login` after five wrong passwords,
password rules in `archive passwd`, a private ARCHIVE_HOME and the start-up warning."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import sys

import pytest

from archive import users
from archive.cli import main
from archive.db import Catalog
from tests.test_cli import Result, lines, ok, refused

GOOD = "correct-horse-battery"


@pytest.fixture
def cli(archive_env, monkeypatch, capsys):
    """`archive ARGS` in this process, with no saved token unless a login saved one."""

    def call(*args, stdin=""):
        capsys.readouterr()
        with monkeypatch.context() as m:
            m.delenv("ARCHIVE_TOKEN", raising=False)
            m.setattr(sys, "stdin", io.StringIO(stdin))
            code, out, err = run(*args)
        return Result(code, out, err)

    return call


def add_clerk(database_url):
    catalog = Catalog(database_url)
    try:
        with catalog.session() as s:
            users.add_user(s, actor="test", username="clerk", role="staff", password=GOOD)
    finally:
        catalog.dispose()


def test_archive_login_refuses_the_right_password_after_five_wrong_ones(cli, archive_env):
    add_clerk(archive_env["database_url"])
    for _ in range(5):
        refused(cli("login", "clerk", "--password-stdin", stdin=lines("wrong-guess-123")), "wrong")
    refused(cli("login", "clerk", "--password-stdin", stdin=lines(GOOD)), "locked")
    assert not list((archive_env["home"] / "cli").glob("*.token"))


def test_archive_passwd_refuses_a_common_password(cli, archive_env):
    add_clerk(archive_env["database_url"])
    ok(cli("login", "clerk", "--password-stdin", stdin=lines(GOOD)))
    refused(cli("passwd", "--password-stdin", stdin=lines(GOOD, "Password123!")), "too common")
    refused(cli("passwd", "--password-stdin", stdin=lines(GOOD, "clerk2024!!!")), "user name")
    ok(cli("passwd", "--password-stdin", stdin=lines(GOOD, "clerk-password-2")))


def run(*args):
    """(exit code, standard output, standard error) of `archive ARGS` in this process."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def embedded_home(tmp_path, monkeypatch):
    """The embedded defaults: the SQLite catalog inside ARCHIVE_HOME."""
    home = tmp_path / "home"
    monkeypatch.setenv("ARCHIVE_HOME", str(home))
    monkeypatch.setenv("ARCHIVE_LANG", "en")
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL",
                "ARCHIVE_CONFIG", "ARCHIVE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    os.chmod(tmp_path, 0o755)  # what a home made under /srv or $HOME usually sits in
    return home


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_archive_init_makes_a_private_home_and_warns_when_it_is_opened_up(embedded_home):
    code, out, err = run("init", "--json")
    assert code == 0, err
    assert len(json.loads(out)["accounts"]) == 3 and err == ""
    assert mode(embedded_home) == 0o700
    catalog = embedded_home / "catalog.db"
    assert mode(catalog) == 0o600
    for extra in ("catalog.db-wal", "catalog.db-shm"):
        if (embedded_home / extra).exists():
            assert mode(embedded_home / extra) == 0o600, extra
    os.chmod(embedded_home, 0o755)
    os.chmod(catalog, 0o644)
    code, _out, err = run("audit", "verify")
    assert code == 0, err
    assert f"{embedded_home} has mode 0755" in err and "should be 0700" in err
    assert f"{catalog} has mode 0644" in err and "should be 0600" in err
