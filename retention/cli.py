"""`archive retention …` and `archive check`: the life cycle from the command line.

Every `retention` command acts as the person logged in (`archive login USER`, or a token in
ARCHIVE_TOKEN): no flag names who acts. It calls the same service as the web pages and the API
(retention.services), so roles, separation of duties, holds, due dates and clearance are
checked alike, and the trail names the person with the channel cli. Lists show what that
person may see. `archive check` is an operator command and acts as `system`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.cli import Context, pass_ctx
from archive.clock import today
from archive.errors import ValidationError
from retention import appraisal, four_properties, secrecy
from retention import services as life
from retention.messages import retention_words, roles_words, t, word


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group("retention", help="保管期限、冻结、鉴定、销毁与合规报告（以登录者本人身份）/ retention, holds, appraisal, "
                               "destruction, reports, as the person logged in")
def retention_group() -> None:
    pass


@retention_group.command("due", help="每日到期清单（本人可见的档案）/ the daily lists: due for appraisal, "
                                     "declassification, transfer, filing")
@click.option("--json", "as_json", is_flag=True)
@click.option("--date", "on", help="as of this date (YYYY-MM-DD); default today")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000),
              help="items listed per list (counts are exact)")
@pass_ctx
def due(ctx: Context, as_json: bool, on: str | None, limit: int) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        result = life.due_lists(session, who, ctx.settings, on=life.day(on), limit=limit)
    if as_json:
        _echo_json({"date": result["date"], **result["lists"]})
        return
    click.echo(result["date"])
    for name in life.LISTS:
        block = result["lists"][name]
        click.echo(f"{word(name)}: {block['count']}")
        for item in block["items"]:
            click.echo(f"  {item['id']:>8} {item['archival_code'] or '-'} {item['title']} {item['due'] or '-'}")


# -- schedule --------------------------------------------------------------------------------
@retention_group.group("schedule", help="保管期限表：查看、提交修改、批准 / the retention schedule: list, propose, approve")
def schedule_group() -> None:
    pass


@schedule_group.command("list", help="现行条目与待批准的修改 / the rules in force and the changes waiting")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def schedule_list(ctx: Context, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        view = life.schedule_view(session, who)
    if as_json:
        _echo_json({"version": view["version"], "rules": view["rules"], "pending": view["pending"]})
        return
    click.echo(t("schedule.version", version=view["version"]))
    for r in view["rules"]:
        click.echo(f"{r['id']:>4} {r['category']} {retention_words(r['retention']):<6} v{r['version']} {r['kind']}")
    if view["pending"]:
        click.echo(t("schedule.pending"))
        for c in view["pending"]:
            what = f"{c['old_rule']}" if c["old_rule"] else f"{c['category']} {c['kind']}"
            click.echo(f"  {c['id']:>4} {what} {retention_words(c['old_retention'] or None) if c['old_retention'] else ''}"
                       f" → {retention_words(c['new_retention'])} {c['proposed_by']}: {c['reason']}")


@schedule_group.command("change", help="提交修改一条规则（待批准）/ propose a new retention for a rule")
@click.argument("rule_id", type=int)
@click.option("--retention", required=True)
@click.option("--reason", required=True)
@pass_ctx
def schedule_change(ctx: Context, rule_id: int, retention: str, reason: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.propose_schedule_change(session, who, rule_id, retention=retention, reason=reason)
    click.echo(t("schedule.proposed", id=out["id"], rule=rule_id, old=retention_words(out["old_retention"]),
                 new=retention_words(out["new_retention"])))


@schedule_group.command("add", help="提交新增条目（待批准）/ propose a new schedule entry")
@click.option("--category", required=True)
@click.option("--kind", required=True, help="what the entry covers, e.g. 信访材料")
@click.option("--keyword", "keywords", multiple=True, help="a title word that selects the entry (repeatable)")
@click.option("--retention", required=True)
@click.option("--reason", required=True)
@click.option("--scheme", default="")
@pass_ctx
def schedule_add(ctx: Context, category: str, kind: str, keywords: tuple[str, ...], retention: str, reason: str,
                 scheme: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.propose_schedule_entry(session, who, category=category, kind=kind, keywords=list(keywords),
                                          retention=retention, reason=reason, scheme=scheme)
    click.echo(t("schedule.entry_proposed", id=out["id"], category=out["category"], kind=out["kind"],
                 new=retention_words(out["new_retention"])))


@schedule_group.command("approve", help="批准（或 --reject 驳回）一项修改：局长、分管领导、办公室主任，不是提交人 / "
                                         "approve or reject a proposed change")
@click.argument("change_id", type=int)
@click.option("--reject", "reject_reason", help="reject it, with this reason")
@pass_ctx
def schedule_approve(ctx: Context, change_id: int, reject_reason: str | None) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.decide_schedule_change(session, who, change_id, approve=reject_reason is None,
                                          reason=reject_reason or "")
    if reject_reason is None:
        click.echo(t("schedule.approved", id=change_id, version=out["version"], n=out["recomputed"]))
    else:
        click.echo(t("schedule.rejected", id=change_id, reason=out["decision_note"]))


@retention_group.command("extend", help="延长一件档案的保管期限（鉴定人员）/ keep one record longer (appraisers)")
@click.argument("record_id", type=int)
@click.option("--years", type=int, required=True)
@click.option("--reason", required=True)
@pass_ctx
def extend(ctx: Context, record_id: int, years: int, reason: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.extend(session, who, record_id, years=years, reason=reason)
    click.echo(t("extend.done", id=record_id, old=out["old_due"], new=out["new_due"]))


# -- settings ----------------------------------------------------------------------------------
@retention_group.command("settings", help="生命周期规则（系统管理员修改）/ life-cycle settings; KEY VALUE sets one")
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def settings_command(ctx: Context, key: str | None, value: str | None, as_json: bool) -> None:
    who = ctx.identity()
    if key is not None and value is not None:
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = value
        with ctx.session(who) as session:
            out = life.put_setting(session, who, key, parsed)
        click.echo(t("setting.set", name=out["key"], value=json.dumps(out["value"], ensure_ascii=False)))
        return
    with ctx.session(who) as session:
        view = life.settings_view(session, who)
    values = view["settings"] if key is None else {key: view["settings"].get(key)}
    if as_json:
        _echo_json(values)
        return
    for name, current in values.items():
        click.echo(f"{name} = {json.dumps(current, ensure_ascii=False)}")


# -- holds -----------------------------------------------------------------------------------
@retention_group.group("hold", help="冻结 / holds")
def hold_group() -> None:
    pass


@hold_group.command("place")
@click.option("--reason", required=True)
@click.option("--record", "record_id")
@click.option("--volume", "volume_id")
@click.option("--category")
@click.option("--query", help='saved query as JSON, e.g. {"category": "SB", "year_to": 2010}')
@pass_ctx
def hold_place(ctx: Context, reason: str, record_id: str | None, volume_id: str | None,
               category: str | None, query: str | None) -> None:
    given = [(s, v) for s, v in (("record", record_id), ("volume", volume_id), ("category", category), ("query", query)) if v]
    if len(given) != 1:
        raise ValidationError(t("hold.one_target"))
    scope, value = given[0]
    try:
        saved = json.loads(value) if scope == "query" else None
    except json.JSONDecodeError as exc:
        raise ValidationError(t("hold.bad_query", error=exc)) from None
    who = ctx.identity()
    with ctx.session(who) as session:
        row = life.place_hold(session, who, reason=reason, scope=scope, target=value if scope != "query" else "",
                              query=saved, store=ctx.runtime.store)
    click.echo(t("hold.placed", id=row["id"], scope=word(scope), target=value))


@hold_group.command("release")
@click.argument("hold_id", type=int)
@click.option("--reason", required=True)
@pass_ctx
def hold_release(ctx: Context, hold_id: int, reason: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        life.release_hold(session, who, hold_id, reason=reason, store=ctx.runtime.store)
    click.echo(t("hold.released", id=hold_id))


@hold_group.command("list", help="本人可见的有效冻结 / the active holds the person may see")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def hold_list(ctx: Context, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        rows = life.hold_list(session, who)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        target = r["target"] or json.dumps(r["query"], ensure_ascii=False)
        click.echo(f"{r['id']:>4} {word(r['scope']):<6} {target} {r['reason']} {r['placed_by']}")


# -- appraisal -------------------------------------------------------------------------------
@retention_group.group("appraisal", help="鉴定 / appraisal")
def appraisal_group() -> None:
    pass


@appraisal_group.command("create", help="建立鉴定批次（档案员）/ open an appraisal (archivists)")
@click.argument("record_ids", type=int, nargs=-1, required=True)
@click.option("--title", required=True)
@click.option("--member", "members", multiple=True, required=True, help="appraisal group member (at least 3)")
@pass_ctx
def appraisal_create(ctx: Context, record_ids: tuple[int, ...], title: str, members: tuple[str, ...]) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.open_appraisal(session, who, title=title, members=list(members), record_ids=list(record_ids))
    click.echo(t("appraisal.opened", id=out["id"], n=len(record_ids)))


@appraisal_group.command("decide", help="鉴定小组成员记录一件档案的结论 / a member's decision on one record")
@click.argument("batch_id", type=int)
@click.argument("record_id", type=int)
@click.option("--decision", required=True, type=click.Choice(appraisal.DECISIONS))
@click.option("--reason", required=True)
@click.option("--years", type=int)
@pass_ctx
def appraisal_decide(ctx: Context, batch_id: int, record_id: int, decision: str, reason: str, years: int | None) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        life.decide(session, who, batch_id, record_id=record_id, decision=decision, reason=reason, years=years)
    click.echo(t("appraisal.decided", record=record_id, decision=word(decision)))


@appraisal_group.command("sign", help="鉴定小组成员签字 / a member signs")
@click.argument("batch_id", type=int)
@pass_ctx
def appraisal_sign(ctx: Context, batch_id: int) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        life.sign(session, who, batch_id)
    click.echo(t("appraisal.signed", username=who.username, id=batch_id))


@appraisal_group.command("conclude", help="完成鉴定并归档鉴定报告（档案员）/ conclude and file the report (archivists)")
@click.argument("batch_id", type=int)
@click.option("--opinion", required=True)
@pass_ctx
def appraisal_conclude(ctx: Context, batch_id: int, opinion: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.conclude(session, who, batch_id, opinion=opinion, store=ctx.runtime.store)
    click.echo(t("appraisal.concluded", id=batch_id, record=out["report_record_id"]))


# -- destruction -----------------------------------------------------------------------------
@retention_group.group("destruction", help="销毁 / destruction")
def destruction_group() -> None:
    pass


@destruction_group.command("create", help="建立销毁清册（档案员）/ draft the register (archivists)")
@click.argument("batch_id", type=int)
@click.option("--title", default="")
@pass_ctx
def destruction_create(ctx: Context, batch_id: int, title: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.draft_register(session, who, batch_id=batch_id, title=title)
    click.echo(t("register.drafted", id=out["id"], roles=roles_words(out["required_roles"])))


@destruction_group.command("approve", help="批准销毁清册 / approve the register")
@click.argument("register_id", type=int)
@click.option("--opinion", default="同意")
@pass_ctx
def destruction_approve(ctx: Context, register_id: int, opinion: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.approve_register(session, who, register_id, opinion=opinion)
    click.echo(t("register.approved", id=register_id, username=who.username, status=word(out["status"])))


@destruction_group.command("witness", help="监销签字 / sign as a witness")
@click.argument("register_id", type=int)
@pass_ctx
def destruction_witness(ctx: Context, register_id: int) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        life.witness_register(session, who, register_id)
    click.echo(t("register.witnessed", id=register_id, username=who.username))


@destruction_group.command("execute", help="执行或续做销毁（档案员）/ execute or resume a destruction (archivists)")
@click.argument("register_id", type=int)
@click.option("--method", default="")
@click.option("--place", default="")
@pass_ctx
def destruction_execute(ctx: Context, register_id: int, method: str, place: str) -> None:
    out = life.execute_register(ctx.runtime, ctx.identity(), register_id, method=method, place=place)
    click.echo(t("register.executed", id=register_id, record=out["register_record_id"]))


@destruction_group.command("show", help="销毁清册（本人可见的条目）/ the register, entries the person may see")
@click.argument("register_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def destruction_show(ctx: Context, register_id: int, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        data = life.register_detail(session, who, register_id)
    if as_json:
        _echo_json(data)
        return
    click.echo(t("register.header", id=data["id"], title=data["title"], status=word(data["status"])))
    for e in data["entries"]:
        click.echo(f"  {e['seq_no']:>3} {e['archival_code']} {e['title']} {word(e['state'])}")


@destruction_group.command("pdf", help="销毁清册或销毁证明 PDF / the register or its certificate as PDF")
@click.argument("register_id", type=int)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--certificate", is_flag=True, help="the destruction certificate of an executed register")
@pass_ctx
def destruction_pdf(ctx: Context, register_id: int, output: Path, certificate: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        body = life.register_pdf(session, who, register_id, certificate=certificate)
    output.write_bytes(body)
    click.echo(t("register.pdf", path=output))


@schedule_group.command("record-changes", help="待批准的单件保管期限缩短 / single records' shorter periods waiting")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def record_changes(ctx: Context, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        rows = life.record_retention_changes(session, who)
    if as_json:
        _echo_json(rows)
        return
    for c in rows:
        click.echo(t("record_change.line", id=c["id"], record=c["record"], old=retention_words(c["old_retention"]),
                     new=retention_words(c["new_retention"]), proposed_by=c["proposed_by"], reason=c["reason"]))
    if not rows:
        click.echo(t("record_change.none"))


@schedule_group.command("record-approve", help="批准（或 --reject 驳回）缩短单件档案的保管期限：局长、分管领导、"
                                                "办公室主任，不是提交人 / approve or reject a record's shorter period")
@click.argument("change_id", type=int)
@click.option("--reject", "reject_reason", help="reject it, with this reason")
@pass_ctx
def record_approve(ctx: Context, change_id: int, reject_reason: str | None) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        out = life.decide_record_retention_change(session, who, change_id, approve=reject_reason is None,
                                                  reason=reject_reason or "")
    if reject_reason is None:
        click.echo(t("record_change.approved", id=change_id, record=out["record"],
                     new=retention_words(out["new_retention"]), due=out["new_due"] or "-"))
    else:
        click.echo(t("record_change.rejected", id=change_id, reason=out["decision_note"]))


@retention_group.command("secrecy-review", help="密级审核（安全保密员）/ review a state secret (security officer)")
@click.argument("record_id", type=int)
@click.option("--outcome", required=True, type=click.Choice(secrecy.OUTCOMES))
@click.option("--until", help="new declassification date for --outcome extend")
@click.option("--level", help="the lower state-secret level for --outcome downgrade (secret, confidential)")
@click.option("--authority", default="", help="定密机关的解密/降密通知 / the deciding organ's notice, when another "
                                              "organ set the level")
@click.option("--note", default="")
@pass_ctx
def secrecy_review(ctx: Context, record_id: int, outcome: str, until: str | None, level: str | None, authority: str,
                   note: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        life.review_secrecy(session, who, record_id, outcome=outcome, note=note, until=until, level=level,
                            authority=authority)
    click.echo(t("secrecy.reviewed", id=record_id, outcome=word(outcome)))


@retention_group.command("report", help="合规报告（审计员；本人可见的行），可按日期重现 / the compliance report as of a date")
@click.option("--as-of", "as_of")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def report(ctx: Context, as_of: str | None, fmt: str, output: Path | None) -> None:
    if output is None and fmt in ("xlsx", "pdf"):
        raise ValidationError(t("report.needs_output", fmt=fmt))
    who = ctx.identity()
    with ctx.session(who) as session:
        body, _media = life.compliance_report(session, who, as_of=as_of, fmt=fmt, anchors=_anchors(ctx))
        digest = body["digest"] if isinstance(body, dict) else ""
    if isinstance(body, dict):
        text = json.dumps(body, ensure_ascii=False, indent=2, default=str)
        if output is None:
            click.echo(text)
            return
        output.write_text(text, encoding="utf-8")
    elif output is None:  # csv
        click.echo(body.decode("utf-8-sig"))
        return
    else:
        output.write_bytes(body)
    click.echo(t("report.written", path=output, fmt=fmt, digest=digest[:16] or "-"))


def _anchors(ctx: Context):
    try:
        return ctx.runtime.store
    except Exception:
        return None


@click.command("check", help="四性检测（操作员命令，以系统身份）/ four-property check (DA/T 70) of records")
@click.option("--record", "record_ids", type=int, multiple=True, help="records to check (default: every record)")
@click.option("--stage", type=click.Choice(["filing", "transfer", "on_demand"]), default="on_demand")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def check_command(ctx: Context, record_ids: tuple[int, ...], stage: str, as_json: bool) -> None:
    operator = ctx.system("check")
    with ctx.session(operator) as session:
        result = four_properties.check_batch(session, ctx.runtime.store, list(record_ids) or None,
                                             actor=operator.username, stage=stage, batch=f"cli:{today().isoformat()}")
    if as_json:
        _echo_json(result)
    else:
        click.echo(t("check.summary", checked=result["checked"], passed=result["passed"], failed=len(result["failed"])))
        for row in result["results"]:
            if not row["passed"]:
                bad = [c["check"] for prop in ("authenticity", "integrity", "usability", "security") for c in row[prop]
                       if c["ok"] is False]
                click.echo(t("check.failed", id=row["record_id"], checks=", ".join(bad)))
    if result["failed"]:
        raise click.exceptions.Exit(3)

