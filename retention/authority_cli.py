"""`archive authority file REGISTER --date D --ref R` and `archive authority overdue`: a destruction
register's filing (备案) with the HRSS department (retention.authority_filing), as the logged-in
person."""

from __future__ import annotations

import click

from archive.cli import Context, emit, json_option, pass_ctx
from archive.i18n import lang
from retention import authority_filing


@click.group("authority", help="向人社部门备案（销毁清册）/ filing registers with the HRSS department")
def authority_group() -> None:
    pass


@authority_group.command("file", help="登记备案日期与备案号（档案员）/ record the filing (archivists)")
@click.argument("register_id", type=int)
@click.option("--date", "on", required=True, help="YYYY-MM-DD")
@click.option("--ref", "reference", required=True, help="备案号 / the department's reference")
@json_option
@pass_ctx
def file_command(ctx: Context, register_id: int, on: str, reference: str, as_json: bool) -> None:
    out = ctx.act(lambda s, who: authority_filing.file(s, who, register_id, on=on, reference=reference))
    emit(out, as_json, lambda: (f"register {register_id} filed with the HRSS department on {out['filed_on']}, "
                                f"reference {out['reference']}") if lang() == "en" else
         f"销毁清册 {register_id} 已于 {out['filed_on']} 向人社部门备案，备案号 {out['reference']}")


@authority_group.command("overdue", help="逾期未备案的清册 / registers past the filing deadline")
@click.option("--date", "on", help="as of this day (YYYY-MM-DD); default today")
@json_option
@pass_ctx
def overdue_command(ctx: Context, on: str | None, as_json: bool) -> None:
    rows = ctx.act(lambda s, who: authority_filing.overdue(s, who, on=on))
    en = lang() == "en"
    emit(rows, as_json, lambda: "\n".join(
        (f"{r['register_id']} {r['title']}: approved {r['approved_on']}, due {r['due_on']}" if en else
         f"{r['register_id']} {r['title']}：批准于 {r['approved_on']}，应于 {r['due_on']} 前备案") for r in rows)
        or ("none" if en else "（无）"))
