"""`archive dossier-review create|list|show|return|commit|accept|print`: the 档案审查表 of an incoming
personnel file, its return to the sender (退回) and the person's 告知承诺 (DOMAIN.md §7, §15). Beside
`archive dossier` (arrangement of dossiers); each command calls one service of
archive.personnel_review as the logged-in personnel archivist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from archive import personnel_review
from archive.cli import Context, emit, json_option, pass_ctx
from archive.errors import ValidationError


def review_line(r: dict) -> str:
    return (f"{r['id']:>5} {r['person_name']} {r['person_id_number']} 来自 from {r['from_unit']} "
            f"{r['arrived_on']} {r['how_came_label']} · {r['status_label']}")


def review_text(r: dict) -> str:
    lines = [review_line(r)]
    lines += [f"  审查发现 finding: {f}" for f in r["findings"]] or ["  审查通过 no findings"]
    if r["return_reason"]:
        lines.append(f"  退回理由 returned because: {r['return_reason']} ({r['returned_by']} {r['returned_at']})")
    if r["commitment_due"]:
        lines.append(f"  承诺补齐期限 materials promised by: {r['commitment_due']}")
    return "\n".join(lines)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value!r}: write YYYY-MM-DD") from None


@click.group("dossier-review", help="人事档案审查表、退回与告知承诺 / review of incoming personnel files")
def dossier_review_group() -> None:
    pass


@dossier_review_group.command("create", help="填写档案审查表 / fill in the review form of an arrived file")
@click.option("--id-number", required=True, help="身份证号 / identity number")
@click.option("--name", required=True, help="姓名 / name")
@click.option("--from-unit", required=True, help="转出单位（原工作单位）/ the sending unit")
@click.option("--how", "how_came", required=True, type=click.Choice(list(personnel_review.HOW_CAME)),
              help="转递方式 courier 机要交通 | messenger 专人送取 | post 机要邮寄 | self_carried 本人携带")
@click.option("--arrived", default=None, help="接收日期 YYYY-MM-DD（默认今天）/ arrival date")
@click.option("--alteration", default="", help="涂改造假情况 / signs of alteration or forgery")
@click.option("--inconsistent", "inconsistencies", default="", help="前后不一致 / inconsistencies")
@click.option("--missing", multiple=True, help="缺失材料（可重复）/ a missing material (repeatable)")
@click.option("--wrong-key-data", default="", help="关键信息错误 / wrong key data")
@json_option
@pass_ctx
def review_create(ctx: Context, id_number: str, name: str, from_unit: str, how_came: str, arrived: str | None,
                  alteration: str, inconsistencies: str, missing: tuple[str, ...], wrong_key_data: str,
                  as_json: bool) -> None:
    data = ctx.act(lambda s, who: personnel_review.create(
        s, who, person_id_number=id_number, person_name=name, from_unit=from_unit, how_came=how_came,
        arrived_on=_date(arrived), alteration=alteration, inconsistencies=inconsistencies, missing=list(missing),
        wrong_key_data=wrong_key_data))
    emit(data, as_json, lambda: review_text(data))


@dossier_review_group.command("list", help="列出审查表 / list the reviews")
@click.option("--status", type=click.Choice(list(personnel_review.STATUSES)))
@json_option
@pass_ctx
def review_list(ctx: Context, status: str | None, as_json: bool) -> None:
    rows = ctx.act(lambda s, who: personnel_review.reviews(s, who, status))
    emit(rows, as_json, lambda: "\n".join(review_line(r) for r in rows) or "（无 none）")


@dossier_review_group.command("show", help="查看审查表与告知承诺 / show a review and its notice")
@click.argument("review_id", type=int)
@json_option
@pass_ctx
def review_show(ctx: Context, review_id: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: personnel_review.show(s, who, review_id))
    emit(data, as_json, lambda: "\n".join([review_text(data), *data["notice"]]))


@dossier_review_group.command("return", help="退回转出单位（附理由）/ return the file to the sender")
@click.argument("review_id", type=int)
@click.option("--reason", default="", help="退回理由（默认为审查发现）/ reason (default: the findings)")
@json_option
@pass_ctx
def review_return(ctx: Context, review_id: int, reason: str, as_json: bool) -> None:
    data = ctx.act(lambda s, who: personnel_review.return_file(s, who, review_id, reason))
    emit(data, as_json, lambda: review_text(data))


@dossier_review_group.command("commit", help="登记本人已签告知承诺 / the person signed the 告知承诺")
@click.argument("review_id", type=int)
@click.option("--due", required=True, help="承诺补齐日期 YYYY-MM-DD / materials promised by")
@json_option
@pass_ctx
def review_commit(ctx: Context, review_id: int, due: str, as_json: bool) -> None:
    day = _date(due)
    assert day is not None
    data = ctx.act(lambda s, who: personnel_review.commit(s, who, review_id, day))
    emit(data, as_json, lambda: review_text(data))


@dossier_review_group.command("accept", help="接收入库 / take the file into custody")
@click.argument("review_id", type=int)
@json_option
@pass_ctx
def review_accept(ctx: Context, review_id: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: personnel_review.accept(s, who, review_id))
    emit(data, as_json, lambda: review_text(data))


@dossier_review_group.command("print", help="打印审查表或告知承诺书（PDF/A）/ print the form or the notice")
@click.argument("review_id", type=int)
@click.option("--form", type=click.Choice(["review", "notice"]), default="review", show_default=True,
              help="review 档案审查表 | notice 告知承诺书")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def review_print(ctx: Context, review_id: int, form: str, output: Path) -> None:
    body = ctx.act(lambda s, who: personnel_review.print_pdf(s, who, review_id, form))
    output.write_bytes(body)
    click.echo(f"{output} ({len(body)} bytes)")
