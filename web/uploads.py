"""Uploads: the files of a multipart request saved where the submission service
(ingest.submission) reads them, then removed once each is received as a record."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import g
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ingest.submission import Upload, status_of, submit
from web.auth import services


def accept(files: list[FileStorage], *, category: str | None = None) -> list[dict]:
    """Receive every file as a record for the person logged in; one status row per file."""
    files = [f for f in files if f and f.filename]
    workdir = Path(tempfile.mkdtemp(prefix="archive-upload-"))
    try:
        uploads = []
        for n, upload in enumerate(files):
            # The suffix names the type; a Chinese file name (扫描件.png) keeps it.
            suffix = Path(upload.filename or "").suffix.lower()
            stem = secure_filename(Path(upload.filename or "").stem) or "upload"
            path = workdir / f"{n}-{stem}{suffix if suffix[1:].isascii() and suffix[1:].isalnum() else ''}"
            upload.save(path)
            uploads.append(Upload(upload.filename or path.name, path))
        return submit(services(), g.identity, uploads, category=category or None, pool=services().ingest_pool)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ids_of(raw: str | None) -> list[int]:
    """The record ids of a status request (`ids=1,2,3`), at most 50."""
    return [int(x) for x in (raw or "").split(",") if x.isdigit()][:50]


def statuses(record_ids: list[int]) -> list[dict]:
    """Status rows in the order asked, of the records the person may see."""
    with services().unit_of_work(g.identity) as db:
        found = status_of(db, g.identity, record_ids)
    return [found[i] for i in record_ids if i in found]
