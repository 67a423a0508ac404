"""The lending desk as every face uses it (web pages, JSON API, CLI): one call per action.

Each function takes the acting identity first, calls the lending services (which resolve the
person through archive.identity, check archive.policy and write the audit event) and returns plain
data: the faces parse input, call one of these and present the result. The JSON shapes here are
the API's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from archive import use_matrix
from archive.errors import ValidationError
from archive.lending import approvals, extracts, forms, overdue, registers, relations, requests, viewing
from archive.lending.access import Actor, Who, acting
from archive.lending.models import Extract, FamilyRelation, LoanRequest

FORMS = requests.FORMS
STATUSES = ("pending", "approved", "rejected", "issued", "closed", "cancelled")
DEFAULT_DAYS = requests.DEFAULT_DAYS


# -- requests -----------------------------------------------------------------------------------
def summary(request: LoanRequest) -> dict:
    """A request in a list: no item titles (describe gives those, audited)."""
    return {"id": request.id, "number": request.number, "requester": request.requester, "form": request.form,
            "purpose": request.purpose, "level": request.level, "status": request.status,
            "created_at": request.created_at.isoformat() if request.created_at else None}


def outside_borrower(data: dict | None) -> requests.OutsideBorrower | None:
    """{"name", "unit", "letter", "id_number"} as a face sends it (None: no outside borrower)."""
    if not data:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k, ""), str) for k in
                                             ("name", "unit", "letter", "id_number")):
        raise ValidationError("outside is an object with name, unit, letter and id_number")
    return requests.OutsideBorrower(data.get("name", "").strip()[:50], data.get("unit", "").strip()[:100],
                                    data.get("letter", "").strip()[:100], data.get("id_number", "").strip()[:18])


def submit(session: Session, who: Who, *, purpose: str, form: str, record_ids: Sequence[int] = (),
           volume_ids: Sequence[int] = (), days: int = DEFAULT_DAYS, extract: bool = False,
           readers: list[str] | None = None, outside: dict | None = None) -> dict:
    """Submit a request (an outside unit's, with its letter of introduction, at the archivist's desk)."""
    me = acting(session, who)
    request = requests.create_request(
        session, me, purpose=purpose, form=form, record_ids=list(record_ids), volume_ids=list(volume_ids),
        days=days, extract=extract, readers=readers or None, outside=outside_borrower(outside),
    )
    return requests.describe(session, me, request)


def _awaits(me: Actor, request: LoanRequest) -> bool:
    """Pending, and its next step is for the viewer's role (a convenience; approve() decides)."""
    if request.status != "pending" or request.requester == me.username:
        return False
    done = sum(1 for a in request.approvals if a.decision == "approve")
    return done < len(request.steps) and me.viewer.role.value in request.steps[done]


def overview(session: Session, who: Who) -> dict:
    """The loans page in one (audited) listing: mine, my approval inbox, the archivist's desk."""
    me = acting(session, who)
    rows = requests.list_requests(session, me)
    return {
        "mine": [summary(r) for r in rows if r.requester == me.username or me.username in r.readers],
        "inbox": [summary(r) for r in rows if _awaits(me, r)],
        "approved": [summary(r) for r in rows if r.status == "approved"],
        "issued": [summary(r) for r in rows if r.status == "issued"],
    }


def listing(session: Session, who: Who, status: str | None = None) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise ValidationError(f"status must be one of {', '.join(STATUSES)}")
    return [summary(r) for r in requests.list_requests(session, who, status=status)]


def inbox(session: Session, who: Who) -> list[dict]:
    me = acting(session, who)
    return [summary(r) for r in requests.list_requests(session, me, status="pending") if _awaits(me, r)]


def detail(session: Session, who: Who, request_id: int) -> dict:
    me = acting(session, who)
    return requests.describe(session, me, requests.visible_request(session, me, request_id))


