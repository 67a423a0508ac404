"""`archive loan|register|inventory|volume|handover|personnel|extract|relation …`.

Every command acts as the logged-in person (`archive login` or ARCHIVE_TOKEN, archive.cli
`ctx.identity()`): the same services, policy and audit as the web and the API. No option names
who acts; options such as `--reader` (who will read a personnel file) or `--accompanied-by`
(the archivist who stays with a top-secret reader) name people an action is about, and the
services check that they are active accounts in the right role.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.cli import Context, pass_ctx
from archive.errors import ValidationError
from archive.i18n import role_label, secrecy_label
from archive.lending import desk, receiving, registers, relations, requests, stockroom, transfers
from archive.lending.messages import label
from archive.lending.personnel import CARRIERS, KEY_MATERIALS

as_json = click.option("--json", "as_json", is_flag=True, help="JSON output / 输出 JSON")


def _emit(data: object, as_json_flag: bool, line: str | Callable[[], str]) -> None:
    if as_json_flag:
        click.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        click.echo(line() if callable(line) else line)


def _run(ctx: Context, call: Callable[..., Any]) -> Any:
    """One unit of work as the logged-in person: `call(session, identity)`."""
    who = ctx.identity()
    with ctx.session(who) as session:
        return call(session, who)


def _request_line(r: dict) -> str:
    return (f"{r['number']} (id {r['id']}) {label('form', r['form'])} {secrecy_label(r['level'])} "
            f"{label('status', r['status'])} {r['requester']}")


# -- loans ------------------------------------------------------------------------------------------
@click.group("loan", help="借阅与查阅 / loans and consultation")
def loan_group() -> None:
    pass


@loan_group.command("request", help="提交借阅申请（外单位：档案员登记，附介绍信）/ submit a request")
@click.option("--purpose", required=True, help="目的 / purpose")
@click.option("--form", type=click.Choice(requests.FORMS), required=True,
              help="阅档室查阅 reading_room | 在线查阅 electronic | 实物借出 loan")
@click.option("--record", "records", type=int, multiple=True, help="档案 ID / record id (repeatable)")
@click.option("--volume", "volumes", type=int, multiple=True, help="案卷 ID / volume id (repeatable)")
@click.option("--days", type=int, help="期限（天）/ period in days")
@click.option("--extract", is_flag=True, help="申请摘抄或复制 / with extracts or copies")
@click.option("--reader", "readers", multiple=True,
              help="查阅人（人事档案至少两人；默认本人）/ readers (personnel files: at least two; default: you)")
@click.option("--outside-name", default="", help="外单位查阅人姓名 / outside borrower's name")
@click.option("--outside-unit", default="", help="外单位名称 / outside borrower's unit")
@click.option("--letter", default="", help="介绍信编号 / letter of introduction number")
@click.option("--outside-id-number", default="", help="外单位查阅人身份证号 / outside borrower's ID number")
@as_json
@pass_ctx
def loan_request(ctx: Context, purpose: str, form: str, records: tuple[int, ...], volumes: tuple[int, ...],
                 days: int | None, extract: bool, readers: tuple[str, ...], outside_name: str, outside_unit: str,
                 letter: str, outside_id_number: str, as_json: bool) -> None:
    outside = ({"name": outside_name, "unit": outside_unit, "letter": letter, "id_number": outside_id_number}
               if any((outside_name, outside_unit, letter, outside_id_number)) else None)
    data = _run(ctx, lambda s, who: desk.submit(
        s, who, purpose=purpose, form=form, record_ids=records, volume_ids=volumes,
        days=days or ctx.settings.loan_days, extract=extract, readers=list(readers) or None, outside=outside))
    steps = " → ".join("/".join(step) for step in data["steps"])
    _emit(data, as_json, f"已提交 submitted {_request_line(data)}; 审批 approvers: {steps}")


@loan_group.command("approve", help="审批通过或驳回 / approve or reject")
@click.argument("request_id", type=int)
@click.option("--reject", "reason", help="驳回并说明理由 / reject with this reason")
@click.option("--note", default="", help="审批意见 / note")
@as_json
@pass_ctx
def loan_approve(ctx: Context, request_id: int, reason: str | None, note: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.reject(s, who, request_id, reason) if reason is not None
                else desk.approve(s, who, request_id, note))
    _emit(data, as_json, _request_line(data))


@loan_group.command("cancel", help="撤销本人的申请 / withdraw your request")
@click.argument("request_id", type=int)
@as_json
@pass_ctx
def loan_cancel(ctx: Context, request_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.cancel(s, who, request_id))
    _emit(data, as_json, _request_line(data))


@loan_group.command("issue", help="出借或开通查阅（档案员）/ issue volumes or viewing grants (archivists)")
@click.argument("request_id", type=int)
@click.option("--accompanied-by", default="", help="陪同绝密查阅的档案员 / archivist staying with a top-secret reader")
@click.option("--carrier", "carriers", multiple=True, help="携带人（绝密两人以上）/ carriers (top secret: two)")
@click.option("--hours", type=click.IntRange(1, 24 * 90), help="查阅时限（小时）/ viewing hours")
@as_json
@pass_ctx
def loan_issue(ctx: Context, request_id: int, accompanied_by: str, carriers: tuple[str, ...], hours: int | None,
               as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.issue(s, who, request_id, carriers=carriers, accompanied_by=accompanied_by,
                                               hours=hours))
    _emit(data, as_json, _request_line(data))


@loan_group.command("close", help="结束查阅（收回授权）/ close a consultation (revoke its grants)")
@click.argument("request_id", type=int)
@as_json
@pass_ctx
def loan_close(ctx: Context, request_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.close(s, who, request_id))
    _emit(data, as_json, _request_line(data))


@loan_group.command("show", help="查看申请 / show a request")
@click.argument("request_id", type=int)
@as_json
@pass_ctx
def loan_show(ctx: Context, request_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.detail(s, who, request_id))

    def text() -> str:
        lines = [_request_line(data), f"目的 purpose: {data['purpose']}", f"查阅人 readers: {'、'.join(data['readers'])}"]
        if data.get("outside"):
            lines.append(f"外单位 outside: {data['outside']['name']} {data['outside']['unit']} "
                         f"介绍信 {data['outside']['letter']}")
        lines += [f"  {i['code']} {i['title']} {secrecy_label(i['secrecy'])}" for i in data["items"]]
        lines += [f"  {a['approver']} {label('decision', a['decision'])} {a['reason']}" for a in data["approvals"]]
        lines += [f"  借出 loan {x['id']}: 应还 due {x['due_on']}{'' if x['active'] else ' 已归还 returned'}"
                  for x in data["loans"]]
        return "\n".join(lines)

    _emit(data, as_json, text)


@loan_group.command("return", help="归还（核对页数、记录损坏）/ take a volume back")
@click.argument("loan_id", type=int)
@click.option("--pages", type=click.IntRange(0, 100_000), required=True, help="归还时清点的页数 / pages counted")
@click.option("--damage", default="", help="损坏情况 / damage")
@as_json
@pass_ctx
def loan_return(ctx: Context, loan_id: int, pages: int, damage: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.return_loan(s, who, loan_id, pages_returned=pages, damage=damage))
    _emit(data, as_json, f"loan {loan_id}: {'页数相符 pages ok' if data['pages_ok'] else data['damage']}")


@loan_group.command("renew", help="续借 / renew a loan")
@click.argument("loan_id", type=int)
@click.option("--days", type=click.IntRange(1, 365))
@as_json
@pass_ctx
def loan_renew(ctx: Context, loan_id: int, days: int | None, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.renew(s, who, loan_id, days or ctx.settings.loan_days))
    _emit(data, as_json, f"loan {loan_id}: 应还 due {data['due_on']}")


@loan_group.command("list", help="列出申请 / list requests")
@click.option("--status", type=click.Choice(desk.STATUSES))
@click.option("--inbox", is_flag=True, help="只列待我审批 / only those awaiting my approval")
@as_json
@pass_ctx
def loan_list(ctx: Context, status: str | None, inbox: bool, as_json: bool) -> None:
    if inbox:
        rows = _run(ctx, lambda s, who: desk.inbox(s, who))
    else:
        rows = _run(ctx, lambda s, who: desk.listing(s, who, status))
    _emit(rows, as_json, lambda: "\n".join(_request_line(r) for r in rows) or "（无 none）")


@loan_group.command("reminders", help="我的催还提醒 / my overdue reminders")
@as_json
@pass_ctx
def loan_reminders(ctx: Context, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: desk.notifications(s, who))
    _emit(rows, as_json, lambda: "\n".join(n["message"] for n in rows) or "（无 none）")


@loan_group.command("matrix", help="审批矩阵（--set 由系统管理员替换）/ the approval matrix (--set: administrator)")
@click.option("--set", "source", type=click.File("r", encoding="utf-8"),
              help='JSON rows [{"name", "steps": [[role, …], …], "min_level"?, "extract"?, …}]; "-" for stdin')
@as_json
@pass_ctx
def loan_matrix(ctx: Context, source: io.TextIOBase | None, as_json: bool) -> None:
    if source is not None:
        try:
            rows_in = json.load(source)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"the approval matrix is JSON: {exc}") from None
        rows = _run(ctx, lambda s, who: desk.set_approval_matrix(s, who, rows_in))
    else:
        rows = _run(ctx, lambda s, who: desk.approval_matrix(s, who))
    _emit(rows, as_json, lambda: "\n".join(
        f"{r['name']}: {' → '.join('/'.join(step) for step in r['steps'])}" for r in rows))


# -- registers --------------------------------------------------------------------------------------
@click.group("register", help="登记簿 / registers")
def register_group() -> None:
    pass


@register_group.command("export", help="导出登记簿 / export a register")
@click.option("--kind", type=click.Choice(registers.KINDS), required=True,
              help="借阅 loans | 查阅 consultation | 出入库 inout | 逾期 overdue")
@click.option("--format", "fmt", type=click.Choice(registers.FORMATS), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)")
@pass_ctx
def register_export(ctx: Context, kind: str, fmt: str, output: Path | None) -> None:
    body, _media_type, _name = _run(ctx, lambda s, who: desk.export_register(s, who, kind, fmt))
    if output:
        output.write_bytes(body)
    else:
        sys.stdout.buffer.write(body)


# -- stock checks -----------------------------------------------------------------------------------
@click.group("inventory", help="库房盘点 / stock check")
def inventory_group() -> None:
    pass


def _check_line(c: dict) -> str:
    state = "已结束 closed" if c["closed_at"] else "进行中 open"
    counts = " ".join(f"{k}={len(v) if isinstance(v, list) else v}" for k, v in (c["result"] or {}).items())
    return f"盘点 check {c['id']} {c['room'] or '全部 all rooms'} {state} {counts}".rstrip()


@inventory_group.command("open", help="开始盘点 / open a check")
@click.option("--room", default="", help="库房（默认全部）/ room (default: all)")
@as_json
@pass_ctx
def inventory_open(ctx: Context, room: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: stockroom.open_check(s, who, room))
    _emit({"id": data["id"], "room": data["room"]}, as_json, _check_line(data))


@inventory_group.command("scan", help="录入一层架上的档号（或从标准输入逐行读）/ record the codes on one shelf")
@click.argument("check_id", type=int)
@click.option("--shelf", required=True, help="库房-排-列-节-层")
@click.argument("codes", nargs=-1)
@as_json
@pass_ctx
def inventory_scan(ctx: Context, check_id: int, shelf: str, codes: tuple[str, ...], as_json: bool) -> None:
    codes = codes or tuple(line.strip() for line in sys.stdin if line.strip())  # a barcode scanner types lines
    data = _run(ctx, lambda s, who: stockroom.scan(s, who, check_id, shelf, list(codes)))
    _emit({"check": check_id, "shelf": shelf, "scanned": data["scanned_now"]}, as_json,
          f"{shelf}: {data['scanned_now']}")


@inventory_group.command("close", help="结束盘点并给出结果 / close and report")
@click.argument("check_id", type=int)
@as_json
@pass_ctx
def inventory_close(ctx: Context, check_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: stockroom.close_check(s, who, check_id))
    result = data["result"]

    def text() -> str:
        lines = [_check_line(data)]
        for name, word in (("missing", "缺失 missing"), ("misplaced", "错架 misplaced"),
                           ("unexpected", "账外 unexpected"), ("on_loan", "借出 on loan")):
            lines += [f"  {word}: {e['code']} {e.get('expected', '')} {e.get('found', '')}".rstrip()
                      for e in result.get(name, [])]
        return "\n".join(lines)

    _emit(result, as_json, text)


@inventory_group.command("list", help="列出盘点 / list checks")
@as_json
@pass_ctx
def inventory_list(ctx: Context, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: stockroom.checks(s, who))
    _emit(rows, as_json, lambda: "\n".join(_check_line(c) for c in rows) or "（无 none）")


# -- volumes on the shelves ----------------------------------------------------------------------------
@click.group("volume", help="案卷与架位 / volumes and shelves")
def volume_group() -> None:
    pass


@volume_group.command("list", help="列出案卷 / list volumes")
@click.option("--page", type=click.IntRange(1, 10_000), default=1)
@as_json
@pass_ctx
def volume_list(ctx: Context, page: int, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: stockroom.list_volumes(s, who, page))
    _emit(rows, as_json, lambda: "\n".join(
        f"{v['id']:>6} {v['archival_code']} {v['title']} {secrecy_label(v['secrecy'])} {v['location']}"
        for v in rows) or "（无 none）")


@volume_group.command("show", help="查看案卷及卷内文件 / show a volume")
@click.argument("volume_id", type=int)
@as_json
@pass_ctx
def volume_show(ctx: Context, volume_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: stockroom.volume_detail(s, who, volume_id))
    v = data["volume"]
    _emit(data, as_json, lambda: "\n".join(
        [f"{v['archival_code']} {v['title']} {secrecy_label(v['secrecy'])} 架位 shelf {v['location'] or '-'}"]
        + [f"  {r['archival_code'] or r['id']} {r['title']}" for r in data["records"]]))


@volume_group.command("shelve", help="上架或移架（档案员）/ shelve or move a volume (archivists)")
@click.argument("volume_id", type=int)
@click.argument("path")
@click.option("--reason", default="", help="事由 / reason")
@as_json
@pass_ctx
def volume_shelve(ctx: Context, volume_id: int, path: str, reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: stockroom.shelve(s, who, volume_id, path, reason))
    _emit(data, as_json, f"{data['archival_code']} → {data['location']}")


@volume_group.command("history", help="架位历史 / shelf history")
@click.argument("volume_id", type=int)
@as_json
@pass_ctx
def volume_history(ctx: Context, volume_id: int, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: stockroom.location_history(s, who, volume_id))
    _emit(rows, as_json, lambda: "\n".join(f"{h['at'][:16]} → {h['to']} {h['actor']} {h['reason']}" for h in rows))


@volume_group.command("move", help="出入库登记（借阅以外）/ log a volume in or out (not a loan)")
@click.argument("volume_id", type=int)
@click.argument("direction", type=click.Choice(["in", "out"]))
@click.option("--reason", type=click.Choice(["receive", "transfer", "repair", "digitise", "reading_room", "other"]),
              required=True, help="事由 / reason")
@click.option("--carrier", "carriers", multiple=True, help="携带人 / carriers")
@click.option("--note", default="")
@as_json
@pass_ctx
def volume_move(ctx: Context, volume_id: int, direction: str, reason: str, carriers: tuple[str, ...], note: str,
                as_json: bool) -> None:
    data = _run(ctx, lambda s, who: stockroom.movement(s, who, volume_id, direction, reason, carriers=list(carriers),
                                                       note=note))
    _emit(data, as_json, f"{'入库 in' if direction == 'in' else '出库 out'}: volume {volume_id} ({reason})")


@volume_group.command("labels", help="打印案卷或架位二维码标签（PDF）/ QR labels as PDF")
@click.option("--volume", "volumes", type=int, multiple=True)
@click.option("--shelf", "shelves", multiple=True, help="库房-排-列-节-层")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_ctx
def volume_labels(ctx: Context, volumes: tuple[int, ...], shelves: tuple[str, ...], output: Path) -> None:
    body = _run(ctx, lambda s, who: stockroom.labels_pdf(s, who, volume_ids=list(volumes), shelves=list(shelves)))
    output.write_bytes(body)
    click.echo(f"{output} ({len(volumes) + len(shelves)})")


# -- departments' hand-over to the archive room (归档移交); `archive transfer` is the state archive's --------
@click.group("handover", help="归档移交登记与接收 / departments' hand-over registers and receiving")
def handover_group() -> None:
    pass


def _register_line(r: dict) -> str:
    return (f"移交 register {r['id']} {r['department']} {r['year']} {r['category']} {label('transfer', r['status'])} "
            f"移交人 {r['handed_by']} 负责人 {r['dept_head'] or '-'}")


def _register_text(r: dict) -> str:
    lines = [_register_line(r)]
    for i in r.get("items", []):
        problems = "；".join(i["problems"])
        lines.append(f"  {i['line']:>3} {i['archival_code']} {i['title']} {i['pages']}页 "
                     f"{label('decision', i['decision'])} {problems} {i['reason']}".rstrip())
    return "\n".join(lines)


def _read_lines(path: Path) -> list[dict]:
    """A register as CSV: 档号/archival_code, 题名/title, 页数/pages, 业务流水号/transaction_no."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    names = {"档号": "archival_code", "题名": "title", "页数": "pages", "业务流水号": "transaction_no"}
    out = []
    for row in reader:
        line = {names.get(k.strip(), k.strip()): (v or "").strip() for k, v in row.items() if k}
        out.append(_line(line))
    return out


