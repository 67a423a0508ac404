"""`archive backup DEST` and `archive restore SRC`: operator commands (they act as `system`).
The restore appends a signed `audit.restore` event and anchors a new timeline, so that
`archive audit verify` passes on the restored catalog; `--drill` keeps the drill's anchors in its
own ARCHIVE_HOME (docs/operations.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path

import click

from archive import backup as backups
from archive.cli import Context, cli_actor, emit, json_option, pass_ctx
from archive.i18n import t


@click.command("backup", help="备份目录库、对象、分类模型与锚点 / back up catalog, objects, models and anchors")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--no-objects", is_flag=True, help="leave the objects out (S3: mirror the bucket instead)")
@json_option
@pass_ctx
def backup_command(ctx: Context, dest: Path, no_objects: bool, as_json: bool) -> None:
    done = backups.backup(ctx.runtime, dest, objects=not no_objects, identity=ctx.system("backup"))
    emit(done, as_json, lambda: t("backup.done", dest=done["dest"], events=done["events"], objects=done["objects"]))


@click.command("restore", help="从备份恢复并签名记录恢复事件 / restore a backup and record the signed restore event")
@click.argument("src", type=click.Path(path_type=Path, exists=True, file_okay=False), required=False)
@click.option("--drill", is_flag=True, help="a restore drill: its anchors stay in this ARCHIVE_HOME, never in the store")
@click.option("--catalog-restored", is_flag=True,
              help="the catalog was put back by hand (pg_restore): only record the signed restore")
@json_option
@pass_ctx
def restore_command(ctx: Context, src: Path | None, drill: bool, catalog_restored: bool, as_json: bool) -> None:
    done = backups.restore(ctx.runtime, src, cli_actor(), drill=drill, catalog_restored=catalog_restored,
                           identity=ctx.system("restore"))
    emit(done, as_json,
         lambda: t("restore.done", seq=done["seq"], anchor=done["anchor"] or "-", timeline=done["timeline"]))
