"""`archive transfer create|package|check|complete|list|show|register`: transfer to the state
archive (移交进馆) as the person logged in, through retention.state_transfer. (The departments'
hand-over registers to the archive room are `archive handover …`.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from archive.cli import Context, emit, json_option, pass_ctx
from archive.errors import ValidationError
from archive.i18n import lang, secrecy_label
from retention import state_transfer, transfer_check

MESSAGES: dict[str, tuple[str, str]] = {
    "batch": ("进馆移交 {id}《{title}》→ {to}：{status}，{records} 件 {volumes} 卷",
              "transfer {id} \"{title}\" -> {to}: {status}, {records} records, {volumes} volumes"),
    "due": ("截至 {date} 到期待移交进馆 {count} 件（冻结 {held} 件）", "{count} records due for transfer on {date} ({held} held)"),
    "packaged": ("移交包已封装：{records} 件，{files} 个文件，{size} 字节，SHA-256 {sha}",
                 "package built: {records} records, {files} files, {size} bytes, SHA-256 {sha}"),
    "written": ("已写入 {path}", "written to {path}"),
    "check": ("四性检测{result}", "four-property check {result}"),
    "completed": ("已移交 {to}，接收人 {by}", "handed over to {to}, received by {by}"),
}
WORDS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"), "packaged": ("已封装", "packaged"), "checked": ("已检测", "checked"),
    "completed": ("已移交", "completed"), "passed": ("通过", "passed"), "failed": ("未通过", "failed"),
    "not_checked": ("未检测", "not checked"), "authenticity": ("真实性", "authenticity"),
    "integrity": ("完整性", "integrity"), "usability": ("可用性", "usability"), "security": ("安全性", "security"),
    "open": ("开放", "open"), "controlled": ("控制使用", "controlled"), "record": ("件", "record"),
    "volume": ("卷", "volume"),
}


def t(key: str, **kwargs: object) -> str:
    zh, en = MESSAGES[key]
    return (en if lang() == "en" else zh).format(**kwargs)


def word(code: str) -> str:
    zh, en = WORDS.get(code, (code, code))
    return en if lang() == "en" else zh


as_json = json_option
_run = Context.act  # one service call as the logged-in person
_emit = emit


def _batch_line(b: dict) -> str:
    return t("batch", id=b["id"], title=b["title"], to=b["to_archive"], status=word(b["status"]),
             records=b.get("records", "-"), volumes=b.get("volumes", "-"))


def _batch_text(b: dict) -> str:
    lines = [_batch_line(b)]
    lines += [f"  {i['seq_no']:>5} {word(i['level'])} {i['archival_code']} {i['title']} {secrecy_label(i['secrecy'])} "
              f"{word(i['opening']) if i['opening'] else ''}".rstrip() for i in b.get("items", [])]
    return "\n".join(lines)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.group("transfer", help="移交进馆（综合档案馆）/ transfer to the state archive")
def transfer_group() -> None:
    pass


@transfer_group.command("create", help="按到期清单建立移交批次（档案员）/ a batch of the records due (archivists)")
@click.option("--title", default="", help="批次名称 / title")
@click.option("--to", "to_archive", default="", help="接收档案馆 / the receiving state archive")
@click.option("--date", "on", help="截至日期 YYYY-MM-DD（默认今天）/ as of this date")
@click.option("--record", "records", type=int, multiple=True, help="只移交这些档案 / only these records (repeatable)")
@click.option("--dry-run", is_flag=True, help="只列出到期档案 / list what is due, create nothing")
@as_json
@pass_ctx
def create(ctx: Context, title: str, to_archive: str, on: str | None, records: tuple[int, ...], dry_run: bool,
           as_json: bool) -> None:
    if dry_run:
        due = _run(ctx, lambda s, who: state_transfer.due_list(s, who, ctx.settings, _day(on)))
        _emit(due, as_json, lambda: "\n".join([t("due", date=due["date"], count=due["count"], held=len(due["held"]))]
                                              + [f"  {i['id']:>8} {i['archival_code']} {i['title']}" for i in due["items"]]))
        return
    data = _run(ctx, lambda s, who: state_transfer.create(s, who, ctx.settings, title=title, to_archive=to_archive,
                                                          day=_day(on), record_ids=list(records) or None))
    _emit(data, as_json, lambda: _batch_text(data))


@transfer_group.command("package", help="封装电子移交包（DA/T 48）/ build the electronic package (DA/T 48)")
@click.argument("batch_id", type=int)
@click.option("--files", "as_files", is_flag=True, help="文件存于包内而非 Base64 内嵌 / files beside the EEPs, not base64")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="另存 ZIP / also write the ZIP here")
@as_json
@pass_ctx
def package(ctx: Context, batch_id: int, as_files: bool, output: Path | None, as_json: bool) -> None:
    store = ctx.runtime.store
    data = _run(ctx, lambda s, who: state_transfer.package(s, who, store, batch_id=batch_id, embed=not as_files))
    if output is not None:
        output.write_bytes(_run(ctx, lambda s, who: state_transfer.package_bytes(s, who, store, batch_id)))
    _emit(data, as_json, lambda: t("packaged", records=data["records"], files=data["files"], size=data["package_size"],
                                   sha=data["package_sha256"]) + (f"\n{t('written', path=output)}" if output else ""))


@transfer_group.command("check", help="移交前四性检测（DA/T 70）/ four-property check before handover")
@click.argument("batch_id", type=int)
@click.option("--path", "path", type=click.Path(exists=True, path_type=Path),
              help="检测包的副本（ZIP 或解包目录）/ check a copy (ZIP or unpacked folder) instead of the stored package")
@as_json
@pass_ctx
def check(ctx: Context, batch_id: int, path: Path | None, as_json: bool) -> None:
    store = ctx.runtime.store
    result = _run(ctx, lambda s, who: state_transfer.check(s, who, store, batch_id=batch_id, path=path))
    _emit(result, as_json, lambda: "\n".join(
        [t("check", result=word("passed" if result["passed"] else "failed"))]
        + list(transfer_check.summary(result, word))))
    if not result["passed"]:
        raise click.exceptions.Exit(3)


@transfer_group.command("complete", help="确认已移交：档案标记为已移交进馆 / the handover took place")
@click.argument("batch_id", type=int)
@click.option("--received-by", required=True, help="接收人 / the state archive's receiver")
@as_json
@pass_ctx
def complete(ctx: Context, batch_id: int, received_by: str, as_json: bool) -> None:
    store = ctx.runtime.store
    data = _run(ctx, lambda s, who: state_transfer.complete(s, who, store, batch_id=batch_id, received_by=received_by))
    _emit(data, as_json, lambda: t("completed", to=data["to_archive"], by=data["received_by"]))


@transfer_group.command("list", help="移交批次 / transfer batches")
@as_json
@pass_ctx
def list_batches(ctx: Context, as_json: bool) -> None:
    rows = _run(ctx, lambda s, who: state_transfer.batches(s, who))
    _emit(rows, as_json, lambda: "\n".join(_batch_line(r) for r in rows) or "-")


@transfer_group.command("show", help="查看移交批次 / show a batch")
@click.argument("batch_id", type=int)
@as_json
@pass_ctx
def show(ctx: Context, batch_id: int, as_json: bool) -> None:
    data = _run(ctx, lambda s, who: state_transfer.show(s, who, batch_id))
    _emit(data, as_json, lambda: _batch_text(data))


@transfer_group.command("register", help="移交清册（PDF/A 或 XLSX）/ the transfer register")
@click.argument("batch_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf", show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def register(ctx: Context, batch_id: int, fmt: str, output: Path) -> None:
    output.write_bytes(_run(ctx, lambda s, who: state_transfer.register(s, who, batch_id, fmt)))
    click.echo(t("written", path=output))
