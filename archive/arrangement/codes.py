"""The numbers of arrangement (DOMAIN.md §9, §13): a volume's archival code, an item's code under
its volume, a box's code, and the order of personnel classes.

A volume of a volume-based series is `全宗-门类·年度-期限[-机构]-卷号` with a 4-digit volume number
(`J001-SB·2022-D100-0003`); its items are numbered under it by their 序号 (`…-0003-012`). Volume
and box numbers come from counters of their own (archive.models.CodeCounter, keyed apart from the
item counters), so they only increase and are never reused, like item numbers.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive.archival_code import CodeParts
from archive.models import CodeCounter, Record

VOLUME_COUNTER = "卷|"  # counter keys: these prefixes never look like an item code's prefix
BOX_COUNTER = "盒|"
VOLUME_ITEM_RE = re.compile(r"^(?P<volume>.+-\d{4})-(?P<sequence>\d{3})$")


def next_number(session: Session, key: str) -> int:
    """The next number of counter `key`, atomically in the caller's transaction."""
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = upsert(CodeCounter).values(prefix=key, last=1).on_conflict_do_update(
        index_elements=[CodeCounter.prefix], set_={"last": CodeCounter.last + 1}
    ).returning(CodeCounter.last)
    return int(session.execute(stmt).scalar_one())


def issue_volume_code(session: Session, parts: CodeParts) -> tuple[str, int]:
    """(code, volume number) for a new volume of this series. A number whose code an item
    already holds (items share the series prefix) is skipped: a code names one thing only."""
    parts.validate()
    while True:
        number = next_number(session, VOLUME_COUNTER + parts.prefix)
        code = f"{parts.prefix}-{number:04d}"
        taken = session.execute(select(Record.id).where(Record.archival_code == code)).first()
        if taken is None:
            return code, number


def issue_box_number(session: Session, parts: CodeParts) -> tuple[str, int]:
    parts.validate()
    number = next_number(session, BOX_COUNTER + parts.prefix)
    return f"{parts.prefix}-H{number:03d}", number


def item_code(volume_code: str, sequence: int | None) -> str:
    """An item's code under its volume: the volume's code and the item's 序号 in 3 digits."""
    return f"{volume_code}-{sequence:03d}" if sequence else ""


def personnel_order(klass: str) -> tuple[int, int]:
    """(class, sub-class) of a personnel class as written: '4-2', '4.2', '4', '10'. Unknown last."""
    m = re.fullmatch(r"\s*(\d{1,2})(?:\s*[-.－]\s*(\d))?\s*", klass or "")
    if not m or not 1 <= int(m[1]) <= 10:
        return (99, 0)
    return (int(m[1]), int(m[2] or 0))