def _line(line: dict) -> dict:
    pages = line.get("pages") or "0"
    if not str(pages).isdigit():
        raise ValidationError(f"pages of {line.get('archival_code')} must be a whole number")
    return {"archival_code": line.get("archival_code", ""), "title": line.get("title", ""), "pages": int(pages),
            "transaction_no": line.get("transaction_no", "")}


@handover_group.command("submit", help="提交移交登记表（移交人）/ submit a transfer register (person handing over)")
@click.option("--department", required=True, help="移交部门 / department")
@click.option("--year", type=int, required=True, help="年度 / year")
@click.option("--category", required=True, help="门类代码 / category code, e.g. SB")
@click.option("--line", "lines", multiple=True, help="档号|题名|页数|业务流水号 / CODE|TITLE|PAGES|TXN (repeatable)")
@click.option("--lines-csv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV: 档号,题名,页数,业务流水号")
@as_json
@pass_ctx
def transfer_submit(ctx: Context, department: str, year: int, category: str, lines: tuple[str, ...],
                    lines_csv: Path | None, as_json: bool) -> None:
    parsed = _read_lines(lines_csv) if lines_csv else []
    for text in lines:
        parts = [*text.split("|"), "", "", ""][:4]
        parsed.append(_line(dict(zip(("archival_code", "title", "pages", "transaction_no"), parts, strict=True))))
    data = _run(ctx, lambda s, who: receiving.submit_register(s, who, department=department, year=year,
                                                              category_code=category, lines=parsed))
    _emit(data, as_json, lambda: _register_text(data))


