"""`archive audit …`: verify the hash chain against its anchors (in the object store and the
anchor mirror) and against the catalog's own history, and anchor the chain head (operator
commands: they act as `system`); read the trail (the auditor logged in, through archive.trail:
events about records above their clearance and of people cleared above the reader are
redacted, and the reading itself is recorded). The anchors live where the runtime says
(Runtime.anchors), so the command lives with the trail it checks."""

from __future__ import annotations

import json

import click

from archive import audit, trail
from archive.cli import Context, pass_ctx
from archive.i18n import t


@click.group("audit", help="审计日志 / audit trail")
def audit_command() -> None:
    pass


@audit_command.command("verify", help="校验审计链并核对锚点，指出第一处断裂 / verify the chain, name the first broken link")
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-anchors", is_flag=True, help="check the chain in the catalog only")
@pass_ctx
def verify(ctx: Context, as_json: bool, no_anchors: bool) -> None:
    anchors = None if no_anchors else ctx.runtime.anchors
    with ctx.session(ctx.system("audit-verify")) as session:
        result = audit.verify(session, anchors, history=True)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else result.message())
    if not result.ok:
        raise click.exceptions.Exit(3)


@audit_command.command("anchor", help="把当前链头写入对象存储（一次写入）/ write the chain head to the object store")
@pass_ctx
def anchor(ctx: Context) -> None:
    with ctx.session(ctx.system("audit-anchor")) as session:
        written = audit.anchor(session, ctx.runtime.anchors)
    click.echo(t("audit.anchored", name=written["name"]) if written else t("audit.nothing"))


@audit_command.command("log", help="查看审计日志（审计员本人，新的在前）/ read the trail as the auditor logged in, newest first")
@click.option("--action")
@click.option("--actor")
@click.option("--target")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def log(ctx: Context, action: str | None, actor: str | None, target: str | None, limit: int, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        rows = trail.read(session, who, action=action, actor=actor, target=target, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['seq']:>8} {row['time']} {row['actor']:<16} {row['action']:<20} {row['target']}")
