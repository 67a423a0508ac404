"""`archive loan|register|inventory|fixity`: in-process through click (one real process checks
the one-line error), on SQLite and PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from archive.cli import _load_plugins, cli
from archive.db import Catalog
from archive.models import StoredObject
from storage.local import LocalObjectStore
from tests.lending.helpers import world

ARCHIVE = str(Path(sys.executable).parent / "archive")


def run(*args, stdin=None):
    _load_plugins()
    result = CliRunner().invoke(cli, list(args), input=stdin)
    result.returncode = result.exit_code
    return result


def run_process(*args):
    return subprocess.run([ARCHIVE, *args], capture_output=True, text=True, env=os.environ, timeout=120)


def test_loan_register_inventory_and_fixity_commands(archive_env, tmp_path):
    assert run("init", "--admin", "root").returncode == 0
    catalog = Catalog(archive_env["database_url"])
    with catalog.session() as s:
        w = world(s)
    catalog.dispose()
    vol = str(w["volumes"]["internal"])

    out = run("loan", "request", "--as", "wang", "--purpose", "查考", "--form", "loan", "--volume", vol, "--json")
    assert out.returncode == 0, out.stderr
    req = json.loads(out.stdout)
    assert req["rule"] == "own_department" and req["status"] == "pending"
    refused = run_process("loan", "approve", "--as", "wang", str(req["id"]))
    assert refused.returncode != 0 and "own request" in refused.stderr and "Traceback" not in refused.stderr
    assert json.loads(run("loan", "approve", "--as", "head_ylk", str(req["id"]), "--json").stdout)["status"] == "approved"
    issued = json.loads(run("loan", "issue", "--as", "arch", str(req["id"]), "--json").stdout)
    assert issued["status"] == "issued" and len(issued["loans"]) == 1
    listed = json.loads(run("loan", "list", "--as", "arch", "--json").stdout)
    assert [r["number"] for r in listed] == [req["number"]]
    assert json.loads(run("loan", "list", "--as", "li", "--json").stdout) == []  # not li's request

    csv_out = run("register", "export", "--as", "arch", "--kind", "loans", "--format", "csv")
    assert csv_out.returncode == 0 and req["number"] in csv_out.stdout_bytes.decode("utf-8-sig")
    pdf = tmp_path / "loans.pdf"
    assert run("register", "export", "--as", "arch", "--kind", "inout", "--format", "pdf", "-o", str(pdf)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    renewed = json.loads(run("loan", "renew", "--as", "arch", str(issued["loans"][0]["id"]), "--json").stdout)
    assert renewed["renewals"] == 1
    returned = json.loads(run("loan", "return", "--as", "arch", str(issued["loans"][0]["id"]), "--pages", "20",
                              "--json").stdout)
    assert returned["pages_ok"] is True

    check = json.loads(run("inventory", "open", "--as", "arch", "--json").stdout)
    scanned = run("inventory", "scan", "--as", "arch", str(check["id"]), "--shelf", "A-01-01-01-01",
                  stdin="J001-WS·2018-D30-001\nUNKNOWN-1\n")
    assert scanned.returncode == 0, scanned.stderr
    result = json.loads(run("inventory", "close", "--as", "arch", str(check["id"]), "--json").stdout)
    assert [u["code"] for u in result["unexpected"]] == ["UNKNOWN-1"]

    store = LocalObjectStore(archive_env["home"] / "objects")
    key = store.put(b"page")
    clean = run("fixity", "--json")
    assert clean.returncode == 3 and json.loads(clean.stdout)["unexpected"] == [key]
    catalog = Catalog(archive_env["database_url"])
    with catalog.session() as s:
        s.add(StoredObject(sha256=key, size=4, media_type="image/png", role="page_image"))
    catalog.dispose()
    ok = run("fixity", "--slice", "1/1", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["checked"] == 1
