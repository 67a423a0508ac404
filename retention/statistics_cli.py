"""`archive statistics annual --year 2026 --format pdf|xlsx|json`: the annual statistics report
(retention.annual_statistics) as the logged-in person may count it; a file format is written to
--output (default annual-statistics-YEAR.EXT), JSON printed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli import Context, pass_ctx
from archive.clock import today
from archive.i18n import t
from retention import annual_statistics


@click.group("statistics", help="统计 / statistics")
def statistics_group() -> None:
    pass


@statistics_group.command("annual", help="档案统计年报 / the annual statistics report")
@click.option("--year", type=click.IntRange(1900, 2999), help="default: last year")
@click.option("--format", "fmt", type=click.Choice(sorted(annual_statistics.FORMATS)), default="json",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="file for pdf or xlsx")
@pass_ctx
def annual(ctx: Context, year: int | None, fmt: str, output: Path | None) -> None:
    chosen = year or today().year - 1
    body, _media, _data = ctx.act(lambda s, who: annual_statistics.render(s, who, year=chosen, fmt=fmt))
    if fmt == "json" and output is None:
        click.echo(body.decode("utf-8"))
        return
    target = output or Path(f"annual-statistics-{chosen}.{fmt}")
    if str(target) == "-":
        sys.stdout.buffer.write(body)
        return
    target.write_bytes(body)
    click.echo(t("arrange.printed", path=target, size=len(body)))
