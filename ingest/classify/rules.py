"""Strong evidence that decides a classification before any statistics (DOMAIN §2).

A red masthead with a document number and a `关于…的通知` title is an official document (WS);
a 干部履历表 is personnel material of class 1; an approval sheet (核定表) about insurance is a
social-insurance business file, and its words name the business step; arbitration, inspection,
review and petition documents are case files (AJ); vouchers and ledgers are accounting (KJ).
Each rule is data: a pattern, where it looks, the label and how sure it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archive.codes import DOC_TYPES
from ingest.extract.result import Extraction
from ingest.extract.text import simplify


@dataclass(frozen=True)
class RuleHit:
    value: str
    confidence: float
    reason: str


# (pattern on the title, category, confidence) — tried in order, first hit wins.
CATEGORY_TITLE_RULES: list[tuple[str, str, float]] = [
    (r"干部履历表|履历表|干部简历|个人简历", "RS", 0.95),
    (r"记账凭证|收款凭证|付款凭证|转账凭证|会计凭证|原始凭证|总分类账|明细分类账|日记账|账簿|会计报表|财务报表|"
     r"财务决算报告|余额调节表|银行对账单", "KJ", 0.9),
    (r"仲裁|裁决书|调解书|劳动保障监察|行政处罚决定书|行政复议|信访|合议|不予受理|案件", "AJ", 0.9),
    (r"核定表|参保|社会保险|养老保险|医疗保险|失业保险|工伤|生育保险|生育津贴|社会保障卡|社保|养老金|"
     r"缴费|稽核|失业人员|异地就医|稳岗|医疗费用|慢性病|退休审批", "SB", 0.85),
    (r"照片档案|录像档案|录音档案|声像", "SX", 0.85),
    (r"工程|招标文件|投标文件|竣工|施工|监理日志|可行性研究|设计图纸", "JJ", 0.75),
]
# Personnel material by class; the order settles overlaps (党校学习鉴定表 is training, class 4).
PERSONNEL_TITLE_RULES: list[tuple[str, str, float]] = [
    (r"履历|简历", "1", 0.95),
    (r"入党|入团|党员登记|转正申请|组织关系", "6", 0.85),
    (r"处分|诫勉|违纪", "8", 0.85),
    (r"自传|个人有关事项|思想汇报", "2", 0.85),
    (r"专业技术职务|任职资格|职称|学历|学位|培训|结业|党校|继续教育", "4", 0.8),
    (r"审核认定|出生日期认定|参加工作时间认定|政审|经济责任审计", "5", 0.8),
    (r"嘉奖|记功|优秀公务员|先进工作者|表彰|奖励", "7", 0.8),
    (r"考核登记表|考核表|考察材料|鉴定表|民主测评|试用期满", "3", 0.8),
    (r"工资|薪级|任免|出国|出境|代表大会代表|代表登记", "9", 0.8),
    (r"录用|调动|健康检查|体检|转递|聘用合同|报到证", "10", 0.75),
]
# Business step by the words of an insurance form's title; the order settles overlaps
# (基金收支月报 is fund accounting, not statistics).
STEP_RULES: list[tuple[str, str]] = [
    (r"参保单位|参保登记|参保人员|增减|社会保险登记|社会保障卡|单位信息变更", "参保登记"),
    (r"转移|接续|参保缴费凭证", "关系转移"),
    (r"缴费申报|征缴|缴费工资基数|缴费基数|补缴|欠费|个人账户明细", "申报征缴"),
    (r"养老金|退休|丧葬|抚恤|养老保险待遇", "养老待遇"),
    (r"医疗费用|慢性病|异地就医|医疗待遇|住院", "医疗待遇"),
    (r"失业保险金|失业人员|失业保险待遇|失业待遇|稳岗", "失业待遇"),
    (r"工伤|伤残|劳动能力鉴定", "工伤待遇"),
    (r"生育", "生育待遇"),
    (r"稽核|监督检查", "稽核监督"),
    (r"基金.*(?:决算|收支|财务)|基金财务", "基金财务"),
    (r"复查|内部控制|内审|复核", "复查内审"),
    (r"统计|年报|月报|季报|数据分析", "统计"),
]
# Document form beats topic (issue 18): rules and measures, and the statutory 文种, are 文书 even
# when they are about social insurance (医疗保险档案管理办法 is WS, not SB). Business forms (核定表,
# 审批表, 申请表, 登记表, 告知书 …) end in a form kind, never in these words, and stay SB.
_RULE_WORDS = ("办法", "规定", "细则", "制度", "规程", "规则", "条例")
_RULES_AND_MEASURES = re.compile(rf"(?:{'|'.join(_RULE_WORDS)})(?:[（(][^）)]{{1,8}}[)）])?$")
_ORDER = re.compile(r"(?:政府|部|厅|局|委员会)令(?:第.{1,6}号)?$")  # 命令（令）: 人力资源和社会保障部令
# Records of an insurance business that happen to end in a 文种 word: audit and fund reports,
# the letters of a transfer between agencies. These keep their topic.
_BUSINESS_RECORD = re.compile(r"(?:稽核|审计|决算|统计|鉴定|调查|事故|分析|评估|精算)报告$|(?:接续|转移|联系|催缴|协查)函$")
# A rule or measure is 文书 whatever it is about; a 文种 title wins over the insurance topic only:
# case files, accounting, construction and personnel files keep their own reports and notices
# (案件调查终结报告, 财务决算报告, 竣工验收报告, 关于张三同志任职的通知).
_WENZHONG_BEATS = ("SB",)

# Document-number prefixes of case documents: 劳人仲案字, 人社监罚字, 人社复决字, 人社信字.
_CASE_NUMBER = re.compile(r"仲|案字|罚字|复决|信字|信访")
_CASE_LABEL = re.compile(r"案\s*号\s*[:：]|案\s*由\s*[:：]")


def _title(fields: Extraction) -> str:
    """The title in simplified characters without spaces: rules are written in simplified."""
    return simplify(fields.title or "").replace(" ", "")


def _first(rules: list[tuple[str, str, float]], text: str) -> tuple[RuleHit | None, int]:
    """The first matching rule and how many different labels matched (ambiguity)."""
    hit: RuleHit | None = None
    labels: set[str] = set()
    for pattern, label, confidence in rules:
        if m := re.search(pattern, text):
            labels.add(label)
            if hit is None:
                hit = RuleHit(label, confidence, f"title has {m.group(0)}")
    return hit, len(labels)


def official_document_shape(fields: Extraction, flags: Iterable[str] = ()) -> bool:
    """Masthead (red, or a `…文件` line) with a document number: GB/T 9704 official document."""
    has_masthead = "red_masthead" in set(flags) | set(fields.page_flags) or fields.masthead is not None
    return has_masthead and fields.doc_no is not None


def document_form(title: str, fields: Extraction) -> str | None:
    """`rule or measure` (办法, 规定, 细则 …) or the statutory 文种 the title ends with; None for forms
    and for business records such as 稽核报告."""
    if not title or _BUSINESS_RECORD.search(title):
        return None
    if m := _RULES_AND_MEASURES.search(title):
        return next(word for word in _RULE_WORDS if word in m.group(0))
    if fields.doc_type in DOC_TYPES:
        return str(fields.doc_type)
    if _ORDER.search(title):
        return "令"
    return None


def category_rule(text: str, fields: Extraction, flags: Iterable[str] = ()) -> RuleHit | None:
    title = _title(fields)
    if fields.doc_no and _CASE_NUMBER.search(fields.doc_no_parts[0] if fields.doc_no_parts else fields.doc_no):
        return RuleHit("AJ", 0.92, f"case number {fields.doc_no}")
    is_wenzhong = fields.doc_type in DOC_TYPES  # a 文种, not a form kind such as 决定书
    if official_document_shape(fields, flags) and ("关于" in title or is_wenzhong):
        red = "red_masthead" in set(flags) | set(fields.page_flags)
        return RuleHit("WS", 0.96 if red else 0.93, "masthead, document number and 关于…文种 title")
    hit, distinct = _first(CATEGORY_TITLE_RULES, title) if title else (None, 0)
    form = document_form(title, fields)
    if form is not None and (form in ("令", *_RULE_WORDS) or (hit is not None and hit.value in _WENZHONG_BEATS)):
        return RuleHit("WS", 0.9, f"title is a {form}" + (f" (about {hit.reason.removeprefix('title has ')})" if hit else ""))
    if hit is not None and "关于" in title and is_wenzhong and hit.value != "RS":
        # `关于…劳动保障监察…的通知` is a document about cases, not a case file: let the model weigh it.
        return RuleHit(hit.value, 0.55, hit.reason + " (in a 关于… title)")
    if hit is not None:
        return hit if distinct == 1 else RuleHit(hit.value, min(hit.confidence, 0.7), hit.reason + " (ambiguous)")
    if _CASE_LABEL.search(text[:600]):
        return RuleHit("AJ", 0.85, "案号/案由 label")
    if official_document_shape(fields, flags):
        return RuleHit("WS", 0.8, "masthead and document number")
    return None


def personnel_class_rule(fields: Extraction) -> RuleHit | None:
    title = _title(fields)
    hit, distinct = _first(PERSONNEL_TITLE_RULES, title) if title else (None, 0)
    if hit is None or distinct == 1:
        return hit
    return RuleHit(hit.value, min(hit.confidence, 0.7), hit.reason + " (ambiguous)")


def business_step_rule(text: str, fields: Extraction) -> RuleHit | None:
    title = _title(fields)
    for source, confidence in ((title, 0.88), (text[:300], 0.6)):
        if not source:
            continue
        steps = [(step, m) for pattern, step in STEP_RULES if (m := re.search(pattern, source))]
        if steps:
            step, m = steps[0]
            distinct = len({s for s, _ in steps})
            where = "title" if source is title else "page top"
            return RuleHit(step, confidence if distinct == 1 else confidence - 0.15, f"{where} has {m.group(0)}")
    return None


def apply_rules(text: str, fields: Extraction, flags: Iterable[str] = ()) -> dict[str, RuleHit]:
    """Every rule that fires: category, and (whatever the category ends up) class and step."""
    hits: dict[str, RuleHit] = {}
    for target, hit in (("category", category_rule(text, fields, flags)),
                        ("personnel_class", personnel_class_rule(fields)),
                        ("business_step", business_step_rule(text, fields))):
        if hit is not None:
            hits[target] = hit
    return hits
