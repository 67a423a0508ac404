"""Who acts in disclosure work, and the record they name (seen through the access policy)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import Role
from archive.errors import Forbidden, NotFound
from archive.identity import Identity, active_user
from archive.models import Record
from archive.policy import Viewer, can_see
from archive.visibility import MAX_ID

# The register holds requesters' names and identity numbers: the archivists who keep it and the
# office (办公室主任, the head of the disclosure office) and the bureau's leaders who answer for it.
HANDLERS = frozenset({Role.ARCHIVIST, Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR})
# 经政府信息公开工作机构负责人同意 (第三十三条): the extension is approved by them.
EXTENSION_APPROVERS = frozenset({Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR})


def viewer_of(session: Session, identity: Identity) -> Viewer:
    if identity.is_system:
        return identity.viewer
    return Viewer.of(active_user(session, identity.username))


def handler(session: Session, identity: Identity) -> Viewer:
    viewer = viewer_of(session, identity)
    if not viewer.system and viewer.role not in HANDLERS:
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not handle disclosure")
    return viewer


def is_handler(viewer: Viewer) -> bool:
    return viewer.system or viewer.role in HANDLERS


def record_ref(session: Session, viewer: Viewer, ref: str | int) -> Record:
    """A record by id or archival code, if the viewer may see it (otherwise it does not exist)."""
    text = str(ref).strip()
    record = None
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        record = session.get(Record, int(text))
    if record is None and text:
        record = session.execute(select(Record).where(Record.archival_code == text)).scalars().first()
    if record is None or not can_see(viewer, record):
        raise NotFound(f"record {ref} does not exist")
    return record


def record_event(session: Session, viewer: Viewer, action: str, target: str, details: dict[str, Any]) -> None:
    audit.record(session, viewer.username, action, target, details)