def request_page(session: Session, who: Who, request_id: int) -> dict:
    """What the request page shows: the request, whether it awaits the viewer, its extracts."""
    me = acting(session, who)
    request = requests.visible_request(session, me, request_id)
    return {"request": requests.describe(session, me, request), "awaits_you": _awaits(me, request),
            "extracts": [extract_row(e) for e in extracts.extracts_of(session, me, request_id)]}


def approve(session: Session, who: Who, request_id: int, note: str = "") -> dict:
    me = acting(session, who)
    return requests.describe(session, me, requests.approve(session, me, request_id, note))


def reject(session: Session, who: Who, request_id: int, reason: str) -> dict:
    me = acting(session, who)
    return requests.describe(session, me, requests.reject(session, me, request_id, reason))


def cancel(session: Session, who: Who, request_id: int) -> dict:
    me = acting(session, who)
    return requests.describe(session, me, requests.cancel(session, me, request_id))


def issue(session: Session, who: Who, request_id: int, *, carriers: Sequence[str] = (), accompanied_by: str = "",
          hours: int | None = None, loan_days: int | None = None) -> dict:
    """Open an approved request: volumes go out (loan), or viewing grants are issued."""
    me = acting(session, who)
    request = requests.visible_request(session, me, request_id)
    if request.form == "loan":
        requests.issue_loans(session, me, request_id, carriers=list(carriers), loan_days=loan_days)
    else:
        viewing.issue_grants(session, me, request_id, accompanied_by=accompanied_by, hours=hours or None)
    return requests.describe(session, me, requests.get_request(session, request_id))


def close(session: Session, who: Who, request_id: int) -> dict:
    """End a reading-room or electronic consultation: its grants are revoked."""
    me = acting(session, who)
    return requests.describe(session, me, viewing.close_viewing(session, me, request_id))


def return_loan(session: Session, who: Who, loan_id: int, *, pages_returned: int, damage: str = "") -> dict:
    check = requests.return_loan(session, who, loan_id, pages_returned=pages_returned, damage=damage)
    return {"loan": check.loan.id, "pages_ok": check.pages_ok, "damage": check.damage}


def renew(session: Session, who: Who, loan_id: int, days: int = DEFAULT_DAYS) -> dict:
    loan = requests.renew(session, who, loan_id, days)
    return {"loan": loan.id, "due_on": loan.due_on.isoformat(), "renewals": loan.renewals}


def notifications(session: Session, who: Who) -> list[dict]:
    """The person's own unread reminders (overdue loans); messages carry codes, never titles."""
    me = acting(session, who)
    return [{"id": n.id, "kind": n.kind, "target": n.target, "message": n.message,
             "created_at": n.created_at.isoformat() if n.created_at else None}
            for n in overdue.notifications(session, me.username, unread=True)[:50]]


# -- registers -----------------------------------------------------------------------------------
def export_register(session: Session, who: Who, kind: str, fmt: str) -> tuple[bytes, str, str]:
    """(body, media type, file name) of a register export (audited)."""
    body = registers.export(session, who, kind, fmt)
    return body, registers.MEDIA_TYPES[fmt], f"register-{kind}.{fmt}"


# -- extracts and copies (摘抄/复制) ---------------------------------------------------------------
def extract_row(extract: Extract) -> dict:
    return {"id": extract.id, "record": extract.record_id, "kind": extract.kind, "reader": extract.reader,
            "description": extract.description, "pages": extract.pages, "copies": extract.copies,
            "secrecy": extract.secrecy, "registered_by": extract.registered_by,
            "registered_at": extract.registered_at.isoformat() if extract.registered_at else None}


def register_extract(session: Session, who: Who, request_id: int, record_id: int, *, reader: str,
                     description: str, pages: str = "", copies: int = 1, kind: str = "extract") -> dict:
    made = extracts.register_extract(session, who, request_id, record_id, reader=reader, description=description,
                                     pages=pages, copies=copies, kind=kind)
    return {**extract_row(made), "copies_in_circulation": extracts.copies_of(session, made.record_id)}


