"""Where the audit chain's anchors live, and when they are written.

An anchor is a write-once copy of the chain head (archive.audit.anchor). It goes to the object
store (on S3 a named object under object-lock retention) and, when a mirror is configured, also
to a mirror directory an administrator can put on other media (ARCHIVE_ANCHOR_MIRROR; by
default ARCHIVE_HOME/anchors with a file:// store). `archive audit verify` reads both copies and
names a missing or differing one.

Anchors are written after the commit of a unit of work that appended events, once the head is
N events (ARCHIVE_AUDIT_ANCHOR_EVERY) past the last anchor or the last anchor is older than M
minutes (ARCHIVE_AUDIT_ANCHOR_MINUTES); a long-lived process (the web server, a worker) also
anchors M minutes after the last anchor when events are waiting, with no beat needed. So at
most N-1 events, all written within M minutes after the last anchor, can be cut off unseen.

Timelines: anchors of the original chain are `audit-anchors/<seq>.json`. A restore (archive.backup)
starts a new timeline and anchors it as `audit-anchors/<timeline>/<seq>.json`, so the anchors the
abandoned timeline wrote beyond the restored head stay where they are, explained by the restore's
signed event. The signing key is a file in ARCHIVE_HOME (RESTORE_KEY_NAME), not in the catalog: a
person who can only write the database cannot sign a restore, so a silent rollback stays visible.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from archive.errors import ArchiveError, Conflict, NotFound, ValidationError

log = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9._-]+")
RETRY_SECONDS = 60
RESTORE_KEY_NAME = "audit-restore.key"  # in ARCHIVE_HOME, mode 0600; keep a copy apart from the backups
DRILL_ANCHORS = "drill-anchors"  # a restore drill's own anchors, in the drill's ARCHIVE_HOME


def restore_key_path(home: Path | str) -> Path:
    return Path(home) / RESTORE_KEY_NAME


def restore_key(home: Path | str, *, create: bool = False) -> bytes | None:
    """The instance's restore-signing key (None when absent and not `create`)."""
    path = restore_key_path(home)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        if not create:
            return None
    except ValueError:
        raise ArchiveError(f"the restore signing key {path} is not readable hex") from None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w") as out:
        out.write(key.hex() + "\n")
    return key


