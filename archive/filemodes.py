"""Private files: ARCHIVE_HOME and what it holds are the owner's alone.

The catalog holds password hashes and the OCR text of classified records, the object store the
scans themselves: the home is created 0700, the SQLite catalog 0600 (SQLite gives its -wal and
-shm files the catalog's mode), stored objects 0400 in 0700 folders, token files 0600. The web
app and the command line warn at start-up when the home or the catalog is readable by others
(a home made by hand, or by an older version).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from archive.config import Settings
from archive.i18n import t

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
OTHERS = 0o077  # group and world bits


def private_dir(path: Path) -> Path:
    """mkdir -p with every folder it creates 0700 (existing folders keep their mode)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            folder.mkdir(mode=PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (its folder 0700)."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def write_private(path: Path, text: str) -> None:
    """Write a secret (a token) to a 0600 file, whatever mode an older copy had."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), PRIVATE_FILE)
        fh.write(text)


def sqlite_path(database_url: str) -> Path | None:
    """The file of a sqlite:/// catalog URL (None for PostgreSQL or an in-memory catalog)."""
    if not database_url.startswith("sqlite"):
        return None
    path = database_url.split("///", 1)[-1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def loose(settings: Settings) -> list[tuple[Path, int, int]]:
    """(path, mode, wanted) of the home and the catalog file where others may read them."""
    found = []
    candidates = [(settings.home, PRIVATE_DIR), (sqlite_path(settings.database_url), PRIVATE_FILE)]
    for path, wanted in candidates:
        if path is None:
            continue
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue  # not made yet: it will be made private
        if mode & OTHERS:
            found.append((path, mode, wanted))
    return found


def warnings(settings: Settings) -> list[str]:
    """One line per loose path, in the language of ARCHIVE_LANG."""
    return [t("startup.loose_mode", path=path, mode=f"{mode:04o}", wanted=f"{wanted:04o}")
            for path, mode, wanted in loose(settings)]
