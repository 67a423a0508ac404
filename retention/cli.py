"""`archive retention …` and `archive check`: the life cycle from the command line.

`--by USER` names the catalog user who acts (approver, witness, appraiser...); the services
check that user's role and the separation of duties exactly as for the web pages.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from archive.cli import Context, cli_actor, pass_ctx
from archive.clock import today
from archive.errors import NotFound, ValidationError
from archive.models import Record
from retention import (
    appraisal,
    destruction,
    four_properties,
    holds,
    people,
    reports,
    rules,
    schedule,
    secrecy,
    sweep,
)
from storage import open_store


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# Lists and reports that name records take --user: the output is then what that catalog user may
# see (archive.visibility). Without it the command runs as the server's operator process, which
# handles every record, like `archive show` without --user.
as_viewer = click.option("--user", "username", help="show only what this catalog user may see (their clearance and scope)")


def _viewer(session, username: str | None):  # noqa: ANN001, ANN202 - a Viewer or None
    return people.viewer(session, username) if username else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.group("retention", help="保管期限、冻结、鉴定、销毁与合规报告 / retention, holds, appraisal, destruction, reports")
def retention_group() -> None:
    pass


@retention_group.command("due", help="每日到期清单 / the daily sweep: due for appraisal, declassification, transfer, filing")
@click.option("--json", "as_json", is_flag=True)
@click.option("--date", "day", help="as of this date (YYYY-MM-DD); default today")
@click.option("--limit", default=100, show_default=True, help="items listed per list (counts are exact)")
@as_viewer
@pass_ctx
def due(ctx: Context, as_json: bool, day: str | None, limit: int, username: str | None) -> None:
    with ctx.session() as session:
        result = sweep.run(session, ctx.settings, day=_date(day), limit=limit, viewer=_viewer(session, username))
    if as_json:
        _echo_json(result)
        return
    click.echo(f"{result['date']}")
    for name in ("due_for_appraisal", "declassification_review", "yearly_secrecy_review", "due_for_transfer",
                 "filing_overdue"):
        click.echo(f"{name}: {result[name]['count']}")
        for item in result[name]["items"]:
            click.echo(f"  {item['id']:>8} {item['archival_code'] or '-'} {item['title']} due={item['due'] or '-'}")


# -- schedule --------------------------------------------------------------------------------
@retention_group.group("schedule", help="保管期限表 / the retention schedule")
def schedule_group() -> None:
    pass


@schedule_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def schedule_list(ctx: Context, as_json: bool) -> None:
    with ctx.session() as session:
        rows = [{"id": r.id, "category": r.category_code, "kind": r.kind, "keywords": r.keywords,
                 "retention": r.retention, "version": r.version} for r in schedule.active_rules(session)]
        version = schedule.version(session)
    if as_json:
        _echo_json({"version": version, "rules": rows})
        return
    click.echo(f"schedule version {version}")
    for r in rows:
        click.echo(f"{r['id']:>4} {r['category']} {r['retention']:<5} v{r['version']} {r['kind']}")


@schedule_group.command("change", help="修改一条规则并重算待处理档案的到期日 / change a rule, recompute pending due dates")
@click.argument("rule_id", type=int)
@click.option("--retention", required=True)
@click.option("--reason", required=True)
@click.option("--by", "by", required=True)
@click.option("--approver", required=True)
@pass_ctx
def schedule_change(ctx: Context, rule_id: int, retention: str, reason: str, by: str, approver: str) -> None:
    with ctx.session() as session:
        change = schedule.change_rule(session, rule_id=rule_id, retention=retention, reason=reason, changed_by=by,
                                      approved_by=approver, settings=ctx.settings)
        click.echo(f"schedule version {change.version}: rule {rule_id} -> {change.new_rule_id} "
                   f"({change.old_retention} -> {change.new_retention}), {change.recomputed} records recomputed")


@retention_group.command("extend", help="延长一件档案的保管期限 / extend one record's term")
@click.argument("record_id", type=int)
@click.option("--years", type=int, required=True)
@click.option("--reason", required=True)
@click.option("--by", "by", required=True)
@pass_ctx
def extend(ctx: Context, record_id: int, years: int, reason: str, by: str) -> None:
    with ctx.session() as session:
        people.require_role(session, by, rules.get(session, "appraiser_roles"), "extend a retention term")
        record = session.get(Record, record_id)
        if record is None:
            raise NotFound(f"record {record_id} does not exist")
        change = schedule.extend(session, record, years=years, reason=reason, decided_by=by, source="cli")
        click.echo(f"record {record_id}: due {change.old_due} -> {change.new_due}")


# -- holds -----------------------------------------------------------------------------------
@retention_group.group("hold", help="冻结 / holds")
def hold_group() -> None:
    pass


@hold_group.command("place")
@click.option("--by", "by", required=True)
@click.option("--reason", required=True)
@click.option("--record", "record_id")
@click.option("--volume", "volume_id")
@click.option("--category")
@click.option("--query", help='saved query as JSON, e.g. {"category": "SB", "year_to": 2010}')
@pass_ctx
def hold_place(ctx: Context, by: str, reason: str, record_id: str | None, volume_id: str | None,
               category: str | None, query: str | None) -> None:
    given = [(s, v) for s, v in (("record", record_id), ("volume", volume_id), ("category", category), ("query", query)) if v]
    if len(given) != 1:
        raise ValidationError("give exactly one of --record, --volume, --category, --query")
    scope, value = given[0]
    try:
        saved = json.loads(value) if scope == "query" else None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"--query is not JSON: {exc}") from None
    store = open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        hold = holds.place(session, actor=by, reason=reason, scope=scope, target=value if scope != "query" else "",
                           query=saved, store=store)
        click.echo(f"hold {hold.id} placed on {scope} {value}")


@hold_group.command("release")
@click.argument("hold_id", type=int)
@click.option("--by", "by", required=True)
@click.option("--reason", required=True)
@pass_ctx
def hold_release(ctx: Context, hold_id: int, by: str, reason: str) -> None:
    store = open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        holds.release(session, hold_id=hold_id, actor=by, reason=reason, store=store)
    click.echo(f"hold {hold_id} released")


@hold_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@as_viewer
@pass_ctx
def hold_list(ctx: Context, as_json: bool, username: str | None) -> None:
    with ctx.session() as session:
        viewer = _viewer(session, username)
        found = holds.active_holds(session) if viewer is None else holds.visible_holds(session, viewer)
        rows = [{"id": h.id, "reason": h.reason, "scope": h.scope, "target": h.target, "query": h.query,
                 "placed_by": h.placed_by, "placed_at": h.placed_at} for h in found]
    if as_json:
        _echo_json(rows)
    for r in [] if as_json else rows:
        click.echo(f"{r['id']:>4} {r['scope']:<8} {r['target'] or json.dumps(r['query'], ensure_ascii=False)} {r['reason']}")


# -- appraisal -------------------------------------------------------------------------------
@retention_group.group("appraisal", help="鉴定 / appraisal")
def appraisal_group() -> None:
    pass


@appraisal_group.command("create")
@click.argument("record_ids", type=int, nargs=-1, required=True)
@click.option("--by", "by", required=True)
@click.option("--title", required=True)
@click.option("--member", "members", multiple=True, required=True, help="appraisal group member (at least 3)")
@pass_ctx
def appraisal_create(ctx: Context, record_ids: tuple[int, ...], by: str, title: str, members: tuple[str, ...]) -> None:
    with ctx.session() as session:
        batch = appraisal.create_batch(session, actor=by, title=title, members=list(members), record_ids=list(record_ids))
        click.echo(f"appraisal {batch.id} opened with {len(record_ids)} records")


@appraisal_group.command("decide")
@click.argument("batch_id", type=int)
@click.argument("record_id", type=int)
@click.option("--decision", required=True, type=click.Choice(appraisal.DECISIONS))
@click.option("--reason", required=True)
@click.option("--years", type=int)
@click.option("--by", "by", required=True)
@pass_ctx
def appraisal_decide(ctx: Context, batch_id: int, record_id: int, decision: str, reason: str, years: int | None,
                     by: str) -> None:
    with ctx.session() as session:
        appraisal.decide(session, batch_id=batch_id, record_id=record_id, decision=decision, reason=reason, by=by,
                         years=years)
    click.echo(f"record {record_id}: {decision}")


@appraisal_group.command("sign")
@click.argument("batch_id", type=int)
@click.option("--by", "by", required=True)
@pass_ctx
def appraisal_sign(ctx: Context, batch_id: int, by: str) -> None:
    with ctx.session() as session:
        appraisal.sign(session, batch_id=batch_id, member=by)
    click.echo(f"{by} signed appraisal {batch_id}")


@appraisal_group.command("conclude")
@click.argument("batch_id", type=int)
@click.option("--by", "by", required=True)
@click.option("--opinion", required=True)
@pass_ctx
def appraisal_conclude(ctx: Context, batch_id: int, by: str, opinion: str) -> None:
    store = open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        batch = appraisal.conclude(session, store, batch_id=batch_id, actor=by, opinion=opinion)
        click.echo(f"appraisal {batch_id} concluded; report filed as record {batch.report_record_id}")


# -- destruction -----------------------------------------------------------------------------
@retention_group.group("destruction", help="销毁 / destruction")
def destruction_group() -> None:
    pass


@destruction_group.command("create")
@click.argument("batch_id", type=int)
@click.option("--by", "by", required=True)
@click.option("--title", default="")
@pass_ctx
def destruction_create(ctx: Context, batch_id: int, by: str, title: str) -> None:
    with ctx.session() as session:
        register = destruction.create_register(session, batch_id=batch_id, requested_by=by, title=title)
        click.echo(f"register {register.id} drafted; approvals needed: {', '.join(register.required_roles)}")


@destruction_group.command("approve")
@click.argument("register_id", type=int)
@click.option("--by", "by", required=True)
@click.option("--opinion", default="同意")
@pass_ctx
def destruction_approve(ctx: Context, register_id: int, by: str, opinion: str) -> None:
    with ctx.session() as session:
        destruction.approve(session, register_id=register_id, approver=by, opinion=opinion)
        click.echo(f"register {register_id}: approved by {by} ({destruction.get_register(session, register_id).status})")


@destruction_group.command("witness")
@click.argument("register_id", type=int)
@click.option("--by", "by", required=True)
@pass_ctx
def destruction_witness(ctx: Context, register_id: int, by: str) -> None:
    with ctx.session() as session:
        destruction.sign_witness(session, register_id=register_id, witness=by)
    click.echo(f"register {register_id}: witnessed by {by}")


@destruction_group.command("execute", help="执行或续做销毁 / execute or resume a destruction")
@click.argument("register_id", type=int)
@click.option("--by", "by", required=True)
@click.option("--method", default="")
@click.option("--place", default="")
@pass_ctx
def destruction_execute(ctx: Context, register_id: int, by: str, method: str, place: str) -> None:
    store = open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        register = destruction.get_register(session, register_id)
        if register.status == "approved":
            destruction.check_preconditions(session, register)  # fail before anything happens
        people.user(session, by)
    register = destruction.execute(ctx.catalog, store, register_id=register_id, actor=by, method=method, place=place)
    click.echo(f"register {register_id} executed; filed as record {register.register_record_id}")


@destruction_group.command("show")
@click.argument("register_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@as_viewer
@pass_ctx
def destruction_show(ctx: Context, register_id: int, as_json: bool, username: str | None) -> None:
    with ctx.session() as session:
        viewer = _viewer(session, username)
        r = destruction.get_register(session, register_id)
        shown = destruction.entries(session, r.id) if viewer is None else destruction.visible_entries(session, viewer, r.id)
        data = {
            "id": r.id, "title": r.title, "status": r.status, "requested_by": r.requested_by,
            "required_roles": r.required_roles, "method": r.method, "place": r.place, "executed_at": r.executed_at,
            "approvals": [{"approver": a.approver, "role": a.role, "at": a.approved_at} for a in destruction.approvals(session, r.id)],
            "witnesses": [w.witness for w in destruction.witnesses(session, r.id)],
            "entries": [{"seq": e.seq_no, "record_id": e.record_id, "archival_code": e.archival_code, "title": e.title,
                         "state": e.state} for e in shown],
        }
    if as_json:
        _echo_json(data)
        return
    click.echo(f"register {data['id']} {data['title']} [{data['status']}]")
    for e in data["entries"]:
        click.echo(f"  {e['seq']:>3} {e['archival_code']} {e['title']} {e['state']}")


@retention_group.command("secrecy-review", help="密级审核（安全保密员）/ review a state secret")
@click.argument("record_id", type=int)
@click.option("--by", "by", required=True)
@click.option("--outcome", required=True, type=click.Choice(secrecy.OUTCOMES))
@click.option("--until", help="new declassification date for --outcome extend")
@click.option("--note", default="")
@pass_ctx
def secrecy_review(ctx: Context, record_id: int, by: str, outcome: str, until: str | None, note: str) -> None:
    with ctx.session() as session:
        secrecy.review(session, record_id=record_id, reviewer=by, outcome=outcome, note=note,
                       new_declassify_on=_date(until))
    click.echo(f"record {record_id}: {outcome}")


@retention_group.command("report", help="合规报告 / compliance report, reproducible as of a date")
@click.option("--as-of", "as_of")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
@as_viewer
@pass_ctx
def report(ctx: Context, as_of: str | None, fmt: str, output: Path | None, username: str | None) -> None:
    with ctx.session() as session:
        data = reports.build(session, _date(as_of), viewer=_viewer(session, username))
    if fmt == "json":
        body: str | bytes = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    elif fmt == "csv":
        body = reports.to_csv(data)
    else:
        body = reports.to_xlsx(data) if fmt == "xlsx" else reports.to_pdf(data)
    if output is None and isinstance(body, bytes):
        raise ValidationError(f"--format {fmt} needs --output FILE")
    if output is None:
        click.echo(body)
    else:
        output.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        click.echo(f"{output} ({fmt}, digest {data['digest'][:16]})")


@click.command("check", help="四性检测 / four-property check (DA/T 70) of records")
@click.option("--record", "record_ids", type=int, multiple=True, help="records to check (default: every record)")
@click.option("--stage", type=click.Choice(["filing", "transfer", "on_demand"]), default="on_demand")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def check_command(ctx: Context, record_ids: tuple[int, ...], stage: str, as_json: bool) -> None:
    store = open_store(ctx.settings.storage_url)
    with ctx.session() as session:
        result = four_properties.check_batch(session, store, list(record_ids) or None, actor=cli_actor(), stage=stage,
                                             batch=f"cli:{today().isoformat()}")
    if as_json:
        _echo_json(result)
    else:
        click.echo(f"checked {result['checked']}, passed {result['passed']}, failed {len(result['failed'])}")
        for row in result["results"]:
            if not row["passed"]:
                bad = [c["check"] for prop in ("authenticity", "integrity", "usability", "security") for c in row[prop]
                       if c["ok"] is False]
                click.echo(f"  record {row['record_id']}: {', '.join(bad)}")
    if result["failed"]:
        raise click.exceptions.Exit(3)
