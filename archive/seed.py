"""Default reference data loaded by `archive init`: categories and the retention schedule.

Both are *configurable* (DOMAIN.md): these are the shipped defaults an administrator edits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import DEFAULT_CATEGORIES
from archive.models import Category, Fonds, RetentionRule

# (scheme, category, kind, title keywords, retention) — DOMAIN.md §3, 国家档案局令第8号 and the
# 2009 social-insurance rules. The first matching entry wins, so specific kinds come first.
DEFAULT_SCHEDULE: list[tuple[str, str, str, list[str], str]] = [
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

DEFAULT_FONDS = ("J001", "人力资源和社会保障局")


def seed_defaults(session: Session, actor: str, fonds: tuple[str, str] = DEFAULT_FONDS) -> dict[str, int]:
    """Load what is missing; never overwrites an administrator's edits. Returns counts added."""
    added = {"categories": 0, "retention_rules": 0, "fonds": 0}
    known = set(session.execute(select(Category.code)).scalars())
    for code, zh, en in DEFAULT_CATEGORIES:
        if code not in known:
            session.add(Category(code=code, name_zh=zh, name_en=en))
            added["categories"] += 1
    session.flush()
    if not session.execute(select(RetentionRule.id).limit(1)).first():
        for scheme, cat, kind, keywords, retention in DEFAULT_SCHEDULE:
            session.add(RetentionRule(scheme=scheme, category_code=cat, kind=kind, keywords=keywords, retention=retention))
            added["retention_rules"] += 1
    if not session.execute(select(Fonds).where(Fonds.code == fonds[0])).scalar_one_or_none():
        session.add(Fonds(code=fonds[0], name=fonds[1]))
        added["fonds"] += 1
    session.flush()
    if any(added.values()):
        audit.record(session, actor, "catalog.seed", "catalog", added)
    return added
