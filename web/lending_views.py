"""Loans as the pages and the API show them: thin calls into archive.lending, which checks and audits.

The web layer passes the user name on; eligibility, approval chains, separation of duties and
visibility (a request exists for a viewer only if they may see every item) are the service's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from archive.clock import today
from archive.errors import NotFound, ValidationError
from archive.lending import inventory, overdue, registers, requests, viewing
from archive.lending.models import InventoryCheck, LoanRequest
from archive.policy import Viewer

FORMS = requests.FORMS
MAX_ITEMS = 50


def _ids(value: object, name: str) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str):  # a form field: "12, 13"
        value = [x for x in value.replace("，", ",").split(",") if x.strip()]
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ValidationError(f"{name} must be a list of at most {MAX_ITEMS} ids")
    out = []
    for x in value:
        if isinstance(x, bool) or not (isinstance(x, int) or (isinstance(x, str) and x.strip().isdigit())):
            raise ValidationError(f"{name} must hold positive whole numbers")
        number = int(x)
        if not 0 < number <= 2**31 - 1:
            raise ValidationError(f"{name} must hold positive whole numbers")
        out.append(number)
    return out


def _int(value: object, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise ValidationError(f"{name} must be a whole number")
    number = int(value)
    if not low <= number <= high:
        raise ValidationError(f"{name} must be between {low} and {high}")
    return number


def _text(value: object, name: str, limit: int = 500) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    return value.strip()[:limit]


def summary(request: LoanRequest) -> dict:
    """A request in a list: no item titles (describe gives those, audited)."""
    return {"id": request.id, "number": request.number, "requester": request.requester, "form": request.form,
            "purpose": request.purpose, "level": request.level, "status": request.status,
            "created_at": request.created_at.isoformat() if request.created_at else None}


def create(db, actor: str, data: dict) -> dict:  # noqa: ANN001
    readers = data.get("readers")
    if isinstance(readers, str):
        readers = [r.strip() for r in readers.replace("，", ",").split(",") if r.strip()]
    if readers is not None and (not isinstance(readers, list) or not all(isinstance(r, str) for r in readers)):
        raise ValidationError("readers must be a list of user names")
    request = requests.create_request(
        db, actor, purpose=_text(data.get("purpose"), "purpose", 1000), form=_text(data.get("form"), "form", 20),
        record_ids=_ids(data.get("record_ids"), "record_ids"), volume_ids=_ids(data.get("volume_ids"), "volume_ids"),
        days=_int(data.get("days"), "days", requests.DEFAULT_DAYS, 1, 365), readers=readers or None,
    )
    return requests.describe(db, actor, request)


def overview(db, viewer: Viewer) -> dict:  # noqa: ANN001
    """The loans page in one (audited) listing: mine, my approval inbox, the archivist's desk."""
    actor = viewer.username
    rows = requests.list_requests(db, actor)
    return {
        "mine": [summary(r) for r in rows if r.requester == actor or actor in r.readers],
        "inbox": [summary(r) for r in rows if _awaits(viewer, r)],
        "approved": [summary(r) for r in rows if r.status == "approved"],
        "issued": [summary(r) for r in rows if r.status == "issued"],
    }


def notifications(db, actor: str) -> list[dict]:  # noqa: ANN001
    """The user's own unread reminders (overdue loans); messages carry codes, never titles."""
    return [{"id": n.id, "kind": n.kind, "target": n.target, "message": n.message,
             "created_at": n.created_at.isoformat() if n.created_at else None}
            for n in overdue.notifications(db, actor, unread=True)[:50]]


def _awaits(viewer: Viewer, request: LoanRequest) -> bool:
    if request.status != "pending" or request.requester == viewer.username:
        return False
    done = sum(1 for a in request.approvals if a.decision == "approve")
    return done < len(request.steps) and viewer.role.value in request.steps[done]


def listing(db, actor: str, status: str | None = None) -> list[dict]:  # noqa: ANN001
    return [summary(r) for r in requests.list_requests(db, actor, status=status or None)]


def inbox(db, viewer: Viewer) -> list[dict]:  # noqa: ANN001
    """Pending requests whose next step is for the viewer's role (a convenience; approve() decides)."""
    return [summary(r) for r in requests.list_requests(db, viewer.username, status="pending") if _awaits(viewer, r)]


def detail(db, actor: str, request_id: int) -> dict:  # noqa: ANN001
    return requests.describe(db, actor, requests.visible_request(db, _viewer(db, actor), request_id))


def _viewer(db, actor: str) -> Viewer:  # noqa: ANN001
    from archive.lending.access import viewer_of

    return viewer_of(db, actor)


def approve(db, actor: str, request_id: int, note: str = "") -> dict:  # noqa: ANN001
    return requests.describe(db, actor, requests.approve(db, actor, request_id, _text(note, "note")))


def reject(db, actor: str, request_id: int, reason: str) -> dict:  # noqa: ANN001
    return requests.describe(db, actor, requests.reject(db, actor, request_id, _text(reason, "reason")))


def cancel(db, actor: str, request_id: int) -> dict:  # noqa: ANN001
    return requests.describe(db, actor, requests.cancel(db, actor, request_id))


