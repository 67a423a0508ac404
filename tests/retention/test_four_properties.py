"""Four-property check (四性检测): authenticity, integrity, usability, security."""

from __future__ import annotations

import datetime as dt
import io
import os

import pikepdf
from PIL import Image

from archive.models import Page, StoredObject
from retention import four_properties
from tests.retention.builders import make_record


def _pdf() -> bytes:
    out = io.BytesIO()
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(out)
    return out.getvalue()


def _pdfa() -> bytes:
    from archive import paper

    return paper.document("四性检测", ["正文"], [])


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (20, 30), 255).save(out, "PNG")
    return out.getvalue()


def _add(s, store, record, data, media_type, role):
    key = store.put(data)
    s.add(StoredObject(sha256=key, size=len(data), media_type=media_type, role=role, record_id=record.id))
    return key


def clean(_data):
    return True, "clean"


def test_a_good_record_passes_and_each_defect_is_named(world, store):
    with world["catalog"].session() as s:
        good = make_record(s, world["fonds_id"], pages=1, archival_code="J001-WS·2008-D10-0001",
                           doc_date=dt.date(2008, 5, 1), issuer="某某市人力资源和社会保障局")
        _add(s, store, good, _pdfa(), "application/pdf", "pdf")
        _add(s, store, good, _png(), "image/png", "page_image")
        s.add(Page(record_id=good.id, page_no=1))
        s.flush()
        row = four_properties.check_record(s, store, good, actor="test", scanner=clean)
        assert row.passed, row.results

        bad = make_record(s, world["fonds_id"], pages=3, archival_code="bad code", retention="D10")
        s.add(Page(record_id=bad.id, page_no=1))
        broken_pdf = _add(s, store, bad, b"%PDF-1.4 not really", "application/pdf", "pdf")
        gone = _add(s, store, bad, b"will vanish", "image/png", "thumbnail")
        tampered = _add(s, store, bad, b"original bytes", "application/octet-stream", "original")
        s.flush()
        os.remove(store._path(gone))
        path = store._path(tampered)
        os.chmod(path, 0o644)
        path.write_bytes(b"changed bytes")
        row = four_properties.check_record(s, store, bad, actor="test", scanner=lambda d: (False, "Eicar-Test-Signature"))
        failed = {c["check"] for checks in row.results.values() for c in checks if c["ok"] is False}
        assert not row.passed
        assert {"digests_match", "archival_code_well_formed", "page_count", "objects_present", "malware_scan",
                f"pdf:{broken_pdf[:12]}"} <= failed


def test_duplicates_and_batch_and_missing_clamav(world, store):
    with world["catalog"].session() as s:
        a = make_record(s, world["fonds_id"])
        b = make_record(s, world["fonds_id"])
        _add(s, store, a, b"same scan", "image/png", "original")
        _add(s, store, b, b"same scan", "image/png", "original")
        s.flush()
        result = four_properties.check_batch(s, store, [a.id, b.id], actor="test", batch="transfer-1", stage="transfer",
                                             scanner=lambda d: (None, "not checked: clamscan is not installed"))
        assert result["checked"] == 2 and set(result["failed"]) == {a.id, b.id}
        dup = [c for c in result["results"][0]["authenticity"] if c["check"] == "no_duplicates"][0]
        assert dup["ok"] is False and str(b.id) in dup["detail"]
        assert result["results"][0]["security"][0]["ok"] is None
