"""The remaining fields of an official document page (GB/T 9704 layout, DOMAIN §10) and of forms:
issuer (masthead or signing body), title, document type (文种), addressees, disclosure note.

Values are cut from the lines as read (traditional characters kept), matched on the simplified
form. Each finder returns a `Found` or None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from archive.codes import DOC_TYPES, Disclosure
from ingest.extract.docno import looks_like_doc_no
from ingest.extract.result import Found
from ingest.extract.text import HAN, Line, head, simplify, squeeze, strip_leading_junk

# Endings of the names of bodies that issue documents in this domain.
_ORG_ENDINGS = (
    "人力资源和社会保障厅", "人力资源和社会保障局", "人力资源社会保障厅", "人力资源社会保障局",
    "人力资源和社会保障部", "人力资源社会保障部", "社会保险事业管理局", "社会保险事业局", "社会保险管理局",
    "社会保险中心", "劳动人事争议仲裁委员会", "劳动保障监察支队", "劳动保障监察大队", "人民政府", "办公厅",
    "办公室", "委员会", "组织部", "人社局", "中心", "公司", "支队", "大队", "事务所", "服务站", "局", "厅", "部", "委",
    "院", "处", "科",
)
_ORG_ALT = "|".join(_ORG_ENDINGS)
_ORG = re.compile(rf"^[{HAN}（）()·、\s]{{2,60}}(?:{_ORG_ALT})$")
_MASTHEAD = re.compile(rf"^(?P<org>[{HAN}（）()·、\s]{{2,60}}?(?:{_ORG_ALT}))\s*(?:联\s*合\s*)?文\s*件$")
# Form rows that name a body after a label (转出地 XX局, 授予单位 XX人民政府): not an issuer.
_FORM_LABEL = re.compile(r"^(?:所在|授予|转出|转入|被|建设|施工|监理|调出|调入|工作单位|单位名称|填报|核算|编制|出访|体检)")
_ISSUER_LABEL = re.compile(
    rf"(?:发文机关|发文单位|经办机构|填报单位|制表单位|编制单位|核算单位|审批机关|审批单位|作出决定机关|来源)"
    rf"\s*(?:[（(]\s*(?:盖章|章|签章)\s*[)）])?\s*[:：]\s*(?P<org>[{HAN}（）()·]{{4,40}})"
)

_TYPE_ALT = "|".join(sorted(DOC_TYPES, key=len, reverse=True))
# Titles that are not `关于…的文种`: rules, plans, forms, case documents.
_OTHER_ENDINGS = (
    "规则|规定|办法|细则|制度|方案|规划|要点|总结|计划|指南|章程|条例|纪要|公报|"
    "表|书|单|册|簿|证|卡|凭证|清单|目录|报表|账|记录|笔录|材料|鉴定|证明|说明|合同|协议|日志|图纸|档案|"
    "招标文件|投标文件|汇报|自传|简历|季报|月报|年报|决算|预算"
)
_NOTE = r"(?:[（(][^）)]{1,8}[)）])?"  # （试行）（草案）（2023版）
_OTHER_TITLE = re.compile(rf"^[^：:，,。；;]{{1,40}}(?:{_TYPE_ALT}|{_OTHER_ENDINGS}){_NOTE}$")
_TITLE_END = re.compile(rf"(?:{_TYPE_ALT}|{_OTHER_ENDINGS}){_NOTE}$")
_PLAIN_HEADING = re.compile(rf"^[{HAN}《》“”（）()0-9]{{2,30}}$")
_NOT_HEADING = re.compile(
    r"^(?:绝密|机密|秘密|内部|工作秘密|特急|加急|平急|特提|\d+$|第.{1,3}页|—|无障碍|首页|当前位置|欢迎|网站|打印|关闭)"
)
_NOT_TITLE = re.compile(
    r"^(?:附件|抄送|主送|主题词|联系人|电话|签发人|编号|案号|文号|印发|发布|来源|密级|当前位置|"
    r"绝密|机密|秘密|内部|工作秘密|特急|加急)"
)

_DISCLOSURE = (
    (re.compile(r"此\s*件\s*(?:主\s*动\s*公\s*开|公\s*开\s*发\s*布)"), Disclosure.PROACTIVE),
    (re.compile(r"此\s*件\s*依\s*申\s*请\s*公\s*开"), Disclosure.ON_REQUEST),
    (re.compile(r"此\s*件\s*(?:不\s*予\s*公\s*开|不\s*公\s*开)"), Disclosure.NOT_DISCLOSED),
    (re.compile(r"公开(?:方式|属性|选项|类型)\s*[:：]\s*主动公开"), Disclosure.PROACTIVE),
    (re.compile(r"公开(?:方式|属性|选项|类型)\s*[:：]\s*依申请公开"), Disclosure.ON_REQUEST),
    (re.compile(r"公开(?:方式|属性|选项|类型)\s*[:：]\s*不予公开"), Disclosure.NOT_DISCLOSED),
)

_ADDRESSEE_HINT = re.compile(r"^各|局|厅|部|委|单位|机构|中心|政府|办公室|科室|同志|公司|学校|医院|管委会|所|站|处")
_NOT_ADDRESSEE = re.compile(r"^(?:附件|抄送|主送|姓名|联系人|电话|地址|说明|备注|注|签发人|申请人|被申请人|案由|事由|现|特|经|根据|为|按照)")


def _cut(line: Line, start: int = 0, end: int | None = None) -> str:
    return squeeze(strip_leading_junk(line.raw[start:end]))


def _is_org_line(line: Line) -> bool:
    """A line that only names one body, or several (joint signatures), and nothing else."""
    text = strip_leading_junk(line.norm)
    parts = text.split()
    return (0 < len(parts) <= 4 and len(re.sub(r"\s", "", text)) <= 60 and not text.startswith("关于")
            and all(_ORG.match(part) and not _FORM_LABEL.match(part) for part in parts))


def find_masthead(lines: Sequence[Line]) -> Found | None:
    for line in head(lines, limit=12):
        text = strip_leading_junk(line.norm)
        if m := _MASTHEAD.match(text):
            offset = line.norm.index(text)
            org = _cut(line, offset, offset + m.end("org"))
            return Found(org, 0.9, text, line.index)
    return None


def find_signing_body(lines: Sequence[Line], date_line: int | None) -> Found | None:
    """The body named just above the signature date (or on its line, before the date)."""
    if date_line is None:
        return None
    by_index = {line.index: line for line in lines}
    if re.search(r"[:：]", by_index[date_line].norm):
        return None  # a labelled date (填表日期：) closes a form, not a signature
    bodies: list[Line] = []
    for index in range(date_line - 1, max(date_line - 4, -1), -1):
        line = by_index.get(index)
        if line is None or not _is_org_line(line):
            break
        bodies.insert(0, line)
    if bodies:
        org = " ".join(_cut(line) for line in bodies)
        return Found(org, 0.85, " / ".join(line.norm.strip() for line in bodies), bodies[0].index)
    date = by_index.get(date_line)
    if date is not None:
        before = re.split(r"\s*(?:19|20)\d\d|\s*[〇○零一二][〇○零OＯ0一二三四五六七八九]{3}", date.norm.strip())[0]
        if before and _ORG.match(before.strip()):
            return Found(squeeze(date.raw.strip()[: len(before.strip())]), 0.75, date.norm.strip(), date_line)
    return None


def find_issuer(lines: Sequence[Line], date_line: int | None, title_line: int | None = None) -> Found | None:
    """Masthead first (confirmed by the signature if they agree), then signature, then a label."""
    masthead = find_masthead(lines)
    signature = find_signing_body(lines, date_line)
    if masthead and signature:
        if _same_org(masthead.value, signature.value):
            return Found(masthead.value, 0.97, masthead.evidence, masthead.line)
        return Found(masthead.value, 0.8, masthead.evidence, masthead.line)
    if masthead or signature:
        return masthead or signature
    for line in head(lines, limit=12):
        if title_line is not None and line.index >= title_line:
            break  # a body named below the title is a form's content, not its author
        if _is_org_line(line) and not _TITLE_END.search(line.norm):
            return Found(_cut(line), 0.7, line.norm.strip(), line.index)
    for line in lines:
        if m := _ISSUER_LABEL.search(line.norm):
            return Found(_cut(line, m.start("org"), m.end("org")), 0.65, m.group(0), line.index)
    return None


def _same_org(a: str, b: str) -> bool:
    a, b = re.sub(r"\s", "", a), re.sub(r"\s", "", b)
    return a == b or a in b or b in a


def find_title(lines: Sequence[Line]) -> Found | None:
    """`关于…的通知` possibly over two or three lines; otherwise a form's or a rule's name."""
    top = head(lines, limit=25)
    for pos, line in enumerate(top):
        text = line.compact
        start = text.find("关于")
        if start < 0 or _NOT_TITLE.match(text) or (start > 0 and not _ORG.match(text[:start])):
            continue
        parts, joined = [line], text
        for nxt in top[pos + 1: pos + 4]:
            if _is_complete(joined) or _is_break(nxt):
                break
            parts.append(nxt)
            joined += nxt.compact
        if not _is_complete(joined) or len(joined) > 120:
            continue
        title = "".join(_cut(part) for part in parts)
        confidence = 0.9 if len(parts) == 1 else 0.85
        return Found(title, confidence, " / ".join(p.norm.strip() for p in parts), line.index)
    for pos, line in enumerate(top):
        text = strip_leading_junk(line.compact)
        if _NOT_TITLE.match(text) or _MASTHEAD.match(text) or _is_org_line(line) or _is_break(line):
            continue
        if _OTHER_TITLE.match(text):
            return Found(_cut(line), 0.75 if len(text) <= 30 else 0.6, text, line.index)
        nxt = top[pos + 1] if pos + 1 < len(top) else None
        if nxt is not None and not _is_break(nxt) and _OTHER_TITLE.match(text + nxt.compact):
            return Found(_cut(line) + _cut(nxt), 0.65, f"{text} / {nxt.compact}", line.index)
    for line in top[:6]:  # a short heading of some other kind: a guess the archivist will check
        text = strip_leading_junk(line.compact)
        if (_PLAIN_HEADING.match(text) and not _NOT_HEADING.match(text) and not _is_org_line(line)
                and not _MASTHEAD.match(text)):
            return Found(_cut(line), 0.45, text, line.index)
    return None


def _is_complete(title: str) -> bool:
    """Ends like a title, and not inside a quoted name: 《…办法（征求意见稿） continues."""
    return bool(_TITLE_END.search(title)) and title.count("《") <= title.count("》")


def _is_break(line: Line) -> bool:
    """A line that cannot continue a title: addressees, a number, a paragraph, a label."""
    text = line.compact
    return (text.endswith(("：", ":")) or looks_like_doc_no(text) or bool(re.search(r"\d{4}年\d{1,2}月", text))
            or len(text) > 45 or bool(_NOT_TITLE.match(text)))


# Kinds of forms and case documents, named by how their titles end (longest first): the
# document type of a page that is not a 文种 document.
FORM_KINDS = sorted((
    "考核登记表", "履历表", "核定表", "审批表", "登记表", "申请表", "申报表", "鉴定表", "考核表", "推荐表", "认定表",
    "评审表", "检查表", "调节表", "明细表", "报表", "变动表", "通知单", "裁决书", "调解书", "决定书", "通知书", "意见书",
    "申请书", "志愿书", "告知书", "指令书", "结论书", "合同书", "证书", "凭证", "日记账", "分类账", "对账单", "登记证",
    "记录", "笔录", "底稿", "联系函", "说明", "证明",
), key=len, reverse=True)


def doc_type_of(title: str | None) -> Found | None:
    """The 文种 is the document type that ends the title (关于转发…意见的通知 → 通知); a form or case
    document is typed by the kind of form its title ends with (干部履历表 → 履历表, 仲裁裁决书 → 裁决书)."""
    if not title:
        return None
    core = re.sub(r"\s", "", simplify(title))
    core = re.sub(rf"{_NOTE}$", "", core)
    kind = next((k for k in FORM_KINDS if core.endswith(k)), None)
    m = re.search(rf"(?:{_TYPE_ALT})$", core)
    if kind is not None and (m is None or len(kind) > len(m.group(0))):
        return Found(kind, 0.75, core[max(0, len(core) - len(kind) - 4):], None)
    if m is None:
        return None
    confidence = 0.92 if "关于" in core or m.group(0) in ("纪要", "公报", "公告", "通告") else 0.75
    return Found(m.group(0), confidence, core[max(0, m.start() - 4):], None)


def find_addressees(lines: Sequence[Line], title_line: int | None) -> Found | None:
    """The line (or two) ending in `：` shortly after the title: 各市（州）人力资源和社会保障局："""
    if title_line is None:
        return None
    after = [line for line in lines if line.index > title_line][:5]
    for pos, line in enumerate(after):
        text = line.compact
        if looks_like_doc_no(text) or not text:
            continue  # the number printed between title and addressees
        candidates = [[line]]
        if pos + 1 < len(after) and text.startswith("各"):
            candidates.append([line, after[pos + 1]])  # a long list wraps onto a second line
        for parts in candidates:
            joined = "".join(part.compact for part in parts)
            if (joined.endswith(("：", ":")) and len(joined) <= 150 and not _NOT_ADDRESSEE.match(joined)
                    and _ADDRESSEE_HINT.search(joined)):
                value = "".join(_cut(part) for part in parts).rstrip("：: ")
                return Found(value, 0.85, joined, line.index)
        if len(text) > 45:
            break  # the body has started
    return None


def find_disclosure(lines: Sequence[Line]) -> Found | None:
    for line in reversed(lines):  # the note sits after the signature
        for pattern, code in _DISCLOSURE:
            if m := pattern.search(line.norm):
                return Found(code.value, 0.95, m.group(0), line.index)
    return None
