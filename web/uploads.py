"""Uploads: each file becomes one record, received at once and processed in the background."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from archive.errors import ValidationError
from archive.models import Record
from archive.policy import Viewer, can_see
from web.access import MAX_ID

ALLOWED = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
MAX_FILES = 50


def accept(services, viewer: Viewer, files: list[FileStorage], *, category: str | None = None) -> list[dict]:  # noqa: ANN001
    """Receive every file as a record and queue its pipeline run; returns one status row per file."""
    from ingest.receive import digest_file, receive

    files = [f for f in files if f and f.filename]
    if not files:
        raise ValidationError("choose at least one file")
    if len(files) > MAX_FILES:
        raise ValidationError(f"at most {MAX_FILES} files at once")
    out = []
    workdir = Path(tempfile.mkdtemp(prefix="archive-upload-"))
    try:
        for n, upload in enumerate(files):
            name = secure_filename(upload.filename) or f"upload-{n}"
            if Path(name).suffix.lower() not in ALLOWED:
                out.append({"filename": upload.filename, "status": "failed", "error": "unsupported file type"})
                continue
            path = workdir / f"{n}-{name}"
            upload.save(path)
            try:
                received = receive(services.catalog, services.store, [digest_file(path)], actor=viewer.username,
                                   fonds="J001", category=category or None, metadata={})
            except ValidationError as exc:
                out.append({"filename": upload.filename, "status": "failed", "error": str(exc)})
                continue
            if received.duplicate_of is None:
                submit(services, received.record_id, viewer.username)
            out.append({"filename": upload.filename, "record_id": received.record_id,
                        "status": "duplicate" if received.duplicate_of is not None else "received"})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def submit(services, record_id: int, actor: str) -> None:  # noqa: ANN001
    if services.settings.broker_url.startswith(("redis://", "rediss://")):
        # Production: Celery workers on other machines run the pipeline (ingest.tasks).
        from ingest.tasks import process_record

        process_record.delay(record_id)
        return
    future = services.ingest_pool.submit(_process, services, record_id, actor)
    future.add_done_callback(_log_failure)


def _process(services, record_id: int, actor: str) -> None:  # noqa: ANN001
    from ingest.pipeline import IngestService, Options

    IngestService(services.catalog, services.store, actor=actor, options=Options(workers=1)).process(record_id)


def _log_failure(future) -> None:  # noqa: ANN001
    # The pipeline marks a bad record failed itself; this catches what escapes it (a lost database).
    if future.exception() is not None:
        logging.getLogger("web.uploads").error("ingest run failed", exc_info=future.exception())


def status_of(db, viewer: Viewer, record_ids: list[int]) -> dict[int, dict]:  # noqa: ANN001
    """Pipeline status of the viewer's uploads; a record filed above their clearance drops out."""
    record_ids = [i for i in record_ids if 0 < i <= MAX_ID]
    rows = [r for r in db.execute(select(Record).where(Record.id.in_(record_ids))).scalars() if can_see(viewer, r)]
    return {r.id: {"record_id": r.id, "status": r.status, "archival_code": r.archival_code, "title": r.title,
                   "error": r.error or None} for r in rows}
