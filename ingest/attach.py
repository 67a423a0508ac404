"""Attaching scans to catalogue-only records (挂接, issue 14).

Scans are matched to records by 档号: a file named by the code (`J001-WS·1998-Y-0012.pdf`, the
`·` may be written `-`), a page of it (`J001-WS-1998-Y-0012-001.jpg` is page 1), a folder named
by a volume's code holding its items (`<volume>/0003.pdf`, `<volume>/0003-001.jpg`) or by a
record's code holding its pages (`<code>/001.jpg`), or rows of a mapping CSV (档号, 文件, 页号).

Each record's scans go through the pipeline (receive, OCR, page images, searchable PDF) but the
catalogue fields the archivist imported stay as they are: what the OCR reads differently (a
文号, a title, a date) is kept in the record's `extra["ocr_differences"]` and the record goes to
the review queue. The one exception is the never-under-classify rule (DOMAIN.md §4): a printed
secrecy marking above the catalogued level raises the level, and is flagged too. Files that
match no record, or a record the person may not see, are listed as unmatched.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.catalogue.reading import detect_encoding, header_key
from archive.catalogue.values import Bad
from archive.clock import utcnow
from archive.codes import ObjectRole, RecordStatus, Secrecy
from archive.errors import ArchiveError, ValidationError
from archive.identity import Identity
from archive.models import Page, Record, StoredObject
from archive.policy import Action, can_see, require
from archive.retention_rules import active_rules
from archive.runtime import Runtime
from ingest.classify.retention_schedule import CatalogSchedule
from ingest.filing import Derived, PageResult
from ingest.pipeline import IngestService, Options
from ingest.receive import Original, digest_file, source_digest
from ingest.sources import InputError

SCANS = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf", ".jp2"}
PAGE_SUFFIX = re.compile(r"^(?P<base>.+)-(?P<page>\d{3})$")
COMPARED = ("doc_no", "title", "issuer", "doc_date")


@dataclasses.dataclass
class Scan:
    path: Path
    shown: str  # the name reported back (relative to what was given, never an absolute path)
    candidates: list[tuple[str, int | None]]  # (code key, page number or None for a whole file)


@dataclasses.dataclass
class AttachReport:
    attached: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    unchanged: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    refused: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    unmatched: list[str] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def code_key(text: str) -> str:
    """A code as file systems let people write it: `·` (and look-alikes) as `-`, upper case."""
    text = unicodedata.normalize("NFKC", text).strip().upper()
    return re.sub(r"[·・.．_\s]", "-", text)


def attach(runtime: Runtime, identity: Identity, paths: Sequence[Path], *, engine: str | None = None,
           workers: int = 1) -> AttachReport:
    """Attach the scans under `paths` to the records their names (or a mapping CSV) give."""
    require(identity.viewer, Action.FILE)
    if not paths:
        raise ValidationError("name at least one file or folder of scans")
    scans = collect(paths)
    report = AttachReport()
    groups = _match(runtime, identity, scans, report)
    options = Options(workers=workers)
    if engine:
        options.engine = engine
    service = _Attacher(runtime.catalog, runtime.store, identity, options=options,
                        anchor_every=runtime.settings.audit_anchor_every)
    for record_id, files in groups.items():
        service.attach_one(record_id, files, report)
    return report


# -- which file is which record's ------------------------------------------------------------------

def collect(paths: Sequence[Path]) -> list[Scan]:
    out: list[Scan] = []
    for root in paths:
        if root.is_dir():
            for f in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if f.suffix.lower() in SCANS:
                    shown = f"{root.name}/{f.relative_to(root).as_posix()}"
                    out.append(Scan(f, shown, _candidates(f, f.parent if f.parent != root else None)))
                elif f.suffix.lower() == ".csv":
                    out.extend(_mapping(f))
        elif root.suffix.lower() == ".csv":
            out.extend(_mapping(root))
        elif root.is_file():
            out.append(Scan(root, root.name, _candidates(root, None)))
        else:
            out.append(Scan(root, root.name, []))
    return out


def _candidates(path: Path, folder: Path | None) -> list[tuple[str, int | None]]:
    """Readings of a file name, most specific first: the name is a code (or a code and a page);
    inside a folder named by a code, the name is an item number (or a page) under it."""
    stem = code_key(path.stem)
    out: list[tuple[str, int | None]] = [(stem, None)]
    m = PAGE_SUFFIX.match(stem)
    if m:
        out.append((m["base"], int(m["page"])))
    if folder is not None:
        parent = code_key(folder.name)
        if stem.isdigit() and len(stem) == 3:
            out.append((parent, int(stem)))  # <record code>/001.jpg
        out.append((f"{parent}-{stem}", None))  # <volume code>/0003.pdf
        if m:
            out.append((f"{parent}-{m['base']}", int(m["page"])))  # <volume code>/0003-001.jpg
    return out


def _mapping(path: Path) -> list[Scan]:
    """A mapping CSV: 档号 (archival_code), 文件 (file, relative to the CSV), optional 页号 (page)."""
    try:
        encoding = detect_encoding(path)
    except Bad:
        raise ValidationError(f"{path.name}: unknown text encoding") from None
    with path.open(encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return []
    names = {"档号": "code", "archivalcode": "code", "archival_code": "code", "文件": "file", "file": "file",
             "文件名": "file", "页号": "page", "page": "page"}
    header = [names.get(header_key(h), "") for h in rows[0]]
    if "code" not in header or "file" not in header:
        raise ValidationError(f"{path.name}: a mapping needs 档号 and 文件 columns")
    out = []
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=False))
        if not cells.get("file"):
            continue
        page = cells.get("page", "").strip()
        target = (path.parent / cells["file"].strip()).resolve()
        if not target.is_relative_to(path.parent.resolve()):
            out.append(Scan(target, cells["file"].strip(), []))  # outside the mapping's folder: not read
            continue
        out.append(Scan(target, cells["file"].strip(),
                        [(code_key(cells.get("code", "")), int(page) if page.isdigit() else None)]))
    return out


def _variants(key: str) -> list[str]:
    """The codes a key may stand for: as written, and with the second `-` as today's `·`."""
    parts = key.split("-")
    out = [key]
    if len(parts) > 2:
        out.append("-".join(parts[:2]) + "·" + "-".join(parts[2:]))
    return out


