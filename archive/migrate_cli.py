"""`archive migrate`: bring the catalog to the newest migration and nothing else (no seeds, no
accounts, no passwords printed). The compose `migrate` job and the upgrade procedure run it; it
is safe to run again and, on PostgreSQL, safe to run from several processes at once."""

from __future__ import annotations

import click

from archive.cli import Context, pass_ctx
from archive.i18n import t


@click.command("migrate", help="升级目录库到最新版本（可重复执行）/ migrate the catalog to the newest version (safe to repeat)")
@pass_ctx
def migrate_command(ctx: Context) -> None:
    before = ctx.catalog.revision()
    ctx.catalog.migrate()
    after = ctx.catalog.revision()
    if before == after:
        click.echo(t("migrate.current", revision=after))
    else:
        click.echo(t("migrate.done", before=before or "-", after=after))
