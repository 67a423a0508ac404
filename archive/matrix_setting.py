"""The approval matrix of loans and consultations (archive.lending.approvals, DOMAIN.md §5) as one
administrable setting (archive.settings_registry): a table whose rows the web form offers with
drop-downs — the lowest secrecy level, yes/no/either for extract, other department and personnel
file, and up to three approval steps, each one or more roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive.codes import SECRECY_ZH, Secrecy
from archive.errors import ValidationError
from archive.identity import Identity
from archive.lending import approvals
from archive.settings_registry import Choice, Column, Setting

STEPS = ("step1", "step2", "step3")
FLAGS: tuple[str, ...] = tuple(getattr(approvals, "FLAGS", ("extract", "other_department", "personnel")))
FLAG_LABELS = {"extract": ("摘抄", "Extract"), "other_department": ("跨部门", "Other department"),
               "personnel": ("人事档案", "Personnel file"), "consultation": ("须经批准查阅的内容", "Reserved content")}

_LEVELS = tuple(Choice(level.value, SECRECY_ZH[level], level.value.replace("_", " ")) for level in Secrecy)
COLUMNS = (
    Column("name", "规则名称", "Rule", "text", required=True),
    Column("min_level", "最低密级", "Lowest secrecy level", "choice", _LEVELS),
    *(Column(flag, *FLAG_LABELS.get(flag, (flag, flag)), "flag") for flag in FLAGS),
    Column("step1", "第一步审批", "First approval", "roles", required=True),
    Column("step2", "第二步审批", "Second approval", "roles"),
    Column("step3", "第三步审批", "Third approval", "roles"),
)


def _row(rule: approvals.Rule) -> dict[str, Any]:
    steps = [list(step) for step in rule.steps] + [[], [], []]
    return {"name": rule.name, "min_level": rule.min_level, **{flag: getattr(rule, flag) for flag in FLAGS},
            **{name: steps[n] for n, name in enumerate(STEPS)}}


def read(session: Session) -> list[dict[str, Any]]:
    return [_row(rule) for rule in approvals.load_matrix(session)]


def write(session: Session, who: Identity, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the table's shape back to the matrix; set_matrix checks the last row matches all."""
    rules = []
    for row in rows:
        steps = [row[name] for name in STEPS]
        if any(not step and later for n, step in enumerate(steps) for later in steps[n + 1:]):
            raise ValidationError(f"approval_matrix: row {row['name']}: a later step without the one before it")
        rules.append(approvals.Rule(row["name"], tuple(tuple(s) for s in steps if s), row["min_level"],
                                    **{flag: row[flag] for flag in FLAGS}))
    approvals.set_matrix(session, who, rules)
    return read(session)


def settings() -> list[Setting]:
    return [Setting("lending.approval_matrix", "借阅与查阅审批矩阵", "Approval matrix of loans and consultations",
                    "table", columns=COLUMNS, read=read, write=write, group="lending",
                    help_zh="申请提交时按顺序取第一条符合的规则；最后一条须适用于所有申请。",
                    help_en="A request takes the first row that matches; the last row must match every request.")]
