"""The retention schedule (保管期限表) as shipped: plain data, one dict per entry.

`archive init` seeds the catalog's retention_rules table from it (archive.seed); administrators
then edit that table (`/admin/schedule`, `archive retention schedule`), and everything that
proposes or recomputes a record's retention reads the table, never this module
(archive.retention_rules). The classifier's analysis without a catalog (benchmarks, the
classifier's tests) reads these same entries (ingest.classify.retention_schedule).

An entry:
- `scheme`: which table of the schedule it comes from (文书, 社保业务, 案件, 人事, 会计, …);
- `category`: the category it applies to, or `*` for every category (the catalog stores NULL);
- `kind`: what it covers, as the schedule names it — also how an entry is known across versions
  of these defaults (migration 0008 keeps an administrator's rule of the same kind);
- `retention`: an archive.codes.Retention value;
- `keywords`: any of them in the title; `excludes`: none of them in the title;
- `doc_types`: the record's 文种 is one of them; `business_steps`: its business step (SB) is one
  of them;
- `priority`: beats specificity (a forwarded rule is still a forwarded document);
- `confidence`: how sure a match is; below the review threshold where DOMAIN.md is silent, so an
  archivist confirms the period.

The most specific matching entry governs a record; among equally specific ones the longest
period (保存从宽) — see archive.retention_rules.governing_rule. Sources: DOMAIN.md §3,
国家档案局令第8号 (文书), the 2009 social-insurance rules (社保), 会计档案管理办法 2015 (会计).
"""

from __future__ import annotations

from typing import Any

EVERY_CATEGORY = "*"
DEFAULT_CONFIDENCE = 0.85
# Social-insurance refusal notices (DOMAIN.md §15): 不予受理/核定/核发/支付/更改/重核 告知书.
REFUSALS = ("不予受理", "不予核定", "不予核发", "不予支付", "不予更改", "不予重核")


def _entry(scheme: str, category: str, kind: str, retention: str, *, keywords: tuple[str, ...] = (),
           excludes: tuple[str, ...] = (), doc_types: tuple[str, ...] = (), business_steps: tuple[str, ...] = (),
           priority: int = 0, confidence: float = DEFAULT_CONFIDENCE) -> dict[str, Any]:
    return {"scheme": scheme, "category": category, "kind": kind, "retention": retention,
            "keywords": keywords, "excludes": excludes, "doc_types": doc_types, "business_steps": business_steps,
            "priority": priority, "confidence": confidence}


