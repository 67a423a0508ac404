"""Proposing a retention period from the retention schedule (保管期限表, DOMAIN §3).

Two forms of schedule, one at a time:

- **the catalog's** (`CatalogSchedule`): the active rules of the catalog's retention_rules
  table, which administrators edit (`/admin/schedule`). The ingest pipeline always proposes
  from it, with the very rule the retention package applies when the schedule changes
  (archive.retention_rules.governing_rule), so an edited schedule reaches new records.
- **entries** (`ScheduleEntry`): (category, kind, keywords, 文种, business steps, retention).
  `DEFAULT_SCHEDULE` is the classifier's own table for analysis without a catalog (the field
  accuracy benchmark, the classifier's tests); rows in this shape may be passed instead. The
  most specific matching entry wins; among equally specific ones the longest period (保存从宽:
  keep generously). Entries the DOMAIN table does not back carry a confidence below the review
  threshold so an archivist confirms them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from archive.codes import Retention
from archive.retention_rules import governing_rule
from ingest.extract.text import simplify

# Longest first: the tie-break when two entries are equally specific.
_GENEROSITY = [Retention.PERMANENT, Retention.D100, Retention.D50, Retention.D30, Retention.D10, Retention.D2]


@dataclass(frozen=True)
class ScheduleEntry:
    category: str  # WS SB RS AJ KJ JJ SX, or * for every category
    kind: str  # what the entry covers, as the schedule names it
    retention: str  # archive.codes.Retention value
    keywords: tuple[str, ...] = ()  # any of them in the title
    excludes: tuple[str, ...] = ()  # none of them in the title
    doc_types: tuple[str, ...] = ()  # any of these 文种
    business_steps: tuple[str, ...] = ()  # any of these steps (SB)
    priority: int = 0  # beats specificity: forwarded rules are still forwarded documents
    confidence: float = 0.85  # how sure a match is; below the review threshold where DOMAIN is silent

    def match(self, category: str, doc_type: str | None, title: str, business_step: str | None) -> tuple[int, str] | None:
        """(specificity, what matched) or None."""
        if self.category not in ("*", category) or any(x in title for x in self.excludes):
            return None
        score, matched = 0, []
        if self.keywords:
            found = [k for k in self.keywords if k in title]
            if not found:
                return None
            best = max(found, key=len)
            score += 10 + len(best)
            matched.append(best)
        if self.doc_types:
            if doc_type not in self.doc_types:
                return None
            score += 10
            matched.append(str(doc_type))
        if self.business_steps:
            if business_step not in self.business_steps:
                return None
            score += 10
            matched.append(str(business_step))
        return self.priority * 1000 + score, "+".join(matched) or "default"

    def to_row(self) -> dict[str, Any]:
        """A row for the catalog's retention_rules table (lists kept as lists)."""
        row = asdict(self)
        for key in ("keywords", "excludes", "doc_types", "business_steps"):
            row[key] = list(row[key])
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | ScheduleEntry) -> ScheduleEntry:
        if isinstance(row, ScheduleEntry):
            return row

        def items(value: Any) -> tuple[str, ...]:
            if not value:
                return ()
            if isinstance(value, str):
                return tuple(v for v in re.split(r"[,，、;；|\s]+", value) if v)
            return tuple(str(v) for v in value)

        return cls(
            category=str(row.get("category") or "*").upper(),
            kind=str(row.get("kind") or ""),
            retention=Retention.parse(str(row["retention"])).value,
            keywords=items(row.get("keywords")),
            excludes=items(row.get("excludes")),
            doc_types=items(row.get("doc_types")),
            business_steps=items(row.get("business_steps")),
            priority=int(row.get("priority") or 0),
            confidence=float(row.get("confidence") if row.get("confidence") is not None else 0.85),
        )


