"""The session-signing key: from settings, or generated once and kept under ARCHIVE_HOME."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from archive.filemodes import private_dir


def secret_key(configured: str, home: Path) -> str:
    if configured:
        return configured
    path = home / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    private_dir(home)  # 0700: the home holds the catalog, the scans and this key
    key = secrets.token_hex(32)
    # O_EXCL: two processes starting together must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key
