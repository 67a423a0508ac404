"""The copy and extract register (复制/摘抄登记, DOMAIN.md §5, §15; issue 19 #12).

Every copying or extracting of a record is registered by the archivist with the copying organ,
the time and the number of copies, which every copy also bears (`annotation`), and the
original's secrecy. Copying a superior organ's secret document needs the issuing organ's
approval, recorded here; other copies the leader in charge or the office director (secret ones
and every extract: the leader in charge or the bureau director). An extract belongs to the
reader's unit, which answers for it. Top-secret material is never copied. 合议 and 信访 records
follow archive.special_access.

`register_copy` is the one entry point; other services (certified copies for citizens) call it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit, special_access
from archive.clock import CHINA, utcnow
from archive.codes import Role, Secrecy
from archive.errors import Forbidden, ValidationError
from archive.i18n import secrecy_label
from archive.identity import Identity, active_user
from archive.models import Fonds, Record
from archive.policy import Action, Viewer, allowed_actions, can_see, rank, require
from archive.registry_models import CopyEntry
from archive.visibility import record_for

KINDS = ("copy", "extract")
PREFIX = {"copy": "FD", "extract": "ZC"}  # 复制登记 / 摘抄 (FZ is the certified copies' serial)
MAX_COPIES = 100
# Who approves: secret and above, and every extract, the leader in charge or the director.
ORDINARY_APPROVERS = frozenset({Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR})
SECRET_APPROVERS = frozenset({Role.LEADER, Role.DIRECTOR})
READER_ROLES = frozenset({Role.ARCHIVIST, Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR, Role.AUDITOR})


def _acting(session: Session, identity: Identity) -> Viewer:
    return identity.viewer if identity.is_system else Viewer.of(active_user(session, identity.username))


def is_superior_secret(session: Session, record: Record) -> bool:
    """A state-secret document issued by another organ than this fonds' own body (a superior
    organ's document received here)."""
    if rank(record.secrecy) < rank(Secrecy.SECRET) or not record.issuer.strip():
        return False
    own = session.get(Fonds, record.fonds_id)
    own_name = own.name.strip() if own else ""
    return not own_name or not (record.issuer.strip() in own_name or own_name in record.issuer)


def annotation(entry: CopyEntry) -> str:
    """The words every copy carries: copying organ, time, number of copies, level, register number."""
    when = entry.registered_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    words = f"{entry.copying_organ} {when} 复制 共{entry.copies}份 登记号{entry.number}"
    if entry.kind == "extract":
        words = f"{entry.copying_organ} {when} 摘抄 共{entry.copies}份 归{entry.reader_unit} 登记号{entry.number}"
    if rank(entry.secrecy) >= rank(Secrecy.SECRET):
        words += f" {secrecy_label(entry.secrecy)}"
    return words


def _approver(session: Session, name: str | None, registrant: str, roles: frozenset[Role]) -> str:
    if not name or not name.strip():
        raise ValidationError("a copy or extract names who approved it (--approved-by)")
    user = active_user(session, name.strip())
    if Role(user.role) not in roles:
        wanted = "、".join(sorted(r.value for r in roles))
        raise Forbidden(f"{user.username} ({user.role}) cannot approve this copy; approvers: {wanted}")
    if user.username == registrant:
        raise Forbidden(f"{user.username} cannot approve a copy they register")
    return user.username


