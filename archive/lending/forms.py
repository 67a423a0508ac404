"""The two forms a consultation prints from its request (DOMAIN.md §14, §15), as PDF/A-2b:

- 内部借阅表 (`internal`): the business unit's internal loan form: who, which unit, what, why,
  the form and the period, with the signatures of the borrower, the approver and the archivist;
- 查阅审批表 (`approval`): the approval sheet: the request and each approval step with the
  approver's role, name, decision, opinion and time (Beijing time).

Printed by anyone who takes part in the request (requester, reader, approver, archivist) and may
see every item of it; a top-secret title is never printed. Every print is audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from archive import audit, paper
from archive.arrangement.common import display_names, unit_name
from archive.clock import CHINA
from archive.codes import ROLE_ZH, SECRECY_ZH, Role, Secrecy
from archive.errors import ValidationError
from archive.lending.access import Who, acting
from archive.lending.messages import LABELS
from archive.lending.models import LoanRequest
from archive.lending.requests import visible_request
from archive.models import Record, Volume

KINDS = {"internal": "内部借阅表", "approval": "查阅审批表"}
TOP_SECRET_TITLE = "〔绝密件，题名不登记〕"


def _zh(group: str, code: str) -> str:
    words = LABELS.get(group, {}).get(code)
    return words[0] if words else code


def _secrecy(code: str) -> str:
    try:
        return SECRECY_ZH[Secrecy(code)]
    except ValueError:
        return code


def _role(code: str) -> str:
    try:
        return ROLE_ZH[Role(code)]
    except ValueError:
        return code


def _time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _items(session: Session, request: LoanRequest) -> list[list[str]]:
    rows = []
    for n, item in enumerate(request.items, 1):
        if item.record_id is not None:
            target: Record | Volume = session.get_one(Record, item.record_id)
        else:
            target = session.get_one(Volume, item.volume_id)
        title = TOP_SECRET_TITLE if item.secrecy == Secrecy.TOP_SECRET.value else target.title
        rows.append([str(n), target.archival_code or "", title, _secrecy(item.secrecy)])
    return rows


def render(session: Session, who: Who, request_id: int, kind: str) -> tuple[bytes, str]:
    """(PDF/A bytes, file name) of the form `kind` of a request."""
    me = acting(session, who)
    request = visible_request(session, me, request_id)  # first: what does not exist says nothing more
    if kind not in KINDS:
        raise ValidationError(f"form must be one of {', '.join(KINDS)}")
    people = [request.requester, *request.readers, *(a.approver for a in request.approvals)]
    names = display_names(session, people)
    readers = "、".join(names.get(r, r) for r in request.readers) or request.outside_name
    lines = [
        f"申请单号：{request.number}",
        f"申请人：{names.get(request.requester, request.requester)}    科室：{request.department or '—'}",
        f"查阅人：{readers}",
        f"利用目的：{request.purpose}",
        f"利用方式：{_zh('form', request.form)}    期限：{request.days} 天    最高密级：{_secrecy(request.level)}",
        f"审批规则：{_zh('rule', request.rule)}    状态：{_zh('status', request.status)}",
        f"申请时间：{_time(request.created_at)}",
    ]
    if request.outside_unit:
        lines.append(f"外单位：{request.outside_unit}    介绍信：{request.outside_letter}")
    tables = [("借阅/查阅档案", ["序号", "档号", "题名", "密级"], _items(session, request))]
    if kind == "internal":
        signatures = ["借阅人签字", "科室负责人签字", "办公室主任或分管局领导签字", "档案员签字"]
    else:
        steps = []
        for n, roles in enumerate(request.steps):
            done = [a for a in request.approvals if a.step == n]
            if done:
                for a in done:
                    steps.append([str(n + 1), _role(a.role), names.get(a.approver, a.approver),
                                  _zh("decision", a.decision), a.reason, _time(a.decided_at)])
            else:
                steps.append([str(n + 1), "或".join(_role(r) for r in roles), "", "待审批", "", ""])
        tables.append(("审批意见", ["环节", "审批人职务", "审批人", "意见", "说明", "时间"], steps))
        signatures = ["审批人签字", "档案员签字"]
    body = paper.document(KINDS[kind], lines, tables, signatures=signatures, unit=unit_name(session))
    audit.record(session, me.username, f"print.loan_{kind}", f"loan:{request.number}", {"items": len(request.items)})
    return body, f"{request.number}-{kind}.pdf"
