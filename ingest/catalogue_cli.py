"""`archive catalogue import|attach|export`: old catalogues in, scans attached later, catalogues
out (issue 14). Each acts as the person logged in; the work is done by archive.catalogue.service,
ingest.attach and archive.catalogue.export."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.catalogue import export as catalogue_export
from archive.catalogue.messages import layout_name, say
from archive.catalogue.service import import_catalogue
from archive.cli import Context, pass_ctx
from archive.errors import ValidationError
from archive.i18n import lang
from ingest.attach import attach


@click.group("catalogue", help="目录导入、挂接与导出 / catalogue import, attaching scans, export")
def catalogue_group() -> None:
    pass


@catalogue_group.command("import", help="导入已有目录（XLSX/CSV，无扫描件）/ import existing catalogues (no scans)")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check and report, write nothing")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON/TOML: extra header names, old retention terms (长期 = D30), sheet layouts")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def import_command(ctx: Context, paths: tuple[Path, ...], dry_run: bool, mapping: Path | None,
                   as_json: bool) -> None:
    who = ctx.identity()
    report = import_catalogue(ctx.catalog, who, list(paths), dry_run=dry_run, mapping=mapping)
    language = lang()
    if as_json:
        click.echo(json.dumps(report.as_dict(language), ensure_ascii=False))
        return
    if dry_run:
        click.echo(say("report.dry_run", language))
    for sheet in report.sheets:
        click.echo(say("report.sheet", language, file=sheet["file"], sheet=sheet["sheet"], rows=sheet["rows"],
                       layout=layout_name(sheet["layout"], language), header=sheet["header_row"]))
        if sheet["ignored_columns"]:
            click.echo(say("report.ignored", language, columns=", ".join(sheet["ignored_columns"])))
    click.echo(say("report.would_create" if dry_run else "report.created", language, **report.created))
    click.echo(say("report.unchanged", language, count=report.unchanged))
    click.echo(say("report.problems", language, count=len(report.problems)))
    for p in report.problems:
        where = p.source if p.sheet in ("", p.source) else f"{p.source} 〔{p.sheet}〕"
        if p.row is None:
            click.echo(say("report.file_problem", language, where=where, reason=p.reason(language)))
        else:
            click.echo(say("report.problem", language, where=where, row=p.row, reason=p.reason(language)))


@catalogue_group.command("attach", help="按档号挂接扫描件 / attach scans named by 档号 (or a mapping CSV)")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--engine", default=None, help="OCR engine (default: the pipeline's)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def attach_command(ctx: Context, paths: tuple[Path, ...], engine: str | None, as_json: bool) -> None:
    who = ctx.identity()
    report = attach(ctx.runtime, who, list(paths), engine=engine)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        return
    language = lang()
    for row in report.attached:
        review = say("attach.review", language, fields=", ".join(row["differences"])) if row["differences"] else ""
        click.echo(say("attach.attached", language, code=row["archival_code"], pages=row["pages"], review=review))
    for row in report.unchanged:
        click.echo(say("attach.unchanged", language, code=row["archival_code"]))
    for row in report.refused:
        click.echo(say("attach.refused", language, code=row.get("archival_code") or ", ".join(row["files"]),
                       reason=row["reason"]))
    for name in report.unmatched:
        click.echo(say("attach.unmatched", language, name=name))


@catalogue_group.command("export", help="按原目录格式导出（按本人权限）/ export catalogues in the same layouts")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", "layouts", multiple=True, type=click.Choice(catalogue_export.LAYOUT_ORDER),
              help="repeatable; default: all three (XLSX)")
@click.option("--fonds", default=None)
@click.option("--year", type=int, default=None)
@click.option("--category", default=None)
@click.option("--retention", default=None)
@click.option("--gb18030", is_flag=True, help="CSV in GB18030 instead of UTF-8")
@pass_ctx
def export_command(ctx: Context, output: Path, layouts: tuple[str, ...], fonds: str | None, year: int | None,
                   category: str | None, retention: str | None, gb18030: bool) -> None:
    chosen = list(layouts or catalogue_export.LAYOUT_ORDER)
    as_csv = output.suffix.lower() == ".csv"
    if as_csv and len(chosen) != 1:
        raise ValidationError(say("export.csv_one_layout", lang()))
    who = ctx.identity()
    selection = catalogue_export.Selection(fonds, year, category, retention)
    with ctx.session(who) as session:
        tables = catalogue_export.export_catalogue(session, who, layouts=chosen, selection=selection)
    data = catalogue_export.to_csv(tables[0], gb18030=gb18030) if as_csv else catalogue_export.to_xlsx(tables)
    output.write_bytes(data)
    click.echo(say("export.written", lang(), rows=sum(len(t.rows) for t in tables), path=output.name))
