"""The approval matrix (DOMAIN.md §5) as data: the first matching row chooses the chain.

Each row names conditions on a request (lowest secrecy level that triggers it, extract, another
department, personnel file) and a chain of steps; each step is one approval by any of the
listed roles. The system administrator replaces the rows with `set_matrix` (Action.ADMINISTER);
an empty table means the shipped defaults below. Outside borrowers need their papers first and then follow the same rows.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import Role
from archive.errors import ValidationError
from archive.lending.access import Who, acting, acting_for
from archive.lending.models import ApprovalRule
from archive.policy import Action, rank


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    steps: tuple[tuple[str, ...], ...]
    min_level: str | None = None  # matches requests whose highest level is at least this
    extract: bool | None = None  # None: either
    other_department: bool | None = None
    personnel: bool | None = None
    consultation: bool | None = None  # content the use matrix reserves to approved consultations

    def matches(self, facts: RequestFacts) -> bool:
        if self.min_level is not None and rank(facts.level) < rank(self.min_level):
            return False
        for name in FLAGS:
            wanted = getattr(self, name)
            if wanted is not None and getattr(facts, name) != wanted:
                return False
        return True


@dataclasses.dataclass(frozen=True)
class RequestFacts:
    """What the matrix looks at."""

    level: str
    extract: bool = False
    other_department: bool = False
    personnel: bool = False
    consultation: bool = False


FLAGS = ("extract", "other_department", "personnel", "consultation")

# DOMAIN.md §5, strictest first. 'dept_head' is the head of the requester's own department.
DEFAULT_MATRIX: tuple[Rule, ...] = (
    Rule("top_secret", ((Role.DIRECTOR.value,),), min_level="top_secret"),
    Rule("state_secret", ((Role.LEADER.value,),), min_level="secret"),
    Rule("extract", ((Role.LEADER.value,),), extract=True),
    Rule("personnel_file", ((Role.OFFICE_DIRECTOR.value, Role.LEADER.value),), personnel=True),
    # §15: any internal use of what the use matrix reserves (RS, SB, personal data) needs the
    # office director or the leader in charge (archive.use_matrix).
    Rule("internal_use", ((Role.OFFICE_DIRECTOR.value, Role.LEADER.value),), consultation=True),
    Rule("other_department", ((Role.OFFICE_DIRECTOR.value, Role.LEADER.value),), other_department=True),
    Rule("own_department", ((Role.DEPT_HEAD.value,),)),
)


def load_matrix(session: Session) -> tuple[Rule, ...]:
    rows = session.execute(select(ApprovalRule).order_by(ApprovalRule.priority)).scalars().all()
    if not rows:
        return DEFAULT_MATRIX
    return tuple(
        Rule(r.name, tuple(tuple(step) for step in r.steps), r.min_level, r.extract, r.other_department, r.personnel,
             r.consultation)
        for r in rows
    )


def matrix(session: Session, who: Who) -> tuple[Rule, ...]:
    """The matrix in force (any signed-in person may read which chain a request will take)."""
    acting(session, who)
    return load_matrix(session)


def rule_from_dict(data: dict) -> Rule:
    """A row as the faces send it: {"name", "steps": [[role, ...], ...], "min_level"?, "extract"?,
    "other_department"?, "personnel"?, "consultation"?}."""
    if not isinstance(data, dict):
        raise ValidationError("every row of the approval matrix is an object")
    name, steps = data.get("name"), data.get("steps")
    if not isinstance(name, str) or not name.strip() or len(name) > 50:
        raise ValidationError("every row of the approval matrix has a name of at most 50 characters")
    if not isinstance(steps, list) or not all(isinstance(s, list) and all(isinstance(r, str) for r in s)
                                              for s in steps):
        raise ValidationError(f"row {name}: steps is a list of lists of roles")
    flags = {}
    for key in FLAGS:
        value = data.get(key)
        if value is not None and not isinstance(value, bool):
            raise ValidationError(f"row {name}: {key} is true, false or absent")
        flags[key] = value
    level = data.get("min_level")
    if level is not None:
        try:
            rank(level)
        except ValueError:
            raise ValidationError(f"row {name}: unknown level {level!r}") from None
    return Rule(name.strip(), tuple(tuple(s) for s in steps), level, **flags)


def set_matrix(session: Session, who: Who, rules: list[Rule]) -> None:
    """Replace the configured matrix (audited). The last row must match everything."""
    actor = acting_for(session, who, Action.ADMINISTER).username
    if not rules or rules[-1].matches(RequestFacts("public")) is False:
        raise ValidationError("the last row of the approval matrix must match every request")
    roles = {r.value for r in Role}
    for rule in rules:
        if not rule.steps or any(not step or set(step) - roles for step in rule.steps):
            raise ValidationError(f"row {rule.name}: every step needs known approver roles")
    session.execute(delete(ApprovalRule))
    for priority, rule in enumerate(rules):
        session.add(ApprovalRule(
            priority=priority, name=rule.name, min_level=rule.min_level, extract=rule.extract,
            other_department=rule.other_department, personnel=rule.personnel, steps=[list(s) for s in rule.steps],
            consultation=rule.consultation,
        ))
    audit.record(session, actor, "approval_matrix.set", "approval_matrix",
                 {"rules": [dataclasses.asdict(r) for r in rules]})


def chain_for(matrix: tuple[Rule, ...], facts: RequestFacts) -> Rule:
    for rule in matrix:
        if rule.matches(facts):
            return rule
    raise ValidationError("no row of the approval matrix matches this request")
