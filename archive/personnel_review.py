"""The review of an incoming personnel file (DOMAIN.md §7, §15): the 档案审查表 records how the file
came (转递方式), signs of alteration or forgery (涂改造假), inconsistencies (前后不一致), missing
materials (缺失材料) and wrong key data (关键信息错误, e.g. a date of birth that differs between
materials). A file that fails is returned to the sender with the reason (退回); where only
materials are missing, the person may instead sign a 告知承诺 that lists them, states what may
follow if they are not supplied, and offers the alternative: the file goes back to the former
employer for completion.

A personnel file never travels in the hands of the person concerned (§7): such an arrival is a
finding of the review by itself.

This is the personnel archivist's work: an archivist (Action.FILE) whose scope includes personnel
files (category RS). Identity numbers and names are personal data, shown to them only. Each
view, return, commitment and printout is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, paper
from archive.arrangement.common import display_names, unit_name, viewer_of
from archive.clock import CHINA, today, utcnow
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity
from archive.policy import Action, Viewer, in_scope, require
from archive.room_models import PersonnelReview
from archive.visibility import MAX_ID

PERSONNEL = "RS"
HOW_CAME = {  # 转递方式: the first two are the lawful ways (干部人事档案工作条例)
    "courier": ("机要交通", "confidential courier"),
    "messenger": ("专人送取", "sent messenger"),
    "post": ("机要邮寄", "confidential post"),
    "self_carried": ("本人携带", "carried by the person concerned"),
}
STATUSES = {
    "open": ("待处理", "open"),
    "returned": ("已退回", "returned"),
    "committed": ("已签告知承诺", "commitment signed"),
    "accepted": ("已接收", "accepted"),
}
CONSEQUENCES = (
    "一、所缺材料未能在承诺期限内补齐的，相关经历、身份、学历、工龄、待遇等将无法认定或暂缓认定；",
    "二、因材料缺失造成的职务职级、工资福利、社会保险待遇、出国（境）政审等方面的影响，由本人承担；",
    "三、经核实所提供材料存在涂改、造假的，按有关规定严肃处理，已认定的事项予以纠正；",
    "四、逾期未补齐的，本单位将把档案退回原工作单位（或原档案保管单位）补充完善后重新转递。",
)


def _keeper(session: Session, identity: Identity) -> Viewer:
    viewer = viewer_of(session, identity)
    require(viewer, Action.FILE)
    if not in_scope(viewer, PERSONNEL, ""):
        raise Forbidden("incoming personnel files are reviewed by the personnel archivist (scope: RS)")
    return viewer


def _id_number(value: str) -> str:
    number = (value or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("an identity number has 17 digits and a digit or X")
    return number


def _text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"the {what} is required")
    if len(text) > limit:
        raise ValidationError(f"the {what} has at most {limit} characters")
    return text


def _get(session: Session, review_id: int, *, lock: bool = False) -> PersonnelReview:
    query = select(PersonnelReview).where(PersonnelReview.id == review_id)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none() if 0 < review_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"personnel file review {review_id} does not exist")
    return row


def findings(review: PersonnelReview) -> list[str]:
    """What the review found, in words; empty: the file passes."""
    out = []
    if review.how_came == "self_carried":
        out.append("转递方式不符：档案由本人携带")
    for label, text in (("涂改造假", review.alteration), ("前后不一致", review.inconsistencies),
                        ("关键信息错误", review.wrong_key_data)):
        if text:
            out.append(f"{label}：{text}")
    if review.missing:
        out.append("缺失材料：" + "、".join(review.missing))
    return out


def create(session: Session, identity: Identity, *, person_id_number: str, person_name: str, from_unit: str,
           how_came: str, arrived_on: dt.date | None = None, alteration: str = "", inconsistencies: str = "",
           missing: Sequence[str] = (), wrong_key_data: str = "") -> dict[str, Any]:
    """Fill in the 档案审查表 of a file that has arrived."""
    keeper = _keeper(session, identity)
    if how_came not in HOW_CAME:
        raise ValidationError(f"how the file came is one of {', '.join(HOW_CAME)}")
    arrived = arrived_on or today()
    if arrived > today():
        raise ValidationError("the file cannot arrive in the future")
    materials = list(dict.fromkeys(m.strip() for m in missing if m and m.strip()))
    if len(materials) > 100 or any(len(m) > 100 for m in materials):
        raise ValidationError("at most 100 missing materials of at most 100 characters each")
    review = PersonnelReview(
        person_id_number=_id_number(person_id_number), person_name=_text(person_name, "name", 50, required=True),
        from_unit=_text(from_unit, "sending unit", 100, required=True), arrived_on=arrived, how_came=how_came,
        alteration=_text(alteration, "alteration found", 2000),
        inconsistencies=_text(inconsistencies, "inconsistencies", 2000), missing=materials,
        wrong_key_data=_text(wrong_key_data, "wrong key data", 2000), status="open", reviewed_by=keeper.username)
    session.add(review)
    session.flush()
    audit.record(session, keeper.username, "personnel_review.create", f"personnel_review:{review.id}",
                 {"findings": len(findings(review)), "how_came": how_came})
    return row(session, review)


def show(session: Session, identity: Identity, review_id: int) -> dict[str, Any]:
    keeper = _keeper(session, identity)
    review = _get(session, review_id)
    audit.record(session, keeper.username, "personnel_review.view", f"personnel_review:{review.id}", {})
    return row(session, review)


def reviews(session: Session, identity: Identity, status: str | None = None) -> list[dict[str, Any]]:
    keeper = _keeper(session, identity)
    query = select(PersonnelReview).order_by(PersonnelReview.id.desc()).limit(500)
    if status:
        if status not in STATUSES:
            raise ValidationError(f"the status is one of {', '.join(STATUSES)}")
        query = query.where(PersonnelReview.status == status)
    rows = [row(session, r) for r in session.execute(query).scalars()]
    audit.record(session, keeper.username, "personnel_review.list", "personnel_review", {"count": len(rows)})
    return rows


def return_file(session: Session, identity: Identity, review_id: int, reason: str) -> dict[str, Any]:
    """退回: the file goes back to the sender, with the reason (the findings by default)."""
    keeper = _keeper(session, identity)
    review = _get(session, review_id, lock=True)
    if review.status in ("returned", "accepted"):
        raise Conflict(f"personnel file review {review_id} is already {review.status}")
    text = _text(reason, "reason", 2000) or "；".join(findings(review))
    if not text:
        raise ValidationError("a file is returned with a reason")
    review.status, review.return_reason = "returned", text
    review.returned_by, review.returned_at = keeper.username, utcnow()
    audit.record(session, keeper.username, "personnel_review.return", f"personnel_review:{review.id}",
                 {"to": review.from_unit, "reason": text[:200]})
    return row(session, review)


def commit(session: Session, identity: Identity, review_id: int, due: dt.date) -> dict[str, Any]:
    """The person signed the 告知承诺: the missing materials will be supplied by `due`."""
    keeper = _keeper(session, identity)
    review = _get(session, review_id, lock=True)
    if review.status != "open":
        raise Conflict(f"personnel file review {review_id} is {review.status}")
    if not review.missing:
        raise Conflict("a 告知承诺 is for missing materials; this file lacks none")
    if review.alteration or review.wrong_key_data or review.how_came == "self_carried":
        raise Conflict("a file altered, with wrong key data or carried by the person is returned, not kept on a promise")
    if due <= today():
        raise ValidationError("the materials are promised for a day after today")
    review.status, review.commitment_due, review.committed_at = "committed", due, utcnow()
    audit.record(session, keeper.username, "personnel_review.commit", f"personnel_review:{review.id}",
                 {"due": due.isoformat(), "missing": len(review.missing)})
    return row(session, review)


def accept(session: Session, identity: Identity, review_id: int) -> dict[str, Any]:
    """The file is taken into custody: it passed, or what was promised has arrived."""
    keeper = _keeper(session, identity)
    review = _get(session, review_id, lock=True)
    if review.status not in ("open", "committed"):
        raise Conflict(f"personnel file review {review_id} is {review.status}")
    if review.status == "open" and findings(review):
        raise Conflict("a file with findings is returned, or kept on the person's 告知承诺")
    review.status = "accepted"
    audit.record(session, keeper.username, "personnel_review.accept", f"personnel_review:{review.id}", {})
    return row(session, review)


def notice_text(review: PersonnelReview) -> list[str]:
    """The 告知承诺 as the person reads and signs it."""
    due = review.commitment_due.isoformat() if review.commitment_due else "＿＿＿＿年＿＿月＿＿日"
    return [
        f"{review.person_name}同志（身份证号 {review.person_id_number}）：",
        f"经审核，您由{review.from_unit}转来的人事档案缺少以下材料：{'、'.join(review.missing) or '无'}。"
        f"请于 {due} 前补齐。",
        "现将可能产生的后果告知如下：", *CONSEQUENCES,
        f"您也可以选择不作承诺，由本单位将档案退回{review.from_unit}（原工作单位）补充完善后重新转递。",
        "本人已知悉上述缺失材料及可能产生的后果，承诺按期补齐所缺材料，并对所提供材料的真实性负责。",
    ]


def print_pdf(session: Session, identity: Identity, review_id: int, form: str = "review") -> bytes:
    """The 档案审查表 (`review`) or the 告知承诺书 (`notice`) as a PDF/A, audited."""
    keeper = _keeper(session, identity)
    review = _get(session, review_id)
    data = row(session, review)
    if form == "review":
        body = paper.document("人事档案审查表", [f"审查编号：{review.id}"], [(
            "", ["项目", "审查情况"], [
                ["姓名", review.person_name], ["身份证号", review.person_id_number],
                ["转出单位", review.from_unit], ["接收日期", review.arrived_on.isoformat()],
                ["转递方式", HOW_CAME[review.how_came][0]], ["涂改造假", review.alteration or "无"],
                ["前后不一致", review.inconsistencies or "无"], ["缺失材料", "、".join(review.missing) or "无"],
                ["关键信息错误", review.wrong_key_data or "无"],
                ["审查结论", "；".join(data["findings"]) or "审查通过"],
                ["处理结果", STATUSES[review.status][0] + (f"（退回理由：{review.return_reason}）"
                                                       if review.status == "returned" else "")],
                ["审查人", data["reviewed_by_name"]], ["审查日期", data["reviewed_at"][:10]],
            ])], signatures=("审查人", "复核人", "负责人"), unit=unit_name(session))
    elif form == "notice":
        if not review.missing:
            raise Conflict("a 告知承诺书 is for missing materials; this file lacks none")
        body = paper.document("人事档案缺失材料告知承诺书", notice_text(review), [],
                              signatures=("承诺人（签字）", "经办人", "日期"), unit=unit_name(session))
    else:
        raise ValidationError("the form is review or notice")
    audit.record(session, keeper.username, "personnel_review.print", f"personnel_review:{review.id}", {"form": form})
    return body


def row(session: Session, review: PersonnelReview) -> dict[str, Any]:
    names = display_names(session, [review.reviewed_by, review.returned_by])
    return {
        "id": review.id, "person_id_number": review.person_id_number, "person_name": review.person_name,
        "from_unit": review.from_unit, "arrived_on": review.arrived_on.isoformat(), "how_came": review.how_came,
        "how_came_label": HOW_CAME[review.how_came][0], "alteration": review.alteration,
        "inconsistencies": review.inconsistencies, "missing": list(review.missing or []),
        "wrong_key_data": review.wrong_key_data, "findings": findings(review), "status": review.status,
        "status_label": STATUSES[review.status][0], "reviewed_by": review.reviewed_by,
        "reviewed_by_name": names.get(review.reviewed_by, review.reviewed_by),
        "reviewed_at": _beijing(review.reviewed_at), "return_reason": review.return_reason,
        "returned_by": names.get(review.returned_by, review.returned_by) if review.returned_by else "",
        "returned_at": _beijing(review.returned_at) if review.returned_at else None,
        "commitment_due": review.commitment_due.isoformat() if review.commitment_due else None,
        "notice": notice_text(review) if review.missing else [],
    }


def _beijing(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