DEFAULT_SCHEDULE: tuple[dict[str, Any], ...] = (
    # Every category: the archive's own registers.
    # A document form that says what the record is outranks topic keywords (priority 2): a
    # destruction register of accounting vouchers is a register, a refusal of a pension is a refusal.
    _entry("general", "*", "销毁清册与鉴定报告", "Y",
           keywords=("销毁清册", "销毁登记", "鉴定报告", "档案鉴定", "鉴定情况"),
           excludes=("劳动能力", "伤残", "职业病"), priority=2, confidence=0.95),
    # 文书 (国家档案局令第8号, simplified as in DOMAIN §3).
    _entry("documents", "WS", "本机关制定的规章制度", "Y",
           keywords=("规则", "规定", "办法", "细则", "制度", "章程", "条例"), excludes=("征求意见", "草案", "有关问题")),
    _entry("documents", "WS", "重要会议纪要", "Y",
           keywords=("局长办公会", "局务会", "党组", "全体会议", "常务会议", "办公会议"), doc_types=("纪要",)),
    _entry("documents", "WS", "局长办公会议与党组会议纪要", "Y",
           keywords=("局长办公会议纪要", "局长办公会纪要", "局务会议纪要", "局务会纪要", "党组会议纪要", "党组会纪要",
                     "党组扩大会议纪要", "党组中心组学习纪要"), confidence=0.95),
    _entry("documents", "WS", "其他会议纪要", "Y", doc_types=("纪要",), confidence=0.7),
    _entry("documents", "WS", "任免、机构设置与调整", "Y",
           keywords=("任免", "任命", "任职", "免去", "免职", "聘任", "职务", "成立", "撤销", "更名", "机构设置", "编制",
                     "领导小组", "领导分工"), excludes=("任职资格",)),
    _entry("documents", "WS", "向上级的请示与批复", "Y", doc_types=("请示", "批复")),
    _entry("documents", "WS", "请示与批复（按题名）", "Y", keywords=("的请示", "的批复"), confidence=0.8),
    _entry("documents", "WS", "本机关政策性意见与决定", "Y", doc_types=("意见", "决定"), confidence=0.75),
    _entry("documents", "WS", "合同协议与产权", "Y", keywords=("合同", "协议", "产权", "房产", "土地", "资产登记")),
    _entry("documents", "WS", "决议与命令", "Y", doc_types=("决议", "命令")),
    _entry("documents", "WS", "统计公报", "Y", keywords=("统计公报",)),
    _entry("documents", "WS", "年度工作计划与总结", "Y", keywords=("年度工作", "工作总结", "工作要点")),
    _entry("documents", "WS", "一般人事事项", "D10", keywords=("考勤", "请假", "培训", "年休")),
    _entry("business", "WS", "不予受理告知书", "D2", keywords=("不予受理",), priority=2),
    _entry("documents", "WS", "转发上级一般文件", "D10", keywords=("转发",), priority=1, confidence=0.7),
    _entry("documents", "WS", "一般会议与一般业务文件", "D30", confidence=0.65),
    # 社会保险业务档案 (2009 规定). Refusal notices of every kind: short-term, kept with the
    # application they answer (DOMAIN.md §15).
    _entry("social_insurance", "SB", "不予受理、核定、核发、支付、更改、重核告知书（随申请保存）", "D2",
           keywords=REFUSALS, priority=2, confidence=0.9),
    _entry("social_insurance", "SB", "用人单位参保登记", "Y",
           keywords=("参保单位", "单位登记", "单位参保", "单位信息", "用人单位")),
    _entry("social_insurance", "SB", "个人参保与个人账户", "D100",
           keywords=("个人参保", "参保人员", "增减", "个人账户", "参保登记", "职工参保")),
    _entry("social_insurance", "SB", "社会保障卡", "D50", keywords=("社会保障卡", "社保卡")),
    _entry("social_insurance", "SB", "登记证", "D10", keywords=("登记证",)),
    _entry("social_insurance", "SB", "年度统计报表", "Y", keywords=("年报", "年度统计", "年度决算", "决算")),
    _entry("social_insurance", "SB", "数据与分析报告", "D30", keywords=("分析报告", "数据分析", "数据报告")),
    _entry("social_insurance", "SB", "月度与季度报表", "D10", keywords=("月报", "季报", "月度", "季度")),
    _entry("social_insurance", "SB", "稽核监督与内控", "D30",
           keywords=("稽核", "监督", "内控", "内部控制", "内审", "复查", "复核")),
    _entry("social_insurance", "SB", "稽核监督与内控", "D30", business_steps=("稽核监督", "复查内审")),
    _entry("social_insurance", "SB", "养老、工伤待遇与关系转移", "D100", business_steps=("养老待遇", "工伤待遇", "关系转移"),
           confidence=0.55),
    _entry("social_insurance", "SB", "医疗、失业、生育待遇", "D30", business_steps=("医疗待遇", "失业待遇", "生育待遇"),
           confidence=0.55),
    _entry("social_insurance", "SB", "申报征缴", "D30", business_steps=("申报征缴",), confidence=0.55),
    _entry("social_insurance", "SB", "其他社保业务", "D30", confidence=0.5),
    # 人事档案: never destroyed while the person lives.
    _entry("personnel", "RS", "人事档案", "Y", confidence=0.95),
    # 案件卷宗.
    _entry("case", "AJ", "案件合议记录", "Y", keywords=("合议",), confidence=0.9),
    _entry("case", "AJ", "不予受理告知书", "D2", keywords=("不予受理",), priority=2, confidence=0.9),
    _entry("case", "AJ", "案件卷宗", "D30", confidence=0.55),
    # 会计档案 (会计档案管理办法 2015).
    _entry("accounting", "KJ", "年度财务报告", "Y", keywords=("年度财务", "决算", "年报")),
    _entry("accounting", "KJ", "会计档案保管清册与鉴定意见书", "Y", keywords=("保管清册", "鉴定意见")),
    _entry("accounting", "KJ", "月度季度财务报告", "D10", keywords=("月会计报表", "月报", "季度", "季报", "半年")),
    _entry("accounting", "KJ", "银行存款余额调节表与对账单", "D10", keywords=("余额调节表", "对账单")),
    _entry("accounting", "KJ", "会计凭证与账簿", "D30", keywords=("凭证", "账")),
    _entry("accounting", "KJ", "其他会计资料", "D30", confidence=0.55),
    # 科技与基建档案.
    _entry("technical", "JJ", "竣工验收、图纸、合同与决算", "Y",
           keywords=("竣工", "验收", "图纸", "合同", "决算", "可行性研究")),
    _entry("technical", "JJ", "基建一般材料", "D30", confidence=0.55),
    # 声像档案.
    _entry("audio_visual", "SX", "重要会议与活动声像", "Y", keywords=("工作会议", "领导", "视察", "调研", "重大", "庆祝")),
    _entry("audio_visual", "SX", "一般活动声像", "D30", confidence=0.55),
)
