"""`archive volume create|add|remove|reorder|move-item|split|merge|check|close`, `archive box
create|add|show`, `archive dossier show|slot`, `archive case open`, `archive arrange` and
`archive print`. Each acts as the logged-in person and calls one service of archive.arrangement.

The volume commands join the `archive volume` group of archive.lending.cli (list, show, shelve,
...): `attach_volume_commands` adds them, and `volume show` there is replaced by the one here,
which shows the items in order with their codes under the volume.
"""

from __future__ import annotations

from pathlib import Path

import click

from archive.arrangement import auto_arrange, boxes, case_files, dossiers, printouts, volumes
from archive.cli import Context, emit, json_option, pass_ctx
from archive.i18n import secrecy_label, t

as_json = json_option
_run = Context.act  # one service call as the logged-in person
_emit = emit


def volume_text(data: dict) -> str:
    v = data["volume"]
    head = (f"{v['archival_code']} {v['title']} {secrecy_label(v['secrecy'])} "
            f"{t('arrange.pages', pages=v['pages'])} {v['date_range'] or ''}").rstrip()
    rows = [f"  {i['sequence']:>3} {i['item_code']} {i['archival_code'] or ''} {i['title']} {i['date']} "
            f"{t('arrange.pages', pages=i['pages'])}" for i in data["items"]]
    return "\n".join([head, *rows])


# -- volume ------------------------------------------------------------------------------------------
@click.command("create", help="新建案卷 / create a volume")
@click.option("--fonds", required=True, help="全宗号 / fonds code, e.g. J001")
@click.option("--category", required=True, help="门类代码 / category code, e.g. SB")
@click.option("--year", type=int, required=True, help="年度 / year")
@click.option("--retention", required=True, help="保管期限 / retention, e.g. D100")
@click.option("--title", required=True, help="案卷题名 / title")
@click.option("--org", default="", help="机构（问题）代码 / organisation code")
@click.option("--department", default="", help="部门 / owning department")
@as_json
@pass_ctx
def volume_create(ctx: Context, fonds: str, category: str, year: int, retention: str, title: str, org: str,
                  department: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.create(s, who, fonds=fonds, category=category, year=year,
                                                   retention=retention, title=title, org=org, department=department))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("add", help="将文件加入案卷（档号或 ID）/ add records to a volume")
@click.argument("volume")
@click.argument("records", nargs=-1, required=True)
@click.option("--reason", default="", help="事由（已结案卷须填写）/ reason (required for a closed case file)")
@as_json
@pass_ctx
def volume_add(ctx: Context, volume: str, records: tuple[str, ...], reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.add(s, who, volume, list(records), reason=reason))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("show", help="查看案卷及卷内文件（按序号）/ show a volume and its items in order")
@click.argument("volume")
@as_json
@pass_ctx
def volume_show(ctx: Context, volume: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.detail(s, who, volume))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("remove", help="从案卷移出文件 / take records out of a volume")
@click.argument("volume")
@click.argument("records", nargs=-1, required=True)
@click.option("--reason", required=True, help="事由 / reason")
@as_json
@pass_ctx
def volume_remove(ctx: Context, volume: str, records: tuple[str, ...], reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.remove(s, who, volume, list(records), reason=reason))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("reorder", help="按给出的顺序重排卷内文件 / put the items in the order given")
@click.argument("volume")
@click.argument("records", nargs=-1, required=True)
@as_json
@pass_ctx
def volume_reorder(ctx: Context, volume: str, records: tuple[str, ...], as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.reorder(s, who, volume, list(records)))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("move-item", help="将文件移至另一案卷 / move a record to another volume")
@click.argument("record")
@click.argument("to_volume")
@click.option("--reason", required=True, help="事由 / reason")
@as_json
@pass_ctx
def volume_move_item(ctx: Context, record: str, to_volume: str, reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.move_item(s, who, record, to_volume, reason=reason))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("split", help="自某序号起分出新卷 / split a volume at a sequence number")
@click.argument("volume")
@click.argument("at", type=int)
@click.option("--title", required=True, help="新卷题名 / title of the new volume")
@click.option("--reason", required=True, help="事由 / reason")
@as_json
@pass_ctx
def volume_split(ctx: Context, volume: str, at: int, title: str, reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.split(s, who, volume, at, title=title, reason=reason))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("merge", help="将一卷并入另一卷 / merge SOURCE into VOLUME")
@click.argument("volume")
@click.argument("source")
@click.option("--reason", required=True, help="事由 / reason")
@as_json
@pass_ctx
def volume_merge(ctx: Context, volume: str, source: str, reason: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.merge(s, who, volume, source, reason=reason))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("check", help="检查案卷（备考表检查人）/ record the volume's check")
@click.argument("volume")
@click.option("--note", default="")
@as_json
@pass_ctx
def volume_check(ctx: Context, volume: str, note: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: volumes.check(s, who, volume, note=note))
    _emit(data, as_json, lambda: volume_text(data))


@click.command("close", help="结案：关闭案件卷宗 / close a case file")
@click.argument("volume")
@as_json
@pass_ctx
def volume_close(ctx: Context, volume: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: case_files.close_case(s, who, volume))
    _emit(data, as_json, lambda: volume_text(data))


VOLUME_COMMANDS = [volume_create, volume_add, volume_show, volume_remove, volume_reorder, volume_move_item,
                   volume_split, volume_merge, volume_check, volume_close]


def attach_volume_commands(group: click.Group) -> click.Group:
    for command in VOLUME_COMMANDS:
        group.add_command(command)
    return group


# -- case files ------------------------------------------------------------------------------------
@click.group("case", help="案件卷宗（一案一档）/ case files")
def case_group() -> None:
    pass


