"""Issue 16 item 4: a first start where several processes migrate the same empty PostgreSQL
catalog at once (gunicorn workers, the compose `migrate` job), and the upgrade procedure: a
catalog holding data at an older migration brought to head by `archive migrate`."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import sqlalchemy as sa

from archive.db import Catalog

_names = itertools.count()
# What each gunicorn worker does in web.app.create_app: migrate an uninitialised catalog.
WEB_START = """
import sys
from archive.db import Catalog
catalog = Catalog(sys.argv[1])
if not catalog.is_initialised():
    catalog.migrate()
print(catalog.revision())
"""


def _empty_database(server) -> str:
    name = f"empty_{next(_names)}"
    with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


def _head() -> str:
    from archive.db import code_heads

    heads = code_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    return next(iter(heads))


def test_processes_starting_together_migrate_an_empty_catalog_once(postgres_server):
    url = _empty_database(postgres_server)
    workers = [subprocess.Popen([sys.executable, "-c", WEB_START, url], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(w.wait(timeout=300), *w.communicate()) for w in workers]
    head = _head()
    for code, out, err in results:
        assert code == 0, f"a worker failed to boot:\n{err[-2000:]}"
        assert out.strip() == head
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
    engine.dispose()


def test_migrate_takes_the_advisory_lock(postgres_server):
    """While another session holds the migration lock, migrate waits instead of racing it."""
    import threading

    from archive.db import MIGRATION_LOCK

    url = _empty_database(postgres_server)
    done = threading.Event()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        catalog = Catalog(url)
        thread = threading.Thread(target=lambda: (catalog.migrate(), done.set()), daemon=True)
        thread.start()
        assert not done.wait(3), "migrate ran while another process held the migration lock"
        holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    thread.join(120)
    assert done.is_set()
    assert catalog.revision() == _head()
    catalog.dispose()


OLD = "0020"  # a catalog last migrated a few releases ago


def _fill(table: sa.Table, **given) -> dict:
    """A row for `table` as it was at the old migration: the given values, and a plain value for
    every other column that must have one."""
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, sa.Boolean):
            row[column.name] = False
        elif isinstance(kind, sa.Integer | sa.Float | sa.Numeric):
            row[column.name] = 0
        elif isinstance(kind, sa.DateTime):
            row[column.name] = dt.datetime.now(dt.UTC)
        elif isinstance(kind, sa.Date):
            row[column.name] = dt.date.today()
        elif isinstance(kind, sa.JSON):
            row[column.name] = {} if "extra" in column.name else []
        else:
            row[column.name] = ""
    return row


def test_upgrade_running_catalog(postgres_server, tmp_path):
    """The documented upgrade: the stack's catalog, with records in it, at an older migration;
    `archive migrate` (what `docker compose run --rm migrate` runs) brings it to head, keeps the
    data, and a second run changes nothing."""
    url = _empty_database(postgres_server)
    old = Catalog(url)
    old.migrate(OLD)
    assert old.revision() == OLD and old.behind()
    meta = sa.MetaData()
    with old.engine.begin() as conn:
        meta.reflect(conn, only=["fonds", "categories", "records"])
        fonds_id = conn.execute(sa.insert(meta.tables["fonds"]).values(
            _fill(meta.tables["fonds"], code="J001", name="某市人力资源和社会保障局"))).inserted_primary_key[0]
        conn.execute(sa.insert(meta.tables["categories"]).values(
            _fill(meta.tables["categories"], code="WS", name_zh="文书", name_en="documents", active=True)))
        record_id = conn.execute(sa.insert(meta.tables["records"]).values(_fill(
            meta.tables["records"], fonds_id=fonds_id, category_code="WS", year=2020, retention="D30",
            title="关于调整最低工资标准的通知", status="filed", secrecy="internal"))).inserted_primary_key[0]
    old.dispose()

    result = _archive(["migrate"], tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert f"catalog migrated: {OLD} → {_head()}" in result.stdout

    from archive.models import Record

    catalog = Catalog(url)
    assert catalog.revision() == _head() and not catalog.behind()
    with catalog.session() as session:
        record = session.get(Record, record_id)
        assert record.title == "关于调整最低工资标准的通知" and record.retention == "D30"
        record.notes = "checked after the upgrade"  # the head models write to the upgraded tables
    catalog.dispose()
    again = _archive(["migrate"], tmp_path, url)
    assert again.returncode == 0 and "newest version already" in again.stdout, again.stderr


def test_migrate_command_on_an_embedded_catalog(tmp_path):
    result = _archive(["migrate"], tmp_path, f"sqlite:///{tmp_path / 'catalog.db'}")
    assert result.returncode == 0 and f"- → {_head()}" in result.stdout, result.stderr


def _archive(args: list[str], tmp_path, url: str) -> subprocess.CompletedProcess:
    """The installed `archive` command, as the compose `migrate` job runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    env.update(ARCHIVE_HOME=str(tmp_path / "home"), ARCHIVE_DATABASE_URL=url, ARCHIVE_LANG="en")
    command = str(Path(sys.executable).with_name("archive"))
    return subprocess.run([command, *args], env=env, capture_output=True, text=True, timeout=300)


def test_the_web_app_warns_when_the_catalog_is_behind(tmp_path, caplog):
    """The web migrates only an empty catalog; an older one is the upgrade job's (archive migrate),
    and the app says so in its log instead of starting silently on old tables."""
    from archive.config import load_settings
    from web.app import create_app

    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    old = Catalog(url)
    old.migrate(OLD)
    old.dispose()
    settings = load_settings({"ARCHIVE_HOME": str(tmp_path / "home"), "ARCHIVE_DATABASE_URL": url,
                              "ARCHIVE_SECRET_KEY": "test"})
    with caplog.at_level("WARNING"):
        create_app(settings, testing=True)
    assert any("run `archive migrate`" in r.getMessage() for r in caplog.records)
    assert Catalog(url).revision() == OLD  # left for the upgrade job
