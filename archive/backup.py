"""Backup and restore of one installation, keeping the audit trail's tamper evidence.

A backup is a directory: the catalog (a consistent SQLite copy through sqlite3's backup API, or
`pg_dump -Fc` on PostgreSQL), the objects of the store, its named objects (the audit anchors
among them), the classifier models of ARCHIVE_HOME/models and a manifest with the SHA-256 of the
catalog copy. On S3 the objects can be left out (`objects=False`) and the bucket mirrored instead
(docs/operations.md).

A restore puts them back and then appends a signed `audit.restore` event (archive.audit.
record_restore): the trail continues from the restored head in a new anchor timeline, and the
anchors the abandoned timeline wrote beyond that head are explained instead of reported as a
cut. A drill (`drill=True`) keeps every anchor of the restored catalog in the drill's own
ARCHIVE_HOME/drill-anchors, never in the (possibly live) object store or mirror.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from archive import audit
from archive.anchoring import DRILL_ANCHORS, AnchorDirectory, restore_key, restore_key_path
from archive.errors import ArchiveError, Conflict, NotFound, ValidationError
from archive.identity import Identity, system
from archive.runtime import Runtime

FORMAT = 1
MANIFEST = "manifest.json"


def backup(runtime: Runtime, dest: Path, *, objects: bool = True, identity: Identity | None = None) -> dict[str, Any]:
    """Write a backup of this installation into `dest` (a new or empty directory)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise Conflict(f"{dest} is not empty: a backup goes into a new directory")
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    restore_key(runtime.settings.home, create=True)  # so that a later restore can be signed
    catalog_file = _dump_catalog(runtime, dest)
    with runtime.unit_of_work(identity or system("backup")) as session:
        head = audit.verify(session, None)  # the chain as copied is whole (anchors: see audit verify)
    counts = {"objects": 0, "named": 0}
    store = runtime.store
    if objects:
        for key in store.iter_keys():
            stream = store.get(key)
            try:
                _write(dest / "objects" / key, stream.read())
            finally:
                stream.close()
            counts["objects"] += 1
    for name in store.list_named(""):
        _write(dest / "named" / name, store.get_named(name))
        counts["named"] += 1
    models = runtime.settings.home / "models"
    if models.is_dir():
        shutil.copytree(models, dest / "models")
    manifest = {
        "format": FORMAT, "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": runtime.catalog.dialect, "catalog": catalog_file.name, "sha256": _sha256(catalog_file),
        "events": head.head_seq, **counts,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return {**manifest, "dest": str(dest)}


def restore(runtime: Runtime, src: Path | None, actor: str, *, drill: bool = False, catalog_restored: bool = False,
            identity: Identity | None = None) -> dict[str, Any]:
    """Put the backup in `src` back into this installation's catalog, store and models, then
    record the signed restore event and write the first anchor of the new timeline.
    `catalog_restored`: the catalog (and objects) were put back by hand (`pg_restore` in the
    database's container, `mc mirror` back): only record the restore; `src` is optional then."""
    home = runtime.settings.home
    drill_dir = home / DRILL_ANCHORS
    if drill and drill_dir.exists() and any(drill_dir.iterdir()):
        raise Conflict(f"{drill_dir} holds an earlier drill's anchors: drill into a fresh ARCHIVE_HOME")
    if src is None and not catalog_restored:
        raise ValidationError("name the backup to restore")
    manifest: dict[str, Any] = {}
    if src is not None and not catalog_restored:
        manifest = _manifest(src)
        if manifest["database"] != runtime.catalog.dialect:
            raise ValidationError(f"the backup holds a {manifest['database']} catalog; this one is "
                                  f"{runtime.catalog.dialect}")
    key = restore_key(home, create=True)
    assert key is not None
    if manifest:
        assert src is not None
        _load_catalog(runtime, src / manifest["catalog"])
        runtime.catalog.migrate()  # a backup of an older version is brought up to this one
        _restore_objects(runtime, src, drill=drill)
        if (src / "models").is_dir():
            shutil.copytree(src / "models", home / "models", dirs_exist_ok=True)
    lookup: Any = runtime.anchors
    if drill:  # the drill's anchors start as a copy of those it restores to, in its own directory
        source: Any = AnchorDirectory(src / "named") if src is not None and (src / "named").is_dir() else lookup
        lookup = AnchorDirectory(drill_dir)
        for name in source.list_named(audit.ANCHOR_PREFIX):
            lookup.put_once(name, source.get_named(name))
    with runtime.unit_of_work(identity or system("restore")) as session:
        facts = audit.record_restore(
            session, actor, key, lookup, drill=str(drill_dir) if drill else "", home=str(home),
            backup={"time": manifest.get("time", ""), "sha256": manifest.get("sha256", ""),
                    "by_hand": catalog_restored})
    written = runtime.anchor_audit_chain()
    point = facts["restored_to"]
    return {"seq": facts["head"]["seq"], "anchor": point["name"] if point else "", "timeline": facts["timeline"],
            "abandoned": facts["abandoned"], "drill": drill, "first_anchor": written["name"] if written else audit.anchor_name(facts["timeline"], facts["head"]["seq"] + 1),
            "key": str(restore_key_path(home))}


# -- the catalog ----------------------------------------------------------------------------------
def _dump_catalog(runtime: Runtime, dest: Path) -> Path:
    url = runtime.settings.database_url
    if runtime.catalog.dialect == "sqlite":
        target = dest / "catalog.db"
        with sqlite3.connect(_sqlite_path(url)) as live, sqlite3.connect(target) as copy:
            live.backup(copy)  # one consistent snapshot, even while others write
        return target
    target = dest / "catalog.dump"
    _run(["pg_dump", "-Fc", "--no-owner", "-f", str(target), f"--dbname={_libpq(url)}"])
    return target


def _load_catalog(runtime: Runtime, copy: Path) -> None:
    url = runtime.settings.database_url
    runtime.catalog.dispose()  # no pooled connection may hold the old catalog open
    if runtime.catalog.dialect == "sqlite":
        with sqlite3.connect(copy) as source, sqlite3.connect(_sqlite_path(url)) as live:
            source.backup(live)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq(url)}", str(copy)])
    runtime.catalog.dispose()


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database:
        raise ValidationError(f"{url} names no SQLite file")
    return database


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise ArchiveError(f"{command[0]} is not installed: install the PostgreSQL client tools")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["(no output)"]
        raise ArchiveError(f"{command[0]} failed: {lines[-1]}")


