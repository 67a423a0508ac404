"""`archive search`, `archive reindex`, `archive index check|drain|health` (entry points in
the `archive.commands` group)."""

from __future__ import annotations

import json
import os

import click

from archive.config import load_settings
from archive.db import Catalog
from archive.errors import ValidationError
from archive.runtime import Runtime
from search import indexer
from search.model import FACET_FIELDS, FILTER_FIELDS, SearchQuery
from search.open import open_index
from search.service import SearchService


def _open() -> tuple[Catalog, object]:
    settings = load_settings()
    return Catalog(settings.database_url), open_index(settings.search_url)


def _filters(pairs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise ValidationError(
                f"--filter {pair!r}: write FIELD=VALUE, FIELD one of {', '.join(FILTER_FIELDS)}"
            )
        out.setdefault(field.strip(), []).append(value.strip())
    return {k: tuple(v) for k, v in out.items()}


@click.command("search", help="全文检索 / full-text search as a user (only what they may see)")
@click.argument("query", default="")
@click.option("--user", "username", help="search as this user (default: $ARCHIVE_USER)")
@click.option(
    "--filter", "filters", multiple=True, metavar="FIELD=VALUE", help="exact filter; repeat for more"
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--sort", type=click.Choice(["relevance", "date", "archival_code"]), default="relevance")
@click.option("--json", "as_json", is_flag=True, help="one JSON object: total, hits, facets")
def search_command(
    query: str, username: str | None, filters: tuple[str, ...], limit: int, sort: str, as_json: bool
):
    username = username or os.environ.get("ARCHIVE_USER", "")
    if not username:
        raise ValidationError("say who is searching: --user NAME (or ARCHIVE_USER)")
    catalog, index = _open()
    try:
        service = SearchService(catalog, index)
        q = SearchQuery(
            service.viewer(username),
            query,
            filters=_filters(filters),
            facets=FACET_FIELDS,
            sort=sort,
            size=limit,
        )
        result = service.search(q)
    finally:
        index.close()
        catalog.dispose()
    if as_json:
        out = {
            "total": result.total,
            "hits": [
                {
                    "id": h.id,
                    "archival_code": h.archival_code,
                    "title": h.title,
                    "snippets": [{"html": s.html, "page": s.page} for s in h.snippets],
                    "page": h.page,
                    "score": h.score,
                }
                for h in result.hits
            ],
            "facets": {k: [[v, c] for v, c in vs] for k, vs in result.facets.items()},
            "took_ms": round(result.took_ms, 1),
        }
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"{result.total} 条 / hits ({result.took_ms:.0f} ms)")
    for h in result.hits:
        page = f" p.{h.page}" if h.page else ""
        click.echo(f"[{h.id}] {h.archival_code}  {h.title}{page}")
        for s in h.snippets[:1]:
            click.echo("    " + s.html)
    for field, values in result.facets.items():
        if values:
            click.echo(f"{field}: " + ", ".join(f"{v} ({c})" for v, c in values[:8]))


@click.command("reindex", help="从目录库重建检索索引 / rebuild the search index from the catalog")
def reindex_command():
    catalog, index = _open()
    try:
        n = indexer.reindex(catalog, index)
    finally:
        index.close()
        catalog.dispose()
    click.echo(f"reindexed {n} records")


@click.group("index", help="检索索引维护 / search index maintenance")
def index_group():
    pass


@index_group.command("check", help="list records missing, stale or extra in the index")
@click.option("--json", "as_json", is_flag=True)
def index_check(as_json: bool):
    catalog, index = _open()
    try:
        report = indexer.check(catalog, index)
    finally:
        index.close()
        catalog.dispose()
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    else:
        click.echo(f"catalog {report.catalog}, index {report.indexed}")
        for name in ("missing", "stale", "extra"):
            ids = getattr(report, name)
            click.echo(f"{name}: {len(ids)}" + (f"  {' '.join(map(str, ids[:50]))}" if ids else ""))
    if not report.ok:
        raise click.exceptions.Exit(1)


@index_group.command("drain", help="apply queued catalog changes to the index")
def index_drain():
    runtime = Runtime(nudge="off")
    try:
        report = runtime.drain_index()
    finally:
        runtime.close()
    click.echo(
        f"applied {report.applied}, remaining {report.remaining}"
        + (f", error: {report.error}" if report.error else "")
    )
    if report.error:
        raise click.exceptions.Exit(1)


@index_group.command("health", help="is the index reachable, how many documents")
def index_health():
    _, index = _open()
    try:
        health = index.health()
    finally:
        index.close()
    click.echo(json.dumps(health.to_dict(), ensure_ascii=False))
    if not health.ok:
        raise click.exceptions.Exit(1)
