"""`archive disclosure set|show|unreviewed|list|due|deadline|report` and `archive disclosure request
register|show|records|answer|extend`; `archive calendar show|set|import|export`. Each acts as the
logged-in person and calls one service of archive.disclosure or archive.workdays."""

from __future__ import annotations

from pathlib import Path

import click

from archive import workdays
from archive.cli import Context, emit, json_option, pass_ctx
from archive.disclosure import attributes, codes, report, requests
from archive.errors import ValidationError
from archive.i18n import lang


def _attr_text(d: dict) -> str:
    head = f"{d['archival_code'] or d['record_id']} {d['title']}\n  {d['disclosure_label']}"
    if d["reason_label"]:
        head += f"：{d['reason_label']}"
    if d["reviewed_by"]:
        head += f"\n  {'reviewed by' if lang() == 'en' else '审核人'} {d['reviewed_by']} {d['reviewed_at']}"
    for h in d.get("history", []):
        head += f"\n    {h['decided_at']} {h['decided_by']}: {h['disclosure_label']} {h['reason_label']} {h['note']}".rstrip()
    return head


def _req_line(r: dict) -> str:
    en = lang() == "en"
    left = r["working_days_left"]
    clock = "" if left is None else (f"{left} working days left" if en else f"剩余{left}个工作日")
    if r["overdue"]:
        clock = "OVERDUE" if en else "已逾期"
    outcome = f" {r['outcome_label']}" if r["outcome"] else ""
    return (f"{r['number']} {r['received_on']} {r['requester']} {r['status_label']}{outcome} "
            f"{'due' if en else '期限'} {r['due_on']}{'*' if r['extended'] else ''} {clock}").rstrip()


def _req_text(r: dict) -> str:
    lines = [_req_line(r), f"  {r['content']}"]
    for rec in r.get("records", []):
        lines.append(f"  - {rec['archival_code'] or rec['id']} {rec['title']} ({rec['disclosure_label']})")
    if r.get("extension_reason"):
        lines.append(f"  {'extended' if lang() == 'en' else '延期'}: {r['extension_reason']} ({r['extension_approved_by']})")
    if r["outcome_reason_label"]:
        lines.append(f"  {r['outcome_reason_label']}")
    for note in r.get("calendar_notes", []):
        lines.append(f"  ! {note}")
    return "\n".join(lines)


@click.group("disclosure", help="政府信息公开：公开属性、依申请公开登记 / government information disclosure")
def disclosure_group() -> None:
    pass


@disclosure_group.command("set", help="设定文件公开属性（不予公开须写明理由）/ set a record's disclosure attribute")
@click.argument("record")
@click.argument("disclosure", metavar="proactive|on_request|not_disclosed")
@click.option("--reason", default="", help="不予公开理由 / reason: " + ", ".join(codes.REASONS))
@click.option("--note", default="", help="说明 / note")
@json_option
@pass_ctx
def set_command(ctx: Context, record: str, disclosure: str, reason: str, note: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: attributes.set_attribute(s, who, record, disclosure, reason, note, language=lang()))
    emit(data, as_json, lambda: _attr_text(data))


@disclosure_group.command("show", help="查看文件公开属性及审核记录 / a record's attribute and its reviews")
@click.argument("record")
@json_option
@pass_ctx
def show_command(ctx: Context, record: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: attributes.show(s, who, record, language=lang()))
    emit(data, as_json, lambda: _attr_text(data))


@disclosure_group.command("unreviewed", help="待审核公开属性的文件 / records whose attribute awaits review")
@click.option("--limit", type=click.IntRange(1, 1000), default=100)
@json_option
@pass_ctx
def unreviewed_command(ctx: Context, limit: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: attributes.unreviewed(s, who, limit=limit, language=lang()))
    emit({"records": data}, as_json, lambda: "\n".join(_attr_text(d) for d in data))


@disclosure_group.group("request", help="依申请公开登记 / disclosure requests")
def request_group() -> None:
    pass


@request_group.command("register", help="登记申请（收到之日起20个工作日内答复）/ register a request")
@click.option("--requester", required=True, help="申请人 / requester")
@click.option("--content", required=True, help="申请公开的内容 / information requested")
@click.option("--received", "received_on", default="", help="收到日期 YYYY-MM-DD（默认今天）/ received on")
@click.option("--kind", "requester_kind", default="citizen", type=click.Choice(list(codes.REQUESTER_KINDS)))
@click.option("--id-number", default="", help="身份证件号码或统一社会信用代码 / identity number")
@click.option("--contact", default="", help="联系方式 / contact")
@click.option("--form", default="in_person", help="提交方式 / form: " + ", ".join(codes.FORMS))
@click.option("--record", "records", multiple=True, help="检索到的文件（档号或 ID，可多次）/ record found")
@json_option
@pass_ctx
def register_command(ctx: Context, requester: str, content: str, received_on: str, requester_kind: str,
                     id_number: str, contact: str, form: str, records: tuple[str, ...], as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.register(
        s, who, requester=requester, content=content, received_on=received_on, requester_kind=requester_kind,
        id_number=id_number, contact=contact, form=form, records=list(records), language=lang()))
    emit(data, as_json, lambda: _req_text(data))


@request_group.command("show", help="查看申请 / show a request")
@click.argument("request")
@json_option
@pass_ctx
def request_show_command(ctx: Context, request: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.show(s, who, request, language=lang()))
    emit(data, as_json, lambda: _req_text(data))


@request_group.command("records", help="补记检索到的文件 / note records found")
@click.argument("request")
@click.argument("records", nargs=-1, required=True)
@json_option
@pass_ctx
def request_records_command(ctx: Context, request: str, records: tuple[str, ...], as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.add_records(s, who, request, list(records), language=lang()))
    emit(data, as_json, lambda: _req_text(data))


