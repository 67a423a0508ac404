"""`archive fixity [--slice N/M | --nightly M] [--repair] [--json]`: the fixity audit from the command
line, an operator command: it acts as `system` (channel cli, with the OS account and host).
`--repair` restores changed and missing objects from a verified second copy (S3 versions, the
replica of ARCHIVE_REPLICA_DIR)."""

from __future__ import annotations

import json

import click

from archive.cli import Context, pass_ctx
from storage import fixity


@click.command("fixity", help="重新计算对象 SHA-256，发现被改、缺失与多余的对象 / fixity audit of stored objects")
@click.option("--slice", "slice_text", help="check slice N of M, e.g. 2/7")
@click.option("--nightly", type=int, help="check tonight's slice of M, rotating day by day")
@click.option("--repair", is_flag=True, help="从核验过的副本修复被改或缺失的对象 / restore from a verified copy")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def fixity_command(ctx: Context, slice_text: str | None, nightly: int | None, repair: bool, as_json: bool) -> None:
    n, m = fixity.parse_slice(slice_text) if slice_text else fixity.nightly_slice(nightly) if nightly else (1, 1)
    with ctx.session(ctx.system("fixity")) as session:
        result = fixity.run(session, ctx.runtime.store, slice_no=n, slices=m, repair=repair)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"完整性检查 fixity {result.slice}: 核对 checked {result.checked}, 被改 changed {len(result.changed)}, "
                   f"缺失 missing {len(result.missing)}, 多余 unexpected {len(result.unexpected)}")
        for kind in ("changed", "missing", "unexpected"):
            for key in getattr(result, kind):
                click.echo(f"  {kind}: {key}")
        for key, source in result.repaired.items():
            click.echo(f"  已修复 repaired: {key} ← {source}")
        for key in result.unrepaired:
            click.echo(f"  无可用副本 no verified copy: {key}")
    if not result.ok and (not repair or result.unrepaired or result.unexpected):
        raise click.exceptions.Exit(3)
