"""Exports: a search's results (search.service.SearchService.export, policy-checked and audited)
written as CSV by archive.tabular, which a spreadsheet opens safely (text stays text)."""

from __future__ import annotations

from flask import g

from archive import tabular
from web.auth import services


def export_csv(query) -> str:
    found = services().search_service().export(g.identity, query)
    # The views send a str; utf-8 here keeps the bytes exactly what they were before.
    return tabular.to_csv(found.columns, found.rows, encoding="utf-8").decode("utf-8")
