"""Acting as a person on the command line in tests: a real API token for the user, handed to
the CLI through ARCHIVE_TOKEN exactly as a script would (archive.cli.Context.identity)."""

from __future__ import annotations

import os

from archive import tokens
from archive.db import Catalog


def token_for(database_url: str, username: str) -> str:
    catalog = Catalog(database_url)
    try:
        with catalog.session() as session:
            _row, plain = tokens.create(session, actor="test", username=username, name="test cli", days=1)
        return plain
    finally:
        catalog.dispose()


def env_as(database_url: str, username: str, base: dict | None = None) -> dict:
    """A process environment in which `archive` acts as `username`."""
    return {**(base if base is not None else os.environ), "ARCHIVE_TOKEN": token_for(database_url, username)}
