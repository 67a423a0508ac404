"""The codes of government information disclosure (政府信息公开条例, 2019) and their words.

Attributes (DOMAIN.md §12): 主动公开, 依申请公开, 不予公开 with a reason from the statutory list
(第十四、十五、十六条). Answers to a request: the five kinds of the annual report format, which
group 第三十六条's answers; each but 予以公开 names why.
"""

from __future__ import annotations

from archive.codes import STATE_SECRET_LEVELS, Disclosure

ATTRIBUTES: dict[str, tuple[str, str]] = {
    Disclosure.PROACTIVE.value: ("主动公开", "proactive disclosure"),
    Disclosure.ON_REQUEST.value: ("依申请公开", "disclosed on request"),
    Disclosure.NOT_DISCLOSED.value: ("不予公开", "not disclosed"),
}

# Why information is not disclosed: the statutory list.
REASONS: dict[str, tuple[str, str]] = {
    "state_secret": ("属于国家秘密（第十四条）", "state secret (art. 14)"),
    "law_forbidden": ("法律、行政法规禁止公开（第十四条）", "disclosure forbidden by law or regulation (art. 14)"),
    "security_stability": ("公开后可能危及国家安全、公共安全、经济安全、社会稳定（第十四条）",
                           "would endanger national, public or economic security or social stability (art. 14)"),
    "commercial_secret": ("涉及商业秘密（第十五条）", "commercial secret (art. 15)"),
    "personal_privacy": ("涉及个人隐私（第十五条）", "personal privacy (art. 15)"),
    "internal_affairs": ("属于内部事务信息：人事管理、后勤管理、内部工作流程等（第十六条）",
                         "internal affairs: personnel, logistics, internal procedures (art. 16)"),
    "process_info": ("属于过程性信息：讨论记录、过程稿、磋商信函、请示报告等（第十六条）",
                     "process information: discussions, drafts, consultations, requests for instructions (art. 16)"),
    "enforcement_file": ("属于行政执法案卷信息（第十六条）", "administrative enforcement case file (art. 16)"),
}

# The five answers (条例 第三十六条, as the annual report groups them).
OUTCOMES: dict[str, tuple[str, str]] = {
    "granted": ("予以公开", "disclosed"),
    "partial": ("部分公开", "partly disclosed"),
    "refused": ("不予公开", "not disclosed"),
    "unavailable": ("无法提供", "cannot be provided"),
    "not_processed": ("不予处理", "not processed"),
}

# What an answer other than 予以公开 must say: the statutory reasons, or the report format's sub-kinds.
UNAVAILABLE: dict[str, tuple[str, str]] = {
    "not_held": ("本机关不掌握相关政府信息（信息不存在或不属本机关负责公开）",
                 "this organ does not hold the information (it does not exist or another organ discloses it)"),
    "needs_creation": ("没有现成信息需要另行制作", "no existing information; it would have to be made"),
    "unclear": ("补正后申请内容仍不明确", "still unclear after correction"),
}
NOT_PROCESSED: dict[str, tuple[str, str]] = {
    "petition": ("信访举报投诉类申请", "a petition, report or complaint"),
    "repeat": ("重复申请", "a repeated request"),
    "publication": ("要求提供公开出版物", "asks for a published work"),
    "excessive": ("无正当理由大量反复申请", "massive, repeated requests without good reason"),
    "confirmation": ("要求行政机关确认或重新出具已获取信息", "asks to confirm or reissue information already obtained"),
    "special_law": ("有关法律、行政法规对信息的获取有专门规定（第三十六条第七项）",
                    "another law governs access to this information (art. 36(7))"),
}
GRANTED: dict[str, tuple[str, str]] = {
    "provided": ("向申请人提供该政府信息", "information provided"),
    "already_public": ("已主动公开，告知获取的方式和途径", "already public: told where to find it"),
}
REASONS_BY_OUTCOME: dict[str, dict[str, tuple[str, str]]] = {
    "granted": GRANTED, "partial": REASONS, "refused": REASONS, "unavailable": UNAVAILABLE,
    "not_processed": NOT_PROCESSED,
}

REQUESTER_KINDS: dict[str, tuple[str, str]] = {
    "citizen": ("公民", "citizen"),
    "organisation": ("法人或其他组织", "legal person or other organisation"),
}
# How a request arrived (第二十九条: in writing; no telephone requests, DOMAIN.md §15).
FORMS: dict[str, tuple[str, str]] = {
    "in_person": ("当面提交", "in person"),
    "letter": ("信函", "by letter"),
    "online": ("网络（在线平台）", "online"),
    "fax": ("传真", "by fax"),
    "email": ("电子邮件", "by e-mail"),
}
STATUSES: dict[str, tuple[str, str]] = {
    "open": ("办理中", "in progress"),
    "answered": ("已答复", "answered"),
}

TIME_LIMIT = 20  # working days from receipt (第三十三条)
EXTENSION = 20  # at most, once, with the approval of the head of the disclosure office
REMIND_BEFORE = 5  # working days before the deadline: the inbox and the dashboard remind


def label(table: dict[str, tuple[str, str]], code: str, language: str = "zh") -> str:
    zh, en = table.get(code, (code, code))
    return en if language == "en" else zh


def default_for(secrecy: str, category: str) -> tuple[str, str] | None:
    """The attribute a record must have by its nature: state secrets and personnel files are never
    disclosed (DOMAIN.md §12); None when the archivist decides."""
    if secrecy in STATE_SECRET_LEVELS:
        return Disclosure.NOT_DISCLOSED.value, "state_secret"
    if category == "RS":
        return Disclosure.NOT_DISCLOSED.value, "personal_privacy"
    return None
