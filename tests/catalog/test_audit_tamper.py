"""Tamper test (issue 12, finding 4): each way of cutting, editing or rolling back the audit
trail is caught by `archive audit verify` run as a real process: exit non-zero and one line
naming what is wrong. The world is made by the system itself (init, accounts, filed records)
with its default after-commit anchoring, on SQLite and PostgreSQL.

On the code before the fix the wipe, the cut tail with a rewound head, the cut after the last
anchor, the deleted anchor, the rollback and the re-hashed replay all verified as intact
(no anchor was ever written without the beat, and nothing compared the trail with the catalog).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive import audit, users
from archive.cli import main
from archive.config import load_settings
from archive.identity import system
from archive.models import Fonds
from archive.runtime import Runtime
from retention.filing import file_pdf

ARCHIVE = str(Path(sys.executable).parent / "archive")
EVERY = 5  # anchor every 5 events here, so a small world has several anchors


@dataclasses.dataclass
class World:
    url: str
    home: Path
    runtime: Runtime

    @property
    def store_anchors(self) -> Path:
        return self.home / "objects" / "named" / audit.ANCHOR_PREFIX

    @property
    def mirror_anchors(self) -> Path:
        return self.home / "anchors" / audit.ANCHOR_PREFIX

    def sql(self, statement: str, **params):
        engine = create_engine(self.url)
        try:
            with engine.begin() as c:
                return c.execute(text(statement), params).all() if statement.startswith("SELECT") else \
                    c.execute(text(statement), params)
        finally:
            engine.dispose()

    def head(self) -> tuple[int, str, int]:
        return tuple(self.sql("SELECT seq, hash, anchored_seq FROM audit_head")[0])

    def event_hash(self, seq: int) -> str:
        return self.sql("SELECT hash FROM audit_events WHERE seq = :s", s=seq)[0][0]

    def anchor_seqs(self) -> list[int]:
        return sorted(int(p.stem) for p in self.store_anchors.glob("*.json"))

    def cut_after(self, seq: int) -> None:
        """Delete every event after `seq` and rewind the head to it, consistently."""
        anchored = max([a for a in self.anchor_seqs() if a <= seq], default=0)
        self.sql("DELETE FROM audit_events WHERE seq > :s", s=seq)
        self.sql("UPDATE audit_head SET seq = :s, hash = :h, anchored_seq = :a", s=seq,
                 h=self.event_hash(seq) if seq else audit.GENESIS, a=anchored)

    def add_users(self, *names: str) -> None:
        for name in names:
            with self.runtime.unit_of_work(system("test")) as s:
                users.add_user(s, actor="admin", username=name, role="staff", clearance="internal",
                               password="a-long-test-password-1")


def in_process(*args: str) -> None:
    try:
        main(list(args))
    except SystemExit as exc:
        assert not exc.code, exc


@pytest.fixture
def world(archive_env, monkeypatch, capsys) -> World:
    monkeypatch.setenv("ARCHIVE_AUDIT_ANCHOR_EVERY", str(EVERY))
    monkeypatch.setenv("ARCHIVE_SEARCH_URL", f"embedded://{archive_env['home'] / 'search'}")
    in_process("init", "--json")
    capsys.readouterr()
    runtime = Runtime(load_settings(), nudge="off")
    w = World(archive_env["database_url"], archive_env["home"], runtime)
    w.add_users("clerk1", "clerk2", "clerk3")
    with runtime.unit_of_work(system("test")) as s:
        fonds = s.query(Fonds).first().id
    for i in range(4):
        with runtime.unit_of_work(system("test")) as s:
            file_pdf(s, runtime.store, fonds_id=fonds, title=f"报告{i}", pdf=f"%PDF-1.4 test {i}".encode(),
                     actor="archivist", filename=f"r{i}.pdf", listed=[])
    w.add_users("clerk4", "clerk5", "clerk6")
    yield w
    runtime.close()


def verify_line(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([ARCHIVE, "audit", "verify", *extra], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "ARCHIVE_TOKEN"}, timeout=120)


def writable(path: Path) -> Path:
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


# -- the variants: each tampers with the world and says which words the one line must hold ----


def edit(w: World) -> str:
    w.sql("UPDATE audit_events SET actor = 'mallory' WHERE seq = 5")
    return "event 5 was changed"


def reorder(w: World) -> str:
    rows = {r.seq: r for r in w.sql("SELECT * FROM audit_events WHERE seq IN (4, 5)")}
    for seq, other in ((4, 5), (5, 4)):
        r = rows[other]
        w.sql("UPDATE audit_events SET time=:t, actor=:a, action=:ac, target=:tg, details=:d, prev_hash=:p, hash=:h "
              "WHERE seq=:s", t=r.time, a=r.actor, ac=r.action, tg=r.target,
              d=r.details if isinstance(r.details, str) else json.dumps(r.details), p=r.prev_hash, h=r.hash, s=seq)
    return "event 4 does not follow"


def delete_middle(w: World) -> str:
    w.sql("DELETE FROM audit_events WHERE seq = 7")
    return "event 7 is missing"


def delete_tail_with_head_rewind(w: World) -> str:
    seq, _hash, anchored = w.head()
    assert anchored > 3, "the world should have been anchored by now"
    w.cut_after(anchored - 2)
    return "cut short or rolled back"


def delete_tail_without_head_rewind(w: World) -> str:
    seq, *_ = w.head()
    w.sql("DELETE FROM audit_events WHERE seq > :s", s=seq - 2)
    return f"the trail ends at event {seq - 2} but its head records event {seq}"


def wipe(w: World) -> str:
    w.cut_after(0)
    return "cut short or rolled back"


def wipe_with_anchors(w: World) -> str:
    """Beyond the honest limit only in part: the anchors go too, but the accounts stay."""
    w.cut_after(0)
    for folder in (w.store_anchors, w.mirror_anchors):
        for f in folder.glob("*.json"):
            f.unlink()
    return "but its events are gone from the trail"


def truncate_after_anchor(w: World) -> str:
    w.runtime.anchor_audit_chain()
    anchored, *_ = w.head()
    w.add_users("late")  # one event, not yet due for an anchor
    assert w.head()[0] == anchored + 1 and w.head()[2] == anchored
    w.cut_after(anchored)
    return "the catalog holds user late but its events are gone"


def delete_anchor(w: World) -> str:
    last = w.anchor_seqs()[-1]
    (w.store_anchors / f"{last:012d}.json").unlink()
    return f"anchor {audit.ANCHOR_PREFIX}{last:012d}.json is missing from the object store"


def delete_anchor_everywhere(w: World) -> str:
    last = w.anchor_seqs()[-1]
    for folder in (w.store_anchors, w.mirror_anchors):
        (folder / f"{last:012d}.json").unlink()
    return f"the anchor of event {last}, recorded in the chain head, is missing"


def forge_mirror_copy(w: World) -> str:
    first = w.anchor_seqs()[0]
    copy = writable(w.mirror_anchors / f"{first:012d}.json")
    copy.write_text(json.dumps({"seq": first, "hash": "f" * 64, "time": "2020-01-01T00:00:00.000000Z"}))
    return "differs between the object store and the mirror"


def delete_head_row(w: World) -> str:
    w.sql("DELETE FROM audit_head")
    return "the chain head row is missing"


def rollback(w: World) -> str:
    """Restore an older copy of the catalog file (SQLite: the file is the catalog)."""
    path = Path(w.url.removeprefix("sqlite:///"))
    backup = path.with_name("backup.db")
    with sqlite3.connect(path) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    w.add_users(*(f"after{i}" for i in range(EVERY + 1)))  # enough events for another anchor
    w.runtime.catalog.dispose()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    backup.replace(path)
    return "cut short or rolled back"


def replay_copy(w: World) -> str:
    seq, *_ = w.head()
    w.sql("INSERT INTO audit_events (seq, time, actor, action, target, details, prev_hash, hash) "
          "SELECT :n, time, actor, action, target, details, prev_hash, hash FROM audit_events WHERE seq = 6", n=seq + 1)
    w.sql("UPDATE audit_head SET seq = :n, hash = (SELECT hash FROM audit_events WHERE seq = 6)", n=seq + 1)
    return f"event {seq + 1} does not follow"


def replay_rehashed(w: World) -> str:
    """The copy made a valid link: re-hashed onto the head (the hash is public knowledge)."""
    seq, head_hash, _ = w.head()
    r = w.sql("SELECT * FROM audit_events WHERE seq = 6")[0]
    details = r.details if isinstance(r.details, dict) else json.loads(r.details)
    new = audit.digest(seq + 1, r.time, r.actor, r.action, r.target, details, head_hash)
    w.sql("INSERT INTO audit_events (seq, time, actor, action, target, details, prev_hash, hash) "
          "VALUES (:n, :t, :a, :ac, :tg, :d, :p, :h)", n=seq + 1, t=r.time, a=r.actor, ac=r.action, tg=r.target,
          d=json.dumps(details), p=head_hash, h=new)
    w.sql("UPDATE audit_head SET seq = :n, hash = :h", n=seq + 1, h=new)
    return f"event {seq + 1} repeats event 6"


VARIANTS = [edit, reorder, delete_middle, delete_tail_with_head_rewind, delete_tail_without_head_rewind, wipe,
            wipe_with_anchors, truncate_after_anchor, delete_anchor, delete_anchor_everywhere, forge_mirror_copy,
            delete_head_row, rollback, replay_copy, replay_rehashed]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.__name__ for v in VARIANTS])
def test_tampering_is_named_by_verify(world, variant, capsys):
    if variant is rollback and not world.url.startswith("sqlite"):
        pytest.skip("restoring an older copy of the catalog file is a SQLite variant; on PostgreSQL the "
                    "same rollback is delete_tail_with_head_rewind")
    in_process("audit", "verify")  # intact before (in this process: a process start costs seconds)
    assert "intact" in capsys.readouterr().out
    assert len(world.anchor_seqs()) >= 2, "the world was anchored after commits, without a beat"
    words = variant(world)
    out = verify_line()
    assert out.returncode != 0, f"{variant.__name__} went unnoticed: {out.stdout}"
    lines = out.stdout.strip().splitlines()
    errors = [line for line in out.stderr.splitlines() if not line.startswith("warning:")]  # file modes
    assert len(lines) == 1 and not errors, out.stdout + out.stderr
    assert words in lines[0], lines[0]
