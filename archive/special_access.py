"""Records with an access rule of their own (DOMAIN.md §15, issue 19 #13).

- 合议 (deliberation) records of the arbitration committee: read, extracted or copied only with
  the approval of the 合议委员会主任 or 副主任. Their content opens only through a grant; every
  extract or copy needs a recorded approval by an appointed chair or vice-chair (`approve`).
- 信访 (petition) files: no private borrowing or removal from the room, extracts and copies only
  through a request (loan procedure), and the petitioner's identity hidden from readers without
  a need (a grant for the file).

`restrict` is pure and is asked by archive.policy.allowed_actions (one hook); the rest keeps the
officers and approvals in the catalog. The archivist who keeps the files still reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today, utcnow
from archive.codes import Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity, active_user
from archive.policy import Action, RecordLike, Viewer, require
from archive.registry_models import SpecialAccessApproval, SpecialOfficer
from archive.visibility import record_for

DELIBERATION = "deliberation"
PETITION = "petition"
OFFICES = ("panel_chair", "panel_vice_chair")  # 合议委员会主任, 副主任
USES = ("read", "extract", "copy")
# The security officer appoints the committee's officers (as they manage who may do what).
APPOINTER_ROLES = frozenset({Role.SECURITY_OFFICER})

CASE_CATEGORY = "AJ"
_DELIBERATION_TITLE = re.compile(r"合议(?:庭)?(?:记录|笔录|纪要|意见|材料|评议)")
_PETITION_TITLE = re.compile(r"信访(?:件|材料|事项|案卷|档案|记录|信件|答复|处理|登记|复查|复核)")


def kind_of(record: RecordLike) -> str | None:
    """deliberation, petition or None, from the record's category, title and 文种 (a record
    probe without a title has no special kind)."""
    title = str(getattr(record, "title", "") or "") + str(getattr(record, "doc_type", "") or "")
    case = record.category_code == CASE_CATEGORY
    if _DELIBERATION_TITLE.search(title) or (case and "合议" in title):
        return DELIBERATION
    if _PETITION_TITLE.search(title) or (case and "信访" in title):
        return PETITION
    return None


def restrict(viewer: Viewer, record: RecordLike, actions: frozenset[Action], *,
             viewing_grant: bool) -> frozenset[Action]:
    """The special rule on top of the general policy: without a grant nobody but the keeping
    archivist reads the content, and nobody downloads (a download is a copy)."""
    kind = kind_of(record)
    if kind is None or viewer.system or viewing_grant:
        return actions
    taken = {Action.DOWNLOAD}
    if viewer.role is not Role.ARCHIVIST:
        taken.add(Action.VIEW_CONTENT)
    return actions - taken


def may_leave_room(record: RecordLike) -> bool:
    """Physical loans out of the archive room: never for a petition file (no private removal)."""
    return kind_of(record) != PETITION


def needs_identity_mask(viewer: Viewer, record: RecordLike, *, need: bool = False) -> bool:
    """The petitioner's identity is hidden from everyone without a need (a grant) but the keeper."""
    return kind_of(record) == PETITION and not need and not viewer.system and viewer.role is not Role.ARCHIVIST


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_text(text: str, names: Iterable[str]) -> str:
    """`text` with each of `names` and every 18-digit identity number hidden."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return re.sub(r"\b\d{17}[\dXx]\b", lambda m: m.group()[:2] + "*" * 16, text)


def shown(viewer: Viewer, record: Any, *, need: bool = False) -> dict[str, str]:
    """Title and person fields as this viewer may see them."""
    title, name, number = record.title or "", record.person_name or "", record.person_id_number or ""
    if needs_identity_mask(viewer, record, need=need):
        return {"title": mask_text(title, [name]), "person_name": mask_name(name),
                "person_id_number": "*" * len(number)}
    return {"title": title, "person_name": name, "person_id_number": number}


# -- the committee's officers -----------------------------------------------------------------
def _acting(session: Session, identity: Identity) -> Viewer:
    return identity.viewer if identity.is_system else Viewer.of(active_user(session, identity.username))


def appoint(session: Session, identity: Identity, username: str, office: str) -> SpecialOfficer:
    """Name a user 合议委员会主任 (panel_chair) or 副主任 (panel_vice_chair); audited."""
    viewer = _acting(session, identity)
    if not viewer.system and viewer.role not in APPOINTER_ROLES:
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not appoint committee officers")
    if office not in OFFICES:
        raise ValidationError(f"office must be one of {', '.join(OFFICES)}")
    user = active_user(session, username)
    if Role(user.role) in (Role.SYSADMIN, Role.AUDITOR, Role.SECURITY_OFFICER):
        raise ValidationError(f"{username} ({user.role}) cannot hold a committee office")
    row = session.execute(select(SpecialOfficer).where(
        SpecialOfficer.username == username, SpecialOfficer.office == office)).scalar_one_or_none()
    if row is None:
        row = SpecialOfficer(username=username, office=office, appointed_by=viewer.username)
        session.add(row)
    elif row.active:
        raise Conflict(f"{username} already holds {office}")
    row.active, row.appointed_by, row.appointed_at = True, viewer.username, utcnow()
    session.flush()
    audit.record(session, viewer.username, "special_officer.appoint", f"user:{username}", {"office": office})
    return row


def dismiss(session: Session, identity: Identity, username: str, office: str) -> None:
    viewer = _acting(session, identity)
    if not viewer.system and viewer.role not in APPOINTER_ROLES:
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not dismiss committee officers")
    row = session.execute(select(SpecialOfficer).where(
        SpecialOfficer.username == username, SpecialOfficer.office == office,
        SpecialOfficer.active.is_(True))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{username} does not hold {office}")
    row.active = False
    audit.record(session, viewer.username, "special_officer.dismiss", f"user:{username}", {"office": office})


def officers(session: Session) -> list[SpecialOfficer]:
    return list(session.execute(select(SpecialOfficer).where(SpecialOfficer.active.is_(True))
                                .order_by(SpecialOfficer.office, SpecialOfficer.username)).scalars())


def office_of(session: Session, username: str) -> str | None:
    """The committee office `username` holds now (chair before vice-chair), or None."""
    held = set(session.execute(select(SpecialOfficer.office).where(
        SpecialOfficer.username == username, SpecialOfficer.active.is_(True))).scalars())
    return next((o for o in OFFICES if o in held), None)


def check_approver(session: Session, approver: str, record: RecordLike) -> None:
    """For a use approval of a 合议 record (a loan, an extract, a copy): the approver must hold a
    committee office. Lending and copying call this before recording an approval."""
    if kind_of(record) == DELIBERATION and office_of(session, approver) is None:
        raise Forbidden(f"{approver} is not the 合议委员会主任 or 副主任: a deliberation record needs their approval")


# -- approvals --------------------------------------------------------------------------------
def approve(session: Session, identity: Identity, record: Any, grantee: str, uses: Iterable[str], *,
            reason: str, valid_until: dt.date | None = None) -> SpecialAccessApproval:
    """The chair or vice-chair, in their own session, approves `grantee`'s uses of one 合议 record."""
    viewer = _acting(session, identity)
    require(viewer, Action.VIEW_METADATA, record)
    if kind_of(record) != DELIBERATION:
        raise ValidationError(f"record {record.id} is not a deliberation (合议) record")
    office = office_of(session, viewer.username)
    if office is None:
        raise Forbidden(f"{viewer.username} is not the 合议委员会主任 or 副主任")
    chosen = sorted(set(uses))
    if not chosen or set(chosen) - set(USES):
        raise ValidationError(f"uses must be some of {', '.join(USES)}")
    if not reason.strip():
        raise ValidationError("an approval states its reason")
    if grantee == viewer.username:
        raise Forbidden(f"{grantee} cannot approve their own use")
    active_user(session, grantee)
    if valid_until is not None and valid_until < today():
        raise ValidationError("valid_until is in the past")
    row = SpecialAccessApproval(record_id=record.id, grantee=grantee, uses=chosen, reason=reason.strip(),
                                approver=viewer.username, approver_office=office, valid_until=valid_until)
    session.add(row)
    session.flush()
    audit.record(session, viewer.username, "special_access.approve", f"record:{record.id}", {
        "grantee": grantee, "uses": chosen, "office": office, "approval": row.id,
        **({"until": valid_until.isoformat()} if valid_until else {}),
    })
    return row


