"""`archive search`, `archive reindex`, `archive index check|drain|health` (entry points in
the `archive.commands` group).

`archive search` acts as the person logged in (`archive login` or ARCHIVE_TOKEN) and follows
the search service's rules, as the web pages and the API do; the others are operator commands
that act on the system.
"""

from __future__ import annotations

import json

import click

from archive import audit
from archive.cli import Context, pass_ctx
from archive.codes import DEFAULT_CATEGORIES, RETENTION_ZH, Retention
from archive.errors import ValidationError
from archive.i18n import lang, secrecy_label
from search import indexer
from search.model import FACET_FIELDS, FILTER_FIELDS, SearchQuery
from search.service import SearchService


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


@click.command("search", help="全文检索（按本人权限）/ full-text search, as you may see it")
@click.argument("query", default="")
@click.option(
    "--filter", "filters", multiple=True, metavar="FIELD=VALUE", help="exact filter; repeat for more"
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--sort", type=click.Choice(["relevance", "date", "archival_code"]), default="relevance")
@click.option("--json", "as_json", is_flag=True, help="one JSON object: total, hits, facets")
@pass_ctx
def search_command(ctx: Context, query: str, filters: tuple[str, ...], limit: int, sort: str, as_json: bool):
    who = ctx.identity()
    q = SearchQuery(who.viewer, query, filters=_filters(filters), facets=FACET_FIELDS, sort=sort, size=limit)
    result = SearchService(ctx.catalog, ctx.runtime.index).search(who, q)
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
            click.echo(f"{_FACET_NAMES.get(field, (field, field))[lang() == 'en']}: "
                       + ", ".join(f"{_value_label(field, v)} ({c})" for v, c in values[:8]))


_FACET_NAMES = {"category": ("门类", "category"), "year": ("年度", "year"), "retention": ("保管期限", "retention"),
                "secrecy": ("密级", "secrecy"), "fonds": ("全宗", "fonds"), "doc_type": ("文种", "document type"),
                "personnel_class": ("人事档案类别", "personnel class"), "business_step": ("业务环节", "business step")}


def _value_label(field: str, value: str) -> str:
    """A facet value in words (Chinese first), the code beside it where it is one."""
    if lang() == "en":
        return value
    if field == "secrecy":
        return secrecy_label(value)
    if field == "category":
        names = {code: zh for code, zh, _en in DEFAULT_CATEGORIES}
        return f"{names[value]} ({value})" if value in names else value
    if field == "retention":
        try:
            return RETENTION_ZH[Retention(value)]
        except ValueError:
            return value
    return value


@click.command("reindex", help="从目录库重建检索索引 / rebuild the search index from the catalog")
@pass_ctx
def reindex_command(ctx: Context):
    operator = ctx.system("reindex")
    with ctx.session(operator):
        pass  # one line, not a traceback, when the catalog is not initialised
    n = indexer.reindex(ctx.catalog, ctx.runtime.index)
    with ctx.session(operator) as session:
        audit.record(session, operator.username, "index.rebuilt", "index", {"records": n})
    click.echo(f"reindexed {n} records")


@click.group("index", help="检索索引维护 / search index maintenance")
def index_group():
    pass


@index_group.command("check", help="list records missing, stale or extra in the index")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def index_check(ctx: Context, as_json: bool):
    with ctx.session(ctx.system("index check")):
        pass
    report = indexer.check(ctx.catalog, ctx.runtime.index)
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
@pass_ctx
def index_drain(ctx: Context):
    with ctx.session(ctx.system("index drain")):
        pass
    report = ctx.runtime.drain_index()
    click.echo(
        f"applied {report.applied}, remaining {report.remaining}"
        + (f", error: {report.error}" if report.error else "")
    )
    if report.error:
        raise click.exceptions.Exit(1)


@index_group.command("health", help="is the index reachable, how many documents")
@pass_ctx
def index_health(ctx: Context):
    health = ctx.runtime.index.health()
    click.echo(json.dumps(health.to_dict(), ensure_ascii=False))
    if not health.ok:
        raise click.exceptions.Exit(1)
