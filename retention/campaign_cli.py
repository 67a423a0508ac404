"""`archive campaign`: the yearly filing campaign (DOMAIN.md §15): who has handed over last year's
documents, who is late, and the archive room's own deadline. One call of retention.campaign."""

from __future__ import annotations

import click

from archive.cli import Context, emit, json_option, pass_ctx
from retention import campaign

STATES = {"none": "未移交 not handed over", "unsigned": "待负责人签字 awaiting the head's signature",
          "handed_over": "已移交 handed over", "closed": "已接收 received"}


def campaign_text(data: dict) -> str:
    lines = [f"{data['year']} 年度归档 filing campaign · 部门移交期限 hand-over by {data['handover_deadline']}"
             f"{'（已过 passed）' if data['handover_passed'] else ''} · 档案室整理期限 filed by "
             f"{data['filing_deadline']}{'（已过 passed）' if data['filing_passed'] else ''}"]
    for row in data["departments"]:
        late = " 逾期 LATE" if row["late"] else ""
        lines.append(f"  {row['department']}: {STATES[row['state']]} · 登记表 registers {row['registers']} · "
                     f"件数 items {row['items']}{late}")
    lines.append(f"未移交 not handed over: {'、'.join(data['not_handed_over']) or '无 none'}")
    lines.append(f"未归档 unfiled records: {data['unfiled']} · 未办结登记表 open registers: {data['open_registers']}"
                 f"{' · 档案室逾期 archive room LATE' if data['filing_late'] else ''}")
    return "\n".join(lines)


@click.command("campaign", help="年度归档：各部门移交情况与期限 / the filing campaign dashboard")
@click.option("--year", type=int, default=None, help="文件年度（默认上一年）/ the documents' year (default: last year)")
@json_option
@pass_ctx
def campaign_command(ctx: Context, year: int | None, as_json: bool) -> None:
    data = ctx.act(lambda s, who: campaign.dashboard(s, who, year))
    emit(data, as_json, lambda: campaign_text(data))