# -- objects ----------------------------------------------------------------------------------------
def _restore_objects(runtime: Runtime, src: Path, *, drill: bool) -> None:
    """Objects missing from the store are put back (content-addressed: a present one is the same);
    named objects too, except that a drill never writes anchors to the store."""
    store = runtime.store
    objects = src / "objects"
    if objects.is_dir():
        for path in sorted(objects.iterdir()):
            if not store.exists(path.name):
                if store.put(path.read_bytes()) != path.name:
                    raise ArchiveError(f"object {path.name} in the backup is damaged (its digest differs)")
    named = AnchorDirectory(src / "named")
    for name in named.list_named(""):
        anchor = name.startswith(audit.ANCHOR_PREFIX)
        if anchor and drill:
            continue
        try:
            (runtime.anchors if anchor else store).put_once(name, named.get_named(name))
        except Conflict:
            pass  # already there; anchors that differ are for `archive audit verify` to name


def _manifest(src: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError:
        raise NotFound(f"{src} holds no backup ({MANIFEST} is missing)") from None
    if manifest.get("format") != FORMAT:
        raise ValidationError(f"{src}: backup format {manifest.get('format')} is not {FORMAT}")
    copy = src / manifest["catalog"]
    if not copy.is_file() or _sha256(copy) != manifest["sha256"]:
        raise ValidationError(f"{copy} is missing or damaged (its SHA-256 differs from the manifest)")
    return manifest


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
