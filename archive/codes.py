"""The codes of DOMAIN.md: secrecy levels, roles, retention periods, statuses.

These strings are a public interface (CLI, JSON, API): never rename a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum


class Secrecy(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    SECRET = "secret"
    CONFIDENTIAL = "confidential"
    TOP_SECRET = "top_secret"

    @property
    def rank(self) -> int:
        return SECRECY_ORDER.index(self)

    @property
    def label_zh(self) -> str:
        return SECRECY_ZH[self]

    @property
    def max_term_years(self) -> int | None:
        return SECRECY_MAX_TERM_YEARS.get(self)

    @classmethod
    def parse(cls, value: str | Secrecy) -> Secrecy:
        if isinstance(value, Secrecy):
            return value
        try:
            return cls(value)
        except ValueError:
            for level, zh in SECRECY_ZH.items():
                if value == zh:
                    return level
            raise ValueError(
                f"unknown secrecy level {value!r}; use one of {', '.join(s.value for s in cls)}"
            ) from None


SECRECY_ORDER = [Secrecy.PUBLIC, Secrecy.INTERNAL, Secrecy.SECRET, Secrecy.CONFIDENTIAL, Secrecy.TOP_SECRET]
SECRECY_ZH = {
    Secrecy.PUBLIC: "公开",
    Secrecy.INTERNAL: "内部",
    Secrecy.SECRET: "秘密",
    Secrecy.CONFIDENTIAL: "机密",
    Secrecy.TOP_SECRET: "绝密",
}
SECRECY_MAX_TERM_YEARS = {Secrecy.SECRET: 10, Secrecy.CONFIDENTIAL: 20, Secrecy.TOP_SECRET: 30}
STATE_SECRET_LEVELS = frozenset({Secrecy.SECRET, Secrecy.CONFIDENTIAL, Secrecy.TOP_SECRET})


class Role(StrEnum):
    ARCHIVIST = "archivist"
    STAFF = "staff"
    DEPT_HEAD = "dept_head"
    OFFICE_DIRECTOR = "office_director"
    LEADER = "leader"
    DIRECTOR = "director"
    APPRAISER = "appraiser"
    WITNESS = "witness"
    AUDITOR = "auditor"
    SECURITY_OFFICER = "security_officer"
    SYSADMIN = "sysadmin"

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown role {value!r}; use one of {', '.join(r.value for r in cls)}") from None


ROLE_ZH = {
    Role.ARCHIVIST: "档案员",
    Role.STAFF: "业务人员",
    Role.DEPT_HEAD: "科室负责人",
    Role.OFFICE_DIRECTOR: "办公室主任",
    Role.LEADER: "分管局领导",
    Role.DIRECTOR: "局长",
    Role.APPRAISER: "鉴定小组成员",
    Role.WITNESS: "监销人",
    Role.AUDITOR: "安全审计员",
    Role.SECURITY_OFFICER: "安全保密员",
    Role.SYSADMIN: "系统管理员",
}


class Retention(StrEnum):
    PERMANENT = "Y"
    D100 = "D100"
    D50 = "D50"
    D30 = "D30"
    D10 = "D10"
    D2 = "D2"

    @property
    def years(self) -> int | None:
        return None if self is Retention.PERMANENT else int(self.value[1:])

    @classmethod
    def parse(cls, value: str, legacy: Mapping[str, str] | None = None) -> Retention:
        """A code (Y, D30), a label (永久, 30年) or an old term (长期, 短期) mapped through
        `legacy` (default LEGACY_RETENTION_TERMS, DOMAIN.md §13)."""
        v = value.strip().upper()
        terms = LEGACY_RETENTION_TERMS if legacy is None else legacy
        if value.strip() in terms:
            v = terms[value.strip()].strip().upper()
        if v in ("永久", "PERMANENT"):
            v = "Y"
        years = re.fullmatch(r"(\d{1,3})\s*(?:年|YEARS?)", v)
        if years:
            v = f"D{int(years[1])}"
        try:
            return cls(v)
        except ValueError:
            raise ValueError(f"unknown retention period {value!r}; use one of {', '.join(r.value for r in cls)}") from None


# Old catalogues' terms and today's periods they map to by default (DOMAIN.md §3, §13); an import
# may pass its own table. The original term is kept beside the period (records.legacy_retention).
LEGACY_RETENTION_TERMS: dict[str, str] = {"长期": "D30", "短期": "D10"}


RETENTION_ZH = {
    Retention.PERMANENT: "永久",
    Retention.D100: "100年",
    Retention.D50: "50年",
    Retention.D30: "30年",
    Retention.D10: "10年",
    Retention.D2: "2年",
}


class RecordStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    FILED = "filed"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"
    DESTROYED = "destroyed"
    TRANSFERRED = "transferred"  # handed to the state archive (移交进馆): read-only, a tombstone here


RECORD_STATUS_LABELS: dict[str, tuple[str, str]] = {
    RecordStatus.RECEIVED: ("已接收", "received"), RecordStatus.PROCESSING: ("处理中", "processing"),
    RecordStatus.FILED: ("已归档", "filed"), RecordStatus.NEEDS_REVIEW: ("待审核", "needs review"),
    RecordStatus.FAILED: ("处理失败", "failed"), RecordStatus.DESTROYED: ("已销毁", "destroyed"),
    RecordStatus.TRANSFERRED: ("已移交进馆", "transferred to the state archive"),
}


class VolumeStatus(StrEnum):
    IN_STORE = "in_store"
    ON_LOAN = "on_loan"
    TRANSFERRED = "transferred"
    DESTROYED = "destroyed"


class Disclosure(StrEnum):
    PROACTIVE = "proactive"  # 主动公开
    ON_REQUEST = "on_request"  # 依申请公开
    NOT_DISCLOSED = "not_disclosed"  # 不予公开


class ObjectRole(StrEnum):
    ORIGINAL = "original"
    PAGE_IMAGE = "page_image"
    PDF = "pdf"
    THUMBNAIL = "thumbnail"
    TEXT = "text"


DEFAULT_CATEGORIES = [
    # code, Chinese name, English name
    ("WS", "文书档案", "documents"),
    ("SB", "社保业务档案", "social-insurance business"),
    ("RS", "人事档案", "personnel files"),
    ("AJ", "案件卷宗", "case files"),
    ("KJ", "会计档案", "accounting"),
    ("JJ", "科技/基建档案", "technical and construction"),
    ("SX", "声像档案", "audio-visual"),
]

DOC_TYPES = ["决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要"]

BUSINESS_STEPS = [
    "参保登记", "申报征缴", "养老待遇", "医疗待遇", "失业待遇", "工伤待遇", "生育待遇",
    "关系转移", "稽核监督", "基金财务", "统计", "复查内审",
]

PERSONNEL_CLASSES = {
    "1": "履历材料",
    "2": "自传和思想材料",
    "3": "考核鉴定材料",
    "4": "学历学位、职称、学术评鉴和教育培训材料",
    "4-1": "学历学位材料", "4-2": "职称材料", "4-3": "学术评鉴材料", "4-4": "教育培训材料",
    "5": "政审、审计和审核材料",
    "6": "党、团材料",
    "7": "表彰奖励材料",
    "8": "违规违纪违法处理处分材料",
    "9": "工资、任免、出国和会议代表材料",
    "9-1": "工资材料", "9-2": "任免材料", "9-3": "出国材料", "9-4": "会议代表材料",
    "10": "其他可供组织参考的材料",
}

# Review reasons (`name` or `name:detail`, ingest.classify.review and ingest.page_checks) in words,
# Chinese and English; {detail} is what follows the colon (page numbers, a field, an archival code).
REVIEW_REASON_LABELS: dict[str, tuple[str, str]] = {
    "secrecy_marking_found": ("页面有密级标志", "a secrecy marking is on the page"),
    "person_id_invalid": ("身份证号校验位不符", "the identity number's check digit is wrong"),
    "disclosure_conflicts_secrecy": ("公开属性与密级冲突", "disclosure conflicts with the secrecy level"),
    "all_pages_blank": ("全部页面空白", "every page is blank"),
    "secrecy_marking_above_catalogue": ("页面密级标志高于著录密级", "the page's secrecy marking is above the catalogue's"),
    "volume_not_placed": ("未能放入案卷：{detail}", "could not be put into volume {detail}"),
    "box_not_placed": ("未能放入档案盒：{detail}", "could not be put into box {detail}"),
    "low_dpi": ("分辨率低于200dpi：第{detail}页", "below 200 dpi: page {detail}"),
    "missing": ("缺少{field}", "{field} missing"),
    "low_confidence": ("{field}识别置信度低", "{field} read with low confidence"),
    "page_missing": ("缺页：页码{detail}", "missing page: printed number {detail}"),
    "page_repeated": ("重页：第{detail}页页码重复", "repeated page: page {detail} repeats a printed number"),
    "page_out_of_order": ("倒页：第{detail}页顺序错乱", "page out of order: page {detail}"),
    "page_identical": ("重复扫描：{pairs}", "the same page twice: {pairs}"),
    "page_identical_elsewhere": ("与其他档案页面相同：{elsewhere}", "the same page is in another record: {elsewhere}"),
    "colour_required": ("有红头或印章，应彩色扫描：第{detail}页", "red masthead or seal scanned without colour: page {detail}"),
    "approval_sheet_not_first": ("核定表未置于首页（在第{detail}页）", "the approval sheet is not on top (page {detail})"),
    "transaction_elsewhere": ("同一业务流水号已另件归档：{detail}", "the same transaction is filed as {detail}"),
    "e_signature_invalid": ("电子签章校验未通过（结构或签署文件摘要不符）",
                            "the electronic seal check failed (structure or the signed files' digests)"),
    "given_date_invalid": ("元数据文件中的日期无法识别", "the date in the metadata file cannot be read"),
}
REVIEW_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "category": ("门类", "category"), "personnel_class": ("人事档案类别", "personnel class"),
    "business_step": ("业务环节", "business step"), "doc_type": ("文种", "document type"),
    "retention": ("保管期限", "retention"), "secrecy": ("密级", "secrecy"), "title": ("题名", "title"),
    "date": ("日期", "date"), "doc_no": ("文号", "document number"), "issuer": ("责任者", "issuer"),
    "addressees": ("主送机关", "addressees"), "person_name": ("姓名", "name"),
    "person_id": ("身份证号", "identity number"), "disclosure": ("公开属性", "disclosure"),
    "insurance_type": ("险种", "insurance type"), "transaction_no": ("业务流水号", "transaction number"),
}


def review_reason_label(reason: str, language: str = "zh") -> str:
    """A review reason as a person reads it (`page_missing:3` → 缺页：页码3); unknown ones as they are."""
    name, _, detail = str(reason).partition(":")
    index = 1 if language == "en" else 0
    if name not in REVIEW_REASON_LABELS:
        return str(reason)
    field = REVIEW_FIELD_LABELS.get(detail, (detail, detail))[index]
    pairs = [pair.partition("=") for pair in detail.split(",") if "=" in pair]
    said = ("、".join(f"第{a}页同第{b}页" for a, _, b in pairs) if index == 0
            else ", ".join(f"page {a} = page {b}" for a, _, b in pairs))
    elsewhere = ("、".join(f"第{a}页同{b}" for a, _, b in pairs) if index == 0
                 else ", ".join(f"page {a} = {b}" for a, _, b in pairs))
    return REVIEW_REASON_LABELS[name][index].format(detail=detail, field=field, pairs=said, elsewhere=elsewhere)


FOUR_PROPERTY_OUTCOMES: dict[str, tuple[str, str]] = {
    "passed": ("通过", "passed"), "failed": ("未通过", "failed"),
    "not_checked": ("未完全检测（有项目未能执行）", "not fully checked (a check could not run)"),
}


# Issue 19 registry (DOMAIN.md §15): copy register, committee offices, non-record destruction.
REGISTRY_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "copy_kind": {"copy": ("复制", "copy"), "extract": ("摘抄", "extract")},
    "office": {"panel_chair": ("合议委员会主任", "deliberation committee chair"),
               "panel_vice_chair": ("合议委员会副主任", "deliberation committee vice-chair")},
    "use": {"read": ("阅读", "read"), "extract": ("摘抄", "extract"), "copy": ("复制", "copy")},
    "non_record_status": {"registered": ("已登记待批", "registered, awaiting approval"),
                          "approved": ("已批准待销毁", "approved, awaiting destruction"),
                          "rejected": ("未批准", "rejected"), "destroyed": ("已销毁", "destroyed")},
    "carrier": {"paper": ("纸质", "paper"), "disc": ("光盘", "optical disc"), "disk": ("磁介质", "magnetic disk"),
                "other": ("其他载体", "other carrier")},
    "method": {"shred": ("粉碎", "shredding"), "pulp": ("化浆", "pulping"), "incinerate": ("焚毁", "incineration"),
               "destruction_unit": ("送指定销毁单位", "handed to the designated destruction unit")},
}


def registry_label(field: str, code: str, language: str = "zh") -> str:
    """A registry code in words (复制, 合议委员会主任, 已销毁); unknown codes as they are."""
    pair = REGISTRY_LABELS.get(field, {}).get(code)
    return pair[1 if language == "en" else 0] if pair else str(code)
# The checks of archive.four_properties by name (`pdf:<digest>` and `image:<digest>` by their prefix).
FOUR_PROPERTY_CHECK_LABELS: dict[str, tuple[str, str]] = {
    "digests_match": ("数字摘要一致", "digests match"), "archival_code_well_formed": ("档号规范", "archival code well-formed"),
    "metadata_valid": ("元数据有效", "metadata valid"), "no_duplicates": ("无重复", "no duplicates"),
    "page_count": ("页数与页面一致", "page count matches the pages"),
    "mandatory_fields": ("必备著录项齐全", "mandatory fields present"),
    "objects_present": ("内容齐全", "all content present"), "pdf": ("PDF 可读且为 PDF/A", "PDF readable and PDF/A"),
    "image": ("图像可读", "image readable"), "readable": ("可读", "readable"), "malware_scan": ("病毒查杀", "malware scan"),
    # Born-digital records at intake (issue 18)
    "format_identified": ("格式已识别", "format identified"), "ofd_readable": ("OFD 可读", "OFD readable"),
    "pdf_text_layer": ("PDF 文本层可读", "PDF text layer readable"),
    "digest_recorded": ("接收时已记录数字摘要", "digest recorded at intake"),
    "metadata_complete": ("元数据完整", "metadata complete"),
    "e_signature": ("电子签章结构与签署文件摘要一致（签名值未验证）",
                    "electronic seal structure and signed files' digests verified (signature value not verified)"),
}
_MANDATORY_FIELD_LABELS = {"fonds_id": ("全宗", "fonds"), "category_code": ("门类", "category"), "year": ("年度", "year"),
                           "archival_code": ("档号", "archival code"), "doc_date": ("日期", "date"),
                           "pages": ("页数", "pages"), "person_id_number": ("身份证号", "identity number")}
# What a born-digital original is (record.extra evidence "born_digital"; ingest.born_digital).
BORN_DIGITAL_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "format": {"ofd": ("OFD 版式文件（原件保存）", "OFD document (kept as the original)"),
               "pdf_text": ("带文本层的 PDF（原件保存）", "PDF with a text layer (kept as the original)")},
    "e_signature": {"none": ("无电子签章", "no electronic seal"),
                    "present": ("有电子签章（结构与摘要已核，签名值未验证）",
                                "electronic seal present (structure and digests verified, signature value not verified)"),
                    "invalid": ("电子签章校验未通过", "electronic seal check failed")},
}


def born_digital_label(kind: str, code: str, language: str = "zh") -> str:
    pair = BORN_DIGITAL_LABELS.get(kind, {}).get(code)
    return pair[1 if language == "en" else 0] if pair else code


def four_property_check_label(check: str, detail: str = "", language: str = "zh") -> str:
    """One check of a four-property result in words: 必备著录项齐全（缺：日期、责任者）."""
    index = 1 if language == "en" else 0
    name = check.partition(":")[0]
    label = FOUR_PROPERTY_CHECK_LABELS.get(name, (check, check))[index]
    if name in ("mandatory_fields", "metadata_complete") and detail:
        names = {**REVIEW_FIELD_LABELS, **_MANDATORY_FIELD_LABELS}
        missing = [names.get(f, (f, f))[index] for f in detail.split(",")]
        return f"{label}（缺：{'、'.join(missing)}）" if index == 0 else f"{label} (missing: {', '.join(missing)})"
    return f"{label}（{detail}）" if detail and index == 0 else (f"{label} ({detail})" if detail else label)
