from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from archive.schema import Base


def test_migrations_build_every_model_table(catalog):
    catalog.migrate()  # idempotent on an already migrated catalog
    tables = set(inspect(catalog.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(catalog):
    with catalog.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], f"models changed without a migration: {diff}"



def _migrate_to(catalog, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from archive.db import alembic_config

    with catalog.engine.begin() as conn:
        cfg = alembic_config(catalog.url)
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _old_default_table() -> list:
    """The default table `archive init` seeded before 0008, as the migration knows it."""
    import importlib.util
    from pathlib import Path

    import archive

    path = Path(archive.__file__).parent / "migrations" / "versions" / "0008_rich_retention_rules.py"
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.OLD_DEFAULTS


def test_0008_replaces_the_untouched_old_defaults_and_keeps_the_administrators_rules(catalog):
    """A catalog seeded by the old default table, where an administrator changed one rule
    (一般人事事项, approved: version 2), added one (信访材料) and proposed a change of another
    (案件卷宗, waiting): after 0008 the untouched rules are retired and the new defaults govern
    (意见, 决定, 纪要 permanent again; 转发 D10; SB by business step), the administrators' rules
    stay and no new default competes with them; going back down and up again changes nothing more."""
    import datetime as dt

    import sqlalchemy as sa

    from archive.codes import DEFAULT_CATEGORIES
    from archive.models import RetentionRule
    from archive.retention_rules import active_rules, governing_rule

    _migrate_to(catalog, "0007", down=True)
    now = dt.datetime.now(dt.UTC)
    meta = sa.MetaData()
    with catalog.engine.begin() as conn:
        meta.reflect(conn, only=["categories", "retention_rules", "schedule_changes"])
        rules, changes = meta.tables["retention_rules"], meta.tables["schedule_changes"]
        conn.execute(sa.insert(meta.tables["categories"]),
                     [{"code": c, "name_zh": zh, "name_en": en, "active": True} for c, zh, en in DEFAULT_CATEGORIES])
        ids = {}
        for scheme, category, kind, keywords, retention in _old_default_table():
            ids[kind] = conn.execute(sa.insert(rules).values(
                scheme=scheme, category_code=category, kind=kind, keywords=keywords, retention=retention, note="",
                version=1, active=True, created_at=now)).inserted_primary_key[0]
        conn.execute(sa.update(rules).where(rules.c.id == ids["一般人事事项"]).values(active=False))
        changed = conn.execute(sa.insert(rules).values(
            scheme="documents", category_code="WS", kind="一般人事事项", keywords=["考勤", "请假"], retention="D30",
            note="", version=2, active=True, created_at=now)).inserted_primary_key[0]
        added = conn.execute(sa.insert(rules).values(
            scheme="documents", category_code="WS", kind="信访材料", keywords=["信访"], retention="D10", note="",
            version=1, active=True, created_at=now)).inserted_primary_key[0]
        for old, new, status in ((ids["一般人事事项"], changed, "approved"), (None, added, "approved"),
                                 (ids["案件卷宗"], None, "proposed")):
            conn.execute(sa.insert(changes).values(
                version=0 if status == "proposed" else 2, old_rule_id=old, new_rule_id=new, old_retention="",
                new_retention="D30", reason="r", changed_by="admin", approved_by="", recomputed=0, changed_at=now,
                status=status))
    _migrate_to(catalog, "heads")

    with catalog.session() as s:
        rules_now = active_rules(s)
        active_ids = {r.id for r in rules_now}
        assert ids["本机关制定的规章制度"] not in active_ids and s.get(RetentionRule, ids["本机关制定的规章制度"]) is not None
        assert {changed, added, ids["案件卷宗"]} <= active_ids
        assert [r.id for r in rules_now if r.kind == "一般人事事项"] == [changed]  # no new default beside it
        assert [r.id for r in rules_now if r.category_code == "AJ" and not r.keywords] == [ids["案件卷宗"]]
        assert [r.kind for r in rules_now if r.category_code is None] == ["销毁清册与鉴定报告"]

        def period(category, title, doc_type=None, step=None):
            found = governing_rule(rules_now, category, title, doc_type, step)
            return found.rule.retention

        assert period("WS", "关于加强档案工作的意见", "意见") == "Y"
        assert period("WS", "关于表彰2019年度先进集体的决定", "决定") == "Y"
        assert period("WS", "2019年第5次专题会议纪要", "纪要") == "Y"
        assert period("WS", "关于转发省厅就业工作通知的通知", "通知") == "D10"
        assert period("WS", "2019年人力资源和社会保障事业发展统计公报", "公报") == "Y"
        assert period("SB", "基本养老金待遇核定表", None, "养老待遇") == "D100"
        assert period("WS", "关于加强考勤管理的通知", "通知") == "D30"  # the administrator's version
        assert period("WS", "关于信访事项的函", "函") == "D10"
        assert period("KJ", "2019年度档案销毁清册") == "Y"
        count = len(rules_now)

    _migrate_to(catalog, "0007", down=True)  # the rule for every category goes back to 文书
    with catalog.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM retention_rules WHERE category_code IS NULL")).scalar() == 0
    _migrate_to(catalog, "heads")
    with catalog.session() as s:
        assert len(active_rules(s)) == count
