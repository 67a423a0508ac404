"""Issue 16, item 5: backup and restore keep the audit trail's tamper evidence.

backup -> activity (more anchors) -> `archive restore` -> `archive audit verify` passes, and keeps
passing as the restored catalog works on in its new anchor timeline; the same old catalog put
back silently (without `archive restore`) still fails, before and after a real restore; a
restore event not signed with the instance's key fails; a restore drill pointed at the live
object store and mirror writes none of its anchors there. On SQLite and PostgreSQL (pg_dump /
pg_restore), through the real CLI.

On the code before the fix there was no `archive backup`/`archive restore`, and restoring a
dump as the README said left `audit verify` failing for good (an anchor beyond the trail's end).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from archive import audit
from archive.anchoring import RESTORE_KEY_NAME
from archive.cli import main
from archive.config import load_settings
from archive.identity import system
from archive.models import Fonds
from archive.runtime import Runtime
from retention.filing import file_pdf
from tests.catalog.test_audit_tamper import EVERY, World, in_process
from tests.conftest import new_catalog_url


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def world(archive_env, monkeypatch, capsys, request):
    monkeypatch.setenv("ARCHIVE_AUDIT_ANCHOR_EVERY", str(EVERY))
    monkeypatch.setenv("ARCHIVE_SEARCH_URL", f"embedded://{archive_env['home'] / 'search'}")
    in_process("init", "--json")
    capsys.readouterr()
    runtime = Runtime(load_settings(), nudge="off")
    w = World(archive_env["database_url"], archive_env["home"], runtime)
    w.add_users("clerk1", "clerk2", "clerk3")
    with runtime.unit_of_work(system("test")) as s:
        fonds = s.query(Fonds).first().id
    for i in range(3):
        with runtime.unit_of_work(system("test")) as s:
            file_pdf(s, runtime.store, fonds_id=fonds, title=f"报告{i}", pdf=f"%PDF-1.4 test {i}".encode(),
                     actor="archivist", filename=f"r{i}.pdf", listed=[])
    models = archive_env["home"] / "models"
    models.mkdir()
    (models / "classifier.pkl").write_bytes(b"model v1")
    yield w
    runtime.close()


def verify(capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = run("audit", "verify")
    return code, capsys.readouterr().out.strip()


def anchors_under(root: Path) -> dict[str, bytes]:
    base = root / audit.ANCHOR_PREFIX
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(base.rglob("*.json"))}


def put_back_silently(w: World, backup: Path) -> None:
    """What an attacker with the database alone can do: the old catalog, without `archive restore`."""
    w.runtime.catalog.dispose()
    if w.url.startswith("sqlite"):
        with sqlite3.connect(backup / "catalog.db") as old, sqlite3.connect(make_url(w.url).database) as live:
            old.backup(live)
    else:
        libpq = make_url(w.url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={libpq}", str(backup / "catalog.dump")], check=True, capture_output=True)


def test_backup_activity_restore_verify(world, tmp_path, capsys):
    w = world
    dest = tmp_path / "backup"
    assert run("backup", str(dest), "--json") == 0
    made = json.loads(capsys.readouterr().out)
    backed_head, *_ = w.head()
    assert made["events"] == backed_head and made["objects"] >= 3
    assert (dest / "models" / "classifier.pkl").read_bytes() == b"model v1"
    assert (w.home / RESTORE_KEY_NAME).stat().st_mode & 0o077 == 0

    # activity after the backup: events and anchors the restore will abandon
    w.add_users(*(f"after{i}" for i in range(2 * EVERY)))
    lost = w.anchor_seqs()[-1]
    assert lost > backed_head
    (w.home / "models" / "classifier.pkl").write_bytes(b"model v2")
    a_key = next(iter(w.runtime.store.iter_keys()))
    w.runtime.store._path(a_key).unlink()  # an object lost since the backup

    assert run("restore", str(dest), "--json") == 0
    w.runtime.catalog.dispose()
    assert w.runtime.store.exists(a_key)
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert done["seq"] == backed_head
    restored_to = int(Path(done["anchor"]).stem)
    assert restored_to <= backed_head and restored_to == max(a for a in w.anchor_seqs() if a <= backed_head)
    assert {"timeline": "", "after": backed_head, "last": lost} in done["abandoned"]
    assert done["first_anchor"] == f"{audit.ANCHOR_PREFIX}{done['timeline']}/{backed_head + 1:012d}.json"
    assert (w.home / "models" / "classifier.pkl").read_bytes() == b"model v1"
    assert w.head()[0] == backed_head + 1  # the chain continues from the restored head
    event = w.sql("SELECT action, details FROM audit_events WHERE seq = :s", s=backed_head + 1)[0]
    details = event.details if isinstance(event.details, dict) else json.loads(event.details)
    assert event.action == "audit.restore" and details["restore"]["restored_to"]["name"] == done["anchor"]
    assert len(details["signature"]) == 64

    code, out = verify(capsys)
    assert code == 0 and "intact" in out, out
    # the restored catalog works on: its anchors go to its own timeline, and verify still passes
    w.add_users(*(f"again{i}" for i in range(EVERY + 1)))
    assert len(list((w.store_anchors / done["timeline"]).glob("*.json"))) >= 2
    assert len(list((w.mirror_anchors / done["timeline"]).glob("*.json"))) >= 2
    code, out = verify(capsys)
    assert code == 0 and "intact" in out, out


def test_silent_rollback_still_fails(world, tmp_path, capsys):
    w = world
    dest = tmp_path / "backup"
    assert run("backup", str(dest)) == 0
    w.add_users(*(f"after{i}" for i in range(EVERY + 1)))
    put_back_silently(w, dest)
    code, out = verify(capsys)
    assert code == 3 and "cut short or rolled back" in out, out

    # a real restore mends it; then the same silent rollback fails again (the new timeline's
    # anchors are unknown to the old catalog)
    assert run("restore", str(dest)) == 0
    w.runtime.catalog.dispose()
    w.add_users(*(f"again{i}" for i in range(EVERY + 1)))
    code, out = verify(capsys)
    assert code == 0, out
    put_back_silently(w, dest)
    code, out = verify(capsys)
    assert code == 3 and "cut short or rolled back" in out, out


def test_restore_event_needs_the_instance_key(world, tmp_path, capsys):
    w = world
    dest = tmp_path / "backup"
    assert run("backup", str(dest)) == 0
    w.add_users(*(f"after{i}" for i in range(EVERY + 1)))
    assert run("restore", str(dest)) == 0
    key = w.home / RESTORE_KEY_NAME
    key.chmod(0o600)
    key.write_text("00" * 32 + "\n")  # someone else's key: as good as a forged signature
    code, out = verify(capsys)
    assert code == 3 and "does not carry this archive's signature" in out, out
    key.unlink()
    code, out = verify(capsys)
    assert code == 3 and "the signing key" in out, out


def test_drill_never_touches_live_anchors(world, tmp_path, capsys, monkeypatch, request):
    w = world
    dest = tmp_path / "backup"
    assert run("backup", str(dest)) == 0
    w.add_users(*(f"after{i}" for i in range(EVERY + 1)))
    live_store, live_mirror = anchors_under(w.home / "objects" / "named"), anchors_under(w.home / "anchors")
    assert live_store and live_store == live_mirror

    # the drill: its own home and catalog, but pointed at the live object store and mirror
    drill_home = tmp_path / "drill"
    dialect = "sqlite" if w.url.startswith("sqlite") else "postgresql"
    drill_url = new_catalog_url(dialect, request, drill_home) if dialect == "postgresql" else \
        f"sqlite:///{drill_home / 'catalog.db'}"
    drill_home.mkdir(exist_ok=True)
    monkeypatch.setenv("ARCHIVE_HOME", str(drill_home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", drill_url)
    monkeypatch.setenv("ARCHIVE_STORAGE_URL", f"file://{w.home / 'objects'}")
    monkeypatch.setenv("ARCHIVE_ANCHOR_MIRROR", str(w.home / "anchors"))
    shutil.copy(w.home / RESTORE_KEY_NAME, drill_home / RESTORE_KEY_NAME)
    assert run("restore", str(dest), "--drill", "--json") == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert done["drill"] and done["first_anchor"]
    drill_rt = Runtime(load_settings(), nudge="off")
    try:
        drill = World(drill_url, drill_home, drill_rt)
        drill.add_users(*(f"drill{i}" for i in range(2 * EVERY)))
    finally:
        drill_rt.close()
    code, out = verify(capsys)
    assert code == 0 and "intact" in out, out
    assert list((drill_home / "drill-anchors" / audit.ANCHOR_PREFIX / done["timeline"]).glob("*.json"))

    # nothing of the drill reached the live anchors, and the live catalog still verifies
    assert anchors_under(w.home / "objects" / "named") == live_store
    assert anchors_under(w.home / "anchors") == live_mirror
    monkeypatch.setenv("ARCHIVE_HOME", str(w.home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", w.url)
    monkeypatch.delenv("ARCHIVE_STORAGE_URL")
    monkeypatch.delenv("ARCHIVE_ANCHOR_MIRROR")
    code, out = verify(capsys)
    assert code == 0 and "intact" in out, out

    # the drill's catalog swapped in for the live one is named as the drill it is
    put_back_silently(w, _dump_of(drill_url, tmp_path / "drill-copy"))
    code, out = verify(capsys)
    assert code == 3, out


def _dump_of(url: str, folder: Path) -> Path:
    folder.mkdir()
    if url.startswith("sqlite"):
        with sqlite3.connect(make_url(url).database) as src, sqlite3.connect(folder / "catalog.db") as copy:
            src.backup(copy)
    else:
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(folder / "catalog.dump"), f"--dbname={libpq}"],
                       check=True, capture_output=True)
    return folder


def test_catalog_restored_by_hand_then_recorded(world, tmp_path, capsys):
    """Production: `pg_restore` run in the database's container, then `archive restore
    --catalog-restored` signs the restore (docs/operations.md)."""
    w = world
    dest = tmp_path / "backup"
    assert run("backup", str(dest), "--no-objects") == 0
    w.add_users(*(f"after{i}" for i in range(EVERY + 1)))
    put_back_silently(w, dest)
    assert verify(capsys)[0] == 3
    assert run("restore", "--catalog-restored") == 0
    w.runtime.catalog.dispose()
    w.add_users("later")
    code, out = verify(capsys)
    assert code == 0 and "intact" in out, out
