"""Submitting scans from a face that receives files (the upload page, POST /api/v1/uploads): each
file becomes one record, received at once, and its pipeline run goes on in the background (the
web's pool on one machine, the Celery workers when there is a broker). The face saves the bytes
and hands over their paths; the person must be allowed to file (Action.FILE).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import ArchiveError, ValidationError
from archive.identity import Identity
from archive.models import Record
from archive.policy import Action, can_see, require
from archive.runtime import Runtime
from archive.visibility import MAX_ID
from ingest.receive import digest_file, receive

ALLOWED = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf", ".ofd"}
MAX_FILES = 50
DEFAULT_FONDS = "J001"
BROKERS = ("redis://", "rediss://")  # production: workers on other machines run the pipeline

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str  # as the person named it (shown back to them)
    path: Path  # where the face saved the bytes


def submit(runtime: Runtime, identity: Identity, uploads: Sequence[Upload], *, category: str | None = None,
           pool: Executor | None = None) -> list[dict[str, Any]]:
    """Receive every file as a record and start its pipeline run; one status row per file, in order."""
    require(identity.viewer, Action.FILE)
    if not uploads:
        raise ValidationError("choose at least one file")
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"at most {MAX_FILES} files at once")
    out: list[dict[str, Any]] = []
    for upload in uploads:
        if upload.path.suffix.lower() not in ALLOWED:
            out.append({"filename": upload.filename, "status": "failed", "error": "unsupported file type"})
            continue
        try:
            received = receive(runtime.catalog, runtime.store, identity, [digest_file(upload.path)],
                               fonds=DEFAULT_FONDS, category=category or None, metadata={})
        except ValidationError as exc:
            out.append({"filename": upload.filename, "status": "failed", "error": str(exc)})
            continue
        if received.duplicate_of is not None:
            row: dict[str, Any] = {"filename": upload.filename, "status": "duplicate"}
            if can_see(identity.viewer, received.duplicate_of):
                row["record_id"] = received.record_id
            out.append(row)
            continue
        start(runtime, identity, received.record_id, pool)
        out.append({"filename": upload.filename, "record_id": received.record_id, "status": "received"})
    return out


def start(runtime: Runtime, identity: Identity, record_id: int, pool: Executor | None) -> None:
    """Run the pipeline for a received record: a task for the workers when there is a broker,
    otherwise in `pool` (in this process), otherwise now."""
    if runtime.settings.broker_url.startswith(BROKERS):
        runtime.send("ingest.process_record", record_id)
    elif pool is not None:
        pool.submit(process, runtime, identity, record_id).add_done_callback(_log_failure)
    else:
        process(runtime, identity, record_id)


def process(runtime: Runtime, identity: Identity, record_id: int) -> dict[str, Any]:
    """One pipeline run under the record's lease (ingest.leases): a run already going elsewhere wins."""
    from ingest.exactly_once import LeasedIngestService
    from ingest.pipeline import Options

    service = LeasedIngestService(runtime.catalog, runtime.store, identity, options=Options(workers=1),
                                  anchor_every=runtime.settings.audit_anchor_every,
                                  lease_seconds=runtime.settings.ingest_lease_seconds)
    return service.process(record_id)


# -- the CLI's queue path (`archive ingest --queue`, `archive watch --queue`) ----------------------

FINISHED = ("filed", "needs_review", "failed", "destroyed", "transferred")


def enqueue(runtime: Runtime, identity: Identity, files: Sequence[Path], metadata: dict[str, Any], *,
            fonds: str | None = None, category: str | None = None, department: str = "",
            engine: str = "rapidocr") -> dict[str, Any]:
    """Receive one record's files here (digest, originals into the store, the record in the
    catalog) and hand the OCR and filing to the workers. Never raises for bad input: the row
    says `failed` and why, so a batch goes on. Status `queued` rows carry the record's id."""
    from ingest.pipeline import IngestService, failed_result

    require(identity.viewer, Action.FILE)
    meta = dict(metadata)
    if category:  # the worker's pipeline reads what was given from the record's metadata
        meta.setdefault("category", category)
    try:
        received = receive(runtime.catalog, runtime.store, identity, [digest_file(Path(f)) for f in files],
                           fonds=meta.pop("fonds", None) or fonds or DEFAULT_FONDS,
                           category=meta.get("category") or None,
                           metadata={"department": department, **meta})
    except ArchiveError as exc:  # unreadable file, unknown fonds or category, ...
        return failed_result(files, str(exc))
    if received.duplicate_of is not None:
        result = IngestService(runtime.catalog, runtime.store, identity).describe(received.record_id)
        result.update(status="duplicate",
                      duplicate_of=result["archival_code"] or result["id"] or "a record above your clearance")
        return result
    runtime.send("ingest.process_record", received.record_id, engine)
    return {"id": received.record_id, "status": "queued", "files": [str(f) for f in files]}


def statuses(runtime: Runtime, identity: Identity, record_ids: Sequence[int]) -> dict[int, str]:
    """Where each queued record is now (results are not kept: the catalog is the truth)."""
    with runtime.catalog.session(identity) as session:
        return {rid: row["status"] for rid, row in status_of(session, identity, record_ids).items()}


def outcome(runtime: Runtime, identity: Identity, record_id: int) -> dict[str, Any]:
    """The record's result row, as `archive ingest` prints it."""
    from ingest.pipeline import IngestService

    return IngestService(runtime.catalog, runtime.store, identity).describe(record_id)


def _log_failure(future: Future) -> None:
    # The pipeline marks a bad record failed itself; this catches what escapes it (a lost database).
    if future.exception() is not None:
        log.error("ingest run failed", exc_info=future.exception())


def status_of(session: Session, identity: Identity, record_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Pipeline status of uploaded records; a record filed above the person's clearance drops out."""
    require(identity.viewer, Action.FILE)
    wanted = [i for i in record_ids if 0 < i <= MAX_ID]
    rows = [r for r in session.execute(select(Record).where(Record.id.in_(wanted))).scalars()
            if can_see(identity.viewer, r)]
    return {r.id: {"record_id": r.id, "status": r.status, "archival_code": r.archival_code, "title": r.title,
                   "error": r.error or None} for r in rows}
