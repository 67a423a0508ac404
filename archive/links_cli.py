"""`archive link add|list|remove`: typed links between records (DOMAIN.md §15): a signed draft
(签发稿) filed with its fair copy (正本), a leader's instruction (领导批示) with the report it answers.
Each command acts as the logged-in person and calls one service of archive.record_links."""

from __future__ import annotations

import click

from archive import record_links
from archive.cli import Context, emit, json_option, pass_ctx

KIND_HELP = "draft_of 签发稿→正本 | instruction_on 领导批示→所批报告 | related 相关"


def link_line(link: dict) -> str:
    other = link["other"]
    return (f"{link['id']:>5} 本件为{link['this_is']} ({link['this_is_en']}) ↔ {link['other_is']} "
            f"({link['other_is_en']}): {other['archival_code'] or '#' + str(other['id'])} {other['title']}"
            + (f" — {link['note']}" if link["note"] else ""))


@click.group("link", help="文件关联：签发稿与正本、领导批示与报告 / links between records")
def link_group() -> None:
    pass


@link_group.command("add", help="关联两件文件（档号或 ID）/ link FROM to TO, e.g. a signed draft to its fair copy")
@click.argument("from_record")
@click.argument("to_record")
@click.option("--kind", required=True, type=click.Choice(record_links.KINDS), help=KIND_HELP)
@click.option("--note", default="", help="备注 / note")
@json_option
@pass_ctx
def link_add(ctx: Context, from_record: str, to_record: str, kind: str, note: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: record_links.add(s, who, from_record, to_record, kind, note))
    emit(data, as_json, lambda: link_line(data))


@link_group.command("list", help="列出一件文件的关联 / the links of a record")
@click.argument("record")
@json_option
@pass_ctx
def link_list(ctx: Context, record: str, as_json: bool) -> None:
    rows = ctx.act(lambda s, who: record_links.links(s, who, record))
    emit(rows, as_json, lambda: "\n".join(link_line(r) for r in rows) or "（无 none）")


@link_group.command("remove", help="删除误建的关联 / remove a link made in error")
@click.argument("link_id", type=int)
@click.option("--reason", required=True, help="理由 / reason")
@json_option
@pass_ctx
def link_remove(ctx: Context, link_id: int, reason: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: record_links.remove(s, who, link_id, reason))
    emit(data, as_json, lambda: f"已删除 removed: {link_line(data)}")
