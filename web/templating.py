"""Helpers for templates: labels for codes, the navigation a viewer gets, safe snippet markup."""

from __future__ import annotations

import datetime as dt
import re

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from archive.clock import CHINA
from archive.codes import (
    DEFAULT_CATEGORIES,
    FOUR_PROPERTY_OUTCOMES,
    RECORD_STATUS_LABELS,
    RETENTION_ZH,
    ROLE_ZH,
    SECRECY_ZH,
    Retention,
    Role,
    Secrecy,
)
from archive.codes import born_digital_label as _born_digital_label
from archive.codes import four_property_check_label as _check_label
from archive.codes import review_reason_label as _review_reason_label
from archive.lending.personnel import PERSONNEL
from archive.policy import APPROVER_ROLES, METADATA_ROLES, READER_ROLES, Action, in_scope, may
from retention.schedule import may_approve as schedule_approver

_EM = re.compile(r"</?em>")


_SECRECY_EN = {Secrecy.PUBLIC: "Public", Secrecy.INTERNAL: "Internal", Secrecy.SECRET: "Secret",
               Secrecy.CONFIDENTIAL: "Confidential", Secrecy.TOP_SECRET: "Top secret"}


def secrecy_label(code: str) -> str:
    try:
        level = Secrecy(code)
    except ValueError:
        return code
    return SECRECY_ZH[level] if page_language() == "zh" else _SECRECY_EN.get(level, level.value)


_CATEGORY_NAMES = {code: (zh, en) for code, zh, en in DEFAULT_CATEGORIES}


def page_language() -> str:
    """"zh" or "en": the page's language, for the services' bilingual label tables."""
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def code_label(field: str, value: str) -> str:
    """A facet or chart value as people read it: 文书档案 (WS), 30年, 秘密; codes stay visible."""
    zh = page_language() == "zh"
    if field == "secrecy":
        return secrecy_label(value)
    if field == "category" and value in _CATEGORY_NAMES:
        return f"{_CATEGORY_NAMES[value][0 if zh else 1]} ({value})"
    if field == "retention" and zh:
        try:
            return RETENTION_ZH[Retention(value)]
        except ValueError:
            return value
    return str(value)


_ROLE_EN = {
    Role.ARCHIVIST: "Archivist", Role.STAFF: "Staff member", Role.DEPT_HEAD: "Department head",
    Role.OFFICE_DIRECTOR: "Office director", Role.LEADER: "Deputy director in charge", Role.DIRECTOR: "Director",
    Role.APPRAISER: "Appraisal group member", Role.WITNESS: "Destruction witness", Role.AUDITOR: "Security auditor",
    Role.SECURITY_OFFICER: "Security officer", Role.SYSADMIN: "System administrator",
}


def role_label(code: str) -> str:
    """A role in words: archive.codes.ROLE_ZH in Chinese, _ROLE_EN in English (like the category names)."""
    try:
        role = Role(code)
    except ValueError:
        return code
    return ROLE_ZH[role] if page_language() == "zh" else _ROLE_EN.get(role, role.value)


def form_label(code: str) -> str:
    return {"reading_room": _("阅档室查阅"), "electronic": _("在线查阅"), "loan": _("实物借出")}.get(code, code)


def record_status_label(code: str) -> str:
    """A record's state in words (已归档, 已移交进馆…), in the page's language."""
    zh, en = RECORD_STATUS_LABELS.get(code, (code, code))
    return zh if page_language() == "zh" else en


def status_label(code: str) -> str:
    return {
        "pending": _("待审批"), "approved": _("已批准"), "rejected": _("已驳回"), "issued": _("已出借"),
        "closed": _("已结束"), "cancelled": _("已撤销"), "approve": _("批准"), "reject": _("驳回"),
        "open": _("进行中"), "concluded": _("已完成"), "draft": _("待审批"), "executing": _("销毁中"),
        "executed": _("已销毁"), "destroyed": _("已销毁"), "destroying": _("销毁中"),
        "destroy": _("销毁"), "extend": _("延长保管"), "keep_permanent": _("永久保存"),
    }.get(code, code)


def register_label(kind: str) -> str:
    return {"loans": _("借阅登记簿"), "consultation": _("查阅登记簿"), "inout": _("出入库登记表"),
            "overdue": _("逾期未还清单")}.get(kind, kind)


def list_label(name: str) -> str:
    return {"due_for_appraisal": _("到期待鉴定"), "declassification_review": _("保密期限届满待审查"),
            "yearly_secrecy_review": _("年度定密审查"), "due_for_transfer": _("到期待移交进馆"),
            "filing_overdue": _("逾期未归档"), "secrecy_term_open": _("保密期限长期或不明待审查")}.get(name, name)


def review_reason_label(reason: str) -> str:
    """A review reason in words (缺页：页码3), in the page's language (archive.codes.REVIEW_REASON_LABELS)."""
    return _review_reason_label(reason, page_language())


def beijing_time(value: str | None) -> str:
    """An ISO time (UTC when it says no zone) as Beijing time to the minute."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def four_property_check_label(check: dict) -> str:
    """One failed or unrun check of the record's 四性检测 in words (archive.codes.four_property_check_label)."""
    return _check_label(check.get("check", ""), check.get("detail", ""),
                        page_language())


def born_digital_label(kind: str, code: str) -> str:
    """A born-digital original's format or seal state in words (archive.codes.born_digital_label)."""
    return _born_digital_label(kind, code, page_language())


def four_property_label(outcome: str) -> str:
    zh, en = FOUR_PROPERTY_OUTCOMES.get(outcome, (outcome, outcome))
    return zh if page_language() == "zh" else en