@case_group.command("open", help="为案件立卷 / open the file of a case")
@click.option("--fonds", required=True)
@click.option("--year", type=int, required=True)
@click.option("--retention", required=True)
@click.option("--case-no", required=True, help="案号 / case number")
@click.option("--title", required=True)
@as_json
@pass_ctx
def case_open(ctx: Context, fonds: str, year: int, retention: str, case_no: str, title: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: case_files.open_case(s, who, fonds=fonds, year=year, retention=retention,
                                                         case_no=case_no, title=title))
    _emit(data, as_json, lambda: volume_text(data))


# -- boxes -------------------------------------------------------------------------------------------
@click.group("box", help="档案盒 / boxes")
def box_group() -> None:
    pass


def box_text(data: dict) -> str:
    span = f"{data['first_item'] or '-'}—{data['last_item'] or '-'}"
    head = f"{data['code']} {t('arrange.box_no', n=data['box_no'])} {span} {secrecy_label(data['secrecy'])}"
    return "\n".join([head, *(f"  {i['item_no'] or '-':>4} {i['archival_code'] or ''} {i['title']}" for i in data["items"])])


@box_group.command("create", help="新建档案盒 / create a box")
@click.option("--fonds", required=True)
@click.option("--category", required=True)
@click.option("--year", type=int, required=True)
@click.option("--retention", required=True)
@click.option("--org", default="")
@click.option("--title", default="")
@as_json
@pass_ctx
def box_create(ctx: Context, fonds: str, category: str, year: int, retention: str, org: str, title: str,
               as_json: bool) -> None:
    data = _run(ctx, lambda s, who: boxes.create(s, who, fonds=fonds, category=category, year=year,
                                                 retention=retention, org=org, title=title))
    _emit(data, as_json, lambda: box_text(data))


@box_group.command("add", help="将文件装盒 / put records into a box")
@click.argument("box")
@click.argument("records", nargs=-1, required=True)
@as_json
@pass_ctx
def box_add(ctx: Context, box: str, records: tuple[str, ...], as_json: bool) -> None:
    data = _run(ctx, lambda s, who: boxes.add(s, who, box, list(records)))
    _emit(data, as_json, lambda: box_text(data))


@box_group.command("show", help="查看档案盒 / show a box")
@click.argument("box")
@as_json
@pass_ctx
def box_show(ctx: Context, box: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: boxes.show(s, who, box))
    _emit(data, as_json, lambda: box_text(data))


# -- personnel dossiers --------------------------------------------------------------------------------
@click.group("dossier", help="人事档案卷宗 / personnel dossiers")
def dossier_group() -> None:
    pass


def dossier_text(data: dict) -> str:
    v = data["volume"]
    rows = [f"  {i['class'] or '-':>4} {i['number_in_class']:>3} {i['title']} {i['date']} "
            f"{t('arrange.pages', pages=i['pages'])}" for i in data["catalogue"]]
    return "\n".join([f"{v['archival_code']} {v['title']}", *rows])


@dossier_group.command("show", help="查看某人的人事档案目录 / a person's dossier and its contents")
@click.argument("id_number")
@as_json
@pass_ctx
def dossier_show(ctx: Context, id_number: str, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: dossiers.show(s, who, id_number))
    _emit(data, as_json, lambda: dossier_text(data))


@dossier_group.command("slot", help="零散材料按类归入本人档案 / slot loose materials into their dossiers")
@click.argument("records", nargs=-1, required=True)
@as_json
@pass_ctx
def dossier_slot(ctx: Context, records: tuple[str, ...], as_json: bool) -> None:
    data = _run(ctx, lambda s, who: dossiers.slot(s, who, list(records)))
    _emit(data, as_json, lambda: "\n".join(dossier_text(d) for d in data))


# -- arranging a year, printing ------------------------------------------------------------------------
@click.command("arrange", help="按规则整理某年度某门类（默认只提出方案）/ arrange a year by rule (proposal unless --apply)")
@click.option("--year", type=int, required=True)
@click.option("--category", required=True)
@click.option("--apply", "apply_", is_flag=True, help="按方案执行 / carry the proposal out")
@click.option("--box-pages", type=click.IntRange(1, 5000), default=auto_arrange.BOX_PAGES)
@click.option("--volume-pages", type=click.IntRange(1, 5000), default=auto_arrange.VOLUME_PAGES)
@as_json
@pass_ctx
def arrange_command(ctx: Context, year: int, category: str, apply_: bool, box_pages: int, volume_pages: int,
                    as_json: bool) -> None:
    data = _run(ctx, lambda s, who: auto_arrange.arrange(s, who, year=year, category=category, apply=apply_,
                                                         box_pages=box_pages, volume_pages=volume_pages))

    def text() -> str:
        head = t("arrange.summary", items=data["items"], units=len(data["units"]), left=data["left"])
        rows = [f"  {u.get('code', '')} {u['title']} {len(u['records'])} {t('arrange.pages', pages=u['pages'])}"
                for u in data["units"]]
        return "\n".join([head, *rows, t("arrange.applied" if data["applied"] else "arrange.proposal")])

    _emit(data, as_json, text)


@click.command("print", help="打印：stamp catalogue volume-list contents backsheet box-label dossier")
@click.argument("kind", type=click.Choice(printouts.KINDS))
@click.argument("target")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf")
@pass_ctx
def print_command(ctx: Context, kind: str, target: str, out: Path, fmt: str) -> None:
    body = _run(ctx, lambda s, who: printouts.render(s, who, kind, target, fmt))
    out.write_bytes(body)
    click.echo(t("arrange.printed", path=out, size=len(body)))
