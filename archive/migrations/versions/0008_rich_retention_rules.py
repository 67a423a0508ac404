"""One retention schedule, as rich as the classifier's was: a rule may exclude title words, name
文种 and business steps, carry a priority and a confidence, and apply to every category.

Every category: `category_code` becomes nullable and NULL means every category. The foreign
key to categories stays, so a rule of one category still names a category that exists; one
row per category instead would make an administrator change the same rule seven times and
leave a category added later without it.

Data: on a catalog seeded by the old default table, the rules still exactly as seeded (version
1, active, unchanged, no change waiting for approval) are retired (`active` false, kept for the
record) and the new defaults (archive.schedule_defaults) take their place; a rule an
administrator changed or added stays, and a new default of the same kind (or, for a catch-all,
the new catch-all of the same category) is then left out so it does not compete with it. A
fresh catalog has no rules yet: `archive init` seeds the new defaults. Going down retires the
new defaults still as shipped and brings back the old ones retired here; a rule for every
category goes back to 文书.

The new defaults are read from archive.schedule_defaults (the one copy of the shipped table); a
later change of that table comes with its own migration, which recognises untouched rules the
same way (version 1, as shipped, never named by a change).

Revision ID: 0008
Revises: 0007
"""

import contextlib
import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

from archive.schedule_defaults import DEFAULT_SCHEDULE, EVERY_CATEGORY

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The default table archive init seeded up to revision 0007: (scheme, category, kind, keywords, retention).
OLD_DEFAULTS: list[tuple[str, str, str, list[str], str]] = [
    ("documents", "WS", "销毁清册与鉴定报告", ["销毁清册", "鉴定报告"], "Y"),
    ("documents", "WS", "本机关制定的规章制度", ["规则", "规定", "办法", "制度", "章程"], "Y"),
    ("documents", "WS", "重要会议纪要", ["局务会", "党组会", "党组会议", "常务会议"], "Y"),
    ("documents", "WS", "任免、机构设置与调整", ["任免", "任命", "免去", "机构设置", "编制", "更名"], "Y"),
    ("documents", "WS", "向上级的请示与批复", ["请示", "批复"], "Y"),
    ("documents", "WS", "合同协议与产权", ["合同", "协议", "产权"], "Y"),
    ("documents", "WS", "年度工作计划与总结", ["年度工作", "工作总结", "工作要点"], "Y"),
    ("documents", "WS", "一般人事事项", ["考勤", "请假", "培训", "年休"], "D10"),
    ("documents", "WS", "一般会议与一般业务文件", [], "D30"),
    ("business", "WS", "不予受理告知书", ["不予受理"], "D2"),
    ("social_insurance", "SB", "用人单位参保登记", ["单位参保", "单位登记", "用人单位"], "Y"),
    ("social_insurance", "SB", "年度统计报表", ["年度统计", "年报"], "Y"),
    ("social_insurance", "SB", "个人参保与个人账户", ["个人参保", "个人账户", "参保登记", "待遇", "核定"], "D100"),
    ("social_insurance", "SB", "社会保障卡", ["社会保障卡", "社保卡"], "D50"),
    ("social_insurance", "SB", "登记证", ["登记证"], "D10"),
    ("social_insurance", "SB", "数据与分析报告", ["分析报告", "数据报告"], "D30"),
    ("social_insurance", "SB", "月度与季度报表", ["月报", "季报", "月度", "季度"], "D10"),
    ("social_insurance", "SB", "稽核监督与内控", ["稽核", "监督", "内控", "内审"], "D30"),
    ("social_insurance", "SB", "其他社保业务", [], "D30"),
    ("case", "AJ", "案件合议记录", ["合议"], "Y"),
    ("case", "AJ", "案件卷宗", [], "D30"),
    ("personnel", "RS", "人事档案", [], "Y"),
    ("accounting", "KJ", "会计凭证与账簿", [], "D30"),
    ("technical", "JJ", "科技与基建档案", [], "Y"),
    ("audio_visual", "SX", "声像档案", [], "Y"),
]
LISTS = ("excludes", "doc_types", "business_steps")