def register_copy(
    session: Session, identity: Identity, record: Record, *, pages: str, copies: int, copying_organ: str,
    purpose: str, issuing_organ_approval: str | None = None, approved_by: str | None = None,
    kind: str = "copy", reader: str = "", reader_unit: str = "", request_no: str = "",
    superior_secret: bool | None = None,
) -> CopyEntry:
    """Register one copying (or extracting) of `record` and return the entry with its annotation."""
    viewer = _acting(session, identity)
    if not viewer.system:
        require(viewer, Action.LEND, record)  # the archivist who keeps the store makes the copy
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}")
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError(f"copies must be a whole number from 1 to {MAX_COPIES}")
    copying_organ, purpose, reader, reader_unit = (
        (copying_organ or "").strip(), (purpose or "").strip(), (reader or "").strip(), (reader_unit or "").strip())
    if not copying_organ:
        raise ValidationError("the copying organ (复制机关) is required")
    if not purpose:
        raise ValidationError("the purpose is required")
    if record.secrecy == Secrecy.TOP_SECRET:
        raise Forbidden("top-secret (绝密) material is never copied or extracted")
    if kind == "extract" and not (reader and reader_unit):
        raise ValidationError("an extract names its reader and the reader's unit, to which it belongs")
    superior = is_superior_secret(session, record) if superior_secret is None else bool(superior_secret)
    superior = superior and rank(record.secrecy) >= rank(Secrecy.SECRET)
    approval_text = (issuing_organ_approval or "").strip()
    if superior and not approval_text:
        raise Forbidden("copying a superior organ's secret document needs the issuing organ's approval "
                        "(--issuing-organ-approval: its letter or reference)")
    secret = rank(record.secrecy) >= rank(Secrecy.SECRET)
    approver = _approver(session, approved_by, viewer.username,
                         SECRET_APPROVERS if secret or kind == "extract" else ORDINARY_APPROVERS)
    special = special_access.kind_of(record)
    if special == special_access.PETITION and not request_no.strip():
        raise Forbidden("a petition (信访) file is copied or extracted only through a request (--request)")
    grantee = reader or viewer.username
    if reader:
        reader_viewer = Viewer.of(active_user(session, reader))
        if not can_see(reader_viewer, record):
            raise Forbidden(f"{reader} may not see record {record.id}")
    special_row = special_access.require_approval(session, record, grantee, kind)
    entry = CopyEntry(
        number="", record_id=record.id, kind=kind, pages=(pages or "").strip(), copies=copies,
        copying_organ=copying_organ, purpose=purpose, reader=reader, reader_unit=reader_unit,
        secrecy=record.secrecy, superior_secret=superior, issuing_organ_approval=approval_text,
        approved_by=approver, special_approval_id=special_row.id if special_row else None,
        request_no=request_no.strip(), registered_by=viewer.username, registered_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    entry.number = f"{PREFIX[kind]}{entry.registered_at.astimezone(CHINA).year}-{entry.id:05d}"
    entry.annotation = annotation(entry)
    audit.record(session, viewer.username, f"copy_register.{kind}", f"record:{record.id}", {
        "number": entry.number, "copies": copies, "pages": entry.pages, "copying_organ": copying_organ,
        "secrecy": record.secrecy, "approved_by": approver, "superior_secret": superior,
        **({"issuing_organ_approval": approval_text} if approval_text else {}),
        **({"reader": reader, "reader_unit": reader_unit} if reader else {}),
        **({"special_approval": special_row.id} if special_row else {}),
        **({"request": entry.request_no} if entry.request_no else {}),
    })
    return entry


def register(session: Session, identity: Identity, record_id: int, **fields: Any) -> CopyEntry:
    """`register_copy` for faces that hold a record id."""
    record = record_for(session, _acting(session, identity), record_id)
    return register_copy(session, identity, record, **fields)


def as_dict(entry: CopyEntry) -> dict[str, Any]:
    return {
        "id": entry.id, "number": entry.number, "kind": entry.kind, "record": entry.record_id, "pages": entry.pages,
        "copies": entry.copies, "copying_organ": entry.copying_organ, "purpose": entry.purpose,
        "reader": entry.reader, "reader_unit": entry.reader_unit, "secrecy": entry.secrecy,
        "superior_secret": entry.superior_secret, "issuing_organ_approval": entry.issuing_organ_approval,
        "approved_by": entry.approved_by, "request_no": entry.request_no, "annotation": entry.annotation,
        "registered_by": entry.registered_by, "registered_at": entry.registered_at.isoformat(),
    }


def entries(session: Session, identity: Identity, *, record_id: int | None = None, limit: int = 200) -> list[dict]:
    """The register as this person may read it (archivists, approvers, auditors), newest first;
    an entry of a record they may not see is not shown. Reading it is audited."""
    viewer = _acting(session, identity)
    if not viewer.system and viewer.role not in READER_ROLES:
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not read the copy register")
    query = select(CopyEntry, Record).join(Record, Record.id == CopyEntry.record_id)
    if record_id is not None:
        record_for(session, viewer, record_id)  # NotFound, like a missing one, above clearance or scope
        query = query.where(CopyEntry.record_id == record_id)
    rows = []
    for entry, record in session.execute(query.order_by(CopyEntry.id.desc()).limit(max(1, min(limit, 1000)))):
        if not can_see(viewer, record):
            continue
        shown = special_access.shown(viewer, record, need=Action.VIEW_CONTENT in allowed_actions(viewer, record))
        rows.append({**as_dict(entry), "archival_code": record.archival_code or "", "title": shown["title"]})
    audit.record(session, viewer.username, "copy_register.read", f"record:{record_id}" if record_id else "",
                 {"rows": len(rows)})
    return rows


def copies_in_circulation(session: Session, record_id: int) -> int:
    """Copies of one record registered here (managed like the original)."""
    return session.execute(select(func.coalesce(func.sum(CopyEntry.copies), 0)).where(
        CopyEntry.record_id == record_id, CopyEntry.kind == "copy")).scalar_one()