@request_group.command("answer", help="答复（予以公开/部分公开/不予公开/无法提供/不予处理）/ answer a request")
@click.argument("request")
@click.argument("outcome", metavar="|".join(codes.OUTCOMES))
@click.option("--reason", default="", help="理由或情形 / reason")
@click.option("--text", "text", default="", help="答复要点 / what the answer says")
@click.option("--on", "answered_on", default="", help="答复日期（默认今天）/ answered on")
@json_option
@pass_ctx
def answer_command(ctx: Context, request: str, outcome: str, reason: str, text: str, answered_on: str,
                   as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.answer(s, who, request, outcome, reason=reason, text=text,
                                                  answered_on=answered_on, language=lang()))
    emit(data, as_json, lambda: _req_text(data))


@request_group.command("extend", help="延期答复（延长20个工作日，仅一次，经负责人同意）/ extend once by 20 working days")
@click.argument("request")
@click.option("--reason", required=True, help="延期理由 / reason")
@json_option
@pass_ctx
def extend_command(ctx: Context, request: str, reason: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.extend(s, who, request, reason, language=lang()))
    emit(data, as_json, lambda: _req_text(data))


@disclosure_group.command("list", help="依申请公开登记簿 / the request register")
@click.option("--status", default="", type=click.Choice(["", *codes.STATUSES]))
@click.option("--year", type=int, default=None)
@click.option("--page", type=click.IntRange(1, 10_000), default=1)
@json_option
@pass_ctx
def list_command(ctx: Context, status: str, year: int | None, page: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.list_requests(s, who, status=status, year=year, page=page,
                                                         language=lang()))
    emit(data, as_json, lambda: "\n".join(_req_line(r) for r in data["requests"]))


@disclosure_group.command("due", help="即将到期或已逾期的申请 / requests due soon or overdue")
@click.option("--within", type=click.IntRange(0, 60), default=codes.REMIND_BEFORE, help="工作日 / working days")
@json_option
@pass_ctx
def due_command(ctx: Context, within: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.due_soon(s, who, within=within, language=lang()))
    emit({"requests": data}, as_json, lambda: "\n".join(_req_line(r) for r in data))


@disclosure_group.command("report", help="年度申请办理情况（PDF/A 或 XLSX）/ the annual report of requests")
@click.option("--year", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default=None)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@json_option
@pass_ctx
def report_command(ctx: Context, year: int, fmt: str | None, output: Path | None, as_json: bool) -> None:
    if fmt is None:
        data = ctx.act(lambda s, who: report.annual(s, who, year, language=lang()))
        emit(data, as_json, lambda: _report_text(data))
        return
    if output is None:
        raise ValidationError("--output FILE is needed with --format")
    body, _media, _name = ctx.act(lambda s, who: report.annual(s, who, year, fmt=fmt, language=lang()))
    output.write_bytes(body)
    emit({"path": str(output), "size": len(body)}, as_json, lambda: f"{output} ({len(body)} bytes)")


def _report_text(d: dict) -> str:
    lines = [f"{d['year']}: received {d['received']}, carried in {d['carried_in']}, answered {d['answered']}, "
             f"carried out {d['carried_out']}, extended {d['extended']}, late {d['late']}"]
    for kind, count in d["outcomes"].items():
        lines.append(f"  {codes.label(codes.OUTCOMES, kind, lang())}: {count}")
    return "\n".join(lines)


@disclosure_group.command("deadline", help="计算答复期限 / the deadline of a request received on a day")
@click.argument("received_on")
@json_option
@pass_ctx
def deadline_command(ctx: Context, received_on: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: requests.deadline(s, who, received_on))
    emit(data, as_json, lambda: f"{data['due_on']} ({data['extended_due_on']})")


# -- the calendar ------------------------------------------------------------------------------------
@click.group("calendar", help="工作日历：法定节假日与调休上班日 / the working-day calendar")
def calendar_group() -> None:
    pass


@calendar_group.command("show", help="某年的节假日与调休 / a year's holidays and adjusted working days")
@click.argument("year", type=int)
@json_option
@pass_ctx
def calendar_show(ctx: Context, year: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: workdays.year_days(s, who, year))
    emit({"days": data}, as_json, lambda: "\n".join(
        f"{d['date']} {workdays.label(d['kind'], lang())} {d['name']}{' *' if d['provisional'] else ''}" for d in data))


@calendar_group.command("set", help="设定一天：holiday 放假 / workday 调休上班 / normal 按星期")
@click.argument("date")
@click.argument("kind", type=click.Choice(["holiday", "workday", "normal"]))
@click.option("--name", default="", help="名称 / name, e.g. 国庆节")
@click.option("--source", default="", help="依据 / source, e.g. the notice")
@json_option
@pass_ctx
def calendar_set(ctx: Context, date: str, kind: str, name: str, source: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: workdays.set_day(s, who, date, kind, name=name, source=source))
    emit(data, as_json, lambda: f"{data['date']}: {data['previous']} → {data['kind']}")


@calendar_group.command("import", help="导入日历文件（date,kind,name,source,provisional）/ load a calendar file")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace-years", is_flag=True, help="文件中的年份整体替换 / replace the file's years wholly")
@json_option
@pass_ctx
def calendar_import(ctx: Context, file: Path, replace_years: bool, as_json: bool) -> None:
    text = file.read_text(encoding="utf-8-sig")
    data = ctx.act(lambda s, who: workdays.import_file(s, who, text, replace_years=replace_years))
    emit(data, as_json, lambda: "\n".join([
        f"added {data['added']}, changed {data['changed']}, unchanged {data['unchanged']}, removed {data['removed']}",
        *data["errors"]]))
