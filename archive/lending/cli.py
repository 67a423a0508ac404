"""`archive loan …`, `archive register export …`, `archive inventory …`.

The CLI acts as a named catalog user (--as USER): the same policy and audit as the web.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.cli import Context, pass_ctx
from archive.lending import inventory, registers, requests, viewing

as_user = click.option("--as", "user", required=True, help="catalog user who acts (用户名)")
as_json = click.option("--json", "as_json", is_flag=True)


def _emit(data: object, as_json_flag: bool, line: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str) if as_json_flag else line)


@click.group("loan", help="借阅与查阅 / loans and consultation")
def loan_group() -> None:
    pass


@loan_group.command("request", help="提交借阅申请 / submit a request")
@as_user
@click.option("--purpose", required=True)
@click.option("--form", type=click.Choice(requests.FORMS), required=True)
@click.option("--record", "records", type=int, multiple=True)
@click.option("--volume", "volumes", type=int, multiple=True)
@click.option("--days", type=int)
@click.option("--extract", is_flag=True)
@click.option("--reader", "readers", multiple=True, help="readers (personnel files: at least two)")
@as_json
@pass_ctx
def loan_request(ctx: Context, user: str, purpose: str, form: str, records: tuple[int, ...], volumes: tuple[int, ...],
                 days: int | None, extract: bool, readers: tuple[str, ...], as_json: bool) -> None:
    with ctx.session() as session:
        req = requests.create_request(
            session, user, purpose=purpose, form=form, record_ids=list(records), volume_ids=list(volumes),
            days=days or ctx.settings.loan_days, extract=extract, readers=list(readers) or None,
        )
        data = requests.describe(session, user, req)
    _emit(data, as_json, f"已提交 submitted {data['number']} (id {data['id']}): 审批 approvers {data['steps']}")


@loan_group.command("approve", help="审批通过或驳回 / approve or reject")
@as_user
@click.argument("request_id", type=int)
@click.option("--reject", "reason", help="reject with this reason")
@as_json
@pass_ctx
def loan_approve(ctx: Context, user: str, request_id: int, reason: str | None, as_json: bool) -> None:
    with ctx.session() as session:
        req = (requests.reject(session, user, request_id, reason) if reason is not None
               else requests.approve(session, user, request_id))
        data = requests.describe(session, user, req)
    _emit(data, as_json, f"{data['number']}: {data['status']}")


@loan_group.command("issue", help="出借或开通查阅 / issue volumes or viewing grants")
@as_user
@click.argument("request_id", type=int)
@click.option("--accompanied-by", default="", help="archivist staying with a top-secret reader")
@click.option("--carrier", "carriers", multiple=True)
@as_json
@pass_ctx
def loan_issue(ctx: Context, user: str, request_id: int, accompanied_by: str, carriers: tuple[str, ...],
               as_json: bool) -> None:
    with ctx.session() as session:
        req = requests.get_request(session, request_id)
        if req.form == "loan":
            requests.issue_loans(session, user, request_id, loan_days=ctx.settings.loan_days, carriers=list(carriers))
        else:
            viewing.issue_grants(session, user, request_id, accompanied_by=accompanied_by)
        data = requests.describe(session, user, req)
    _emit(data, as_json, f"{data['number']}: {data['status']}")


@loan_group.command("return", help="归还（核对页数、记录损坏）/ take a volume back")
@as_user
@click.argument("loan_id", type=int)
@click.option("--pages", type=int, required=True, help="pages counted on return")
@click.option("--damage", default="")
@as_json
@pass_ctx
def loan_return(ctx: Context, user: str, loan_id: int, pages: int, damage: str, as_json: bool) -> None:
    with ctx.session() as session:
        check = requests.return_loan(session, user, loan_id, pages_returned=pages, damage=damage)
        data = {"loan": loan_id, "pages_ok": check.pages_ok, "damage": check.damage}
    _emit(data, as_json, f"loan {loan_id}: {'页数相符 pages ok' if check.pages_ok else check.damage}")


@loan_group.command("renew", help="续借 / renew a loan")
@as_user
@click.argument("loan_id", type=int)
@click.option("--days", type=int)
@as_json
@pass_ctx
def loan_renew(ctx: Context, user: str, loan_id: int, days: int | None, as_json: bool) -> None:
    with ctx.session() as session:
        loan = requests.renew(session, user, loan_id, days or ctx.settings.loan_days)
        data = {"loan": loan.id, "due_on": loan.due_on.isoformat(), "renewals": loan.renewals}
    _emit(data, as_json, f"loan {loan.id}: 应还 due {data['due_on']}")


@loan_group.command("list", help="列出申请 / list requests")
@as_user
@click.option("--status")
@as_json
@pass_ctx
def loan_list(ctx: Context, user: str, status: str | None, as_json: bool) -> None:
    with ctx.session() as session:
        rows = [requests.describe(session, user, r) for r in requests.list_requests(session, user, status=status)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['id']:>5} {r['number']} {r['form']:<12} {r['level']:<12} {r['status']:<9} {r['requester']}")


@click.group("register", help="登记簿 / registers")
def register_group() -> None:
    pass


@register_group.command("export", help="导出登记簿 / export a register")
@as_user
@click.option("--kind", type=click.Choice(registers.KINDS), required=True)
@click.option("--format", "fmt", type=click.Choice(registers.FORMATS), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@pass_ctx
def register_export(ctx: Context, user: str, kind: str, fmt: str, output: Path | None) -> None:
    with ctx.session() as session:
        body = registers.export(session, user, kind, fmt)
    if output:
        output.write_bytes(body)
    else:
        sys.stdout.buffer.write(body)


@click.group("inventory", help="库房盘点 / stock check")
def inventory_group() -> None:
    pass


@inventory_group.command("open", help="开始盘点 / open a check")
@as_user
@click.option("--room", default="")
@as_json
@pass_ctx
def inventory_open(ctx: Context, user: str, room: str, as_json: bool) -> None:
    with ctx.session() as session:
        check = inventory.open_check(session, user, room)
        data = {"id": check.id, "room": room}
    _emit(data, as_json, f"盘点 check {check.id} opened")


@inventory_group.command("scan", help="录入一层架上的档号 / record the codes on one shelf")
@as_user
@click.argument("check_id", type=int)
@click.option("--shelf", required=True, help="库房-排-列-节-层")
@click.argument("codes", nargs=-1)
@as_json
@pass_ctx
def inventory_scan(ctx: Context, user: str, check_id: int, shelf: str, codes: tuple[str, ...], as_json: bool) -> None:
    codes = codes or tuple(line.strip() for line in sys.stdin if line.strip())  # a barcode scanner types lines
    with ctx.session() as session:
        count = inventory.scan(session, user, check_id, shelf, list(codes))
    _emit({"check": check_id, "shelf": shelf, "scanned": count}, as_json, f"{shelf}: {count}")


@inventory_group.command("close", help="结束盘点并给出结果 / close and report")
@as_user
@click.argument("check_id", type=int)
@as_json
@pass_ctx
def inventory_close(ctx: Context, user: str, check_id: int, as_json: bool) -> None:
    with ctx.session() as session:
        result = inventory.close_check(session, user, check_id)
    _emit(result, as_json, " ".join(f"{k}={len(v) if isinstance(v, list) else v}" for k, v in result.items()))
