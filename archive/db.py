"""Catalog connections: one engine per URL, sessions as units of work, migrations by Alembic."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from archive import filemodes, unit_of_work
from archive.errors import TransientError
from archive.identity import IDENTITY

if TYPE_CHECKING:
    from archive.identity import Identity

MIGRATIONS = Path(__file__).parent / "migrations"
# Key of the PostgreSQL advisory lock held while migrating (any constant shared by all processes).
MIGRATION_LOCK = 0x41524348  # "ARCH"


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = filemodes.sqlite_path(url)
        if path is not None:
            # Made 0600 before SQLite opens it (its -wal and -shm files take the same mode): the
            # catalog holds password hashes and the text of classified records.
            filemodes.private_file(path)
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # IMMEDIATE takes the write lock up front, so read-then-write transactions (audit chain,
        # code counters) serialise instead of failing with "database is locked" on upgrade.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Catalog:
    """The catalog database: an engine and a factory of units of work (archive.unit_of_work).

    `after_commit` is called after a transaction that queued index work has committed; the
    runtime (archive.runtime) sets it to nudge the index. Without one, the outbox waits for
    the next drain.
    """

    def __init__(self, url: str, *, bureau_level: str = "prefecture"):
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.bureau_level = bureau_level
        self.after_commit: Callable[[], object] | None = None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        unit_of_work.install(self._sessions, self._after_commit)

    def _after_commit(self) -> None:
        if self.after_commit is not None:
            self.after_commit()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self, identity: Identity | None = None) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error. Audit events written in
        it name `identity`'s channel (web, api, cli, task, system)."""
        with transient_errors():
            with self._sessions.begin() as session:
                session.info[unit_of_work.BUREAU_LEVEL] = self.bureau_level
                if identity is not None:
                    session.info[IDENTITY] = identity
                yield session

    def migrate(self, revision: str = "heads") -> None:
        """Create or upgrade every table to the newest migration (or to `revision`).

        On PostgreSQL the whole upgrade holds a transaction-scoped advisory lock, so processes
        that start together (gunicorn workers, the compose `migrate` job) take turns: the first
        migrates, the others then find the catalog at head and do nothing. SQLite's BEGIN
        IMMEDIATE (see _sqlite_pragmas) already serialises them.
        """
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            cfg = alembic_config(self.url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)  # "heads": parallel branches until merged

    def revision(self) -> str | None:
        """The catalog's current migration (None before the first one)."""
        from alembic.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def behind(self) -> bool:
        """True when the catalog is not at the code's newest migration: run `archive migrate`."""
        return self.revision() not in code_heads()

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def dispose(self) -> None:
        self.engine.dispose()


def is_transient(exc: BaseException) -> bool:
    """A lost or refused connection, a server shutting down, a locked SQLite file: worth a retry."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


@contextlib.contextmanager
def transient_errors() -> Iterator[None]:
    """Report catalog connection failures as TransientError; the message names no host or password."""
    try:
        yield
    except DBAPIError as exc:
        if not is_transient(exc):
            raise
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise TransientError(f"catalog unavailable: {type(exc.orig).__name__ if exc.orig else 'error'}: {detail}") from exc


@functools.cache
def code_heads() -> frozenset[str]:
    """The newest migration(s) of this version of the code."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
