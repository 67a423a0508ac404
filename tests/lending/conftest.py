"""Tests whose logic does not depend on the database run on SQLite only (`sqlite_catalog`);
those where the dialect matters (locks, constraints, JSON, the CLI) use `catalog` and run on both."""

import pytest

from archive.db import Catalog
from tests.conftest import new_catalog_url


@pytest.fixture
def sqlite_catalog(request, tmp_path):
    cat = Catalog(new_catalog_url("sqlite", request, tmp_path))
    yield cat
    cat.dispose()
