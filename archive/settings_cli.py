"""`archive config rules [KEY]` and `archive config set KEY VALUE`: every administrable rule
(archive.settings_registry), shown in words, changed by the system administrator, audited. They
join the core `archive config` group (whose `show` prints the environment settings in force)."""

from __future__ import annotations

import click

from archive import settings_registry as registry
from archive.cli import Context, emit, json_option, pass_ctx
from archive.i18n import lang


def _line(row: dict) -> str:
    en = lang() == "en"
    return f"{row['key']}  {row['label_en'] if en else row['label_zh']}：{row['words_en'] if en else row['words_zh']}"


@click.command("rules", help="可配置规则及现值（系统管理员、审计员）/ the configurable rules and their values")
@click.argument("key", required=False)
@json_option
@pass_ctx
def rules_command(ctx: Context, key: str | None, as_json: bool) -> None:
    rows = ctx.act(lambda s, who: registry.show(s, who))
    if key is not None:
        rows = [r for r in rows if r["key"] == key]
        if not rows:
            raise click.ClickException(f"no setting {key!r}")
    emit(rows, as_json, lambda: "\n".join(_line(r) for r in rows))


@click.command("set", help="修改一条规则（系统管理员）；表格型规则的值为 JSON / change one rule; a table's value is JSON")
@click.argument("key")
@click.argument("value")
@json_option
@pass_ctx
def set_command(ctx: Context, key: str, value: str, as_json: bool) -> None:
    row = ctx.act(lambda s, who: registry.change(s, who, key, value))
    emit(row, as_json, lambda: _line(row))
