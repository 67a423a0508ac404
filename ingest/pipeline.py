"""The ingest pipeline: receive → preprocess → OCR → extract and classify → derivatives → file.

The same code runs in-process (CLI, web uploads) and in a Celery worker, always for an identity
allowed to file (an archivist; `system` in the workers). Every step before filing only adds
content-addressed objects, so re-running after a crash at any point yields one record and no
orphans; filing itself is one catalog transaction, whose unit of work queues the record for
indexing and derives its retention dates. The retention proposed is the catalog's schedule's
(archive.retention_rules), the one administrators edit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select

from archive import audit
from archive.arrangement import placing
from archive.clock import today
from archive.codes import ObjectRole, RecordStatus, Retention, Secrecy
from archive.db import Catalog
from archive.errors import ArchiveError, TransientError, ValidationError
from archive.four_properties import Scanner, check_record, clamav_scan
from archive.identity import Identity
from archive.models import Record, StoredObject
from archive.policy import Action, can_see, require
from archive.retention_rules import active_rules
from ingest import page_checks, stages
from ingest.born_digital import sidecar
from ingest.classify.retention_schedule import CatalogSchedule
from ingest.filing import Derived, PageResult, ensure_code, file_record, higher_secrecy, set_status
from ingest.ocr.script import raw_readings
from ingest.overlap import PageLine
from ingest.receive import digest_file, receive


@dataclasses.dataclass
class Options:
    fonds: str = "J001"
    category: str | None = None
    engine: str = stages.DEFAULT_ENGINE
    department: str = ""
    review_threshold: float = 0.6
    workers: int = max(1, os.cpu_count() or 1)  # pages the engine reads at once (ingest.overlap)


Progress = Callable[[str, int], None]  # (event, amount): "page" per page done


class IngestService:
    """Ingest for `identity`, who must be allowed to file records (Action.FILE)."""

    def __init__(self, catalog: Catalog, store, identity: Identity, *, options: Options | None = None,
                 anchor_every: int = 100, scanner: Scanner = clamav_scan):
        require(identity.viewer, Action.FILE)
        self.catalog, self.store, self.identity = catalog, store, identity
        self.options = options or Options()
        self.anchor_every = anchor_every
        self.scanner = scanner  # the malware scan of the four-property check at filing
        self._pdf_images: dict = {}  # image key → the page as the PDF embeds it, encoded in _pages

    @property
    def actor(self) -> str:
        return self.identity.username

    # -- public -------------------------------------------------------------------------------

    def ingest_files(self, files: list[Path], metadata: dict | None = None,
                     progress: Progress | None = None) -> dict:
        """Receive and process one record made of `files` (pages in order). Never raises for bad
        input: the result carries `status` failed and `error` instead, so a batch goes on."""
        metadata = dict(metadata or {})
        try:
            originals = [digest_file(Path(f)) for f in files]
            received = receive(
                self.catalog, self.store, self.identity, originals,
                fonds=metadata.pop("fonds", None) or self.options.fonds,
                category=metadata.get("category") or self.options.category,
                metadata={"department": self.options.department, **metadata},
            )
        except ArchiveError as exc:
            return failed_result(files, str(exc))
        if received.duplicate_of is not None:
            result = self.describe(received.duplicate_of.id)
            result.update(status="duplicate",
                          duplicate_of=result["archival_code"] or result["id"] or "a record above your clearance")
            return result
        return self.process(received.record_id, progress)

    def process(self, record_id: int, progress: Progress | None = None) -> dict:
        """Run every step after receiving for a record already in the catalog (resumable)."""
        with self.catalog.session(self.identity) as session:
            record = session.get(Record, record_id)
            if record is None:
                raise ValidationError(f"record {record_id} does not exist")
            if record.status in (RecordStatus.FILED.value, RecordStatus.NEEDS_REVIEW.value):
                return self.describe(record_id)
            set_status(session, record, RecordStatus.PROCESSING, self.actor)
            originals = list(session.execute(
                select(StoredObject).where(StoredObject.record_id == record_id,
                                           StoredObject.role == ObjectRole.ORIGINAL.value).order_by(StoredObject.id)
            ).scalars())
            metadata = dict(record.extra.get("metadata", {}))
            schedule = CatalogSchedule.of(active_rules(session))
            received_at = record.created_at
        try:
            pages, ocr_pages, derived, flags = self._pages(originals, progress)
            for page in pages:  # who scanned or uploaded it, and when (DOMAIN.md §8)
                page.operator = str(metadata.get("operator") or self.actor)[:50]
                page.scanned_at = page.scanned_at or received_at
            fields, reasons = self._understand(pages, ocr_pages, flags, metadata, schedule)
            code = self._assign_code(record_id, fields)
            derived += self._derivatives(pages, ocr_pages, fields, code)
            with self.catalog.session(self.identity) as session:
                record = session.get(Record, record_id)
                file_record(session, record, fields=fields, pages=pages, derived=derived,
                            review_reasons=reasons, actor=self.actor, check=self._check)
                self._place(session, record, metadata)
        except Exception as exc:
            if isinstance(exc, TransientError) and self.identity.channel == "task":
                raise  # a backend blip: the task retries it with back-off (archive.celery_app.RETRY)
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if not isinstance(exc, ArchiveError):
                message = f"{type(exc).__name__}: {message}"
            with self.catalog.session(self.identity) as session:
                record = session.get(Record, record_id)
                record.error = message
                set_status(session, record, RecordStatus.FAILED, self.actor, error=message)
            return self.describe(record_id)
        try:
            with self.catalog.session(self.identity) as session:
                audit.maybe_anchor(session, self.store, self.anchor_every)
        except ArchiveError:
            pass  # the record is filed; the periodic anchoring task writes the head later
        return self.describe(record_id)

    def describe(self, record_id: int) -> dict:
        """The record's result row; of a record above the identity's clearance or scope (a
        duplicate of what they ingested), only that it is a known record."""
        with self.catalog.session(self.identity) as session:
            record = session.get(Record, record_id)
            if can_see(self.identity.viewer, record):
                return record_result(record)
            out = dict.fromkeys(JSON_FIELDS)
            out.update(status=record.status, review_reasons=[])
            return out

    # -- steps --------------------------------------------------------------------------------

    def _pages(self, originals: list[StoredObject], progress: Progress | None):
        """Decode, preprocess and OCR every page, storing page images and thumbnails; the side work
        of one page overlaps the engine's reading of the next (ingest.overlap), results in order."""
        pages: list[PageResult] = []
        ocr_pages: list = []
        derived: list[Derived] = []
        flags: set[str] = set()
        self._pdf_images = {}
        workdir = Path(tempfile.mkdtemp(prefix="archive-ingest-"))
        try:
            with PageLine(self.options.engine, lanes=self.options.workers) as line:
                for obj in originals:
                    local = workdir / obj.sha256
                    with self.store.get(obj.sha256) as src, local.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    times = page_checks.capture_times(local)
                    for page in stages.read_pages(local, obj.filename):
                        captured = times[page.page_no - 1] if page.page_no <= len(times) else None
                        for done, when in line.put(page, captured):
                            self._keep_page(done, when, pages, ocr_pages, derived, flags, progress)
                    local.unlink()  # pages in flight are decoded already
                for done, when in line.drain():
                    self._keep_page(done, when, pages, ocr_pages, derived, flags, progress)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if not pages:
            raise ValidationError("no pages could be read")
        return pages, ocr_pages, derived, flags

    def _keep_page(self, done: stages.PageDone, captured, pages, ocr_pages, derived, flags, progress) -> None:
        """Store one finished page's image and thumbnail and note it, in page order."""
        page_no = len(pages) + 1
        image_key = ""
        if done.image_bytes is not None:
            image_key = self.store.put(done.image_bytes, media_type=done.image_type)
            derived.append(Derived(image_key, len(done.image_bytes), done.image_type,
                                   ObjectRole.PAGE_IMAGE.value, page_no))
            if done.pdf_image is not None:
                self._pdf_images[image_key] = done.pdf_image
        if done.thumbnail is not None:
            key = self.store.put(done.thumbnail, media_type="image/jpeg")
            derived.append(Derived(key, len(done.thumbnail), "image/jpeg", ObjectRole.THUMBNAIL.value, page_no))
        pages.append(PageResult(
            page_no=page_no, width=done.width, height=done.height, dpi=done.dpi, color_mode=done.color_mode,
            sha256=image_key, ocr_engine=done.engine, ocr_confidence=done.confidence, text=done.text,
            blank=done.blank, rotation=done.rotation, skew_angle=done.skew_angle, flags=done.flags,
            scanned_at=captured, phash=done.phash,
        ))
        ocr_pages.append(done.ocr)
        flags.update(done.flags)
        if progress:
            progress("page", 1)

    def _understand(self, pages: list[PageResult], ocr_pages: list, flags: set[str],
                    metadata: dict, schedule: CatalogSchedule) -> tuple[dict, list[str]]:
        lines = [line for ocr in ocr_pages for line in ocr.lines] or None
        found = stages.understand("\n".join(p.text for p in pages), lines, sorted(flags),
                                  review_threshold=self.options.review_threshold, schedule=schedule)
        fields = dict(found.fields)
        # The engine's own reading of pages whose script was normalised is kept as evidence (issue 18).
        if raw := raw_readings(ocr_pages):
            fields["extra_evidence"] = {**(fields.get("extra_evidence") or {}), "ocr_raw": raw}
        reasons = list(found.review_reasons)
        # A born-digital file's sidecar or a business-system export wins over the pages (issue 18).
        reasons = sidecar.apply(fields, reasons, metadata, flags, schedule)
        read = (fields.get("category_code"), fields.get("title"))
        # What the archivist supplied (manifest, CLI) wins over what was read, except that a
        # secrecy marking on the page can only raise the level, never lower it.
        for key, column in (("category", "category_code"), ("title", "title"), ("retention", "retention"),
                            ("department", "department")):
            if metadata.get(key):
                fields[column] = metadata[key]
        if self.options.category:
            fields["category_code"] = self.options.category
        if metadata.get("retention"):
            fields["retention"] = Retention.parse(metadata["retention"]).value
        elif (fields.get("category_code"), fields.get("title")) != read:
            # The schedule's rule for the record as filed (its given category and title).
            fields["retention"] = schedule.propose(fields.get("category_code"), fields.get("title"),
                                                   fields.get("doc_type") or None,
                                                   fields.get("business_step") or None)[0].value
        if metadata.get("secrecy"):
            fields["secrecy"] = higher_secrecy(Secrecy.parse(metadata["secrecy"]).value, fields["secrecy"])
        if str(metadata.get("year", "")).isdigit():
            fields["year"] = int(metadata["year"])
        elif fields.get("doc_date"):
            fields["year"] = fields["doc_date"].year
        else:
            fields["year"] = today().year
            reasons.append("missing:date")
        if all(p.blank for p in pages):
            reasons.append("all_pages_blank")
        low = [p.page_no for p in pages if "low_dpi" in p.flags]
        if low:
            reasons.append("low_dpi:" + ",".join(map(str, low[:10])))
        # For the category as filed (a given one may differ from the classifier's), unless given.
        fields["insurance_type"] = stages.insurance_type(fields.get("category_code"), found.insurance_read,
                                                         fields.get("business_step"))
        for key in ("transaction_no", "insurance_type"):  # given (manifest 业务流水号/险种) beats read
            if metadata.get(key):
                fields[key] = str(metadata[key]).strip()[:50 if key == "transaction_no" else 20]
        reasons += page_quality(pages, fields)
        return fields, list(dict.fromkeys(reasons))

    def _check(self, session, record: Record) -> None:
        """四性检测 at filing, for every record (DA/T 70): stored and shown on the record's page."""
        session.flush()
        check_record(session, self.store, record, actor=self.actor, stage="filing", scanner=self.scanner)

    def _place(self, session, record: Record, metadata: dict) -> None:
        """Into the volume or box the manifest names, in the filing transaction; what cannot be
        placed sends the record to review instead of failing it."""
        problems = placing.place(session, self.identity, record, volume=metadata.get("volume", ""),
                                 box=metadata.get("box", ""))
        if problems:
            record.review_reasons = [*(record.review_reasons or []), *problems]
            if record.status == RecordStatus.FILED.value:
                set_status(session, record, RecordStatus.NEEDS_REVIEW, self.actor, review_reasons=problems)

    def _assign_code(self, record_id: int, fields: dict) -> str:
        """Give the record its archival code before derivatives carry it (stable on re-runs)."""
        with self.catalog.session(self.identity) as session:
            record = session.get(Record, record_id)
            if record.archival_code is None:
                record.category_code, record.year = fields["category_code"], fields["year"]
                record.retention = fields["retention"]
            return ensure_code(session, record)

    def _derivatives(self, pages: list[PageResult], ocr_pages: list, fields: dict, code: str) -> list[Derived]:
        # Encoded while the engine read the next page (PageDone.pdf_image); else from the store.
        encoded, self._pdf_images = self._pdf_images, {}
        images = (encoded.get(p.sha256) or self._load_image(p.sha256) if p.sha256 else None for p in pages)
        out = []
        pdf = stages.searchable_pdf(images, pages, ocr_pages, title=fields.get("title") or "", archival_code=code)
        if pdf is not None:
            key = self.store.put(pdf, media_type="application/pdf")
            out.append(Derived(key, len(pdf), "application/pdf", ObjectRole.PDF.value, filename=f"{code}.pdf"))
        text = "\n\f".join(p.text for p in pages).encode("utf-8")
        text_key = self.store.put(text, media_type="text/plain; charset=utf-8")
        out.append(Derived(text_key, len(text), "text/plain; charset=utf-8", ObjectRole.TEXT.value,
                           filename=f"{code}.txt"))
        return out

    def _load_image(self, key: str):
        from PIL import Image

        with self.store.get(key) as fh:
            image = Image.open(io.BytesIO(fh.read()))
            image.load()
        return image


