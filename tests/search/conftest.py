"""Backends for the search suite: every test that takes `make_index` or `loaded` runs once per
backend (embedded; Elasticsearch over HTTP against osmem-server; and real Elasticsearch when
ARCHIVE_TEST_ELASTICSEARCH_URL is set)."""

from __future__ import annotations

import itertools
import os

import pytest

from archive.codes import Role, Secrecy
from archive.policy import Viewer
from search.elastic import ElasticsearchIndex
from search.embedded import EmbeddedIndex
from search.tantivy_index import TantivyIndex
from tests.search.samples import DOCS
from tests.servers.opensearch import OpenSearchServer, PlainMediaNode

REAL_ES = os.environ.get("ARCHIVE_TEST_ELASTICSEARCH_URL", "")
BACKENDS = ["embedded", "tantivy", "elasticsearch"] + (["elasticsearch-real"] if REAL_ES else [])
_aliases = itertools.count()


@pytest.fixture(scope="session")
def osmem():
    server = OpenSearchServer().start()
    yield server
    server.stop()


def es_options(request, kind: str) -> dict:
    """How tests reach a server: the stand-in needs plain JSON media types, real Elasticsearch does not."""
    if kind == "elasticsearch-real":
        return {"url": REAL_ES}
    return {"url": request.getfixturevalue("osmem").url, "node_class": PlainMediaNode}


def new_index(request, kind: str, tmp_path_factory):
    if kind == "embedded":
        return EmbeddedIndex(tmp_path_factory.mktemp("index"))
    if kind == "tantivy":
        return TantivyIndex(tmp_path_factory.mktemp("tantivy"), writer_heap=15_000_000, threads=1)
    options = es_options(request, kind)
    index = ElasticsearchIndex(alias=f"test-{os.getpid()}-{next(_aliases)}", refresh_writes=True, **options)
    request.addfinalizer(lambda: _drop(index))
    return index


def _drop(index: ElasticsearchIndex) -> None:
    try:
        index.es.indices.delete(index=f"{index.alias}-v*")
        index.es.indices.delete_index_template(name=index.alias)
    except Exception:
        pass
    index.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def make_index(request, backend, tmp_path_factory):
    """A factory of empty indexes of this test's backend."""
    return lambda: new_index(request, backend, tmp_path_factory)


@pytest.fixture(scope="session")
def _loaded_indexes(request, tmp_path_factory):
    """Builds the sample index once per backend for the whole session."""
    cache: dict = {}

    def get(kind: str):
        if kind not in cache:
            index = new_index(request, kind, tmp_path_factory)
            index.bulk(DOCS)
            cache[kind] = index
        return cache[kind]

    return get


@pytest.fixture
def loaded(backend, _loaded_indexes):
    """The sample holding, indexed once per backend and shared by read-only tests."""
    return _loaded_indexes(backend)


def viewer(
    role: str = "archivist",
    clearance: str = "confidential",
    categories: tuple[str, ...] = (),
    departments: tuple[str, ...] = (),
    name: str = "tester",
) -> Viewer:
    return Viewer(name, Role(role), Secrecy(clearance), frozenset(departments), frozenset(categories))


ALL = Viewer.process("test")  # sees every record
