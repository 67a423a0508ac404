"""Case files (案件卷宗, AJ): one case, one file (一案一档). The file is open while the case runs and
closed when it closes (案结卷成); after that, an item is added only by an archivist who says why,
and the addition stays on the file's 备考表 (the audit trail)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.arrangement.common import arranger, record_event, volume_ref
from archive.clock import utcnow
from archive.codes import Role
from archive.errors import Conflict, Forbidden, ValidationError
from archive.identity import Identity
from archive.models import Volume
from archive.policy import Viewer

OPEN, CLOSED = "open", "closed"


def may_add_after_closing(viewer: Viewer) -> bool:
    """Only the archivist who keeps the files amends a closed one (never a process, never staff)."""
    return not viewer.system and viewer.role is Role.ARCHIVIST


def check_addition(viewer: Viewer, volume: Volume, reason: str) -> None:
    """Raise unless `viewer` may add items to `volume` now."""
    if volume.kind != "case_file" or volume.case_state != CLOSED:
        return
    if not may_add_after_closing(viewer):
        raise Forbidden(f"case file {volume.archival_code} is closed: only an archivist adds to it")
    if not (reason or "").strip():
        raise ValidationError(f"case file {volume.archival_code} is closed: give the reason for the addition")


def open_case(session: Session, identity: Identity, *, fonds: str, year: int, retention: str, case_no: str,
              title: str, department: str = "") -> dict[str, Any]:
    """The case's file, opened when the case is; one file per case number."""
    from archive.arrangement import volumes

    viewer = arranger(session, identity)
    case_no = (case_no or "").strip()
    if not case_no or len(case_no) > 60:
        raise ValidationError("a case file needs its case number (at most 60 characters)")
    if session.execute(select(Volume.id).where(Volume.kind == "case_file", Volume.case_no == case_no)).first():
        raise Conflict(f"case {case_no} has its file already (一案一档)")
    volume = volumes.new_volume(session, viewer, fonds=fonds, category="AJ", year=year, retention=retention,
                                title=title, department=department, kind="case_file", case_no=case_no,
                                case_state=OPEN)
    return volumes._detail(session, volume, viewer)


def close_case(session: Session, identity: Identity, ref: str | int) -> dict[str, Any]:
    """The case closed: its file closes with it."""
    from archive.arrangement import volumes

    viewer = arranger(session, identity)
    volume = volume_ref(session, viewer, ref)
    if volume.kind != "case_file":
        raise ValidationError(f"{volume.archival_code} is not a case file")
    if volume.case_state == CLOSED:
        raise Conflict(f"case file {volume.archival_code} is closed already")
    volume.case_state, volume.closed_at = CLOSED, utcnow()
    record_event(session, viewer, "case_file.close", f"volume:{volume.id}",
                 {"archival_code": volume.archival_code, "case_no": volume.case_no})
    return volumes._detail(session, volume, viewer)


def file_for_case(session: Session, case_no: str) -> Volume | None:
    return session.execute(select(Volume).where(Volume.kind == "case_file", Volume.case_no == case_no)).scalars().first()