def snippet(html: str) -> Markup:
    """Search snippets arrive escaped with <em> marks; anything else that looks like markup is escaped."""
    if "<" in _EM.sub("", html) or ">" in _EM.sub("", html):
        return escape(html)
    return Markup(html)  # noqa: S704 - checked above: only <em> tags, text already escaped


def navigation() -> list[tuple[str, str]]:
    viewer = g.get("viewer")
    if viewer is None:
        return []
    items = [("dashboard.home", _("首页"))]
    if viewer.role in READER_ROLES:
        items += [("search.page", _("检索")), ("volumes.index", _("案卷")), ("loans.index", _("借阅")),
                  ("receiving.transfers", _("档案移交"))]  # departments hand over, heads sign, archivists receive
    if may(viewer, Action.FILE):
        items += [("upload.page", _("上传")), ("review.queue", _("待审核")), ("holdings.index", _("整理")),
                  ("catalogue.import_page", _("目录导入"))]
    if may(viewer, Action.EXPORT):
        items.append(("catalogue.export_page", _("目录导出")))
        if in_scope(viewer, PERSONNEL, ""):  # the personnel archivist
            items.append(("receiving.personnel_page", _("人事档案接收与转递")))
    if viewer.role in METADATA_ROLES:  # recusal from personnel files; the security officer declares for others
        items.append(("loans.relations_page", _("亲属关系申报")))
    if may(viewer, Action.APPROVE) or may(viewer, Action.ADMINISTER):  # approvers read it, the administrator sets it
        items.append(("loans.matrix", _("审批矩阵")))
    if viewer.role in APPROVER_ROLES:  # issue 17: the approver's queue of consultation requests
        items.append(("loans.consult_queue", _("查阅审批")))
    if any(may(viewer, a) for a in (Action.FILE, Action.APPRAISE, Action.APPROVE, Action.WITNESS, Action.READ_AUDIT)):
        items.append(("retention.index", _("保管与销毁")))
    if may(viewer, Action.FILE) or viewer.role.value in ("auditor", "office_director", "leader", "director"):
        items.append(("state_transfers.index", _("移交进馆")))  # to the state archive (retention.state_transfer)
    if may(viewer, Action.READ_AUDIT):
        items.append(("audit.trail", _("审计")))
    if may(viewer, Action.MANAGE_ACCOUNTS) or may(viewer, Action.MANAGE_CLEARANCES):
        items.append(("admin.users", _("用户管理")))
    if may(viewer, Action.ADMINISTER):
        items += [("config.categories", _("门类管理")), ("config.schedule", _("保管期限表"))]
    elif schedule_approver(viewer.role.value):  # approves the schedule changes proposed there
        items.append(("config.schedule", _("保管期限表")))
    if may(viewer, Action.ADMINISTER) or may(viewer, Action.FILE):
        items.append(("config.classifier", _("分类模型")))
    if may(viewer, Action.ADMINISTER) or may(viewer, Action.READ_AUDIT):  # the auditor reads the rules in force
        items.append(("config.settings", _("规则配置")))
    if may(viewer, Action.READ_AUDIT) or may(viewer, Action.FILE):
        items.append(("statistics.annual", _("统计年报")))
    keeps_watch = viewer.role.value in ("auditor", "office_director", "leader", "director")
    if may(viewer, Action.FILE) or keeps_watch or viewer.role.value == "dept_head":  # issue 19: filing campaign
        items.append(("campaign.dashboard", _("年度归档")))
    if may(viewer, Action.FILE) or keeps_watch:  # issue 19: the stack-room log
        items.append(("stack_room.page", _("库房日志")))
    if may(viewer, Action.FILE) or keeps_watch:  # issue 19: the copy register (复制/摘抄登记)
        items.append(("registry.copies", _("复制登记")))
    if viewer.role in READER_ROLES or viewer.role.value == "auditor":  # issue 19: non-record documents
        items.append(("registry.non_records", _("非归档文件销毁")))
    if may(viewer, Action.MANAGE_CLEARANCES) or viewer.role in APPROVER_ROLES:  # issue 19: 合议 officers, approvals
        items.append(("registry.special", _("合议记录审批")))
    if may(viewer, Action.FILE) and in_scope(viewer, PERSONNEL, ""):  # issue 19: the personnel archivist
        items.append(("personnel_review.index", _("人事档案审查")))
    if may(viewer, Action.LEND):  # issue 17: walk-in requests, certified copies, the 利用登记簿
        items.append(("utilization.index", _("查档出证")))
    if viewer.role.value in ("archivist", "office_director", "leader", "director"):  # archive.disclosure.common.HANDLERS
        items.append(("disclosure.index", _("政府信息公开")))
    if may(viewer, Action.ADMINISTER):
        items.append(("disclosure.calendar", _("工作日历")))
    items.append(("admin.tokens", _("API 令牌")))
    return items


def template_helpers() -> dict:
    return {
        "secrecy_label": secrecy_label,
        "code_label": code_label,
        "role_label": role_label,
        "form_label": form_label,
        "status_label": status_label,
        "record_status_label": record_status_label,
        "register_label": register_label,
        "list_label": list_label,
        "snippet": snippet,
        "review_reason_label": review_reason_label,
        "four_property_label": four_property_label,
        "four_property_check_label": four_property_check_label,
        "born_digital_label": born_digital_label,
        "beijing_time": beijing_time,
        "navigation": navigation,
        "current_locale": lambda: str(get_locale()),
    }