E = ScheduleEntry
DEFAULT_SCHEDULE: tuple[ScheduleEntry, ...] = (
    # Every category: the archive's own registers.
    E("*", "档案销毁清册、鉴定报告", "Y", keywords=("销毁清册", "鉴定报告", "档案鉴定", "鉴定情况"), confidence=0.95),
    # 文书 (国家档案局令第8号, simplified as in DOMAIN §3).
    E("WS", "本机关规章制度", "Y", keywords=("规则", "规定", "办法", "细则", "制度", "章程", "条例"),
      excludes=("征求意见", "草案", "有关问题")),
    E("WS", "重要会议纪要", "Y", keywords=("局长办公会", "党组", "全体会议", "常务会议", "办公会议"), doc_types=("纪要",)),
    E("WS", "其他会议纪要", "Y", doc_types=("纪要",), confidence=0.7),
    E("WS", "机构设置与人事任免", "Y", keywords=("任免", "任命", "免去", "聘任", "职务", "成立", "撤销", "更名", "机构设置",
                                            "编制", "领导小组", "领导分工")),
    E("WS", "向上级的请示与批复", "Y", doc_types=("请示", "批复")),
    E("WS", "本机关政策性意见与决定", "Y", doc_types=("意见", "决定"), confidence=0.75),
    E("WS", "合同协议与产权凭证", "Y", keywords=("合同", "协议", "产权", "房产", "土地", "资产登记")),
    E("WS", "决议与命令", "Y", doc_types=("决议", "命令")),
    E("WS", "统计公报", "Y", keywords=("统计公报",)),
    E("WS", "转发上级一般文件", "D10", keywords=("转发",), priority=1, confidence=0.7),
    E("WS", "一般业务文件", "D30", confidence=0.65),
    # 社会保险业务档案 (2009 规定).
    E("SB", "参保单位登记", "Y", keywords=("参保单位", "单位登记", "单位参保", "单位信息")),
    E("SB", "个人参保登记与个人账户", "D100", keywords=("个人参保", "参保人员", "增减", "个人账户", "参保登记", "职工参保")),
    E("SB", "社会保障卡", "D50", keywords=("社会保障卡", "社保卡")),
    E("SB", "登记证", "D10", keywords=("登记证",)),
    E("SB", "年度统计与决算", "Y", keywords=("年报", "年度统计", "年度决算", "决算")),
    E("SB", "数据与分析报告", "D30", keywords=("分析报告", "数据分析")),
    E("SB", "月度季度报表", "D10", keywords=("月报", "季报", "月度", "季度")),
    E("SB", "稽核监督与内部控制", "D30", keywords=("稽核", "监督", "内控", "内部控制", "内审", "复查", "复核")),
    E("SB", "稽核监督与内部控制", "D30", business_steps=("稽核监督", "复查内审")),
    E("SB", "养老、工伤待遇与关系转移", "D100", business_steps=("养老待遇", "工伤待遇", "关系转移"), confidence=0.55),
    E("SB", "医疗、失业、生育待遇", "D30", business_steps=("医疗待遇", "失业待遇", "生育待遇"), confidence=0.55),
    E("SB", "申报征缴", "D30", business_steps=("申报征缴",), confidence=0.55),
    E("SB", "社会保险业务一般材料", "D30", confidence=0.5),
    # 人事档案: never destroyed while the person lives.
    E("RS", "人事档案材料", "Y", confidence=0.95),
    # 案件卷宗.
    E("AJ", "案件合议记录", "Y", keywords=("合议",), confidence=0.9),
    E("AJ", "不予受理告知书", "D2", keywords=("不予受理",), confidence=0.9),
    E("AJ", "案件卷宗", "D30", confidence=0.55),
    # 会计档案 (会计档案管理办法 2015).
    E("KJ", "年度财务报告", "Y", keywords=("年度财务", "决算", "年报")),
    E("KJ", "会计档案保管清册与鉴定意见书", "Y", keywords=("保管清册", "鉴定意见")),
    E("KJ", "月度季度财务报告", "D10", keywords=("月会计报表", "月报", "季度", "季报", "半年")),
    E("KJ", "银行存款余额调节表与对账单", "D10", keywords=("余额调节表", "对账单")),
    E("KJ", "会计凭证与账簿", "D30", keywords=("凭证", "账")),
    E("KJ", "其他会计资料", "D30", confidence=0.55),
    # 基建档案.
    E("JJ", "竣工验收、图纸、合同与决算", "Y", keywords=("竣工", "验收", "图纸", "合同", "决算", "可行性研究")),
    E("JJ", "基建一般材料", "D30", confidence=0.55),
    # 声像档案.
    E("SX", "重要会议与活动声像", "Y", keywords=("工作会议", "领导", "视察", "调研", "重大", "庆祝")),
    E("SX", "一般活动声像", "D30", confidence=0.55),
)
del E