def approval_for(session: Session, record_id: int, grantee: str, use: str) -> SpecialAccessApproval | None:
    """A current approval covering `use` of the record by `grantee`, by an officer still in office."""
    rows = session.execute(select(SpecialAccessApproval).where(
        SpecialAccessApproval.record_id == record_id, SpecialAccessApproval.grantee == grantee,
        SpecialAccessApproval.revoked_at.is_(None)).order_by(SpecialAccessApproval.id.desc())).scalars()
    for row in rows:
        current = row.valid_until is None or row.valid_until >= today()
        if use in (row.uses or []) and current and office_of(session, row.approver) is not None:
            return row
    return None


def require_approval(session: Session, record: Any, grantee: str, use: str) -> SpecialAccessApproval | None:
    """Forbidden unless a 合议 record's `use` by `grantee` is approved; None for other records."""
    if kind_of(record) != DELIBERATION:
        return None
    row = approval_for(session, record.id, grantee, use)
    if row is None:
        raise Forbidden(f"{use} of deliberation record {record.id} by {grantee} needs the approval of the "
                        "合议委员会主任 or 副主任")
    return row


def approvals(session: Session, identity: Identity, record: Any) -> list[SpecialAccessApproval]:
    viewer = _acting(session, identity)
    require(viewer, Action.VIEW_METADATA, record)
    return list(session.execute(select(SpecialAccessApproval).where(
        SpecialAccessApproval.record_id == record.id).order_by(SpecialAccessApproval.id)).scalars())


def approve_record(session: Session, identity: Identity, record_id: int, grantee: str, uses: Iterable[str], *,
                   reason: str, valid_until: dt.date | None = None) -> dict[str, Any]:
    """`approve` for faces that hold a record id; the approval as a dict."""
    record = record_for(session, _acting(session, identity), record_id)
    return approval_dict(approve(session, identity, record, grantee, uses, reason=reason, valid_until=valid_until))


def approval_dict(row: SpecialAccessApproval) -> dict[str, Any]:
    return {"id": row.id, "record": row.record_id, "grantee": row.grantee, "uses": list(row.uses or []),
            "reason": row.reason, "approver": row.approver, "office": row.approver_office,
            "approved_at": row.approved_at.isoformat(),
            "valid_until": row.valid_until.isoformat() if row.valid_until else None}


def officer_rows(session: Session, identity: Identity) -> list[dict[str, Any]]:
    _acting(session, identity)
    return [{"username": o.username, "office": o.office, "appointed_by": o.appointed_by,
             "appointed_at": o.appointed_at.isoformat()} for o in officers(session)]
