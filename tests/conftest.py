"""Fixtures shared by the whole suite: throwaway PostgreSQL and Redis servers started from the
installed binaries, and a fresh, migrated catalog per test on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import psycopg
import pytest

from archive.db import Catalog
from tests.servers.postgres import PostgresServer
from tests.servers.redis import RedisServer

DIALECTS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("catalog-template") / "catalog.db"
    catalog = Catalog(f"sqlite:///{path}")
    catalog.migrate()
    catalog.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:
    with psycopg.connect(postgres_server.url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("CREATE DATABASE catalog_template")
    catalog = Catalog(postgres_server.url("catalog_template"))
    catalog.migrate()
    catalog.dispose()
    return "catalog_template"


_counter = itertools.count()


def new_catalog_url(dialect: str, request, tmp_path: Path) -> str:
    """A fresh, migrated catalog: a copy of the template file, or a database made from the template."""
    if dialect == "sqlite":
        path = tmp_path / "catalog.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"t{next(_counter)}_{abs(hash(request.node.nodeid)) % 10**8}"
    with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {template}')
    return server.url(name)


@pytest.fixture(params=DIALECTS)
def catalog_url(request, tmp_path) -> str:
    return new_catalog_url(request.param, request, tmp_path)


@pytest.fixture
def catalog(catalog_url):
    cat = Catalog(catalog_url)
    yield cat
    cat.dispose()


@pytest.fixture
def archive_env(monkeypatch, tmp_path, catalog_url):
    """Environment for the CLI: a home folder and the catalog of this test (SQLite or PostgreSQL)."""
    home = tmp_path / "home"
    monkeypatch.setenv("ARCHIVE_HOME", str(home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", catalog_url)
    for var in ("ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL", "ARCHIVE_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ARCHIVE_LANG", "en")
    return {"home": home, "database_url": catalog_url}
