"""Exports: a search's results (search.service.SearchService.export, policy-checked and audited)
written as CSV that a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io

from flask import g

from web.auth import services


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(query) -> str:
    found = services().search_service().export(g.identity, query)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(found.columns)
    for row in found.rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
