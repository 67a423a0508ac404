"""Full-text search over the catalog: the query model, Chinese analysis and two backends.

`open_index(url)` picks the backend by URL: `embedded:///dir` (SQLite FTS5, the default),
`tantivy:///dir` (tantivy, on disk, same analysis and results) or `http(s)://host:9200[/alias]`
(Elasticsearch).
"""

from __future__ import annotations

from search.open import open_index

__all__ = ["open_index"]
