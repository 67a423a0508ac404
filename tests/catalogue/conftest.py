"""Fixtures of the catalogue import: a migrated, seeded catalog (SQLite and PostgreSQL), people
of given roles and clearances, and the generated legacy catalogue."""

from __future__ import annotations

import pytest

from archive import seed, users
from archive.identity import of_user, system
from tests.catalogue.legacy import make_legacy
from tests.web.conftest import app, as_user, client, site  # noqa: F401 - the web suite's fixtures, for test_web


@pytest.fixture
def seeded(catalog):
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
    return catalog


@pytest.fixture
def person(seeded):
    """person(role, clearance) -> an Identity acting through the CLI."""

    def make(role: str = "archivist", clearance: str = "top_secret"):
        name = f"{role}-{clearance}"
        with seeded.session() as s:
            if name not in {u.username for u in users.list_users(s)}:
                users.add_user(s, actor="test", username=name, role=role, clearance=clearance,
                               password="correct-horse-battery")
            return of_user(users.get_user(s, name), channel="cli", origin="test")

    return make


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    return make_legacy(tmp_path_factory.mktemp("legacy"))


@pytest.fixture
def operator():
    return system("test")
