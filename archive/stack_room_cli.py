"""`archive stackroom enter|leave|reading|import|list`: the stack-room log (库房日志, DOMAIN.md §15).
Each command acts as the logged-in archivist and calls one service of archive.stack_room."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from archive import stack_room
from archive.cli import Context, emit, json_option, pass_ctx


def entry_line(e: dict) -> str:
    approver = f"批准 approved by {e['approver_name']}" if e["approved_by"] else "档案员 archivist"
    out = e["left_at"] or "在库 inside"
    return (f"{e['id']:>5} {e['person']}{' (' + e['unit'] + ')' if e['unit'] else ''} {e['room']} "
            f"入 in {e['entered_at']} 出 out {out} · {e['purpose']} · {approver}")


def reading_line(r: dict) -> str:
    alert = f" ⚠ {r['alert']}" if r["alert"] else ""
    return f"{r['id']:>5} {r['taken_at']} {r['room']} {r['temperature']:g}℃ {r['humidity']:g}%RH{alert}"


def _when(value: str | None) -> dt.datetime | None:
    return stack_room.parse_time(value) if value else None


@click.group("stackroom", help="库房日志：出入登记、温湿度 / the stack-room log")
def stackroom_group() -> None:
    pass


@stackroom_group.command("enter", help="登记进入库房（非档案员须领导批准）/ log someone going in")
@click.argument("person")
@click.option("--purpose", required=True, help="事由 / purpose")
@click.option("--approved-by", default="", help="批准的领导（用户名）/ the approving leader's user name")
@click.option("--unit", default="", help="单位（无账户的人员）/ unit of a visitor")
@click.option("--room", default="", help="库房 / room")
@click.option("--at", "at", default=None, help="时间（北京时间）YYYY-MM-DD HH:MM / time (default now)")
@json_option
@pass_ctx
def stackroom_enter(ctx: Context, person: str, purpose: str, approved_by: str, unit: str, room: str,
                    at: str | None, as_json: bool) -> None:
    data = ctx.act(lambda s, who: stack_room.enter(s, who, person=person, purpose=purpose, approved_by=approved_by,
                                                   unit=unit, room=room, at=_when(at)))
    emit(data, as_json, lambda: entry_line(data))


@stackroom_group.command("leave", help="登记离开库房 / log someone leaving")
@click.argument("entry_id", type=int)
@click.option("--at", "at", default=None, help="时间（北京时间）/ time (default now)")
@json_option
@pass_ctx
def stackroom_leave(ctx: Context, entry_id: int, at: str | None, as_json: bool) -> None:
    data = ctx.act(lambda s, who: stack_room.leave(s, who, entry_id, _when(at)))
    emit(data, as_json, lambda: entry_line(data))


@stackroom_group.command("reading", help="登记一次温湿度 / record a temperature and humidity reading")
@click.option("--temperature", required=True, help="温度 ℃")
@click.option("--humidity", required=True, help="相对湿度 %RH")
@click.option("--room", default="", help="库房 / room")
@click.option("--at", "at", default=None, help="时间（北京时间）/ time (default now)")
@json_option
@pass_ctx
def stackroom_reading(ctx: Context, temperature: str, humidity: str, room: str, at: str | None,
                      as_json: bool) -> None:
    data = ctx.act(lambda s, who: stack_room.record_reading(s, who, temperature=temperature, humidity=humidity,
                                                            at=_when(at), room=room))
    emit(data, as_json, lambda: reading_line(data))


@stackroom_group.command("import", help="导入温湿度传感器 CSV（时间,温度,湿度[,库房]）/ import a sensor CSV")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--room", default="", help="库房（CSV 无库房列时）/ room when the CSV has none")
@json_option
@pass_ctx
def stackroom_import(ctx: Context, path: Path, room: str, as_json: bool) -> None:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    data = ctx.act(lambda s, who: stack_room.import_readings(s, who, text, filename=path.name, room=room))

    def show() -> str:
        lines = [f"导入 imported {data['imported']} · 超限 alerts {len(data['alerts'])} · 错误行 bad rows "
                 f"{len(data['errors'])}"]
        lines += [f"  ⚠ {reading_line(a)}" for a in data["alerts"]]
        lines += [f"  第 {e['line']} 行 line {e['line']}: {e['error']}" for e in data["errors"]]
        return "\n".join(lines)

    emit(data, as_json, show)


@stackroom_group.command("list", help="库房日志：在库人员、出入登记、温湿度与超限 / the log")
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
@pass_ctx
def stackroom_list(ctx: Context, limit: int, as_json: bool) -> None:
    data = ctx.act(lambda s, who: stack_room.log(s, who, limit=limit))

    def show() -> str:
        b = data["limits"]
        lines = [f"限值 limits: {b['temperature_min']:g}–{b['temperature_max']:g}℃, "
                 f"{b['humidity_min']:g}–{b['humidity_max']:g}%RH", "出入登记 entries:"]
        lines += [entry_line(e) for e in data["entries"]] or ["  （无 none）"]
        lines += ["温湿度 readings:"] + ([reading_line(r) for r in data["readings"]] or ["  （无 none）"])
        lines += ["超限 alerts:"] + ([reading_line(r) for r in data["alerts"]] or ["  （无 none）"])
        return "\n".join(lines)

    emit(data, as_json, show)