def sign(key: bytes, seq: int, prev_hash: str, facts: dict[str, Any]) -> str:
    """HMAC-SHA256 of a restore's facts bound to its place in the chain (number and predecessor)."""
    body = json.dumps([seq, prev_hash, facts], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def signed(key: bytes, seq: int, prev_hash: str, facts: dict[str, Any], signature: str) -> bool:
    return hmac.compare_digest(sign(key, seq, prev_hash, facts), str(signature))


def new_timeline(seq: int) -> str:
    """A timeline id no other restore can pick: the event number of its restore plus randomness."""
    return f"r{seq:012d}-{secrets.token_hex(4)}"


class NamedStore(Protocol):
    """Write-once named objects: storage.ObjectStore provides them, so does AnchorDirectory."""

    def put_once(self, name: str, data: bytes) -> None: ...
    def get_named(self, name: str) -> bytes: ...
    def list_named(self, prefix: str) -> list[str]: ...


class AnchorDirectory:
    """Write-once files in a directory: the anchors' mirror. Kept to plain files so that the
    directory can live on other media (a second disk, a mounted WORM share, a USB drive)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"AnchorDirectory({self.root})"

    def _path(self, name: str) -> Path:
        parts = name.split("/")
        if not all(_NAME.fullmatch(p) and p not in (".", "..") for p in parts):
            raise ValidationError(f"anchor name {name!r} is not a plain relative name")
        return self.root.joinpath(*parts)

    def put_once(self, name: str, data: bytes) -> None:
        target = self._path(name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        except OSError as exc:
            raise ArchiveError(f"the anchor mirror cannot be written: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(bytes(data))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o400)
            os.link(tmp, target)  # never replaces: the first copy stays
            _fsync_dir(target.parent)
        except FileExistsError:
            raise Conflict(f"anchor {name} already exists in the mirror") from None
        except OSError as exc:
            raise ArchiveError(f"the anchor mirror cannot be written: {exc.strerror}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def get_named(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"anchor {name} is not in the mirror") from None

    def is_empty(self, folder: str) -> bool:
        try:
            with os.scandir(self._path(folder)) as entries:
                return not any(not e.name.startswith(".tmp-") for e in entries)
        except (FileNotFoundError, NotADirectoryError):
            return True

    def list_named(self, prefix: str = "") -> list[str]:
        folder = prefix.rpartition("/")[0]
        base = self._path(folder) if folder else self.root
        names = []
        for dirpath, _dirs, files in os.walk(base):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for f in files:
                name = f if rel == "." else f"{rel}/{f}"
                if not f.startswith(".tmp-") and name.startswith(prefix):
                    names.append(name)
        return sorted(names)


class AnchorSet:
    """The object store plus the mirror, written together; reads come from the object store.
    `copies` gives each location's names so verification can compare them."""

    def __init__(self, primary: NamedStore, mirror: AnchorDirectory | None = None):
        self.primary = primary
        self.mirror = mirror

    def put_once(self, name: str, data: bytes) -> None:
        try:
            self.primary.put_once(name, data)
        except Conflict:
            existing = self.primary.get_named(name)
            if not same_head(existing, data):
                raise
            data = existing  # a retry after the mirror failed: copy what the store holds
        if self.mirror is not None:
            self._seed_mirror(name.rpartition("/")[0])
            self._copy(self.mirror, name, data)

    def _seed_mirror(self, folder: str) -> None:
        """A new (or newly mounted) mirror starts with every anchor the store already holds."""
        assert self.mirror is not None
        if folder and self.mirror.is_empty(folder):
            for earlier in self.primary.list_named(folder + "/"):
                self._copy(self.mirror, earlier, self.primary.get_named(earlier))

    @staticmethod
    def _copy(to: NamedStore, name: str, data: bytes) -> None:
        try:
            to.put_once(name, data)
        except Conflict:
            if not same_head(to.get_named(name), data):
                raise

    def get_named(self, name: str) -> bytes:
        return self.primary.get_named(name)

    def list_named(self, prefix: str) -> list[str]:
        return self.primary.list_named(prefix)

    def locations(self) -> list[tuple[str, NamedStore]]:
        """(label, store) for each copy: "store", then "mirror" when there is one."""
        return [("store", self.primary)] + ([("mirror", self.mirror)] if self.mirror is not None else [])


def same_head(a: bytes, b: bytes) -> bool:
    try:
        x, y = json.loads(a), json.loads(b)
        return (x.get("seq"), x.get("hash")) == (y.get("seq"), y.get("hash"))
    except (ValueError, AttributeError):
        return a == b


def parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class AfterCommitAnchoring:
    """Decides after each commit that appended events whether an anchor is due, and writes it
    through `write` (which opens its own unit of work). Registered per catalog engine by the
    runtime (archive.unit_of_work.anchor_after_commit)."""

    def __init__(self, anchors: Callable[[], AnchorSet], write: Callable[[], Any], *, every: int, minutes: int,
                 clock: Callable[[], dt.datetime] | None = None):
        self._anchors = anchors
        self.write = write
        self.every = every
        self.minutes = minutes
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._failed_at: dt.datetime | None = None

    @property
    def anchors(self) -> AnchorSet:
        return self._anchors()

    def due(self, seq: int, anchored_seq: int, anchored_at: str | None) -> bool:
        if seq <= anchored_seq:
            return False
        last = parse_time(anchored_at)
        return (seq - anchored_seq >= self.every or last is None
                or self.clock() - last >= dt.timedelta(minutes=self.minutes))

    def after_commit(self, seq: int, anchored_seq: int, anchored_at: str | None) -> None:
        if seq <= anchored_seq:
            return
        if self.due(seq, anchored_seq, anchored_at) and not self._backing_off():
            self._write()
        else:
            self._later(parse_time(anchored_at))

    def _backing_off(self) -> bool:
        """After a failed write (the store is down) requests do not wait on it again for a while."""
        failed = self._failed_at
        return failed is not None and self.clock() - failed < dt.timedelta(seconds=RETRY_SECONDS)

    def _write(self) -> None:
        try:
            self.write()
            self._failed_at = None
        except Exception:  # never fail the user's request: the next commit or the timer retries
            self._failed_at = self.clock()
            log.warning("the audit chain head could not be anchored now", exc_info=True)

    def _later(self, last: dt.datetime | None) -> None:
        """Events wait unanchored: anchor them M minutes after the last anchor even if nothing else happens."""
        with self._lock:
            if self._timer is not None and self._timer.is_alive():
                return
            wait = self.minutes * 60.0
            if last is not None:
                wait = (last + dt.timedelta(minutes=self.minutes) - self.clock()).total_seconds()
            wait = max(wait, RETRY_SECONDS if self._backing_off() else 1.0)
            self._timer = threading.Timer(wait, self._write)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