@contextlib.contextmanager
def _rebuilding_rules() -> Iterator[None]:
    """SQLite rebuilds retention_rules in batch mode (copy, drop, rename), which its foreign keys
    forbid while schedule changes point at the rules: the pointers step aside during the rebuild
    and come back after, in the same transaction."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    _, changes, _ = _tables()
    links = [dict(row._mapping) for row in bind.execute(
        sa.select(changes.c.id, changes.c.old_rule_id, changes.c.new_rule_id))]
    bind.execute(sa.update(changes).values(old_rule_id=None, new_rule_id=None))
    yield
    for link in links:
        bind.execute(sa.update(changes).where(changes.c.id == link["id"]).values(
            old_rule_id=link["old_rule_id"], new_rule_id=link["new_rule_id"]))


def upgrade() -> None:
    with _rebuilding_rules(), op.batch_alter_table("retention_rules") as batch:
        for name in LISTS:
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=False, server_default="0.85"))
        batch.alter_column("category_code", existing_type=sa.String(length=2), nullable=True)
    _replace_untouched_defaults()


def _tables() -> tuple[sa.Table, sa.Table, sa.Table]:
    meta = sa.MetaData()
    rules = sa.Table(
        "retention_rules", meta, sa.Column("id", sa.Integer), sa.Column("scheme", sa.String(20)),
        sa.Column("category_code", sa.String(2)), sa.Column("kind", sa.String(100)), sa.Column("keywords", sa.JSON),
        *(sa.Column(name, sa.JSON) for name in LISTS), sa.Column("priority", sa.Integer),
        sa.Column("confidence", sa.Float), sa.Column("retention", sa.String(5)), sa.Column("note", sa.Text),
        sa.Column("version", sa.Integer), sa.Column("active", sa.Boolean), sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    changes = sa.Table("schedule_changes", meta, sa.Column("id", sa.Integer), sa.Column("old_rule_id", sa.Integer),
                       sa.Column("new_rule_id", sa.Integer), sa.Column("status", sa.String(10)))
    categories = sa.Table("categories", meta, sa.Column("code", sa.String(2)))
    return rules, changes, categories


def _covered(entry: dict, kept: list) -> bool:
    """A rule an administrator changed or added already covers what the new entry would."""
    category = None if entry["category"] == EVERY_CATEGORY else entry["category"]
    catch_all = not (entry["keywords"] or entry["doc_types"] or entry["business_steps"])
    for rule in kept:
        if rule.kind == entry["kind"] and (rule.category_code == category or None in (rule.category_code, category)):
            return True
        rule_catch_all = not (rule.keywords or rule.doc_types or rule.business_steps)
        if catch_all and rule_catch_all and rule.category_code == category:
            return True
    return False


def _replace_untouched_defaults() -> None:
    bind = op.get_bind()
    rules, changes, categories = _tables()
    seeded = {(scheme, cat, kind, tuple(words), retention) for scheme, cat, kind, words, retention in OLD_DEFAULTS}
    waiting = {row.old_rule_id for row in bind.execute(
        sa.select(changes.c.old_rule_id).where(changes.c.status == "proposed"))}
    untouched, kept = [], []
    for rule in bind.execute(sa.select(rules).where(rules.c.active.is_(True)).order_by(rules.c.id)):
        as_seeded = (rule.scheme, rule.category_code, rule.kind, tuple(rule.keywords or ()), rule.retention)
        if rule.version == 1 and as_seeded in seeded and not (rule.note or "") and rule.id not in waiting:
            untouched.append(rule.id)
        else:
            kept.append(rule)
    if not untouched:
        return  # a fresh catalog (archive init seeds the new defaults) or one whose schedule is all the administrators'
    bind.execute(sa.update(rules).where(rules.c.id.in_(untouched)).values(active=False))
    known = {code for (code,) in bind.execute(sa.select(categories.c.code))}
    now = dt.datetime.now(dt.UTC)
    rows = []
    for entry in DEFAULT_SCHEDULE:
        category = None if entry["category"] == EVERY_CATEGORY else entry["category"]
        if (category is not None and category not in known) or _covered(entry, kept):
            continue
        rows.append({
            "scheme": entry["scheme"], "category_code": category, "kind": entry["kind"],
            "keywords": list(entry["keywords"]), **{name: list(entry[name]) for name in LISTS},
            "priority": entry["priority"], "confidence": entry["confidence"], "retention": entry["retention"],
            "note": "", "version": 1, "active": True, "created_at": now,
        })
    if rows:
        bind.execute(sa.insert(rules), rows)


def _shipped(entry: dict) -> tuple:
    category = None if entry["category"] == EVERY_CATEGORY else entry["category"]
    return (entry["scheme"], category, entry["kind"], *(tuple(entry[k]) for k in ("keywords", *LISTS)),
            entry["priority"], entry["confidence"], entry["retention"])


def _restore_old_defaults() -> None:
    """The inverse of the data step: the new defaults still as shipped are retired and the old
    ones this migration retired (version 1, as seeded, never named by a change) come back."""
    bind = op.get_bind()
    rules, changes, _ = _tables()
    shipped = {_shipped(entry) for entry in DEFAULT_SCHEDULE}
    seeded = {(scheme, cat, kind, tuple(words), retention) for scheme, cat, kind, words, retention in OLD_DEFAULTS}
    named = {rule_id for row in bind.execute(sa.select(changes.c.old_rule_id)) for rule_id in row if rule_id}
    new_untouched, old_retired = [], []
    for rule in bind.execute(sa.select(rules).where(rules.c.version == 1).order_by(rules.c.id)):
        if rule.id in named or (rule.note or ""):
            continue
        lists = (tuple(getattr(rule, k) or ()) for k in ("keywords", *LISTS))
        as_shipped = (rule.scheme, rule.category_code, rule.kind, *lists, rule.priority, rule.confidence,
                      rule.retention)
        if rule.active and as_shipped in shipped:
            new_untouched.append(rule.id)
        elif not rule.active and (rule.scheme, rule.category_code, rule.kind, tuple(rule.keywords or ()),
                                  rule.retention) in seeded:
            old_retired.append(rule.id)
    if new_untouched and old_retired:
        bind.execute(sa.update(rules).where(rules.c.id.in_(new_untouched)).values(active=False))
        bind.execute(sa.update(rules).where(rules.c.id.in_(old_retired)).values(active=True))


def downgrade() -> None:
    _restore_old_defaults()
    # A rule for every category goes back to 文书, where the old table kept the archive's own registers.
    op.execute("UPDATE retention_rules SET category_code = 'WS' WHERE category_code IS NULL")
    with _rebuilding_rules(), op.batch_alter_table("retention_rules") as batch:
        batch.alter_column("category_code", existing_type=sa.String(length=2), nullable=False)
        for name in ("confidence", "priority", *reversed(LISTS)):
            batch.drop_column(name)