@handover_group.command("sign", help="部门负责人签字 / the department head signs")
@click.argument("register_id", type=int)
@as_json
@pass_ctx
def transfer_sign(ctx: Context, register_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.sign_register(s, who, register_id))
    _emit(data, as_json, lambda: _register_line(data))


@handover_group.command("check", help="逐件核对到件（档案员）/ check what arrived (archivists)")
@click.argument("register_id", type=int)
@click.option("--arrived", "arrived", multiple=True, help="档号=页数 / CODE=PAGES counted (repeatable)")
@click.option("--arrivals", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="每行 档号,页数 / one CODE,PAGES per line")
@click.option("--transactions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="业务系统导出的 CSV（业务流水号列）/ business-system CSV")
@as_json
@pass_ctx
def transfer_check(ctx: Context, register_id: int, arrived: tuple[str, ...], arrivals: Path | None,
                   transactions: Path | None, as_json: bool) -> None:
    pairs = list(arrived)
    if arrivals:
        pairs += [line.replace("\t", ",").replace("=", ",") for line in arrivals.read_text(encoding="utf-8-sig")
                  .splitlines() if line.strip()]
    counted: dict[str, int] = {}
    for pair in pairs:
        code, _sep, pages = pair.replace(",", "=").rpartition("=")
        if not code.strip() or not pages.strip().isdigit():
            raise ValidationError(f"{pair!r}: write CODE=PAGES")
        counted[code.strip()] = int(pages)
    csv_text = transactions.read_text(encoding="utf-8-sig") if transactions else None
    data = _run(ctx, lambda s, who: receiving.check_arrivals(s, who, register_id, counted, csv_text))

    def text() -> str:
        lines = [_register_line(data["register"])]
        lines += [f"  {code}: {'；'.join(problems)}" for code, problems in data["problems"].items()]
        lines += [f"  登记表外 not listed: {code}" for code in data["not_listed"]]
        lines += [f"  业务系统有而登记表无 transaction without item: {t}" for t in data["transactions_without_item"]]
        return "\n".join(lines)

    _emit(data, as_json, text)


@handover_group.command("decide", help="接收或退回一件（档案员）/ accept or reject one item (archivists)")
@click.argument("register_id", type=int)
@click.argument("archival_code")
@click.argument("decision", type=click.Choice(transfers.DECISIONS))
@click.option("--reason", default="", help="退回理由 / reason (required to reject)")
@click.option("--shelf", default="", help="上架位置 库房-排-列-节-层 / shelf")
@as_json
@pass_ctx
def transfer_decide(ctx: Context, register_id: int, archival_code: str, decision: str, reason: str, shelf: str,
                    as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.decide(s, who, register_id, archival_code, decision, reason=reason,
                                                     shelf=shelf))
    _emit(data, as_json, lambda: _register_text(data))


@handover_group.command("list", help="列出移交登记表 / list transfer registers")
@click.option("--status", type=click.Choice(receiving.REGISTER_STATUSES))
@as_json
@pass_ctx
def transfer_list(ctx: Context, status: str | None, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: receiving.registers(s, who, status))
    _emit(rows, as_json, lambda: "\n".join(_register_line(r) for r in rows) or "（无 none）")


@handover_group.command("show", help="查看移交登记表 / show a transfer register")
@click.argument("register_id", type=int)
@as_json
@pass_ctx
def transfer_show(ctx: Context, register_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.register(s, who, register_id))
    _emit(data, as_json, lambda: _register_text(data))


@handover_group.command("filing-status", help="上年度归档进度与期限 / last year's filing and its deadline")
@as_json
@pass_ctx
def transfer_filing_status(ctx: Context, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.filing_status(s, who, ctx.settings.filing_deadline))
    _emit(data, as_json, f"{data['year']} 年度未归档 unfiled: {data['unfiled']}；归档期限 deadline {data['deadline']}"
                         f"{'（已过 passed）' if data['passed'] else ''}")


# -- personnel files ----------------------------------------------------------------------------------
@click.group("personnel", help="人事档案接收与转递 / personnel-file intake and transfer")
def personnel_group() -> None:
    pass


def _dossier_line(d: dict) -> str:
    state = ("承诺已签 undertaking signed" if d["undertaking_signed_at"] else
             "已告知 notice issued" if d["notice_issued_at"] else "待告知 no notice yet")
    return f"{d['id']:>4} {d['person_name']} {d['person_id_number']} 缺 missing {len(d['missing'])} {state}"


def _notice_line(n: dict) -> str:
    back = f"回执 receipt {n['receipt_on']} {n['receipt_signed_by']}" if n["receipt_on"] else \
        f"回执应于 receipt due {n['receipt_due']}" + (f"，已催 chased {n['chased_on']}" if n["chased_on"] else "")
    return (f"{n['id']:>4} {n['number']} {n['person_name']} → {n['to_unit']} "
            f"{label('carrier', n['carrier'])} {n['carrier_name']} {back}")


@personnel_group.command("materials", help="干部人事档案关键材料清单 / the key materials of a dossier")
def personnel_materials() -> None:
    click.echo("\n".join(KEY_MATERIALS))


@personnel_group.command("check", help="审核接收的人事档案 / check an incoming dossier")
@click.option("--id-number", required=True, help="身份证号 / identity number")
@click.option("--name", required=True, help="姓名 / name")
@click.option("--present", multiple=True, help="已有的关键材料（见 materials）/ key materials present (repeatable)")
@click.option("--problem", "problems", multiple=True, help="涂改、前后不一致等问题 / problems found (repeatable)")
@as_json
@pass_ctx
def personnel_check(ctx: Context, id_number: str, name: str, present: tuple[str, ...], problems: tuple[str, ...],
                    as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.check_dossier(s, who, person_id_number=id_number, person_name=name,
                                                            present=present, problems=problems))
    _emit(data, as_json, lambda: "\n".join([_dossier_line(data)] + [f"  缺 missing: {m}" for m in data["missing"]]))


@personnel_group.command("notice", help="一次性发出缺件告知 / issue the one-time missing-materials notice")
@click.argument("dossier_id", type=int)
@as_json
@pass_ctx
def personnel_notice(ctx: Context, dossier_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.issue_missing_notice(s, who, dossier_id))
    _emit(data, as_json, data["notice_text"])


@personnel_group.command("undertaking", help="登记本人已签承诺书 / record the signed undertaking")
@click.argument("dossier_id", type=int)
@as_json
@pass_ctx
def personnel_undertaking(ctx: Context, dossier_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.sign_undertaking(s, who, dossier_id))
    _emit(data, as_json, _dossier_line(data))


@personnel_group.command("list", help="人事档案审核与转递 / dossiers, notices and receipts to chase")
@as_json
@pass_ctx
def personnel_list(ctx: Context, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.personnel_desk(s, who))
    _emit(data, as_json, lambda: "\n".join(
        ["审核 dossiers:"] + [_dossier_line(d) for d in data["dossiers"]]
        + ["转递 notices:"] + [_notice_line(n) for n in data["notices"]]
        + ["待催回执 receipts to chase:"] + [_notice_line(n) for n in data["to_chase"]]))


@personnel_group.command("send", help="转递人事档案（附通知单与回执）/ send a personnel file to another unit")
@click.option("--id-number", required=True, help="身份证号 / identity number")
@click.option("--name", required=True, help="姓名 / name")
@click.option("--to-unit", required=True, help="接收单位 / receiving unit")
@click.option("--carrier", type=click.Choice(CARRIERS), required=True, help="机要交通 courier | 专人送取 messenger")
@click.option("--carrier-name", required=True, help="转递人姓名（不得为本人）/ carrier's name (never the person)")
@click.option("--carrier-id-number", default="", help="转递人身份证号 / carrier's identity number")
@as_json
@pass_ctx
def personnel_send(ctx: Context, id_number: str, name: str, to_unit: str, carrier: str, carrier_name: str,
                   carrier_id_number: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.send_personnel_file(
        s, who, person_id_number=id_number, person_name=name, to_unit=to_unit, carrier=carrier,
        carrier_name=carrier_name, carrier_id_number=carrier_id_number))
    _emit(data, as_json, _notice_line(data))


@personnel_group.command("receipt", help="登记收回的回执 / record a returned receipt slip")
@click.argument("notice_id", type=int)
@click.argument("signer", metavar="SIGNER_NAME")
@as_json
@pass_ctx
def personnel_receipt(ctx: Context, notice_id: int, signer: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: receiving.record_receipt(s, who, notice_id, signer))
    _emit(data, as_json, _notice_line(data))


@personnel_group.command("chase", help="列出逾期未回的回执；给出编号则登记已催 / receipts to chase; with an id, record the reminder")
@click.argument("notice_id", type=int, required=False)
@as_json
@pass_ctx
def personnel_chase(ctx: Context, notice_id: int | None, as_json: bool) -> None:
    if notice_id is not None:
        data = _run(ctx, lambda s, who: receiving.chase(s, who, notice_id))
        _emit(data, as_json, _notice_line(data))
        return
    rows = _run(ctx, lambda s, who: receiving.receipts_to_chase(s, who))
    _emit(rows, as_json, lambda: "\n".join(_notice_line(n) for n in rows) or "（无 none）")


# -- extracts and copies ----------------------------------------------------------------------------
@click.group("extract", help="摘抄与复制登记 / extracts and copies")
def extract_group() -> None:
    pass


@extract_group.command("register", help="登记摘抄或复制（档案员）/ register an extract or copy (archivists)")
@click.argument("request_id", type=int)
@click.argument("record_id", type=int)
@click.option("--reader", required=True, help="摘抄或复制的查阅人 / the reader who took it")
@click.option("--description", required=True, help="摘抄内容 / what was taken")
@click.option("--pages", default="", help="页码 / pages, e.g. 2-3")
@click.option("--copies", type=click.IntRange(1, 100), default=1, show_default=True)
@click.option("--kind", type=click.Choice(["extract", "copy"]), default="extract", show_default=True,
              help="摘抄 extract | 复制 copy")
@as_json
@pass_ctx
def extract_register(ctx: Context, request_id: int, record_id: int, reader: str, description: str, pages: str,
                     copies: int, kind: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.register_extract(s, who, request_id, record_id, reader=reader,
                                                          description=description, pages=pages, copies=copies,
                                                          kind=kind))
    _emit(data, as_json, f"{label('kind', kind)} {data['id']}: record {record_id} {secrecy_label(data['secrecy'])} "
                         f"× {copies}；在用复制件 copies in circulation {data['copies_in_circulation']}")


@extract_group.command("list", help="一份申请下的摘抄与复制 / extracts and copies of a request")
@click.argument("request_id", type=int)
@as_json
@pass_ctx
def extract_list(ctx: Context, request_id: int, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: desk.list_extracts(s, who, request_id))
    _emit(rows, as_json, lambda: "\n".join(
        f"{e['id']:>4} {label('kind', e['kind'])} record {e['record']} {e['reader']} {e['description']} "
        f"{e['pages']} × {e['copies']} {secrecy_label(e['secrecy'])}" for e in rows) or "（无 none）")


# -- declared relations -----------------------------------------------------------------------------
@click.group("relation", help="本人身份与亲属关系申报（人事档案回避）/ declared identity and relatives")
def relation_group() -> None:
    pass


@relation_group.command("declare", help="申报本人或亲属的身份证号 / declare yourself or a relative")
@click.argument("relation", type=click.Choice(relations.RELATIONS))
@click.argument("id_number")
@click.option("--name", default="", help="姓名 / name")
@click.option("--for", "for_user", help="为其他用户申报（安全保密员）/ for another user (security officer)")
@as_json
@pass_ctx
def relation_declare(ctx: Context, relation: str, id_number: str, name: str, for_user: str | None,
                     as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.declare_relation(s, who, relation, id_number, name, username=for_user))
    _emit(data, as_json, f"{data['username']}: {label('relation', relation)} {data['person_name']} 已申报 declared")


@relation_group.command("list", help="已申报的关系 / declared relations")
@click.option("--for", "for_user", help="其他用户（安全保密员）/ another user (security officer)")
@as_json
@pass_ctx
def relation_list(ctx: Context, for_user: str | None, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: desk.list_relations(s, who, for_user))
    _emit(rows, as_json, lambda: "\n".join(
        f"{r['id']:>4} {label('relation', r['relation'])} {r['person_name']} {r['person_id_number']}"
        for r in rows) or "（无 none）")


# -- consultations under the use matrix (DOMAIN.md §15) ----------------------------------------------
@click.group("consult", help="查阅申请与审批（内部借阅表、查阅审批表）/ consultation requests and approvals")
def consult_group() -> None:
    pass


def _steps_text(steps: list[list[str]]) -> str:
    return " → ".join(" / ".join(role_label(r) for r in step) for step in steps)


@consult_group.command("request", help="申请查阅（先显示审批规则；--yes 直接提交）/ request a consultation")
@click.option("--purpose", default="", help="利用目的 / purpose")
@click.option("--form", type=click.Choice(desk.CONSULT_FORMS), default="electronic", show_default=True,
              help="在线查阅（水印、限时）electronic | 阅档室 reading_room")
@click.option("--record", "records", type=int, multiple=True, help="档案 ID / record id (repeatable)")
@click.option("--volume", "volumes", type=int, multiple=True, help="案卷 ID / volume id (repeatable)")
@click.option("--days", type=click.IntRange(1, 90), help="期限（天，默认按利用规则）/ period in days")
@click.option("--reader", "readers", multiple=True, help="查阅人（默认本人）/ readers (default: you)")
@click.option("--yes", is_flag=True, help="不再确认，直接提交 / submit without asking")
@as_json
@pass_ctx
def consult_request(ctx: Context, purpose: str, form: str, records: tuple[int, ...], volumes: tuple[int, ...],
                    days: int | None, readers: tuple[str, ...], yes: bool, as_json: bool) -> None:
    plan = _run(ctx, lambda s, who: desk.consult_plan(s, who, form=form, record_ids=records, volume_ids=volumes,
                                                      readers=list(readers) or None))
    if not as_json:
        click.echo(f"审批 approvers: {_steps_text(plan['steps'])}；期限 period: {days or plan['days']} 天 days；"
                   f"{'须经批准 approval needed' if plan['consultation'] else ''}"
                   f"{'；可下载 download allowed' if plan['download'] else '；仅在线水印查看 watermarked view only'}")
    if not purpose.strip():
        raise ValidationError("a request states its purpose (--purpose)")
    if not yes and not as_json and not click.confirm("提交 submit?", default=True):
        return
    data = _run(ctx, lambda s, who: desk.consult(s, who, purpose=purpose, form=form, record_ids=records,
                                                 volume_ids=volumes, days=days, readers=list(readers) or None))
    _emit(data, as_json, f"已提交 submitted {_request_line(data)}; 审批 approvers: {_steps_text(data['steps'])}")


@consult_group.command("approve", help="批准当前审批环节 / approve the current step")
@click.argument("request_id", type=int)
@click.option("--note", default="", help="审批意见 / note")
@as_json
@pass_ctx
def consult_approve(ctx: Context, request_id: int, note: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.approve(s, who, request_id, note))
    _emit(data, as_json, _request_line(data))


@consult_group.command("reject", help="驳回（须说明理由）/ reject with a reason")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="驳回理由 / reason")
@as_json
@pass_ctx
def consult_reject(ctx: Context, request_id: int, reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: desk.reject(s, who, request_id, reason))
    _emit(data, as_json, _request_line(data))


