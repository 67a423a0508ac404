"""`archive nonrecord register|approve|reject|destroy|list`: non-record documents (非归档文件)
destroyed with the office director's approval (retention.non_record_destruction)."""

from __future__ import annotations

import click

from archive.cli import Context, emit, json_option, pass_ctx
from archive.codes import Secrecy, registry_label
from archive.i18n import lang, secrecy_label
from retention import non_record_destruction as nonrecord


def _label(field: str, code: str) -> str:
    return registry_label(field, code, lang())


def _line(r: dict) -> str:
    return (f"{r['number']} {_label('non_record_status', r['status'])} {r['description']} "
            f"{r['items']}件 {secrecy_label(r['secrecy'])} {_label('carrier', r['carrier'])}")


@click.group("nonrecord", help="非归档文件销毁登记 / non-record documents destroyed")
def nonrecord_group() -> None:
    pass


@nonrecord_group.command("register", help="登记一批无归档价值的文件 / register a lot")
@click.option("--description", required=True, help="文件内容 / what the documents are")
@click.option("--items", type=int, required=True, help="件数 / number of items")
@click.option("--pages", type=int, default=0)
@click.option("--reason", required=True, help="无归档价值的理由 / why they have no filing value")
@click.option("--secrecy", type=click.Choice([s.value for s in Secrecy]), default="internal", show_default=True)
@click.option("--carrier", type=click.Choice(nonrecord.CARRIERS), default="paper", show_default=True)
@click.option("--department", default="")
@json_option
@pass_ctx
def register(ctx: Context, as_json: bool, **fields) -> None:
    row = ctx.act(lambda s, who: nonrecord.as_dict(nonrecord.register(s, who, **fields)))
    emit(row, as_json, lambda: _line(row))


@nonrecord_group.command("approve", help="批准销毁（办公室主任）/ approve (office director)")
@click.argument("lot_id", type=int)
@click.option("--note", default="")
@json_option
@pass_ctx
def approve(ctx: Context, lot_id: int, note: str, as_json: bool) -> None:
    row = ctx.act(lambda s, who: nonrecord.as_dict(nonrecord.decide(s, who, lot_id, approve=True, note=note)))
    emit(row, as_json, lambda: _line(row))


@nonrecord_group.command("reject", help="不予批准（办公室主任）/ reject (office director)")
@click.argument("lot_id", type=int)
@click.option("--note", required=True, help="理由 / reason")
@json_option
@pass_ctx
def reject(ctx: Context, lot_id: int, note: str, as_json: bool) -> None:
    row = ctx.act(lambda s, who: nonrecord.as_dict(nonrecord.decide(s, who, lot_id, approve=False, note=note)))
    emit(row, as_json, lambda: _line(row))


@nonrecord_group.command("destroy", help="登记销毁（档案员）；涉密：两人在场、送指定销毁单位并登记回执 / record the destruction")
@click.argument("lot_id", type=int)
@click.option("--method", type=click.Choice(nonrecord.METHODS), required=True)
@click.option("--place", required=True)
@click.option("--attendee", "attendees", multiple=True, help="在场人（用户名，可多次）/ who attended (repeat)")
@click.option("--unit", "destruction_unit", default="", help="指定销毁单位 / the designated destruction unit")
@click.option("--receipt", "receipt_no", default="", help="销毁单位回执号 / its receipt number")
@json_option
@pass_ctx
def destroy(ctx: Context, lot_id: int, as_json: bool, **fields) -> None:
    row = ctx.act(lambda s, who: nonrecord.as_dict(nonrecord.destroy(s, who, lot_id, **fields)))
    emit(row, as_json, lambda: _line(row) + (f" ← {row['destruction_unit']} {row['receipt_no']}"
                                             if row["receipt_no"] else ""))


@nonrecord_group.command("list", help="非归档文件销毁登记簿 / the register")
@click.option("--status", type=click.Choice(["registered", "approved", "rejected", "destroyed"]))
@json_option
@pass_ctx
def list_lots(ctx: Context, status: str | None, as_json: bool) -> None:
    rows = ctx.act(lambda s, who: nonrecord.register_rows(s, who, status=status))
    emit(rows, as_json, lambda: "\n".join(_line(r) for r in rows) or "（无 none）")
