"""The `archive` command as a person runs it: real processes, SQLite and PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

ARCHIVE = str(Path(sys.executable).parent / "archive")


def run(*args, stdin=None, env=None):
    return subprocess.run([ARCHIVE, *args], input=stdin, capture_output=True, text=True, env=env or os.environ, timeout=120)


def test_init_user_add_list_and_verify(archive_env):
    out = run("init", "--password-stdin", stdin="a-long-admin-password\n")
    assert out.returncode == 0, out.stderr
    assert "created the system administrator admin" in out.stdout
    again = run("init")
    assert again.returncode == 0 and "no administrator created" in again.stdout
    added = run("user", "add", "wang", "--role", "staff", "--clearance", "internal", "--department", "YLK",
                "--category", "SB", "--password-stdin", stdin="wang-password-123\n")
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("user", "list", "--json").stdout)
    assert {u["username"]: u["role"] for u in listed} == {"admin": "sysadmin", "wang": "staff"}
    assert listed[1]["departments"] == ["YLK"] and listed[1]["categories"] == ["SB"]
    verified = run("audit", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["ok"] is True
    anchored = run("audit", "anchor")
    assert anchored.returncode == 0 and "anchored" in anchored.stdout
    assert json.loads(run("audit", "verify", "--json").stdout)["anchors_checked"] == 1


def test_errors_are_one_line_and_non_zero(archive_env):
    fresh = dict(os.environ, ARCHIVE_DATABASE_URL=f"sqlite:///{archive_env['home']}/empty.db")
    not_ready = run("user", "list", env=fresh)
    assert not_ready.returncode != 0 and "archive init" in not_ready.stderr
    assert run("init").returncode == 0
    dup = run("user", "add", "admin", "--role", "staff", "--clearance", "internal")
    assert dup.returncode != 0
    assert dup.stderr.strip().count("\n") == 0 and "already exists" in dup.stderr
    bad_role = run("user", "add", "x1", "--role", "king", "--clearance", "internal")
    assert bad_role.returncode != 0 and "Traceback" not in bad_role.stderr
    env = dict(os.environ, ARCHIVE_STORAGE_URL="ftp://nowhere/x")
    bad_config = run("config", "show", env=env)
    assert bad_config.returncode == 2
    assert bad_config.stderr.strip() == (
        "error: ARCHIVE_STORAGE_URL: scheme 'ftp' in 'ftp://nowhere/x' is not supported; "
        "use one of file://, s3://, minio://, s3+http://, s3+https://"
    )


def test_broken_audit_chain_exits_non_zero(archive_env):
    from sqlalchemy import create_engine, text

    assert run("init").returncode == 0
    engine = create_engine(archive_env["database_url"])
    with engine.begin() as c:
        c.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1"))
    engine.dispose()
    out = run("audit", "verify")
    assert out.returncode == 3 and "event 1" in out.stdout


def test_config_show_in_chinese_by_default(archive_env):
    env = dict(os.environ, ARCHIVE_LANG="zh", ARCHIVE_DATABASE_URL=f"sqlite:///{archive_env['home']}/empty.db")
    out = run("user", "list", env=env)
    assert "请先运行 archive init" in out.stderr
