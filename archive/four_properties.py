"""Four-property check (四性检测, DA/T 70-2018; DOMAIN.md §11) per record and per batch, at
filing, at transfer and on demand: authenticity, integrity, usability, security. Each
property is a list of named checks with ok True/False, or None for "not checked".

It lives in archive/ because both ingest (every record at filing) and retention (transfer, on
demand) run it, and those two may not import each other. A check that could not run (no
malware scanner installed) makes the outcome "not_checked", never "passed".
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import archival_code, audit, ofd
from archive.clock import utcnow
from archive.codes import STATE_SECRET_LEVELS, ObjectRole, RecordStatus, Retention, Secrecy
from archive.lifecycle_models import FourPropertyCheck
from archive.models import Page, Record, StoredObject

MANDATORY = ("fonds_id", "category_code", "year", "retention", "title", "archival_code", "secrecy",
             "doc_date", "issuer", "pages")  # 日期, 责任者 and 页数 too (DA/T 70 integrity)
IMAGE_TYPES = ("image/",)
Scanner = Callable[[bytes], tuple[bool | None, str]]  # -> (clean?, detail); None: not checked
OUTCOMES = ("passed", "failed", "not_checked")


def clamav_scan(data: bytes) -> tuple[bool | None, str]:
    """Scan with clamscan when installed; otherwise say so rather than pretend."""
    exe = shutil.which("clamscan")
    if exe is None:
        return None, "not checked: clamscan is not installed"
    with tempfile.NamedTemporaryFile() as fh:
        fh.write(data)
        fh.flush()
        done = subprocess.run([exe, "--no-summary", fh.name], capture_output=True, text=True, timeout=300)
    if done.returncode == 0:
        return True, "clean"
    if done.returncode == 1:
        return False, done.stdout.strip()[-200:]
    return None, f"clamscan failed: {done.stderr.strip()[-200:]}"


def _check(name: str, ok: bool | None, detail: str = "") -> dict[str, Any]:
    return {"check": name, "ok": ok, "detail": detail}


def authenticity(session: Session, store, record: Record, objects: list[StoredObject]) -> list[dict]:
    out = []
    bad = [o.sha256[:12] for o in objects if store.exists(o.sha256) and not store.verify(o.sha256)]
    out.append(_check("digests_match", not bad, f"changed: {bad}" if bad else f"{len(objects)} objects"))
    code = record.archival_code or ""
    out.append(_check("archival_code_well_formed", archival_code.is_well_formed(code), code))
    problems = _metadata_problems(record)
    out.append(_check("metadata_valid", not problems, "; ".join(problems)))
    dupes: list[int] = []
    if record.source_sha256:
        dupes = list(session.execute(select(Record.id).where(Record.source_sha256 == record.source_sha256,
                                                             Record.id != record.id)).scalars())
    originals = [o.sha256 for o in objects if o.role == ObjectRole.ORIGINAL.value]
    if originals:
        dupes += [rid for rid in session.execute(select(StoredObject.record_id).where(
            StoredObject.sha256.in_(originals), StoredObject.role == ObjectRole.ORIGINAL.value,
            StoredObject.record_id != record.id, StoredObject.destroyed_at.is_(None))).scalars() if rid is not None]
    out.append(_check("no_duplicates", not dupes, f"same content as records {sorted(set(dupes))}" if dupes else ""))
    return out


def _metadata_problems(record: Record) -> list[str]:
    problems = []
    try:
        Retention.parse(record.retention or "")
    except ValueError:
        problems.append(f"retention {record.retention!r}")
    try:
        level = Secrecy(record.secrecy)
    except ValueError:
        problems.append(f"secrecy {record.secrecy!r}")
    else:
        if level in STATE_SECRET_LEVELS and record.declassify_on is None and record.secrecy_term_months is not None:
            problems.append("state secret without a declassification date")
    if record.year and not 1900 <= record.year <= 2999:
        problems.append(f"year {record.year}")
    if record.doc_date and record.year and record.doc_date.year != record.year:
        problems.append(f"date {record.doc_date} outside year {record.year}")
    if record.archival_code and archival_code.is_well_formed(record.archival_code):
        parts, _ = archival_code.parse(record.archival_code)
        if parts.category != record.category_code or parts.year != record.year:
            problems.append("archival code disagrees with category or year")
    return problems


def integrity(session: Session, store, record: Record, objects: list[StoredObject]) -> list[dict]:
    page_rows = session.execute(select(func.count()).select_from(Page).where(Page.record_id == record.id)).scalar_one()
    pages_ok = page_rows == record.pages if page_rows else None
    missing_fields = [f for f in MANDATORY if getattr(record, f) in (None, "", 0)]
    missing = [o.sha256[:12] for o in objects if not store.exists(o.sha256)]
    return [
        _check("page_count", pages_ok, f"catalogue {record.pages}, page rows {page_rows}"),
        _check("mandatory_fields", not missing_fields, ",".join(missing_fields)),
        _check("objects_present", bool(objects) and not missing,
               f"missing {missing}" if missing else ("no objects" if not objects else f"{len(objects)} objects")),
    ]


def usability(store, objects: list[StoredObject]) -> list[dict]:
    out = []
    archival = _archival_pdfs(objects)
    for obj in objects:
        if not store.exists(obj.sha256):
            continue
        if obj.media_type == "application/pdf":
            out.append(_check(f"pdf:{obj.sha256[:12]}", *_pdf_ok(store, obj.sha256, obj.id in archival)))
        elif obj.media_type.startswith(IMAGE_TYPES):
            out.append(_check(f"image:{obj.sha256[:12]}", *_image_ok(store, obj.sha256)))
    return out or [_check("readable", None, "no PDF or image to open")]


def _read(store, key: str) -> bytes:
    with store.get(key) as stream:
        return stream.read()


def _archival_pdfs(objects: list[StoredObject]) -> set[int]:
    """The PDFs that are the record's long-term copy and so must be PDF/A: its searchable PDF, or,
    when it has none (a born-digital original kept as is), its original PDFs."""
    pdfs = [o for o in objects if o.media_type == "application/pdf"]
    derived = [o for o in pdfs if o.role == ObjectRole.PDF.value]
    return {o.id for o in (derived or [o for o in pdfs if o.role == ObjectRole.ORIGINAL.value])}


def _pdf_ok(store, key: str, archival: bool = True) -> tuple[bool, str]:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(_read(store, key))) as doc:
            if doc.is_encrypted:
                return False, "encrypted"
            meta = doc.open_metadata()
            part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
            pdfa = f"PDF/A-{part}{(level or '').lower()}" if part else "not PDF/A"
            return bool(part) or not archival, f"{len(doc.pages)} pages, {pdfa}"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


def _image_ok(store, key: str) -> tuple[bool, str]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(_read(store, key))) as img:
            img.load()
            return True, f"{img.format} {img.size[0]}x{img.size[1]}"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


# Metadata a born-digital record must carry beyond MANDATORY (DA/T 70 integrity: metadata complete).
BORN_DIGITAL_METADATA = {"SB": ("transaction_no", "person_name", "person_id_number", "business_step"),
                         "WS": ("doc_no",)}


def born_digital(session: Session, store, record: Record, objects: list[StoredObject]) -> dict[str, list[dict]]:
    """The intake checks of a born-digital record (an OFD original, or a PDF whose pages brought
    their own text): format identified, readable (pages and text; an OFD's seal structure and
    reference digests, not the signature value), digest recorded at intake, metadata complete.
    Nothing for a scanned record."""
    originals = [o for o in objects if o.role == ObjectRole.ORIGINAL.value and store.exists(o.sha256)]
    ofds = [o for o in originals if o.media_type == ofd.MEDIA_TYPE]
    text_pages = session.execute(select(func.count()).select_from(Page).where(
        Page.record_id == record.id, Page.ocr_engine == "born_digital")).scalar_one()
    pdfs = [o for o in originals if o.media_type == "application/pdf"] if text_pages else []
    if not ofds and not pdfs:
        return {}
    usable = [c for o in ofds for c in _ofd_checks(_read(store, o.sha256), o.sha256[:12])]
    usable += [_check(f"pdf_text_layer:{o.sha256[:12]}", *_pdf_text(_read(store, o.sha256))) for o in pdfs]
    recorded = [o.sha256 for o in sorted(originals, key=lambda o: o.id)]
    key = recorded[0] if len(recorded) == 1 else hashlib.sha256("\n".join(recorded).encode()).hexdigest()
    wanted = BORN_DIGITAL_METADATA.get(record.category_code, ())
    missing = [f for f in wanted if getattr(record, f, None) in (None, "")]
    return {
        "authenticity": [_check("digest_recorded", bool(recorded) and record.source_sha256 == key,
                                f"SHA-256 {key[:12]}" if recorded else "no original")],
        "integrity": [_check("metadata_complete", not missing, ",".join(missing))],
        "usability": usable,
    }


def _ofd_checks(data: bytes, short: str) -> list[dict]:
    if not ofd.is_ofd(data):
        return [_check(f"format_identified:{short}", False, "not an OFD package (no ofd:OFD in OFD.xml)")]
    out = [_check(f"format_identified:{short}", True, "OFD (GB/T 33190)")]
    try:
        doc = ofd.read(data)
    except ofd.OfdError as exc:
        return [*out, _check(f"ofd_readable:{short}", False, str(exc)[:200])]
    chars = sum(len(p.text) for p in doc.pages)
    out.append(_check(f"ofd_readable:{short}", True, f"{len(doc.pages)} pages, {chars} characters"))
    if doc.signatures:
        refs = sum(s.references_ok for s in doc.signatures), sum(s.references for s in doc.signatures)
        problems = "; ".join(p for s in doc.signatures for p in s.problems)[:200]
        out.append(_check(f"e_signature:{short}", doc.signature_status == "present",
                          problems or f"{len(doc.signatures)} seal(s), references {refs[0]}/{refs[1]} match; "
                                      "signature value not verified"))
    return out


def _pdf_text(data: bytes) -> tuple[bool, str]:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        with_text = sum(1 for page in reader.pages if (page.extract_text() or "").strip())
    except Exception as exc:  # pypdf raises many exception types for one bad file
        return False, f"{type(exc).__name__}: {exc}"[:200]
    return with_text > 0, f"{with_text} of {len(reader.pages)} pages with text"


def security(store, objects: list[StoredObject], scanner: Scanner) -> list[dict]:
    results = [scanner(_read(store, o.sha256)) for o in objects if store.exists(o.sha256)]
    if not results or any(ok is None for ok, _ in results):
        detail = next((d for ok, d in results if ok is None), "nothing to scan")
        return [_check("malware_scan", None, detail)]
    infected = [d for ok, d in results if ok is False]
    return [_check("malware_scan", not infected, "; ".join(infected) or f"{len(results)} objects clean")]


def check_record(session: Session, store, record: Record, *, actor: str, stage: str = "on_demand",
                 batch: str = "", scanner: Scanner = clamav_scan) -> FourPropertyCheck:
    objects = list(session.execute(select(StoredObject).where(
        StoredObject.record_id == record.id, StoredObject.destroyed_at.is_(None))).scalars())
    results = {
        "authenticity": authenticity(session, store, record, objects),
        "integrity": integrity(session, store, record, objects),
        "usability": usability(store, objects),
        "security": security(store, objects, scanner),
    }
    for prop, checks in born_digital(session, store, record, objects).items():
        results[prop] += checks
    result = outcome(results)
    row = FourPropertyCheck(record_id=record.id, stage=stage, batch=batch, passed=result == "passed",
                            outcome=result, results=results, checked_by=actor, checked_at=utcnow())
    session.add(row)
    audit.record(session, actor, "record.four_property_check", f"record:{record.id}",
                 {"passed": row.passed, "outcome": result, "stage": stage, "batch": batch})
    return row


def outcome(results: dict[str, list[dict]]) -> str:
    """failed when any check failed; not_checked when one could not run; passed only otherwise."""
    oks = [c["ok"] for checks in results.values() for c in checks]
    if any(ok is False for ok in oks):
        return "failed"
    return "not_checked" if any(ok is None for ok in oks) else "passed"


def latest(session: Session, record_id: int) -> FourPropertyCheck | None:
    """The record's most recent check (the record page shows it)."""
    return session.execute(select(FourPropertyCheck).where(FourPropertyCheck.record_id == record_id)
                           .order_by(FourPropertyCheck.checked_at.desc(), FourPropertyCheck.id.desc())
                           .limit(1)).scalar_one_or_none()


