"""The loan workflow: request → eligibility → approval chain → issue → return → closed.

Forms: `reading_room` (阅档室查阅), `electronic` (在线查阅, time-limited grants) and `loan`
(实物借出, volumes only). A request's chain is fixed when it is submitted, from the matrix of
archive.lending.approvals. One active physical loan per volume is guaranteed by the partial
unique index `uq_loans_active_volume`, so two archivists issuing at once yield one loan.

Every function takes the acting identity first (archive.lending.access.acting: re-read in this
unit of work, active accounts only), checks the policy, does the work and writes its audit event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy.exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, relations, use_matrix
from archive.clock import today, utcnow
from archive.codes import Role, Secrecy
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending import approvals
from archive.lending.access import (
    Actor,
    VolumeView,
    Who,
    acting,
    highest,
    viewer_of,
    visible_record,
    visible_volume,
)
from archive.lending.messages import msg
from archive.lending.models import Approval, FamilyRelation, Loan, LoanRequest, LoanRequestItem, StoreMovement
from archive.models import Record, Volume
from archive.policy import Action, Viewer, can_see, distinct_people, may, rank

FORMS = ("reading_room", "electronic", "loan")
DEFAULT_DAYS = 7  # Settings.loan_days; callers pass the configured value
MAX_RENEWALS = 2
PERSONNEL = "RS"


@dataclasses.dataclass(frozen=True)
class OutsideBorrower:
    """A reader from another unit: the letter of introduction (介绍信) and an ID are mandatory.
    The archivist at the desk registers the request; the outsider reads in the reading room or
    borrows volumes (they have no account, so no electronic viewing)."""

    name: str
    unit: str
    letter: str  # letter number or the object key of its scan
    id_number: str


def create_request(
    session: Session, who: Who, *, purpose: str, form: str, record_ids: Sequence[int] = (),
    volume_ids: Sequence[int] = (), days: int = DEFAULT_DAYS, extract: bool = False,
    readers: list[str] | None = None, outside: OutsideBorrower | None = None,
) -> LoanRequest:
    """Check eligibility and submit; the approval chain is chosen here."""
    requester = acting(session, who)
    viewer, actor = requester.viewer, requester.username
    if form not in FORMS:
        raise ValidationError(f"form must be one of {', '.join(FORMS)}")
    if not purpose.strip():
        raise ValidationError("a request states its purpose")
    if not record_ids and not volume_ids:
        raise ValidationError("a request names at least one record or volume")
    if days <= 0:
        raise ValidationError("the period must be at least one day")
    if outside is not None:
        if not may(viewer, Action.LEND):
            raise Forbidden(msg("outside_desk"))
        if not all(x.strip() for x in (outside.name, outside.unit, outside.letter, outside.id_number)):
            raise ValidationError(msg("outside_papers"))
        if form == "electronic":
            raise ValidationError(msg("outside_form"))
    readers = sorted(set(readers or ([] if outside else [actor])))
    reader_viewers = [viewer_of(session, name) for name in readers]

    targets = _resolve(session, viewer, record_ids, volume_ids)
    for reader in reader_viewers:  # every reader must be eligible, not just the person asking
        for target, _ in targets:
            if not can_see(reader, target):
                raise Forbidden(f"{reader.username} is not cleared for every requested item")
    level = highest(level for _, level in targets)
    personnel = any(t.category_code == PERSONNEL for t, _ in targets)
    if form == "loan" and record_ids:
        raise ValidationError(msg("loan_needs_volume"))
    if level == Secrecy.TOP_SECRET and (form != "reading_room" or extract):
        raise ValidationError(msg("top_secret_form"))
    contents = records_of(session, targets)
    if relations.related_any(session, readers, contents):  # never one's own or a relative's file
        raise Forbidden(msg("personnel_self"))
    if personnel:
        _check_personnel(session, form, readers, record_ids, volume_ids)
    facts = request_facts(session, requester, targets, contents, reader_viewers, extract=extract, outside=outside)
    rule = approvals.chain_for(approvals.load_matrix(session), facts)
    home = requester.home_department
    request = LoanRequest(
        number=f"tmp-{uuid.uuid4().hex[:12]}", requester=actor, department=home, purpose=purpose, form=form,
        extract=extract, days=days, level=level, personnel=personnel, readers=readers,
        steps=[list(s) for s in rule.steps], rule=rule.name, flags=relations.cross_check(session, readers, contents),
    )
    if outside is not None:
        request.outside_name, request.outside_unit = outside.name, outside.unit
        request.outside_letter, request.outside_id_number = outside.letter, outside.id_number
    session.add(request)
    session.flush()
    request.number = f"JY{today().year}{request.id:06d}"
    for target, item_level in targets:
        is_volume = isinstance(target, VolumeView)
        session.add(LoanRequestItem(
            request_id=request.id, record_id=None if is_volume else target.id,
            volume_id=target.volume.id if is_volume else None, secrecy=item_level,
        ))
    session.flush()
    audit.record(session, actor, "loan.request", f"loan:{request.number}", {
        "form": form, "level": level, "rule": rule.name, "records": list(record_ids), "volumes": list(volume_ids),
        "readers": readers, "extract": extract, "outside_unit": request.outside_unit, "flags": len(request.flags),
    })
    return request


def plan(session: Session, who: Who, *, form: str, record_ids: Sequence[int] = (), volume_ids: Sequence[int] = (),
         extract: bool = False, readers: list[str] | None = None) -> dict:
    """What a request would take, shown before it is submitted: the chain of approvers and whether
    the use matrix reserves the content to an approved consultation. Nothing is written."""
    requester = acting(session, who)
    if form not in FORMS:
        raise ValidationError(f"form must be one of {', '.join(FORMS)}")
    names = sorted(set(readers or [requester.username]))
    targets = _resolve(session, requester.viewer, record_ids, volume_ids)
    contents = records_of(session, targets)
    facts = request_facts(session, requester, targets, contents, [viewer_of(session, n) for n in names],
                          extract=extract)
    rule = approvals.chain_for(approvals.load_matrix(session), facts)
    matrix = use_matrix.load(session)
    return {"rule": rule.name, "steps": [list(step) for step in rule.steps], "level": facts.level,
            "consultation": facts.consultation, "personnel": facts.personnel, "days": matrix.days,
            "related": relations.related_any(session, names, contents),
            "download": form == "electronic" and not facts.consultation and not facts.personnel
            and rank(facts.level) < rank(Secrecy.SECRET)}


def records_of(session: Session, targets: Sequence[tuple]) -> list[Record]:
    """The records a request reaches: those named, and those inside the volumes named."""
    out = [t for t, _ in targets if isinstance(t, Record)]
    volume_ids = [t.volume.id for t, _ in targets if isinstance(t, VolumeView)]
    if volume_ids:
        out += list(session.execute(select(Record).where(Record.volume_id.in_(volume_ids))).scalars())
    return out


def request_facts(session: Session, requester: Actor, targets: Sequence[tuple], contents: Sequence[Record],
                  readers: Sequence[Viewer], *, extract: bool = False,
                  outside: OutsideBorrower | None = None) -> approvals.RequestFacts:
    """What the approval matrix looks at: level, extract, department, personnel file, and whether
    any reader needs the consultation the use matrix reserves (DOMAIN.md §15)."""
    level = highest(level for _, level in targets)
    personnel = any(t.category_code == PERSONNEL for t, _ in targets)
    home = requester.home_department
    other = outside is not None or any(t.department and t.department != home for t, _ in targets)
    rule = use_matrix.rule(session)
    consultation = any(
        rule.needs_consultation(reader, record) for reader in readers or [requester.viewer] for record in contents)
    return approvals.RequestFacts(level, extract, bool(other), personnel, consultation)


def _resolve(session: Session, viewer: Viewer, record_ids, volume_ids) -> list[tuple]:
    out: list[tuple[Record | VolumeView, str]] = []
    for rid in record_ids:
        record = visible_record(session, viewer, rid)
        if record.status != "filed":  # 先归档后借阅
            raise ValidationError(f"record {rid} is not filed yet: file first, then lend")
        out.append((record, record.secrecy))
    for vid in volume_ids:
        view = visible_volume(session, viewer, vid)
        if view.volume.status in ("destroyed", "transferred"):
            raise ValidationError(f"volume {view.volume.archival_code} is {view.volume.status}")
        out.append((view, view.secrecy))
    return out


def _check_personnel(session: Session, form: str, readers: list[str], record_ids, volume_ids) -> None:
    if len(readers) < 2:
        raise ValidationError(msg("personnel_two"))
    if form != "reading_room":
        raise ValidationError(msg("personnel_room"))
    people = set(session.execute(select(Record.person_id_number).where(
        (Record.id.in_(list(record_ids))) | (Record.volume_id.in_(list(volume_ids)))
    )).scalars()) - {""}
    related = session.execute(select(FamilyRelation).where(
        FamilyRelation.username.in_(readers), FamilyRelation.person_id_number.in_(people)
    )).scalars().first()
    if related is not None:
        raise Forbidden(msg("personnel_self"))


def get_request(session: Session, request_id: int, *, lock: bool = False) -> LoanRequest:
    if not 0 < request_id <= 2**31 - 1:
        raise NotFound(msg("not_found", what=f"request {request_id}"))
    query = select(LoanRequest).where(LoanRequest.id == request_id)
    if lock:  # refreshed under the row lock: a concurrent approval may have changed it
        query = query.with_for_update().execution_options(populate_existing=True)
    request = session.execute(query).scalar_one_or_none()
    if request is None:
        raise NotFound(msg("not_found", what=f"request {request_id}"))
    return request


def visible_request(session: Session, who: Who, request_id: int) -> LoanRequest:
    """A request exists for a viewer only if they take part in it (requester, reader) or handle
    requests (approvers, archivists), and may see every item in it (titles and counts)."""
    me = acting(session, who)
    request = get_request(session, request_id)
    if not _party(me, request) or not _sees_all(session, me.viewer, request):
        raise NotFound(msg("not_found", what=f"request {request_id}"))
    return request


# Roles that handle other people's requests: the approvers and the archivists at the desk.
HANDLING_ROLES = frozenset({Role.ARCHIVIST, Role.DEPT_HEAD, Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR})


def _party(me: Actor, request: LoanRequest) -> bool:
    return me.viewer.role in HANDLING_ROLES or me.username == request.requester or me.username in request.readers


def _sees_all(session: Session, viewer: Viewer, request: LoanRequest) -> bool:
    for item in request.items:
        try:
            if item.record_id is not None:
                visible_record(session, viewer, item.record_id)
            elif item.volume_id is not None:
                visible_volume(session, viewer, item.volume_id)
        except NotFound:
            return False
    return True


def _require_status(request: LoanRequest, *statuses: str) -> None:
    if request.status not in statuses:
        raise Conflict(msg("not_pending", number=request.number, status=request.status))


def _step_roles(request: LoanRequest) -> tuple[int, list[str]]:
    done = sum(1 for a in request.approvals if a.decision == "approve")
    return done, request.steps[done]


def _check_approver(session: Session, approver: Actor, request: LoanRequest) -> int:
    viewer, actor = approver.viewer, approver.username
    if request.requester == actor:
        raise Forbidden(msg("own_request"))
    _require_status(request, "pending")
    distinct_people([request.requester, *request.readers], [actor], what=f"request {request.number}")
    if actor in {a.approver for a in request.approvals}:
        raise Forbidden(f"{actor} approved an earlier step of {request.number} already")
    step, roles = _step_roles(request)
    if viewer.role.value not in roles:
        raise Forbidden(msg("not_your_step", roles="/".join(roles)))
    if viewer.role is Role.DEPT_HEAD and request.department and request.department not in viewer.departments:
        raise Forbidden(msg("not_your_step", roles=f"dept_head of {request.department}"))
    if not _sees_all(session, viewer, request):  # an approver cannot approve what does not exist for them
        raise NotFound(msg("not_found", what=f"request {request.id}"))
    return step


def approve(session: Session, who: Who, request_id: int, note: str = "") -> LoanRequest:
    approver = acting(session, who)  # a disabled account approves nothing
    actor = approver.username
    request = get_request(session, request_id, lock=True)
    step = _check_approver(session, approver, request)
    session.add(Approval(request_id=request.id, step=step, approver=actor, role=approver.viewer.role.value,
                         decision="approve", reason=note))
    if step + 1 == len(request.steps):
        if request.form == "loan":
            _refuse_if_on_loan(session, request)
        request.status = "approved"
    session.flush()
    session.refresh(request)
    audit.record(session, actor, "loan.approve", f"loan:{request.number}", {"step": step, "status": request.status})
    return request


def reject(session: Session, who: Who, request_id: int, reason: str) -> LoanRequest:
    approver = acting(session, who)
    actor = approver.username
    if not reason.strip():
        raise ValidationError(msg("reason_required"))
    request = get_request(session, request_id, lock=True)
    step = _check_approver(session, approver, request)
    session.add(Approval(request_id=request.id, step=step, approver=actor, role=approver.viewer.role.value,
                         decision="reject", reason=reason))
    request.status, request.reason, request.closed_at = "rejected", reason, utcnow()
    session.flush()
    audit.record(session, actor, "loan.reject", f"loan:{request.number}", {"step": step, "reason": reason})
    return request


def _refuse_if_on_loan(session: Session, request: LoanRequest) -> None:
    for item in request.items:
        if item.volume_id is not None and session.execute(
            select(Loan.id).where(Loan.volume_id == item.volume_id, Loan.active.is_(True))
        ).first():
            raise Conflict(msg("volume_on_loan", code=session.get_one(Volume, item.volume_id).archival_code))


def _require_archivist(session: Session, who: Who, request: LoanRequest, *,
                       readers: bool = True) -> Actor:
    """The archivist at the desk, who is neither requester nor reader and may see every item.
    `readers`: also re-check that every reader is still active and cleared (issuing, renewing,
    extracts); taking a volume back or closing a viewing never waits on the reader."""
    archivist = acting(session, who)
    viewer, actor = archivist.viewer, archivist.username
    if viewer.role is not Role.ARCHIVIST or not may(viewer, Action.LEND):
        raise Forbidden(f"{actor} may not issue or take back loans")
    distinct_people([request.requester, *request.readers], [actor], what=f"issuing {request.number}")
    if not _sees_all(session, viewer, request):
        raise NotFound(msg("not_found", what=f"request {request.id}"))
    for reader in request.readers if readers else ():  # clearances or levels may have changed since the request
        try:
            reader_viewer = viewer_of(session, reader)
        except Forbidden:
            raise Conflict(msg("reader_inactive", reader=reader, number=request.number)) from None
        if not _sees_all(session, reader_viewer, request):
            raise Conflict(f"{reader} is no longer cleared for every item of {request.number}")
    return archivist


def cancel(session: Session, who: Who, request_id: int) -> LoanRequest:
    """The requester withdraws a request that was not issued yet."""
    actor = acting(session, who).username
    request = get_request(session, request_id, lock=True)
    if request.requester != actor:
        raise Forbidden("only the requester cancels a request")
    _require_status(request, "pending", "approved")
    request.status, request.closed_at = "cancelled", utcnow()
    audit.record(session, actor, "loan.cancel", f"loan:{request.number}")
    return request


def issue_loans(
    session: Session, who: Who, request_id: int, *, loan_days: int | None = None, carriers: Sequence[str] = (),
) -> list[Loan]:
    """Hand out the volumes of an approved `loan` request; each leaves the store (logged)."""
    archivist = acting(session, who)
    actor = archivist.username
    request = get_request(session, request_id, lock=True)
    _require_archivist(session, archivist, request)
    _require_status(request, "approved")
    if request.form != "loan":
        raise ValidationError("use viewing.issue_grants for reading-room and electronic requests")
    if rank(request.level) >= rank(Secrecy.TOP_SECRET) and len(set(carriers)) < 2:
        raise ValidationError(msg("two_carriers"))
    due = today() + dt.timedelta(days=loan_days or request.days)
    borrower = request.readers[0] if request.readers else request.outside_name
    loans = []
    for item in request.items:
        volume = session.get_one(Volume, item.volume_id)
        loan = Loan(request_id=request.id, volume_id=volume.id, borrower=borrower, issued_by=actor, due_on=due,
                    pages_expected=volume.pages)
        try:
            with session.begin_nested():  # the partial unique index decides between concurrent issues
                session.add(loan)
                session.flush()
        except sqlalchemy.exc.IntegrityError:
            raise Conflict(msg("volume_on_loan", code=volume.archival_code)) from None
        volume.status = "on_loan"
        session.add(StoreMovement(volume_id=volume.id, direction="out", reason="loan", loan_id=loan.id, actor=actor,
                                  carriers=list(carriers)))
        loans.append(loan)
    request.status = "issued"
    session.flush()
    audit.record(session, actor, "loan.issue", f"loan:{request.number}",
                 {"loans": [x.id for x in loans], "due_on": due.isoformat(), "borrower": borrower})
    return loans


def renew(session: Session, who: Who, loan_id: int, days: int = DEFAULT_DAYS) -> Loan:
    loan = _get_loan(session, loan_id)
    request = get_request(session, loan.request_id)
    actor = _require_archivist(session, who, request).username
    if not loan.active:
        raise Conflict(f"loan {loan_id} was returned already")
    if loan.renewals >= MAX_RENEWALS:
        raise Conflict(f"loan {loan_id} was renewed {loan.renewals} times, the most allowed")
    loan.due_on = max(loan.due_on, today()) + dt.timedelta(days=days)
    loan.renewals += 1
    audit.record(session, actor, "loan.renew", f"loan:{request.number}",
                 {"loan": loan.id, "due_on": loan.due_on.isoformat(), "renewals": loan.renewals})
    return loan


@dataclasses.dataclass
class ReturnCheck:
    loan: Loan
    pages_ok: bool
    damage: str


def return_loan(session: Session, who: Who, loan_id: int, *, pages_returned: int,
                damage: str = "") -> ReturnCheck:
    """Take a volume back: count its pages against the contents list and note any damage."""
    loan = _get_loan(session, loan_id)
    request = get_request(session, loan.request_id, lock=True)
    actor = _require_archivist(session, who, request, readers=False).username
    if not loan.active:
        raise Conflict(f"loan {loan_id} was returned already")
    volume = session.get_one(Volume, loan.volume_id)
    pages_ok = loan.pages_expected is None or pages_returned == loan.pages_expected
    notes = [damage.strip()] if damage.strip() else []
    if not pages_ok:
        notes.append(msg("pages_mismatch", returned=pages_returned, expected=loan.pages_expected))
    loan.active, loan.returned_at, loan.received_by = False, utcnow(), actor
    loan.pages_returned, loan.damage = pages_returned, "；".join(notes)
    volume.status = "in_store"
    session.add(StoreMovement(volume_id=volume.id, direction="in", reason="return", loan_id=loan.id, actor=actor,
                              note=loan.damage))
    session.flush()
    if not session.execute(select(Loan.id).where(Loan.request_id == request.id, Loan.active.is_(True))).first():
        request.status, request.closed_at = "closed", utcnow()
    audit.record(session, actor, "loan.return", f"loan:{request.number}", {
        "loan": loan.id, "pages_returned": pages_returned, "pages_expected": loan.pages_expected,
        "pages_ok": pages_ok, "damage": damage,
    })
    return ReturnCheck(loan, pages_ok, loan.damage)


def _get_loan(session: Session, loan_id: int) -> Loan:
    loan = session.get(Loan, loan_id) if 0 < loan_id <= 2**31 - 1 else None
    if loan is None:
        raise NotFound(msg("not_found", what=f"loan {loan_id}"))
    return loan


def list_requests(session: Session, who: Who, *, status: str | None = None) -> list[LoanRequest]:
    """Requests the viewer may know of: their own, or, for approvers and archivists, those whose
    every item they may see. Above clearance a request does not exist (nor count)."""
    me = acting(session, who)
    viewer, actor = me.viewer, me.username
    query = select(LoanRequest).order_by(LoanRequest.id)
    if status:
        query = query.where(LoanRequest.status == status)
    rows = session.execute(query).scalars().all()
    out = []
    for request in rows:
        if _party(me, request) and _sees_all(session, viewer, request):
            out.append(request)
    audit.record(session, actor, "loan.list", "loans", {"status": status or "", "count": len(out)})
    return out


def describe(session: Session, who: Who, request: LoanRequest) -> dict:
    """A request as plain data for the CLI and the web; items only as the viewer may see them."""
    me = acting(session, who)
    viewer, actor = me.viewer, me.username
    if not _party(me, request) or not _sees_all(session, viewer, request):
        raise NotFound(msg("not_found", what=f"request {request.id}"))
    items = []
    for item in request.items:
        if item.record_id is not None:
            rec = session.get_one(Record, item.record_id)
            items.append({"record": rec.id, "code": rec.archival_code, "title": rec.title, "secrecy": rec.secrecy})
        else:
            vol = session.get_one(Volume, item.volume_id)
            items.append({"volume": vol.id, "code": vol.archival_code, "title": vol.title, "secrecy": item.secrecy})
    loans = session.execute(select(Loan).where(Loan.request_id == request.id)).scalars().all()
    audit.record(session, actor, "loan.view", f"loan:{request.number}", {"items": len(items)})
    return {
        "id": request.id, "number": request.number, "requester": request.requester, "form": request.form,
        "purpose": request.purpose, "level": request.level, "status": request.status, "rule": request.rule,
        "steps": request.steps, "readers": request.readers, "reason": request.reason, "items": items,
        "approvals": [{"step": a.step, "approver": a.approver, "decision": a.decision, "reason": a.reason}
                      for a in request.approvals],
        "loans": [{"id": x.id, "volume": x.volume_id, "due_on": x.due_on.isoformat(), "active": x.active}
                  for x in loans],
        "extract": request.extract, "days": request.days, "department": request.department,
        "created_at": request.created_at.isoformat() if request.created_at else None,
        # Possible undeclared relations are for those who handle requests, not for the reader.
        "flags": list(request.flags or []) if me.viewer.role in HANDLING_ROLES else [],
        "outside": {"name": request.outside_name, "unit": request.outside_unit, "letter": request.outside_letter}
        if request.outside_unit else None,
    }