def issue(db, actor: str, request_id: int, data: dict) -> dict:  # noqa: ANN001
    """Open an approved request: volumes go out (loan), or viewing grants are issued."""
    request = requests.visible_request(db, _viewer(db, actor), request_id)
    if request.form == "loan":
        carriers = data.get("carriers") or []
        if isinstance(carriers, str):
            carriers = [c.strip() for c in carriers.split(",") if c.strip()]
        if not isinstance(carriers, list) or not all(isinstance(c, str) for c in carriers):
            raise ValidationError("carriers must be a list of names")
        requests.issue_loans(db, actor, request_id, carriers=carriers)
    else:
        hours = _int(data.get("hours"), "hours", 0, 0, 24 * 90) or None
        viewing.issue_grants(db, actor, request_id, accompanied_by=_text(data.get("accompanied_by"), "accompanied_by", 50),
                             hours=hours)
    return requests.describe(db, actor, requests.get_request(db, request_id))


def return_loan(db, actor: str, loan_id: int, data: dict) -> dict:  # noqa: ANN001
    pages = _int(data.get("pages_returned"), "pages_returned", -1, 0, 100_000)
    if pages < 0:
        raise ValidationError("pages_returned is required")
    check = requests.return_loan(db, actor, loan_id, pages_returned=pages, damage=_text(data.get("damage"), "damage"))
    return {"loan": check.loan.id, "pages_ok": check.pages_ok, "damage": check.damage}


def renew(db, actor: str, loan_id: int, data: dict) -> dict:  # noqa: ANN001
    loan = requests.renew(db, actor, loan_id, _int(data.get("days"), "days", requests.DEFAULT_DAYS, 1, 365))
    return {"loan": loan.id, "due_on": loan.due_on.isoformat(), "renewals": loan.renewals}


REGISTER_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "pdf": "application/pdf"}


def export_register(db, actor: str, kind: str, fmt: str) -> tuple[bytes, str, str]:  # noqa: ANN001
    body = registers.export(db, actor, kind, fmt)
    return body, REGISTER_TYPES[fmt], f"register-{kind}.{fmt}"


def month_counts(db, viewer: Viewer, months: int = 12) -> tuple[list[tuple[str, int]], int]:  # noqa: ANN001
    """Loan requests per month (physical loans and consultations) and the overdue count, counted
    over the register rows the policy lets the viewer see."""
    per_month: Counter[str] = Counter()
    seen: set[str] = set()
    for kind, number_col, date_col in (("loans", 0, 6), ("consultation", 0, 8)):
        for row in registers.rows(db, viewer, kind):
            if row[number_col] in seen:
                continue
            seen.add(row[number_col])
            per_month[str(row[date_col])[:7]] += 1
    first = today().replace(day=1)
    labels = []
    for _n in range(months):
        labels.append(first.isoformat()[:7])
        first = (first - dt.timedelta(days=1)).replace(day=1)
    overdue = len(registers.rows(db, viewer, "overdue"))
    return [(m, per_month.get(m, 0)) for m in reversed(labels)], overdue


# -- stock checks (盘点) ------------------------------------------------------------------------
def check_row(db, viewer: Viewer, check: InventoryCheck) -> dict:  # noqa: ANN001
    """`result` is the service's view of the check for this viewer (inventory.visible_result)."""
    return {"id": check.id, "room": check.room, "opened_by": check.opened_by,
            "opened_at": check.opened_at.isoformat() if check.opened_at else None,
            "closed_at": check.closed_at.isoformat() if check.closed_at else None,
            "result": inventory.visible_result(db, viewer, check)}


def _require_lender(viewer: Viewer) -> None:
    from archive.policy import Action, require

    require(viewer, Action.LEND)  # the service checks again; this keeps the list to archivists


def checks(db, viewer: Viewer) -> list[dict]:  # noqa: ANN001
    from sqlalchemy import select

    _require_lender(viewer)
    rows = db.execute(select(InventoryCheck).order_by(InventoryCheck.id.desc()).limit(50)).scalars()
    return [check_row(db, viewer, c) for c in rows]


def check(db, viewer: Viewer, check_id: int) -> dict:  # noqa: ANN001
    _require_lender(viewer)
    found = db.get(InventoryCheck, check_id) if 0 < check_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(f"inventory check {check_id} does not exist")
    return check_row(db, viewer, found)


def check_open(db, viewer: Viewer, room: object) -> dict:  # noqa: ANN001
    return check_row(db, viewer, inventory.open_check(db, viewer.username, _text(room, "room", 20)))


def check_scan(db, viewer: Viewer, check_id: int, data: dict) -> dict:  # noqa: ANN001
    codes = data.get("codes")
    if isinstance(codes, str):
        codes = codes.split()
    if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) <= 100 for c in codes) or len(codes) > 2000:
        raise ValidationError("codes must be a list of at most 2000 volume codes")
    shelf = _text(data.get("shelf"), "shelf", 100)
    if not shelf:
        raise ValidationError("shelf is required")
    count = inventory.scan(db, viewer.username, check_id, shelf, codes)
    return {**check(db, viewer, check_id), "scanned_now": count}


def check_close(db, viewer: Viewer, check_id: int) -> dict:  # noqa: ANN001
    inventory.close_check(db, viewer.username, check_id)
    return check(db, viewer, check_id)
