from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from archive.schema import Base


def test_migrations_build_every_model_table(catalog):
    catalog.migrate()  # idempotent on an already migrated catalog
    tables = set(inspect(catalog.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(catalog):
    with catalog.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], f"models changed without a migration: {diff}"