def page_quality(pages: list[PageResult], fields: dict) -> list[str]:
    """Review reasons from the pages as a sequence (DOMAIN.md §8): printed page numbers missing,
    repeated or out of order; the same page twice; red masthead or seal scanned without colour;
    a social-insurance item whose 核定表 is not on top."""
    texts = [p.text for p in pages]
    reasons = page_checks.sequence_problems([page_checks.printed_page_number(t) for t in texts])
    reasons += page_checks.identical_pages([p.sha256 for p in pages], [p.phash for p in pages],
                                           [p.blank for p in pages])
    reasons += page_checks.colour_problems([p.color_mode for p in pages], texts)
    if fields.get("category_code") == "SB":
        reasons += page_checks.approval_sheet_misplaced(texts)
    return reasons


JSON_FIELDS = ("id", "archival_code", "status", "category", "secrecy", "retention", "title", "doc_no", "issuer",
               "date", "doc_type", "person_name", "person_id", "personnel_class", "business_step", "pages",
               "sha256", "ocr_confidence", "review_reasons", "error")


def record_result(record: Record) -> dict:
    """The public JSON shape of `archive ingest --json` (one object per record)."""
    return {
        "id": record.id,
        "archival_code": record.archival_code,
        "status": record.status,
        "category": record.category_code,
        "secrecy": record.secrecy,
        "secrecy_term_months": record.secrecy_term_months,
        "retention": record.retention,
        "title": record.title,
        "doc_no": record.doc_no,
        "issuer": record.issuer,
        "date": record.doc_date.isoformat() if record.doc_date else None,
        "doc_type": record.doc_type,
        "person_name": record.person_name,
        "person_id": record.person_id_number,
        "personnel_class": record.personnel_class,
        "business_step": record.business_step,
        "insurance_type": record.insurance_type,
        "transaction_no": record.transaction_no,
        "disclosure": record.disclosure,
        "pages": record.pages,
        "sha256": record.source_sha256,
        "ocr_confidence": record.ocr_confidence,
        "review_reasons": list(record.review_reasons or []),
        "error": record.error or None,
    }


def failed_result(files: Iterable[Path], error: str) -> dict:
    out = dict.fromkeys(JSON_FIELDS)
    out.update(status="failed", error=error, files=[str(f) for f in files], review_reasons=[])
    return out


def as_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