def _match(runtime: Runtime, identity: Identity, scans: list[Scan],
           report: AttachReport) -> dict[int, list[tuple[int | None, Scan]]]:
    wanted = sorted({v for s in scans for key, _ in s.candidates for v in _variants(key)})
    known: dict[str, Record] = {}
    with runtime.catalog.session(identity) as session:
        for start in range(0, len(wanted), 500):
            for record in session.execute(select(Record).where(
                    Record.archival_code.in_(wanted[start:start + 500]))).scalars():
                if record.archival_code and can_see(identity.viewer, record):
                    known[code_key(record.archival_code)] = record
    groups: dict[int, list[tuple[int | None, Scan]]] = {}
    for scan in scans:
        hit = next(((known[key], page) for key, page in scan.candidates if key in known), None)
        if hit is None or not scan.path.is_file():
            report.unmatched.append(scan.shown)
            continue
        groups.setdefault(hit[0].id, []).append((hit[1], scan))
    for files in groups.values():
        files.sort(key=lambda pair: (pair[0] is not None, pair[0] or 0, pair[1].shown))
    return groups


# -- the pipeline, leaving the catalogue as it is --------------------------------------------------

class _Attacher(IngestService):
    def attach_one(self, record_id: int, files: list[tuple[int | None, Scan]], report: AttachReport) -> None:
        shown = [scan.shown for _, scan in files]
        try:
            originals = [digest_file(scan.path) for _, scan in files]
        except InputError as exc:
            report.refused.append({"files": shown, "reason": str(exc)})
            return
        with self.catalog.session(self.identity) as session:
            record = session.get(Record, record_id)
            assert record is not None
            code = record.archival_code
            digest = source_digest(originals)
            resumed = record.source_sha256 == digest and not record.page_list  # a run cut short before
            if record.source_sha256 == digest and not resumed:
                report.unchanged.append({"archival_code": code, "files": shown})
                return
            reason = "" if resumed else self._refusal(session, record, digest)
            if reason:
                report.refused.append({"archival_code": code, "files": shown, "reason": reason})
                return
            stored = list(session.execute(select(StoredObject).where(
                StoredObject.record_id == record_id, StoredObject.role == ObjectRole.ORIGINAL.value)
                .order_by(StoredObject.id)).scalars()) if resumed else []
            session.expunge_all()
        try:
            stored = stored or self._store(record_id, originals, digest)
            result = self._read_and_file(record_id, stored)
        except Exception as exc:  # the next record goes on; a re-run resumes this one
            reason = str(exc) if isinstance(exc, ArchiveError) else f"the scans could not be read ({type(exc).__name__})"
            report.refused.append({"archival_code": code, "files": shown, "reason": reason})
            return
        report.attached.append({"archival_code": code, "record_id": record_id, "files": shown, **result})

    def _refusal(self, session: Session, record: Record, digest: str) -> str:
        if record.page_list or record.source_sha256:
            return "the record has scans already"
        other = session.execute(select(Record.archival_code).where(Record.source_sha256 == digest)).first()
        if other is not None:
            return "these scans are another record's already"
        if record.status == RecordStatus.DESTROYED.value:
            return "the record was destroyed"
        return ""

    def _store(self, record_id: int, originals: list[Original], digest: str) -> list[StoredObject]:
        for original in originals:  # content-addressed: storing twice is a no-op
            with original.path.open("rb") as fh:
                if self.store.put(fh, media_type=original.media_type) != original.sha256:
                    raise ValidationError(f"{original.path.name}: changed while it was being read; try again")
        with self.catalog.session(self.identity) as session:
            record = session.get(Record, record_id)
            assert record is not None
            record.source_sha256 = digest
            objects = [StoredObject(sha256=o.sha256, size=o.size, media_type=o.media_type,
                                    role=ObjectRole.ORIGINAL.value, record_id=record_id, filename=o.path.name)
                       for o in originals]
            session.add_all(objects)
            audit.record(session, self.actor, "record.scans_received", f"record:{record_id}",
                         {"sha256": digest, "files": [o.path.name for o in originals]})
            session.flush()
            session.expunge_all()
        return objects

    def _read_and_file(self, record_id: int, originals: list[StoredObject]) -> dict[str, Any]:
        with self.catalog.session(self.identity) as session:
            schedule = CatalogSchedule.of(active_rules(session))
            record = session.get(Record, record_id)
            assert record is not None
            code, title = record.archival_code or "", record.title
        pages, ocr_pages, derived, flags = self._pages(originals, None)
        read, _reasons = self._understand(pages, ocr_pages, flags, {}, schedule)
        derived += self._derivatives(pages, ocr_pages, {"title": title}, code)
        with self.catalog.session(self.identity) as session:
            record = session.get(Record, record_id)
            assert record is not None
            return file_scans(session, record, pages, derived, read, self.actor)


