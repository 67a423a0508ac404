"""The `archive` command as a person runs it: real processes, SQLite and PostgreSQL.

The stable surface scripts rely on (issue 11): `archive init --json`, `archive login USER
--password-stdin` (password on line 1, a one-time password's replacement on line 2),
ARCHIVE_TOKEN over the saved login, `archive logout`, `archive user add NAME --role R
--password-stdin` and `archive user clearance NAME LEVEL`.

A process start costs seconds (every command package is imported), so the issue's scenario and
`init --json` run as real processes and the rest calls `archive.cli.main` in this process, with
the same environment variables, standard input and exit codes.
"""

import dataclasses
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.cli import main
from archive.db import Catalog
from archive.models import AuditEvent, User

ARCHIVE = str(Path(sys.executable).parent / "archive")
OFFICERS = [("admin", "sysadmin"), ("secadmin", "security_officer"), ("auditor", "auditor")]


def run(*args, stdin=None, env=None):
    return subprocess.run([ARCHIVE, *args], input=stdin, capture_output=True, text=True, env=env or os.environ,
                          timeout=120)


@dataclasses.dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(archive_env, monkeypatch, capsys):
    """`archive ARGS` in this process: cli(*args, stdin=..., token=...); no token unless given."""

    def call(*args, stdin="", token=None):
        capsys.readouterr()
        with monkeypatch.context() as m:
            if token is None:
                m.delenv("ARCHIVE_TOKEN", raising=False)
            else:
                m.setenv("ARCHIVE_TOKEN", token)
            m.setattr(sys, "stdin", io.StringIO(stdin))
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return call


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def refused(result, *words):
    """Non-zero, one line on standard error, no traceback."""
    assert result.returncode != 0, result.stdout
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    for word in words:
        assert word in line, line
    return line


def without_token(**extra):
    return {k: v for k, v in {**os.environ, **extra}.items() if k != "ARCHIVE_TOKEN"}


def lines(*values):
    return "".join(f"{v}\n" for v in values)


def catalog_rows(database_url, model, *where):
    catalog = Catalog(database_url)
    try:
        with catalog.session() as session:
            rows = session.execute(select(model).where(*where)).scalars().all()
            for row in rows:
                session.expunge(row)
            return rows
    finally:
        catalog.dispose()


def trail(database_url, action):
    return catalog_rows(database_url, AuditEvent, AuditEvent.action == action)


