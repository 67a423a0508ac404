"""Issue 19: retention and secrecy rules.

Columns:
- `retention_changes` gains a status, the approver, when and why it was decided: one record's
  retention shortened by a person waits for an approver (`proposed`), as a schedule change that
  shortens does; every older row was applied when written (`applied`).
- `records` gains who set its secrecy level (`secrecy_classifier`, the 定密机关) and how
  (`secrecy_origin`: original 原定密 or derived 派生定密).

Data (the schedule, DOMAIN.md §3 and §15): appointment and removal notices (任职, 免职),
director's office and Party group meeting minutes, destruction registers of every category and
social-insurance refusal notices of every kind. As migration 0008 does, a rule still exactly as
shipped before (version 1, active, no note, named by no change) is retired and the new shipped
entry (archive.schedule_defaults) of the same kind takes its place; a new kind is added unless
an active rule of that kind exists. A rule an administrator changed stays. Going down retires
the entries still as shipped here and brings back the ones retired.

Revision ID: 0016
Revises: 0015
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from archive.schedule_defaults import DEFAULT_SCHEDULE, EVERY_CATEGORY

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

LISTS = ("keywords", "excludes", "doc_types", "business_steps")
# The entries this revision changes, as shipped before it: (category, kind) -> (keywords, excludes, priority).
PREVIOUS = {
    (None, "销毁清册与鉴定报告"): (("销毁清册", "鉴定报告", "档案鉴定", "鉴定情况"), (), 0),
    ("WS", "任免、机构设置与调整"): (("任免", "任命", "免去", "聘任", "职务", "成立", "撤销", "更名", "机构设置", "编制",
                               "领导小组", "领导分工"), (), 0),
    ("WS", "不予受理告知书"): (("不予受理",), (), 0),
    ("AJ", "不予受理告知书"): (("不予受理",), (), 0),
}
ADDED = {("WS", "局长办公会议与党组会议纪要"), ("WS", "请示与批复（按题名）"),
         ("SB", "不予受理、核定、核发、支付、更改、重核告知书（随申请保存）")}


def _tables() -> tuple[sa.Table, sa.Table, sa.Table]:
    meta = sa.MetaData()
    rules = sa.Table(
        "retention_rules", meta, sa.Column("id", sa.Integer), sa.Column("scheme", sa.String(20)),
        sa.Column("category_code", sa.String(2)), sa.Column("kind", sa.String(100)),
        *(sa.Column(name, sa.JSON) for name in LISTS), sa.Column("priority", sa.Integer),
        sa.Column("confidence", sa.Float), sa.Column("retention", sa.String(5)), sa.Column("note", sa.Text),
        sa.Column("version", sa.Integer), sa.Column("active", sa.Boolean),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    changes = sa.Table("schedule_changes", meta, sa.Column("old_rule_id", sa.Integer),
                       sa.Column("new_rule_id", sa.Integer))
    categories = sa.Table("categories", meta, sa.Column("code", sa.String(2)))
    return rules, changes, categories


def _key(entry: dict) -> tuple:
    return (None if entry["category"] == EVERY_CATEGORY else entry["category"], entry["kind"])


def _ours() -> dict[tuple, dict]:
    return {_key(e): e for e in DEFAULT_SCHEDULE if _key(e) in PREVIOUS or _key(e) in ADDED}


def _untouched(rule, named: set[int]) -> bool:
    return rule.version == 1 and not (rule.note or "") and rule.id not in named


def upgrade() -> None:
    with op.batch_alter_table("retention_changes") as batch:
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default="applied"))
        batch.add_column(sa.Column("approved_by", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decision_note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("secrecy_origin", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("secrecy_classifier", sa.String(200), nullable=False, server_default=""))
    _ship_new_entries()


def _ship_new_entries() -> None:
    bind = op.get_bind()
    rules, changes, categories = _tables()
    active = list(bind.execute(sa.select(rules).where(rules.c.active.is_(True)).order_by(rules.c.id)))
    if not active:
        return  # a fresh catalog: `archive init` seeds the shipped entries
    named = {rid for row in bind.execute(sa.select(changes.c.old_rule_id, changes.c.new_rule_id)) for rid in row if rid}
    known = {code for (code,) in bind.execute(sa.select(categories.c.code))}
    retire, add = [], []
    for key, entry in _ours().items():
        if key[0] is not None and key[0] not in known:
            continue
        same = [r for r in active if (r.category_code, r.kind) == key]
        if key in PREVIOUS:
            keywords, excludes, priority = PREVIOUS[key]
            as_before = [r for r in same if _untouched(r, named) and tuple(r.keywords or ()) == keywords
                         and tuple(r.excludes or ()) == excludes and int(r.priority or 0) == priority]
            if not as_before:
                continue  # changed by an administrator (or already as shipped now): theirs stays
            retire += [r.id for r in as_before]
        elif same:
            continue
        add.append(entry)
    now = dt.datetime.now(dt.UTC)
    if retire:
        bind.execute(sa.update(rules).where(rules.c.id.in_(retire)).values(active=False))
    if add:
        bind.execute(sa.insert(rules), [{
            "scheme": e["scheme"], "category_code": _key(e)[0], "kind": e["kind"],
            **{name: list(e[name]) for name in LISTS}, "priority": e["priority"], "confidence": e["confidence"],
            "retention": e["retention"], "note": "", "version": 1, "active": True, "created_at": now,
        } for e in add])


def downgrade() -> None:
    bind = op.get_bind()
    rules, changes, _ = _tables()
    named = {rid for row in bind.execute(sa.select(changes.c.old_rule_id, changes.c.new_rule_id)) for rid in row if rid}
    ours = _ours()
    shipped, retired = {}, {}
    for rule in bind.execute(sa.select(rules).where(rules.c.version == 1).order_by(rules.c.id)):
        key = (rule.category_code, rule.kind)
        if key not in ours or not _untouched(rule, named):
            continue
        if rule.active and tuple(rule.keywords or ()) == tuple(ours[key]["keywords"]) \
                and int(rule.priority or 0) == ours[key]["priority"]:
            shipped[key] = rule.id
        elif not rule.active and key in PREVIOUS and tuple(rule.keywords or ()) == PREVIOUS[key][0]:
            retired[key] = rule.id
    for key, rule_id in shipped.items():
        # A changed entry goes back only where its earlier version is there to take its place.
        if key in ADDED or key in retired:
            bind.execute(sa.update(rules).where(rules.c.id == rule_id).values(active=False))
        if key in retired:
            bind.execute(sa.update(rules).where(rules.c.id == retired[key]).values(active=True))
    with op.batch_alter_table("records") as batch:
        batch.drop_column("secrecy_classifier")
        batch.drop_column("secrecy_origin")
    with op.batch_alter_table("retention_changes") as batch:
        batch.drop_column("decision_note")
        batch.drop_column("decided_at")
        batch.drop_column("approved_by")
        batch.drop_column("status")
