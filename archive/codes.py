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