def summary(row: FourPropertyCheck | None) -> dict[str, Any] | None:
    """What a person reads of a check: its outcome, when and at which stage, and the checks by name
    that failed or could not run."""
    if row is None:
        return None
    checks = [c for prop in row.results.values() for c in prop]
    return {"outcome": row.outcome or ("passed" if row.passed else "failed"), "stage": row.stage,
            "checked_at": row.checked_at.isoformat() if row.checked_at else None,
            "failed": [{"check": c["check"], "detail": c["detail"]} for c in checks if c["ok"] is False],
            "not_checked": [{"check": c["check"], "detail": c["detail"]} for c in checks if c["ok"] is None]}


def check_batch(session: Session, store, record_ids: Iterable[int] | None, *, actor: str, stage: str = "on_demand",
                batch: str = "", scanner: Scanner = clamav_scan) -> dict[str, Any]:
    q = select(Record).where(Record.status != RecordStatus.DESTROYED.value).order_by(Record.id)
    if record_ids is not None:
        q = q.where(Record.id.in_(list(record_ids)))
    rows = [check_record(session, store, r, actor=actor, stage=stage, batch=batch, scanner=scanner)
            for r in session.execute(q).scalars()]
    return {"checked": len(rows), "passed": sum(r.passed for r in rows),
            "failed": [r.record_id for r in rows if r.outcome == "failed"],
            "not_checked": [r.record_id for r in rows if r.outcome == "not_checked"],
            "results": [{"record_id": r.record_id, "passed": r.passed, "outcome": r.outcome, **r.results}
                        for r in rows]}