@dataclass(frozen=True)
class CatalogRule:
    """One active rule of the catalog's schedule, detached from its session."""

    id: int
    category_code: str
    kind: str
    keywords: tuple[str, ...]
    retention: str


# How sure a proposal from the catalog's schedule is: a rule whose keywords name the record's
# title; the category's catch-all (still filed without a look); nothing at all (reviewed).
KEYWORD_RULE_CONFIDENCE = 0.85
CATCH_ALL_CONFIDENCE = 0.65
NO_RULE_CONFIDENCE = 0.3


@dataclass(frozen=True)
class CatalogSchedule:
    """The catalog's active rules in precedence order (archive.retention_rules.active_rules)."""

    rules: tuple[CatalogRule, ...]

    @classmethod
    def of(cls, rules: Iterable[Any]) -> CatalogSchedule:
        """From RetentionRule rows (or anything with the same attributes), in precedence order."""
        return cls(tuple(CatalogRule(r.id, r.category_code, r.kind, tuple(r.keywords or ()),
                                     Retention.parse(r.retention).value) for r in rules))

    def propose(self, category: str | None, title: str | None) -> tuple[Retention, float, str]:
        rule = governing_rule(self.rules, (category or "").upper(), title or "")
        if rule is None:
            return Retention.D30, NO_RULE_CONFIDENCE, (
                f"the catalog's schedule has no rule for category {category or '?'}: 30 years until an archivist decides")
        retention = Retention.parse(rule.retention)
        matched = next((k for k in rule.keywords if k in (title or "")), "")
        confidence = KEYWORD_RULE_CONFIDENCE if matched else CATCH_ALL_CONFIDENCE
        return retention, confidence, (
            f"schedule: {rule.category_code} {rule.kind} ({matched or 'default'}) → {retention.value} [rule {rule.id}]")


# What `schedule` arguments accept: the catalog's schedule, or entries (objects or table rows).
Schedule = CatalogSchedule | Iterable[ScheduleEntry | Mapping[str, Any]]


def propose_retention(
    category: str | None, doc_type: str | None, title: str | None, business_step: str | None,
    schedule_entries: Schedule | None = None,
) -> tuple[Retention, float, str]:
    """(retention, confidence, reason): from the catalog's rule for the record when given the
    catalog's schedule, otherwise from the most specific matching schedule entry."""
    if isinstance(schedule_entries, CatalogSchedule):
        return schedule_entries.propose(category, title)
    entries = DEFAULT_SCHEDULE if schedule_entries is None else [ScheduleEntry.from_row(e) for e in schedule_entries]
    compact = re.sub(r"\s", "", simplify(title or ""))
    candidates = []
    for entry in entries:
        m = entry.match((category or "").upper(), doc_type, compact, business_step)
        if m is not None:
            candidates.append((m[0], -_GENEROSITY.index(Retention.parse(entry.retention)), entry, m[1]))
    if not candidates:
        return Retention.D30, 0.3, f"no schedule entry for category {category or '?'}: 30 years until an archivist decides"
    _, _, entry, matched = max(candidates, key=lambda c: (c[0], c[1]))
    retention = Retention.parse(entry.retention)
    return retention, entry.confidence, f"schedule: {entry.category} {entry.kind} ({matched}) → {retention.value}"