@consult_group.command("list", help="我的申请，或 --inbox 待我审批 / my requests, or --inbox awaiting my approval")
@click.option("--inbox", is_flag=True, help="只列待我审批 / only those awaiting my approval")
@click.option("--status", type=click.Choice(desk.STATUSES))
@as_json
@pass_ctx
def consult_list(ctx: Context, inbox: bool, status: str | None, as_json: bool) -> None:
    if inbox:
        rows = _run(ctx, lambda s, who: desk.inbox(s, who))
    else:
        rows = _run(ctx, lambda s, who: desk.listing(s, who, status))
    _emit(rows, as_json, lambda: "\n".join(_request_line(r) for r in rows) or "（无 none）")


@consult_group.command("print", help="打印内部借阅表或查阅审批表（PDF/A）/ print the request's form")
@click.argument("request_id", type=int)
@click.option("--kind", type=click.Choice(["internal", "approval"]), default="approval", show_default=True,
              help="内部借阅表 internal | 查阅审批表 approval")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_ctx
def consult_print(ctx: Context, request_id: int, kind: str, output: Path) -> None:
    body, _media, _name = _run(ctx, lambda s, who: desk.print_form(s, who, request_id, kind))
    output.write_bytes(body)
    click.echo(f"{output} ({len(body)} bytes)")


@consult_group.command("rules", help="利用规则（--set 由系统管理员修改）/ the use matrix (--set: administrator)")
@click.option("--set", "source", type=click.File("r", encoding="utf-8"),
              help='JSON {"categories": [...], "personal_data": true, "exempt_roles": [...], "days": 3, '
                   '"relation_categories": [...]}; "-" for stdin')
@as_json
@pass_ctx
def consult_rules(ctx: Context, source: io.TextIOBase | None, as_json: bool) -> None:
    if source is not None:
        try:
            values = json.load(source)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"the use matrix is JSON: {exc}") from None
        data = _run(ctx, lambda s, who: desk.set_use_settings(s, who, values))
    else:
        data = _run(ctx, lambda s, who: desk.use_settings(s, who))
    _emit(data, as_json, lambda: "\n".join(f"{k}: {v}" for k, v in data.items()))


# Arrangement adds create, add, remove, reorder, move-item, split, merge, check and close to this
# group, and a `show` that lists the items in order (archive.arrangement.cli).
from archive.arrangement.cli import attach_volume_commands  # noqa: E402

attach_volume_commands(volume_group)