def token_path(home):
    found = list((Path(home) / "cli").glob("*.token"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def officers(cli, archive_env):
    """`archive init --json`, then a helper that logs an officer in (changing the one-time
    password the first time) and returns the saved token."""
    once = {a["username"]: a["password"] for a in json.loads(ok(cli("init", "--json")).stdout)["accounts"]}
    chosen = {}

    def log_in(username):
        if username in chosen:
            ok(cli("login", username, "--password-stdin", stdin=lines(chosen[username])))
        else:
            chosen[username] = f"{username}-chosen-password"
            ok(cli("login", username, "--password-stdin", stdin=lines(once[username], chosen[username])))
        return token_path(archive_env["home"]).read_text().strip()

    log_in.once = once
    return log_in


# -- real processes ----------------------------------------------------------------------------------

def test_init_json_creates_the_three_officers_once(archive_env):
    first = ok(run("init", "--json"))
    accounts = json.loads(first.stdout)["accounts"]
    assert [(a["username"], a["role"]) for a in accounts] == OFFICERS
    assert all(len(a["password"]) >= 10 for a in accounts) and len({a["password"] for a in accounts}) == 3
    assert json.loads(ok(run("init", "--json")).stdout) == {"accounts": []}
    users = {u.username: u for u in catalog_rows(archive_env["database_url"], User)}
    assert {n: (u.role, u.clearance, u.must_change_password) for n, u in users.items()} == {
        n: (r, "internal", True) for n, r in OFFICERS}
    added = trail(archive_env["database_url"], "user.add")
    assert {(e.actor, e.details["channel"]) for e in added} == {("system:init", "cli")}  # the operator, as system


def test_done_when_user_add_needs_a_login_and_the_officers_share_the_work(archive_env):
    """Issue 11, "Done when": from a fresh ARCHIVE_HOME, as real processes (SQLite and PostgreSQL)."""
    url = archive_env["database_url"]
    add_x = ("user", "add", "x", "--role", "staff", "--clearance", "secret", "--password-stdin")
    refused(run(*add_x, stdin="x-one-time-password\n", env=without_token()), "archive login")
    once = {a["username"]: a["password"] for a in json.loads(ok(run("init", "--json")).stdout)["accounts"]}
    assert catalog_rows(url, User, User.username == "x") == []

    ok(run("login", "admin", "--password-stdin", stdin=lines(once["admin"], "admin-chosen-password"),
           env=without_token()))
    added = ok(run(*add_x, stdin="x-one-time-password\n", env=without_token()))
    assert "added user x" in added.stdout and "internal" in added.stdout
    assert "archive user clearance x" in added.stdout  # how the security officer raises it
    [x] = catalog_rows(url, User, User.username == "x")
    assert (x.role, x.clearance, x.must_change_password) == ("staff", "internal", True)

    ok(run("login", "secadmin", "--password-stdin", stdin=lines(once["secadmin"], "secadmin-chosen-password"),
           env=without_token()))
    ok(run("user", "clearance", "x", "secret", env=without_token()))
    [x] = catalog_rows(url, User, User.username == "x")
    assert x.clearance == "secret"

    [add_event] = [e for e in trail(url, "user.add") if e.target == "user:x"]
    [clearance_event] = trail(url, "user.clearance")
    assert (add_event.actor, add_event.details["channel"], add_event.details["clearance"]) == ("admin", "cli", "internal")
    assert (clearance_event.actor, clearance_event.details["channel"]) == ("secadmin", "cli")
    assert clearance_event.details["after"]["clearance"] == "secret"
    assert "@" in add_event.details["origin"] and "@" in clearance_event.details["origin"]  # OS account@host
    logins = trail(url, "login")
    assert {(e.actor, e.details["channel"]) for e in logins} == {("admin", "cli"), ("secadmin", "cli")}


# -- in this process ---------------------------------------------------------------------------------

def test_login_changes_a_one_time_password_saves_a_private_token_and_logout_revokes_it(cli, archive_env):
    home, url = archive_env["home"], archive_env["database_url"]
    once = {a["username"]: a["password"] for a in json.loads(ok(cli("init", "--json")).stdout)["accounts"]}
    assert json.loads(ok(cli("init", "--json")).stdout) == {"accounts": []}
    assert "the three officers exist already" in ok(cli("init")).stdout

    def login(username, *given):
        return cli("login", username, "--password-stdin", stdin=lines(*given))

    refused(login("admin", once["admin"]), "one-time", "second line")
    assert not list(home.glob("cli/*.token"))
    refused(login("admin", "wrong-password-here"), "wrong user name or password")
    refused(login("admin", once["admin"], "short"), "at least")
    refused(login("admin", once["admin"], once["admin"]), "differ")
    ok(login("admin", once["admin"], "admin-chosen-password"))
    path = token_path(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert ok(cli("whoami")).stdout.split()[0] == "admin"
    # The one-time password is gone; the chosen one needs no second line.
    refused(login("admin", once["admin"], "another-new-password"), "wrong")
    ok(login("admin", "admin-chosen-password"))
    admin_token = path.read_text().strip()
    logins = trail(url, "login")
    assert {(e.actor, e.details["channel"]) for e in logins} == {("admin", "cli")}
    assert all("@" in e.details["origin"] for e in logins)  # the OS account and host
    assert [(e.actor, e.details["channel"]) for e in trail(url, "user.password_change")] == [("admin", "cli")]
    failed = trail(url, "login.failed")
    assert [(e.actor, e.details["channel"]) for e in failed] == [("admin", "cli")] * 2  # kept despite the refusal

    # ARCHIVE_TOKEN overrides the saved login.
    ok(login("secadmin", once["secadmin"], "secadmin-chosen-password"))
    assert ok(cli("whoami")).stdout.split()[0] == "secadmin"
    assert ok(cli("whoami", token=admin_token)).stdout.split()[0] == "admin"

    # Logout revokes the saved token: it stops working everywhere, not only in this file.
    secadmin_token = path.read_text().strip()
    assert "logged out" in ok(cli("logout")).stdout
    assert not path.exists()
    refused(cli("whoami"), "archive login")
    refused(cli("whoami", token=secadmin_token), "no longer valid")
    assert ok(cli("whoami", token=admin_token)).stdout.split()[0] == "admin"
    revoked = trail(url, "token.revoke")
    assert [(e.actor, e.details["channel"], e.details["logout"]) for e in revoked] == [("secadmin", "cli", True)]


def test_the_three_officers_keep_to_their_own_work(cli, officers, archive_env):
    url = archive_env["database_url"]
    admin, secadmin, auditor = officers("admin"), officers("secadmin"), officers("auditor")
    ok(cli("user", "add", "clerk", "--role", "staff", "--department", "YLK", "--category", "sb", token=admin))
    refused(cli("user", "clearance", "clerk", "secret", token=admin), "error:")  # not the administrator's
    refused(cli("user", "add", "y", "--role", "staff", token=secadmin), "error:")  # not the security officer's
    for token in (admin, secadmin, auditor):
        for role in ("sysadmin", "security_officer", "auditor"):
            refused(cli("user", "add", f"o-{role}", "--role", role, token=token),
                    "officer" if token is admin else "error:")
    refused(cli("user", "clearance", "secadmin", "top_secret", token=secadmin), "error:")  # not one's own
    refused(cli("user", "clearance", "admin", "secret", token=secadmin), "officer")  # nor another officer's
    refused(cli("user", "disable", "admin", token=admin), "error:")
    refused(cli("user", "disable", "auditor", token=admin), "officer")
    refused(cli("user", "reset-password", "secadmin", token=admin), "officer")
    refused(cli("user", "enable", "clerk", token=secadmin), "error:")
    refused(cli("user", "list", token=auditor), "error:")
    assert {u["username"] for u in json.loads(ok(cli("user", "list", "--json", token=secadmin)).stdout)} == {
        "admin", "secadmin", "auditor", "clerk"}
    users = {u.username: u for u in catalog_rows(url, User)}
    assert set(users) == {"admin", "secadmin", "auditor", "clerk"}
    assert {(u.clearance, u.active) for u in users.values()} == {("internal", True)}
    assert (users["clerk"].departments, users["clerk"].categories) == (["YLK"], ["SB"])
    # The security officer's one job, with the scope.
    out = ok(cli("user", "clearance", "clerk", "confidential", "--category", "WS", token=secadmin)).stdout
    assert "clerk" in out
    [clerk] = catalog_rows(url, User, User.username == "clerk")
    assert (clerk.clearance, clerk.departments, clerk.categories) == ("confidential", ["YLK"], ["WS"])


def test_passwd_reset_and_a_disabled_users_saved_token(cli, officers, archive_env):
    admin = officers("admin")

    def login(*given):
        return cli("login", "clerk", "--password-stdin", stdin=lines(*given))

    ok(cli("user", "add", "clerk", "--role", "staff", "--password-stdin", stdin="clerk-one-time-pw\n", token=admin))
    ok(login("clerk-one-time-pw", "clerk-password-1"))
    refused(cli("passwd", "--password-stdin", stdin=lines("not-the-password", "clerk-password-2")), "wrong")
    refused(cli("passwd", "--password-stdin", stdin=lines("clerk-password-1")), "two lines")
    changed = ok(cli("passwd", "--password-stdin", stdin=lines("clerk-password-1", "clerk-password-2")))
    assert "password changed" in changed.stdout
    refused(login("clerk-password-1"), "wrong")
    ok(login("clerk-password-2"))
    saved = token_path(archive_env["home"]).read_text().strip()
    assert ok(cli("whoami")).stdout.split()[0] == "clerk"

    # A reset password is one-time again: the saved login stops until it is changed.
    one_time = ok(cli("user", "reset-password", "clerk", token=admin)).stdout.strip().rsplit(" ", 1)[-1]
    refused(cli("whoami"), "archive login")
    refused(login(one_time), "one-time")
    ok(login(one_time, "clerk-password-3"))
    assert ok(cli("whoami")).stdout.split()[0] == "clerk"
    saved = token_path(archive_env["home"]).read_text().strip()

    # A disabled account's saved token and its ARCHIVE_TOKEN stop working at once.
    ok(cli("user", "disable", "clerk", token=admin))
    refused(cli("whoami"), "no longer valid")
    refused(cli("whoami", token=saved), "no longer valid")
    refused(login("clerk-password-3"), "wrong")
    ok(cli("user", "enable", "clerk", token=admin))
    assert ok(cli("whoami")).stdout.split()[0] == "clerk"
    actions = [(e.actor, e.details["channel"]) for e in trail(archive_env["database_url"], "user.disable")]
    assert actions == [("admin", "cli")]


def test_errors_are_one_line_and_non_zero(cli, officers, archive_env, monkeypatch):
    admin = officers("admin")
    refused(cli("user", "add", "admin", "--role", "staff", token=admin), "already exists")
    refused(cli("user", "add", "x1", "--role", "king", token=admin), "king")
    refused(cli("user", "add", "a b", "--role", "staff", token=admin), "user name")
    refused(cli("whoami", token="arc_not-a-token"), "no longer valid")
    monkeypatch.setenv("ARCHIVE_STORAGE_URL", "ftp://nowhere/x")
    bad_config = cli("config", "show")
    assert bad_config.returncode == 2
    assert bad_config.stderr.strip() == (
        "error: ARCHIVE_STORAGE_URL: scheme 'ftp' in 'ftp://nowhere/x' is not supported; "
        "use one of file://, s3://, minio://, s3+http://, s3+https://"
    )


def test_not_initialised_and_not_logged_in(cli, archive_env, monkeypatch):
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", f"sqlite:///{archive_env['home']}/empty.db")
    refused(cli("audit", "verify"), "archive init")
    refused(cli("whoami", token="arc_whatever"), "archive init")
    monkeypatch.setenv("ARCHIVE_LANG", "zh")
    assert "请先运行 archive init" in cli("audit", "verify").stderr
    assert "archive login" in refused(cli("user", "add", "x", "--role", "staff"), "请先")


def test_broken_audit_chain_exits_non_zero(cli, archive_env):
    from sqlalchemy import create_engine, text

    ok(cli("init", "--json"))  # operator commands need no login: they act as system
    assert json.loads(ok(cli("audit", "verify", "--json")).stdout)["ok"] is True
    # init's commit anchored the head already (after commit, no beat needed: issue 12, finding 4)
    assert "no new events" in ok(cli("audit", "anchor")).stdout
    assert json.loads(ok(cli("audit", "verify", "--json")).stdout)["anchors_checked"] == 1
    engine = create_engine(archive_env["database_url"])
    with engine.begin() as c:
        c.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1"))
    engine.dispose()
    out = cli("audit", "verify", "--no-anchors")
    assert out.returncode == 3 and "event 1" in out.stdout
