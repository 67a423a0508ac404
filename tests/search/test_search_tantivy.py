"""Tantivy backend specifics: crash safety, the CURRENT pointer, the analyzer version guard."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from search.model import IndexUnavailable, SearchQuery
from search.open import open_index
from search.tantivy_index import TantivyIndex
from tests.search.conftest import ALL
from tests.search.samples import DOCS

WRITER = textwrap.dedent(
    """
    import sys
    from search.tantivy_index import TantivyIndex
    from search.model import PageText, SearchDocument
    index = TantivyIndex(sys.argv[1], writer_heap=15_000_000, threads=1)
    print("ready", flush=True)
    i = 0
    while True:  # killed from outside in the middle of some write
        i += 1
        docs = [SearchDocument(id=j, title=f"第{j}号文件 社会保险", category="WS",
                               pages=(PageText(1, "社会保险费征缴 " * 50),)) for j in range(i * 50, i * 50 + 50)]
        index.bulk(docs)
    """
)


def test_a_crash_mid_write_leaves_a_usable_index(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    index = TantivyIndex(tmp_path, writer_heap=15_000_000, threads=1)
    n = index.count()
    assert n > 0 and n % 50 == 0  # whole batches only: each bulk is one commit
    assert index.search(SearchQuery(ALL, "社会保险")).total == n
    index.bulk(DOCS)  # and it takes writes again (the dead writer's lock is gone)
    assert index.count() == n + len(DOCS)


def test_another_process_follows_a_rebuild(tmp_path):
    writer = TantivyIndex(tmp_path, writer_heap=15_000_000, threads=1)
    reader = TantivyIndex(tmp_path)
    writer.bulk(DOCS[:3])
    assert reader.count() == 3
    writer.rebuild(DOCS)
    assert reader.count() == len(DOCS)
    assert len(list(tmp_path.glob("tantivy-*"))) == 1  # the old directory is gone


def test_an_index_from_another_analyzer_version_asks_for_reindex(tmp_path):
    index = TantivyIndex(tmp_path, writer_heap=15_000_000, threads=1)
    index.bulk(DOCS[:2])
    name = (tmp_path / "CURRENT").read_text().strip()
    index.close()
    (tmp_path / name / "ANALYZER").write_text("0\n")
    with pytest.raises(IndexUnavailable, match="reindex"):
        TantivyIndex(tmp_path).count()
    assert not TantivyIndex(tmp_path).health().ok


def test_open_index_url(tmp_path):
    index = open_index(f"tantivy://{tmp_path}")
    assert isinstance(index, TantivyIndex) and index.dir == tmp_path


def test_a_large_rebuild_analyses_in_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr("search.tantivy_index.POOL_THRESHOLD", 5)
    pooled = TantivyIndex(tmp_path / "pooled", writer_heap=15_000_000, threads=1, workers=2)
    inline = TantivyIndex(tmp_path / "inline", writer_heap=15_000_000, threads=1, workers=1)
    assert pooled.rebuild(DOCS) == inline.rebuild(DOCS) == len(DOCS)
    assert list(pooled.digests()) == list(inline.digests())
    for text in ("社会保险", "檔案", "张伟"):
        q = SearchQuery(ALL, text, facets=("category", "year"))
        a, b = pooled.search(q), inline.search(q)
        assert (a.total, [h.id for h in a.hits], a.facets) == (b.total, [h.id for h in b.hits], b.facets)

