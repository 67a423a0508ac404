"""Embedded backend specifics: crash safety, the CURRENT pointer, the analyzer version guard."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from search.embedded import EmbeddedIndex
from search.model import IndexUnavailable, SearchQuery
from tests.search.conftest import ALL
from tests.search.samples import DOCS

WRITER = textwrap.dedent(
    """
    import sys
    from search.embedded import EmbeddedIndex
    from search.model import PageText, SearchDocument
    index = EmbeddedIndex(sys.argv[1])
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
    index = EmbeddedIndex(tmp_path)
    n = index.count()
    assert n > 0 and n % 50 == 0  # whole batches only: each bulk is one transaction
    conn = index._db()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")
    assert index.search(SearchQuery(ALL, "社会保险")).total == n
    index.bulk(DOCS)  # and it takes writes again
    assert index.count() == n + len(DOCS)


def test_another_process_follows_a_rebuild(tmp_path):
    writer, reader = EmbeddedIndex(tmp_path), EmbeddedIndex(tmp_path)
    writer.bulk(DOCS[:3])
    assert reader.count() == 3
    writer.rebuild(DOCS)
    assert reader.count() == len(DOCS)
    assert len(list(tmp_path.glob("index-*.sqlite"))) == 1  # the old file is gone


def test_an_index_from_another_analyzer_version_asks_for_reindex(tmp_path, monkeypatch):
    index = EmbeddedIndex(tmp_path)
    index.bulk(DOCS[:2])
    name = (tmp_path / "CURRENT").read_text().strip()
    index.close()
    with sqlite3.connect(tmp_path / name) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'analyzer'")
    with pytest.raises(IndexUnavailable, match="reindex"):
        EmbeddedIndex(tmp_path).count()
    assert not EmbeddedIndex(tmp_path).health().ok