def file_scans(session: Session, record: Record, pages: list[PageResult], derived: list[Derived],
               read: dict[str, Any], actor: str) -> dict[str, Any]:
    """Pages and objects of a catalogue-only record, its catalogue fields untouched but for a
    higher printed secrecy level; what was read differently is noted for review."""
    differences = ocr_differences(record, read)
    reasons = [f"ocr_differs:{name}" for name in differences]
    if read.get("secrecy_marking") and Secrecy(read["secrecy"]).rank > Secrecy(record.secrecy).rank:
        differences["secrecy"] = {"catalogue": record.secrecy, "read": read["secrecy"]}
        reasons.append("secrecy_marking_above_catalogue")
        record.secrecy = read["secrecy"]  # never under-classify (DOMAIN.md §4)
        record.secrecy_marking = read["secrecy_marking"]
    for p in pages:
        session.add(Page(
            record_id=record.id, page_no=p.page_no, width=p.width, height=p.height, dpi=p.dpi,
            color_mode=p.color_mode, sha256=p.sha256, ocr_engine=p.ocr_engine, ocr_confidence=p.ocr_confidence,
            ocr_text=p.text, blank=p.blank, rotation=p.rotation, skew_angle=p.skew_angle, flags=p.flags,
            scanned_at=utcnow(),
        ))
    for d in derived:
        name = d.filename or f"{record.archival_code}-{d.page_no:04d}"
        session.add(StoredObject(sha256=d.sha256, size=d.size, media_type=d.media_type, role=d.role,
                                 record_id=record.id, page_no=d.page_no, filename=name))
    confidences = [p.ocr_confidence for p in pages if p.ocr_confidence is not None and not p.blank]
    record.ocr_confidence = round(sum(confidences) / len(confidences), 4) if confidences else None
    catalogue = dict((record.extra or {}).get("catalogue", {}))
    record.extra = {**(record.extra or {}), "catalogue": {**catalogue, "scans": True},
                    "ocr_differences": differences}
    record.review_reasons = list(dict.fromkeys([*(record.review_reasons or []), *reasons]))
    previous = record.status
    record.status = (RecordStatus.NEEDS_REVIEW if record.review_reasons else RecordStatus.FILED).value
    audit.record(session, actor, "record.scans_attached", f"record:{record.id}",
                 {"from": previous, "archival_code": record.archival_code, "pages": len(pages),
                  "differences": sorted(differences)})
    return {"pages": len(pages), "status": record.status, "differences": differences}


def _normal(value: object) -> str:
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"[\s〔〕\[\]()（）]", "", text)


def ocr_differences(record: Record, read: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields the OCR read (non-empty) that differ from the catalogue's (non-empty) value."""
    out: dict[str, dict[str, Any]] = {}
    for name in COMPARED:
        ours, theirs = getattr(record, name), read.get(name)
        if ours in (None, "") or theirs in (None, ""):
            continue
        if name == "title":
            ours = str(ours).strip("[]")
        if _normal(ours) != _normal(theirs):
            out[name] = {"catalogue": _plain(getattr(record, name)), "read": _plain(theirs)}
    return out


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
