"""Open a search index by URL (see search/__init__.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from archive.config import local_path
from archive.errors import ConfigError

if TYPE_CHECKING:
    from search.model import SearchIndex


def open_index(url: str, **options: Any) -> SearchIndex:
    """The search index named by `url`; options go to the backend (e.g. an Elasticsearch client)."""
    parts = urlsplit(url)
    if parts.scheme == "embedded":
        from search.embedded import EmbeddedIndex

        return EmbeddedIndex(local_path(url))
    if parts.scheme == "tantivy":
        from search.tantivy_index import TantivyIndex

        return TantivyIndex(local_path(url))
    if parts.scheme in ("http", "https"):
        from search.elastic import DEFAULT_ALIAS, ElasticsearchIndex, _check_url_alias

        alias = _check_url_alias(parts.path.strip("/")) if parts.path.strip("/") else DEFAULT_ALIAS
        base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        return ElasticsearchIndex(base, alias, **options)
    raise ConfigError(f"ARCHIVE_SEARCH_URL: {url!r} is none of embedded://, tantivy:// or http(s)://")
