"""The purposes a walk-in request may name, as one administrable setting (archive.settings_registry):
a table of code, Chinese and English words. Personal use cannot be added (archive.utilization.purposes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive.identity import Identity
from archive.settings_registry import Column, Setting
from archive.utilization import purposes

COLUMNS = (Column("code", "代码", "Code", "text", required=True), Column("zh", "利用目的", "Purpose (Chinese)",
                                                                       "text", required=True),
           Column("en", "英文", "Purpose (English)", "text", required=True))


def read(session: Session) -> list[dict[str, Any]]:
    return [{"code": code, "zh": zh, "en": en} for code, (zh, en) in purposes.purposes(session).items()]


def write(session: Session, who: Identity, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    purposes.configure(session, who, {str(r["code"]).strip(): (str(r["zh"]), str(r["en"])) for r in rows})
    return read(session)


def settings() -> list[Setting]:
    return [Setting("utilization.purposes", "查档利用目的清单", "Purposes of walk-in and outside-unit requests",
                    "table", columns=COLUMNS, read=read, write=write, group="utilization",
                    help_zh="查档登记时利用目的须在此清单中；“个人使用档案内容”一律不予办理，不能加入。",
                    help_en="A request's purpose must be in this list; personal use of archives' content is "
                            "always refused and cannot be added.")]
