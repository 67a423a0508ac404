"""Placing a record as it is filed: into the volume (卷) or box (盒) its manifest names.

A manifest names a volume by its archival code (`J001-SB·2022-D100-0003`) or by its number in the
record's own series (`3`, `0003`), and a box by its code (`J001-WS·2022-Y-H002`) or number (`2`, `H002`).
Nothing named: the record waits for `archive arrange`. What cannot be done (no such volume, a
volume of another series, a closed one) does not stop filing: it comes back as a review reason,
and the record goes to the review queue with the volume left empty of it.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from archive.archival_code import CodeParts
from archive.arrangement import boxes, volumes
from archive.arrangement.common import arranger, box_ref, volume_ref
from archive.errors import ArchiveError
from archive.identity import Identity
from archive.models import Fonds, Record

NUMBER_RE = re.compile(r"\d{1,4}")
BOX_NUMBER_RE = re.compile(r"[Hh]?(\d{1,3})")


def series_prefix(session: Session, record: Record) -> str:
    fonds = session.get_one(Fonds, record.fonds_id)
    return CodeParts(fonds.code, record.category_code, record.year, record.retention, record.org_code or "").prefix


def volume_code(session: Session, record: Record, name: str) -> str:
    """The archival code a manifest's `卷` value stands for."""
    name = name.strip()
    if NUMBER_RE.fullmatch(name):
        return f"{series_prefix(session, record)}-{int(name):04d}"
    return name


def box_code(session: Session, record: Record, name: str) -> str:
    """The box code a manifest's `盒` value stands for."""
    name = name.strip()
    number = BOX_NUMBER_RE.fullmatch(name)
    if number:
        return f"{series_prefix(session, record)}-H{int(number[1]):03d}"
    return name


def place(session: Session, identity: Identity, record: Record, *, volume: str = "", box: str = "") -> list[str]:
    """Put the just-filed `record` into the named volume and box (either may be empty). Returns
    review reasons for what could not be done; raises only if `identity` may not arrange at all."""
    volume, box = str(volume or "").strip(), str(box or "").strip()
    if not volume and not box:
        return []
    viewer = arranger(session, identity)
    problems: list[str] = []
    if volume:
        code = volume_code(session, record, volume)
        try:
            # put() checks everything before it changes anything, so a refusal leaves no trace.
            volumes.put(session, viewer, volume_ref(session, viewer, code), [record])
        except ArchiveError:
            problems.append(f"volume_not_placed:{code}")
    if box:
        code = box_code(session, record, box)
        try:
            boxes.put(session, viewer, box_ref(session, viewer, code), [record])
        except ArchiveError:
            problems.append(f"box_not_placed:{code}")
    return problems
