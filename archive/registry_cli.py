"""`archive copy register|list` (复制/摘抄登记) and `archive special-access appoint|dismiss|approve|
officers` (合议 records): faces of archive.copying and archive.special_access, acting as the
logged-in person."""

from __future__ import annotations

import datetime as dt

import click

from archive import copying, special_access
from archive.cli import Context, emit, json_option, pass_ctx
from archive.codes import registry_label
from archive.i18n import lang, secrecy_label

OFFICE_WORDS = {"chair": "panel_chair", "vice-chair": "panel_vice_chair"}


def _label(field: str, code: str) -> str:
    return registry_label(field, code, lang())


@click.group("copy", help="复制与摘抄登记 / the copy and extract register")
def copy_group() -> None:
    pass


@copy_group.command("register", help="登记一次复制或摘抄（档案员）/ register a copying or an extract (archivists)")
@click.argument("record_id", type=int)
@click.option("--copies", type=int, default=1, show_default=True, help="份数 / number of copies")
@click.option("--organ", "copying_organ", required=True, help="复制机关 / the copying organ")
@click.option("--purpose", required=True, help="用途 / purpose")
@click.option("--approved-by", help="批准人（办公室主任或分管局领导）/ who approved")
@click.option("--pages", default="", help="页码 / pages, e.g. 1-3")
@click.option("--kind", type=click.Choice(copying.KINDS), default="copy", show_default=True,
              help="copy 复制 | extract 摘抄")
@click.option("--reader", default="", help="摘抄人（用户名）/ the reader (user name)")
@click.option("--reader-unit", default="", help="摘抄件所属单位 / the reader's unit, which the extract belongs to")
@click.option("--request", "request_no", default="", help="借阅申请号（信访档案必填）/ the request it goes through")
@click.option("--issuing-organ-approval", default=None,
              help="上级机关秘密文件：发文机关的同意（文号或记录）/ the issuing organ's approval")
@click.option("--superior/--not-superior", "superior_secret", default=None,
              help="是否上级机关的秘密文件（默认按责任者判断）/ a superior organ's secret document (default: by issuer)")
@json_option
@pass_ctx
def copy_register(ctx: Context, record_id: int, as_json: bool, **fields) -> None:
    entry = ctx.act(lambda s, who: copying.as_dict(copying.register(s, who, record_id, **fields)))
    emit(entry, as_json, lambda: f"{entry['number']} {_label('copy_kind', entry['kind'])} × {entry['copies']} "
                                 f"{secrecy_label(entry['secrecy'])}\n  {entry['annotation']}")


@copy_group.command("list", help="复制与摘抄登记簿 / the register")
@click.option("--record", "record_id", type=int, help="只看一份文件 / one record only")
@click.option("--limit", type=int, default=200, show_default=True)
@json_option
@pass_ctx
def copy_list(ctx: Context, record_id: int | None, limit: int, as_json: bool) -> None:
    rows = ctx.act(lambda s, who: copying.entries(s, who, record_id=record_id, limit=limit))
    emit(rows, as_json, lambda: "\n".join(
        f"{r['number']} {_label('copy_kind', r['kind'])} {r['archival_code'] or r['record']} {r['title']} "
        f"× {r['copies']} {r['copying_organ']} {secrecy_label(r['secrecy'])} {r['registered_at'][:16]}"
        for r in rows) or "（无 none）")


@click.group("special-access", help="合议记录的专门审批（合议委员会主任、副主任）/ deliberation records' approvals")
def special_access_group() -> None:
    pass


@special_access_group.command("appoint", help="任命合议委员会主任或副主任（安全保密员）/ appoint an officer")
@click.argument("username")
@click.argument("office", type=click.Choice(list(OFFICE_WORDS)))
@json_option
@pass_ctx
def appoint(ctx: Context, username: str, office: str, as_json: bool) -> None:
    code = OFFICE_WORDS[office]
    ctx.act(lambda s, who: special_access.appoint(s, who, username, code))
    emit({"username": username, "office": code}, as_json, lambda: f"{username}: {_label('office', code)}")


@special_access_group.command("dismiss", help="免去合议委员会职务 / end an office")
@click.argument("username")
@click.argument("office", type=click.Choice(list(OFFICE_WORDS)))
@json_option
@pass_ctx
def dismiss(ctx: Context, username: str, office: str, as_json: bool) -> None:
    code = OFFICE_WORDS[office]
    ctx.act(lambda s, who: special_access.dismiss(s, who, username, code))
    emit({"username": username, "office": code, "active": False}, as_json,
         lambda: f"{username}: {_label('office', code)} ✗")


@special_access_group.command("officers", help="现任合议委员会主任、副主任 / current officers")
@json_option
@pass_ctx
def officers(ctx: Context, as_json: bool) -> None:
    rows = ctx.act(special_access.officer_rows)
    emit(rows, as_json, lambda: "\n".join(f"{r['username']} {_label('office', r['office'])}" for r in rows)
         or "（无 none）")


@special_access_group.command("approve", help="批准阅读、摘抄或复制一份合议记录（主任、副主任本人）/ approve uses")
@click.argument("record_id", type=int)
@click.argument("grantee")
@click.option("--use", "uses", multiple=True, required=True, type=click.Choice(special_access.USES))
@click.option("--reason", required=True)
@click.option("--until", "valid_until", type=click.DateTime(["%Y-%m-%d"]), help="有效期至 / valid until")
@json_option
@pass_ctx
def approve(ctx: Context, record_id: int, grantee: str, uses: tuple[str, ...], reason: str,
            valid_until: dt.datetime | None, as_json: bool) -> None:
    until = valid_until.date() if valid_until else None
    row = ctx.act(lambda s, who: special_access.approve_record(s, who, record_id, grantee, uses, reason=reason,
                                                               valid_until=until))
    emit(row, as_json, lambda: f"{row['id']}: {grantee} {'、'.join(_label('use', u) for u in row['uses'])} "
                               f"record {record_id} ← {row['approver']} ({_label('office', row['office'])})")
