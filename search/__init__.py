"""Full-text search over the catalog: the query model, Chinese analysis and two backends.

`open_index(url)` picks the backend by URL: `tantivy:///dir` (tantivy, on disk: the default,
chosen by bench/search_embedded.py), `embedded:///dir` (SQLite FTS5, same analysis and
results, slower on large holdings) or `http(s)://host:9200[/alias]` (Elasticsearch).
"""

from __future__ import annotations

from search.open import open_index

__all__ = ["open_index"]
