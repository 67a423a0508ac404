"""Receive: digest every original before any transformation, store it untouched, and find out
whether the same bytes were ingested before (then no second record is made)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError as DbIntegrityError
from sqlalchemy.orm import Session

from archive import audit, ofd
from archive.codes import ObjectRole, RecordStatus
from archive.db import Catalog
from archive.errors import ValidationError
from archive.identity import Identity
from archive.models import Category, Fonds, Record, StoredObject
from archive.policy import Action, require
from ingest.sources import InputError, sniff_format

CHUNK = 1 << 20
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "pdf": "application/pdf",
               "jp2": "image/jp2", "bmp": "image/bmp", "ofd": "application/ofd"}
FINISHED = {RecordStatus.FILED.value, RecordStatus.NEEDS_REVIEW.value, RecordStatus.DESTROYED.value}


@dataclasses.dataclass
class Original:
    path: Path
    sha256: str
    size: int
    fmt: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.fmt, "application/octet-stream")


@dataclasses.dataclass
class Received:
    record_id: int
    duplicate_of: Record | None = None  # set when these bytes were already filed
    resumed: bool = False  # an interrupted earlier attempt is being finished


def digest_file(path: Path) -> Original:
    """SHA-256 and format of one file, checked before anything else touches it."""
    if not path.is_file():
        raise InputError(f"{path.name}: not a file")
    h, size, head = hashlib.sha256(), 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if not head:
                head = chunk[:16]
            h.update(chunk)
            size += len(chunk)
    if size == 0:
        raise InputError(f"{path.name}: the file is empty (0 bytes)")
    fmt = sniff_format(head)
    if fmt is None or (fmt == "ofd" and not ofd.is_ofd(path)):
        raise InputError(f"{path.name}: not a file this system reads (JPEG, PNG, TIFF, JPEG 2000, PDF or OFD)")
    return Original(path, h.hexdigest(), size, fmt)


def source_digest(originals: list[Original]) -> str:
    """The record's identity: its one original's SHA-256, or a digest over several in page order."""
    if len(originals) == 1:
        return originals[0].sha256
    return hashlib.sha256("\n".join(o.sha256 for o in originals).encode()).hexdigest()


def receive(catalog: Catalog, store, identity: Identity, originals: list[Original], *, fonds: str,
            category: str | None, metadata: dict) -> Received:
    """Store the originals and create (or find) the record for them, for `identity` (who may file)."""
    require(identity.viewer, Action.FILE)
    actor = identity.username
    # The pages' operator (DOMAIN.md §8): who scanned them, as the manifest says, else who handed
    # them in; kept with the record so a worker acting as `system` later still knows.
    metadata = {**metadata, "operator": metadata.get("operator") or actor}
    key = source_digest(originals)
    with catalog.session(identity) as session:
        existing = _by_digest(session, key)
        if existing is not None:
            return _existing(existing)
    for original in originals:  # content-addressed: storing twice is a no-op
        with original.path.open("rb") as fh:
            stored = store.put(fh, media_type=original.media_type)
        if stored != original.sha256:
            raise ValidationError(f"{original.path.name}: changed while it was being read; try again")
    try:
        with catalog.session(identity) as session:
            fonds_row = session.execute(select(Fonds).where(Fonds.code == fonds)).scalar_one_or_none()
            if fonds_row is None:
                raise ValidationError(f"fonds {fonds!r} does not exist (archive init creates J001)")
            if category and session.get(Category, category) is None:
                raise ValidationError(f"category {category!r} does not exist")
            record = Record(
                fonds_id=fonds_row.id, category_code=category or "WS", year=int(metadata.get("year") or 0),
                retention=metadata.get("retention") or "D30", status=RecordStatus.RECEIVED.value,
                source_sha256=key, department=metadata.get("department") or "",
                extra={"metadata": {k: v for k, v in metadata.items() if v not in (None, "")},
                       "category_given": bool(category)},
            )
            session.add(record)
            session.flush()
            for original in originals:
                session.add(StoredObject(
                    sha256=original.sha256, size=original.size, media_type=original.media_type,
                    role=ObjectRole.ORIGINAL.value, record_id=record.id, filename=original.path.name,
                ))
            audit.record(session, actor, "record.received", f"record:{record.id}",
                         {"sha256": key, "files": [o.path.name for o in originals]})
            return Received(record.id)
    except DbIntegrityError:
        # Another worker received the same bytes at the same moment: use its record.
        with catalog.session(identity) as session:
            return _existing(_by_digest(session, key))


def _by_digest(session: Session, key: str) -> Record | None:
    return session.execute(select(Record).where(Record.source_sha256 == key)).scalar_one_or_none()


def _existing(record: Record) -> Received:
    if record.status in FINISHED:
        return Received(record.id, duplicate_of=record)
    return Received(record.id, resumed=True)
