"""`archive utilization register|list|show|find|close|stats|code`, `archive certify` and
`archive verify`: the archive-room desk on the command line. Each command acts as the logged-in
person (verification, which anyone may ask, acts as the process `verify`) and calls one service
of archive.utilization."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli import Context, emit, json_option, pass_ctx
from archive.utilization import certify, register, requests, self_service

as_json = json_option


def _request_text(data: dict) -> str:
    head = (f"{data['number']} {data['kind_label']} {data['requester_name']} {data['id_number']} "
            f"{data['unit']} {data['letter_no']} {data['purpose_label']} {data['outcome_label']} "
            f"{data['registered_at']}").replace("  ", " ")
    rows = [f"  {r['archival_code']} {r['title']} ({r['pages']}p)" for r in data.get("found", [])]
    rows += [f"  {c['serial']} {c['issued_at']} ×{c['copies']}" for c in data.get("copies", [])]
    return "\n".join([head, *rows])


@click.group("utilization", help="查档出证与利用登记簿 / walk-in requests and the utilization register")
def utilization_group() -> None:
    pass


@utilization_group.command("register", help="登记来查人员 / register a walk-in or outside-unit request")
@click.option("--name", required=True, help="利用者姓名 / the requester's name")
@click.option("--id-number", required=True, help="身份证号（校验末位）/ identity card number")
@click.option("--purpose", required=True, help="利用目的（代码或名称）/ purpose code or words")
@click.option("--unit", default="", help="外单位名称 / outside unit")
@click.option("--letter", default="", help="介绍信编号 / letter of introduction number")
@click.option("--note", default="", help="说明 / note on the purpose")
@click.option("--record", "records", multiple=True, help="查到的档案（档号或 ID，可多次）/ records found")
@as_json
@pass_ctx
def register_command(ctx: Context, name: str, id_number: str, purpose: str, unit: str, letter: str, note: str,
                     records: tuple[str, ...], as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.register(s, who, name=name, id_number=id_number, purpose=purpose, unit=unit,
                                                    letter_no=letter, purpose_note=note, records=list(records)))
    emit(data, as_json, lambda: _request_text(data))


@utilization_group.command("list", help="利用登记簿 / list requests")
@click.option("--year", type=int, default=None, help="年度 / year")
@click.option("--open", "open_only", is_flag=True, help="只列办理中的 / open ones only")
@as_json
@pass_ctx
def list_command(ctx: Context, year: int | None, open_only: bool, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.list_requests(s, who, year=year, open_only=open_only))
    emit({"requests": data}, as_json, lambda: "\n".join(_request_text(r) for r in data) or "-")


@utilization_group.command("show", help="查看一条登记 / show one request")
@click.argument("number")
@as_json
@pass_ctx
def show_command(ctx: Context, number: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.detail(s, who, number))
    emit(data, as_json, lambda: _request_text(data))


@utilization_group.command("find", help="查找档案（档号、题名、姓名或身份证号）/ pick records")
@click.argument("words")
@as_json
@pass_ctx
def find_command(ctx: Context, words: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.pick(s, who, words))
    emit({"records": data}, as_json,
         lambda: "\n".join(f"{r['id']} {r['archival_code']} {r['title']}" for r in data) or "-")


@utilization_group.command("add", help="将查到的档案加入登记 / add records found to a request")
@click.argument("number")
@click.argument("records", nargs=-1, required=True)
@as_json
@pass_ctx
def add_command(ctx: Context, number: str, records: tuple[str, ...], as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.add_found(s, who, number, list(records)))
    emit(data, as_json, lambda: _request_text(data))


@utilization_group.command("close", help="办结并登记利用结果 / close with the outcome")
@click.argument("number")
@click.option("--outcome", required=True, type=click.Choice(list(requests.CLOSING_OUTCOMES)),
              help="利用结果 / outcome")
@click.option("--note", default="", help="说明 / note")
@as_json
@pass_ctx
def close_command(ctx: Context, number: str, outcome: str, note: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.close(s, who, number, outcome=outcome, note=note))
    emit(data, as_json, lambda: _request_text(data))


@utilization_group.command("stats", help="按目的和结果统计；--out 输出登记簿 PDF/XLSX / statistics and the register")
@click.option("--year", type=int, default=None, help="年度 / year")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="登记簿文件（.pdf 或 .xlsx）/ write the register")
@as_json
@pass_ctx
def stats_command(ctx: Context, year: int | None, out: Path | None, as_json: bool) -> None:
    if out is not None:
        fmt = out.suffix.lower().lstrip(".")
        body, _media, _name = ctx.act(lambda s, who: register.printout(s, who, year=year, fmt=fmt))
        out.write_bytes(body)
    data = ctx.act(lambda s, who: register.stats(s, who, year=year))

    def text() -> str:
        lines = [f"{data['total']}"]
        lines += [f"  {p['label']}: {p['count']}" for p in data["by_purpose"]]
        lines += [f"  {o['label']}: {o['count']}" for o in data["by_outcome"]]
        return "\n".join(lines)

    emit(data, as_json, text)


@utilization_group.command("code", help="发放本人自助查询码（只显示一次）/ hand out a self-service code")
@click.option("--id-number", required=True, help="身份证号 / identity card number")
@click.option("--name", required=True, help="姓名 / name")
@as_json
@pass_ctx
def code_command(ctx: Context, id_number: str, name: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: self_service.issue_code(s, who, id_number=id_number, name=name))
    emit(data, as_json, lambda: f"{data['code']}  {data['expires_at']}")


@click.command("certify", help="出具复制件（加盖档案专用章）/ issue a certified copy")
@click.argument("record")
@click.option("--pages", required=True, help="页码，如 1-3,5 / pages")
@click.option("--copies", type=int, default=1, show_default=True, help="份数 / number of copies")
@click.option("--requester", default="", help="申请人（有登记号时可省）/ the requester")
@click.option("--request", "request", default=None, help="查档登记号 / the request it serves")
@click.option("--approved-by", default="", help="批准人用户名 / the approver's user name")
@click.option("--issuing-organ-approval", default="", help="制发机关同意复制的文号 / issuing organ's approval")
@click.option("--organ", default="", help="复制机关（默认本单位）/ copying organ")
@click.option("--form", type=click.Choice(list(certify.FORM_CODES)), default="electronic", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PDF 文件 / PDF file")
@as_json
@pass_ctx
def certify_command(ctx: Context, record: str, pages: str, copies: int, requester: str, request: str | None,
                    approved_by: str, issuing_organ_approval: str, organ: str, form: str, out: Path,
                    as_json: bool) -> None:
    store, seal_path = ctx.runtime.store, ctx.settings.seal_image
    issued = ctx.act(lambda s, who: certify.issue(
        s, who, record, pages=pages, copies=copies, requester=requester, store=store, request=request,
        copying_organ=organ, form=form, approval=issuing_organ_approval, approved_by=approved_by,
        seal_path=seal_path))
    out.write_bytes(issued.pdf)
    emit(issued.copy, as_json, lambda: f"{issued.copy['serial']}  sha256 {issued.copy['sha256']}  → {out}")


@click.command("verify", help="核验复制件编号与文件 / verify a certified copy")
@click.argument("serial")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--digest", default="", help="SHA-256 摘要 / the digest instead of the file")
@as_json
@pass_ctx
def verify_command(ctx: Context, serial: str, file: Path | None, digest: str, as_json: bool) -> None:
    data_bytes = file.read_bytes() if file is not None else None
    who = ctx.system("verify")
    with ctx.session(who) as session:
        data = certify.verify(session, who, serial, digest=digest, data=data_bytes)

    def text() -> str:
        if not data["issued"]:
            return f"{data['serial']}: 未出具 / not issued"
        verdict = ("相符 / match" if data["match"] else "不符 / NO MATCH") if data["checked"] else ""
        return f"{data['serial']} {data['issued_on']} {data['issuing_unit']} {verdict}".rstrip()

    emit(data, as_json, text)
    if data["checked"] and not data["match"] or not data["issued"]:
        raise SystemExit(1)