def list_extracts(session: Session, who: Who, request_id: int) -> list[dict]:
    return [extract_row(e) for e in extracts.extracts_of(session, who, request_id)]


# -- declared relations (personnel-file rule) -----------------------------------------------------
def relation_row(row: FamilyRelation) -> dict:
    return {"id": row.id, "username": row.username, "relation": row.relation, "person_name": row.person_name,
            "person_id_number": row.person_id_number,
            "declared_at": row.declared_at.isoformat() if row.declared_at else None}


def declare_relation(session: Session, who: Who, relation: str, person_id_number: str, person_name: str = "", *,
                     username: str | None = None) -> dict:
    return relation_row(relations.declare(session, who, relation, person_id_number, person_name, username=username))


def list_relations(session: Session, who: Who, username: str | None = None) -> list[dict]:
    return [relation_row(r) for r in relations.relations_of(session, who, username)]


# -- the approval matrix ----------------------------------------------------------------------
def rule_row(rule: approvals.Rule) -> dict[str, Any]:
    data = dataclasses.asdict(rule)
    data["steps"] = [list(step) for step in rule.steps]
    return data


def approval_matrix(session: Session, who: Who) -> list[dict]:
    return [rule_row(r) for r in approvals.matrix(session, who)]


def set_approval_matrix(session: Session, who: Who, rows: list[dict]) -> list[dict]:
    if not isinstance(rows, list) or not rows or len(rows) > 50:
        raise ValidationError("the approval matrix is a list of 1 to 50 rows")
    approvals.set_matrix(session, who, [approvals.rule_from_dict(row) for row in rows])
    return approval_matrix(session, who)


# -- consultations under the use matrix (DOMAIN.md §15) ------------------------------------------
CONSULT_FORMS = ("electronic", "reading_room")


def consult_plan(session: Session, who: Who, *, form: str, record_ids: Sequence[int] = (),
                 volume_ids: Sequence[int] = (), extract: bool = False, readers: list[str] | None = None) -> dict:
    """The rules a consultation request would follow, shown before it is submitted: who approves,
    for how long, watermark and download."""
    if form not in CONSULT_FORMS:
        raise ValidationError(f"a consultation is read {' or '.join(CONSULT_FORMS)}")
    return requests.plan(session, who, form=form, record_ids=list(record_ids), volume_ids=list(volume_ids),
                         extract=extract, readers=readers or None)


def consult(session: Session, who: Who, *, purpose: str, form: str, record_ids: Sequence[int] = (),
            volume_ids: Sequence[int] = (), days: int | None = None, extract: bool = False,
            readers: list[str] | None = None) -> dict:
    """Submit a consultation request (electronic viewing or the reading room); the period defaults
    to the use matrix's."""
    if form not in CONSULT_FORMS:
        raise ValidationError(f"a consultation is read {' or '.join(CONSULT_FORMS)}")
    me = acting(session, who)
    return submit(session, me, purpose=purpose, form=form, record_ids=record_ids, volume_ids=volume_ids,
                  days=days or use_matrix.load(session).days, extract=extract, readers=readers)


def print_form(session: Session, who: Who, request_id: int, kind: str) -> tuple[bytes, str, str]:
    """(PDF/A body, media type, file name) of a request's 内部借阅表 (`internal`) or 查阅审批表 (`approval`)."""
    body, name = forms.render(session, who, request_id, kind)
    return body, "application/pdf", name


def use_settings(session: Session, who: Who) -> dict:
    """The use matrix in force (any signed-in person may read the rules they are held to)."""
    acting(session, who)
    return use_matrix.load(session).as_dict()


def set_use_settings(session: Session, who: Who, data: dict) -> dict:
    me = acting(session, who)
    return use_matrix.set_matrix(session, me.viewer, data).as_dict()
