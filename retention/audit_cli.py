"""`archive audit …`: verify the hash chain against its anchors in the object store, anchor
the chain head, read the trail. Lives here because it needs both the catalog and the store."""

from __future__ import annotations

import json

import click

from archive import audit
from archive.cli import Context, pass_ctx
from archive.i18n import t
from archive.policy import Action, Viewer, require
from archive.users import get_user
from storage import open_store


@click.group("audit", help="审计日志 / audit trail")
def audit_command() -> None:
    pass


@audit_command.command("verify", help="校验审计链并核对锚点，指出第一处断裂 / verify the chain, name the first broken link")
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-anchors", is_flag=True, help="check the chain in the catalog only")
@pass_ctx
def verify(ctx: Context, as_json: bool, no_anchors: bool) -> None:
    store = None if no_anchors else open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        result = audit.verify(session, store)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    elif result.ok:
        click.echo(t("audit.ok", checked=result.checked, anchors=result.anchors_checked))
    else:
        click.echo(t("audit.broken", seq=result.first_broken, reason=result.reason))
    if not result.ok:
        raise click.exceptions.Exit(3)


@audit_command.command("anchor", help="把当前链头写入对象存储（一次写入）/ write the chain head to the object store")
@pass_ctx
def anchor(ctx: Context) -> None:
    store = open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        written = audit.anchor(session, store)
    click.echo(t("audit.anchored", name=written["name"]) if written else t("audit.nothing"))


@audit_command.command("log", help="查看审计日志（新的在前）/ read the trail, newest first")
@click.option("--action")
@click.option("--actor")
@click.option("--target")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--user", "username", help="read as this catalog user: details of events about records above "
                                          "their clearance are redacted")
@pass_ctx
def log(ctx: Context, action: str | None, actor: str | None, target: str | None, limit: int, as_json: bool,
        username: str | None) -> None:
    with ctx.session() as session:
        if username:
            viewer = Viewer.of(get_user(session, username))
            require(viewer, Action.READ_AUDIT)
            rows = audit.visible_events(session, viewer, action=action, actor=actor, target=target, limit=limit)
        else:
            rows = [
                {"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action, "target": e.target,
                 "details": e.details, "hash": e.hash}
                for e in audit.events(session, action=action, actor=actor, target=target, limit=limit)
            ]
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['seq']:>8} {row['time']} {row['actor']:<16} {row['action']:<20} {row['target']}")
