"""Archival codes (档号), DOMAIN.md §9: 全宗号-门类代码·年度-保管期限代码-机构(问题)代码-件号.

Example: J001-WS·2018-Y-BGS-0056; a volume-based series adds a 3-digit volume number before the
item number: J001-SB·2018-D100-012-0003. Codes are unique, stable once assigned and never
reused: the per-prefix counter only increases, and destroyed records keep their code.
"""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive.codes import Retention
from archive.errors import ValidationError
from archive.models import CodeCounter

CODE_RE = re.compile(
    r"^(?P<fonds>[A-Z0-9]{4})-(?P<category>[A-Z]{2})·(?P<year>\d{4})-(?P<retention>Y|D\d{1,3})"
    r"(?:-(?P<org>[A-Z][A-Z0-9]{0,9}))?(?:-(?P<volume>\d{3}))?-(?P<item>\d{4,})$"
)
FONDS_RE = re.compile(r"^[A-Z0-9]{4}$")
ORG_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")


@dataclasses.dataclass(frozen=True)
class CodeParts:
    fonds: str
    category: str
    year: int
    retention: str
    org: str = ""
    volume: int | None = None

    def validate(self) -> None:
        if not FONDS_RE.match(self.fonds):
            raise ValidationError(f"fonds code {self.fonds!r} must be 4 capital letters or digits, e.g. J001")
        if not re.fullmatch(r"[A-Z]{2}", self.category):
            raise ValidationError(f"category code {self.category!r} must be 2 capital letters, e.g. WS")
        if not 1900 <= self.year <= 2999:
            raise ValidationError(f"year {self.year} is out of range")
        try:
            Retention.parse(self.retention)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if self.org and not ORG_RE.match(self.org):
            raise ValidationError(f"organisation code {self.org!r} must start with a capital letter, e.g. BGS")
        if self.volume is not None and not 1 <= self.volume <= 999:
            raise ValidationError(f"volume number {self.volume} must be 1-999")

    @property
    def prefix(self) -> str:
        code = f"{self.fonds}-{self.category}·{self.year:04d}-{Retention.parse(self.retention).value}"
        if self.org:
            code += f"-{self.org}"
        if self.volume is not None:
            code += f"-{self.volume:03d}"
        return code

    def with_item(self, item: int) -> str:
        return f"{self.prefix}-{item:04d}"


def parse(code: str) -> tuple[CodeParts, int]:
    """Split a code into its parts and item number; ValidationError if malformed."""
    m = CODE_RE.match(code.strip())
    if not m:
        raise ValidationError(f"{code!r} is not a well-formed archival code (e.g. J001-WS·2018-Y-BGS-0056)")
    parts = CodeParts(
        fonds=m["fonds"],
        category=m["category"],
        year=int(m["year"]),
        retention=m["retention"],
        org=m["org"] or "",
        volume=int(m["volume"]) if m["volume"] else None,
    )
    return parts, int(m["item"])


def is_well_formed(code: str) -> bool:
    return CODE_RE.match(code) is not None


def issue(session: Session, parts: CodeParts) -> tuple[str, int]:
    """Take the next item number for this prefix, atomically, in the caller's transaction.

    One upsert statement: on PostgreSQL concurrent writers queue on the counter row's lock, on
    SQLite the transaction already holds the write lock (BEGIN IMMEDIATE). Either way each
    caller gets a distinct number, and a rolled-back filing never consumed a visible code.
    """
    parts.validate()
    dialect = session.get_bind().dialect.name
    # Both dialects spell the upsert the same way (ON CONFLICT ... DO UPDATE ... RETURNING).
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = upsert(CodeCounter).values(prefix=parts.prefix, last=1).on_conflict_do_update(
        index_elements=[CodeCounter.prefix], set_={"last": CodeCounter.last + 1}
    ).returning(CodeCounter.last)
    item = session.execute(stmt).scalar_one()
    return parts.with_item(item), item
