"""A search request (page query string or API arguments) turned into search.model.SearchQuery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from archive.errors import ValidationError
from archive.policy import Viewer

PAGE_FACETS = ("category", "year", "secrecy", "doc_type", "retention")


def _int(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{name} must be a whole number") from None


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{name} must be a date like 2019-05-01") from None


def build_query(viewer: Viewer, args: Mapping, *, multi) -> object:
    """`multi(name)` returns every value of a repeated argument (request.args.getlist). The
    search service runs it as the person acting, whoever `viewer` is."""
    from search.model import FILTER_FIELDS, SearchQuery

    filters = {}
    for name in FILTER_FIELDS:
        values = [v for v in multi(name) if v]
        if values:
            filters[name] = tuple(values)
    return SearchQuery(
        viewer=viewer,
        text=args.get("q", "") or "",
        filters=filters,
        date_from=_date(args.get("date_from"), "date_from"),
        date_to=_date(args.get("date_to"), "date_to"),
        facets=PAGE_FACETS,
        sort=args.get("sort") or "relevance",
        page=_int(args.get("page"), 1, "page"),
        size=_int(args.get("size"), 10, "size"),
        search_after=args.get("cursor") or None,
    )
