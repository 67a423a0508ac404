"""Issue 18 #3: born-digital intake. An OFD official document and a PDF with a text layer are
filed with their own text (no OCR: the engines' call counter does not move), the original kept
untouched beside a PDF/A rendition, the OFD's electronic seal recorded (structure and signed
files' digests verified, the signature value not), the four-property result stored; a metadata
sidecar wins over what was read, and one transaction number makes one item."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select

from archive import ofd, records
from archive.codes import ObjectRole, four_property_check_label
from archive.four_properties import latest
from archive.models import Page, Record, StoredObject
from ingest import sources
from ingest.born_digital.sidecar import read_sidecar, with_sidecars
from ingest.cli import collect
from ingest.ocr import RECOGNITIONS
from ingest.receive import digest_file
from ingest.samples.ofd import make_ofd, official_lines
from ingest.samples.text_pdf import APPROVAL, make_text_pdf
from ingest.sources import InputError
from tests.pipeline.conftest import service_factory, small_scan  # noqa: F401  (fixture)

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "born_digital"


def _clean(_data: bytes):
    return True, "clean"  # clamscan is not on every test machine; the malware check is not what is tested


def _service(factory, url=None):
    made = factory(url)
    made.scanner = _clean
    return made


def _tampered(data: bytes, old: str, new: str) -> bytes:
    """The package with one signed page's text changed after signing."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("Content.xml"):
                body = body.replace(old.encode(), new.encode())
            dst.writestr(info, body)
    return out.getvalue()


def _recognitions() -> int:
    return sum(RECOGNITIONS.values())


# -- reading OFD ------------------------------------------------------------------------------

def test_an_ofd_is_read_for_its_text_information_and_seal():
    doc = ofd.read(make_ofd(custom={"业务流水号": "T1"}))
    assert doc.pages[0].text.splitlines() == official_lines()
    assert doc.info["Title"] == "关于做好2024年度社会保险档案数字化工作的通知" and doc.info["业务流水号"] == "T1"
    assert doc.signature_status == "present"
    seal = doc.signatures[0]
    assert (seal.type, seal.references, seal.references_ok, seal.problems) == ("Seal", 2, 2, [])


def test_a_signed_file_changed_after_signing_fails_the_seal_check():
    doc = ofd.read(_tampered(make_ofd(), "通知如下", "通知如上"))
    assert doc.signature_status == "invalid"
    assert any("changed since signing" in p for p in doc.signatures[0].problems)


def test_an_unsigned_ofd_has_no_seal():
    assert ofd.read(make_ofd(signed=False)).signature_status == "none"


def test_a_zip_that_is_not_an_ofd_is_refused_when_received(tmp_path):
    other = tmp_path / "report.docx"
    with zipfile.ZipFile(other, "w") as pkg:
        pkg.writestr("word/document.xml", "<w/>")
    with pytest.raises(InputError, match="OFD"):
        digest_file(other)
    good = tmp_path / "notice.ofd"
    good.write_bytes(make_ofd())
    assert digest_file(good).media_type == "application/ofd"


def test_an_ofd_page_is_drawn_with_its_text_where_the_objects_stand():
    page = next(sources.read_pages(make_ofd(), "notice.ofd"))
    assert page.born_digital and page.image is not None and page.image.size == (1654, 2339)  # A4 at 200 dpi
    masthead = page.lines[0]
    assert masthead.text == "某市人力资源和社会保障局文件"
    crop = page.image.crop(masthead.box).convert("RGB")
    raw = crop.tobytes()
    red = sum(1 for i in range(0, len(raw), 3) if raw[i] > 180 and raw[i + 1] < 90 and raw[i + 2] < 90)
    assert red > 500  # the masthead is drawn in red inside its box
    below = page.image.crop((0, 2000, 1654, 2339)).convert("L")
    assert below.getextrema()[0] > 200  # nothing drawn where the document has nothing


# -- filing -----------------------------------------------------------------------------------

def test_a_text_pdf_is_filed_with_its_own_text_and_no_ocr(service_factory, tmp_path):  # noqa: F811
    service = _service(service_factory)
    path = tmp_path / "approval.pdf"
    path.write_bytes(make_text_pdf())
    before = _recognitions()
    result = service.ingest_files([path])
    assert _recognitions() == before, "the OCR engine was called for a page that has its own text"
    assert result["status"] in ("filed", "needs_review")
    with service.catalog.session() as s:
        record = s.get(Record, result["id"])
        pages = s.execute(select(Page).where(Page.record_id == record.id)).scalars().all()
        assert [p.ocr_engine for p in pages] == ["born_digital"]
        assert pages[0].ocr_text.splitlines()[0] == APPROVAL[0] and "YL2024000815" in pages[0].ocr_text
        objects = {o.role: o for o in s.execute(select(StoredObject).where(StoredObject.record_id == record.id)).scalars()}
        assert objects[ObjectRole.ORIGINAL.value].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        rendition = objects[ObjectRole.PDF.value]
        with service.store.get(rendition.sha256) as fh, pikepdf.open(io.BytesIO(fh.read())) as pdf:
            assert pdf.open_metadata().get("pdfaid:part") == "2"
        check = latest(s, record.id)
        layer = [c for c in check.results["usability"] if c["check"].startswith("pdf_text_layer:")]
        assert layer and layer[0]["ok"] and layer[0]["detail"] == "1 of 1 pages with text"
        assert record.extra["evidence"]["born_digital"] == {"format": "pdf_text"}


def test_the_engine_counter_counts_a_scan(service_factory, tmp_path):  # noqa: F811
    """The counter the test above relies on moves when a page is OCR'd."""
    service = _service(service_factory)
    scan = tmp_path / "scan.png"
    scan.write_bytes(small_scan(["关于档案工作的通知"]))
    before = _recognitions()
    service.ingest_files([scan])
    assert _recognitions() > before


def test_an_ofd_is_filed_kept_as_the_original_with_its_seal_and_four_properties(
        service_factory, catalog_url, tmp_path):  # noqa: F811
    service = _service(service_factory, catalog_url)  # SQLite and PostgreSQL
    path = tmp_path / "notice.ofd"
    path.write_bytes(make_ofd())
    before = _recognitions()
    result = service.ingest_files([path])
    assert _recognitions() == before
    assert result["status"] == "filed", result
    assert (result["title"], result["doc_no"], result["date"]) == (
        "关于做好2024年度社会保险档案数字化工作的通知", "某人社发〔2024〕12号", "2024-03-15")
    with service.catalog.session() as s:
        record = s.get(Record, result["id"])
        objects = s.execute(select(StoredObject).where(StoredObject.record_id == record.id)).scalars().all()
        original = [o for o in objects if o.role == ObjectRole.ORIGINAL.value]
        assert [(o.media_type, o.filename) for o in original] == [("application/ofd", "notice.ofd")]
        with service.store.get(original[0].sha256) as fh:
            assert fh.read() == path.read_bytes()  # kept byte for byte
        assert {o.role for o in objects} >= {"page_image", "thumbnail", "pdf", "text"}
        assert records.metadata(record)["born_digital"] == {"format": "ofd", "e_signature": "present"}
        check = latest(s, record.id)
        assert check.outcome == "passed" and check.stage == "filing"
        names = {c["check"].partition(":")[0]: c for prop in check.results.values() for c in prop}
        for name in ("format_identified", "ofd_readable", "e_signature", "digest_recorded", "metadata_complete"):
            assert names[name]["ok"] is True, name
        assert "signature value not verified" in names["e_signature"]["detail"]
        assert "未验证" in four_property_check_label("e_signature")


def test_an_ofd_whose_seal_no_longer_matches_goes_to_review_and_fails_the_check(service_factory, tmp_path):  # noqa: F811
    service = _service(service_factory)
    path = tmp_path / "changed.ofd"
    path.write_bytes(_tampered(make_ofd(), "通知如下", "通知如上"))
    result = service.ingest_files([path])
    assert "e_signature_invalid" in result["review_reasons"]
    with service.catalog.session() as s:
        check = latest(s, result["id"])
        seal = [c for c in check.results["usability"] if c["check"].startswith("e_signature:")]
        assert check.outcome == "failed" and seal[0]["ok"] is False


# -- sidecar and transactions -----------------------------------------------------------------

def test_a_sidecar_wins_over_what_the_pages_say(service_factory, tmp_path):  # noqa: F811
    service = _service(service_factory)
    path = tmp_path / "approval.pdf"
    path.write_bytes(make_text_pdf())  # its text names 王建国, 620102196001011234, 2024年4月2日
    (tmp_path / "approval.json").write_text(json.dumps({
        "业务流水号": "YL2024000815", "姓名": "王建华", "公民身份号码": "11010519491231002X", "门类": "SB",
        "业务环节": "养老待遇", "经办人": "李红", "办理日期": "2024-04-03", "责任者": "某市社会保险事业管理局",
    }, ensure_ascii=False), encoding="utf-8")
    [(files, meta)] = collect((str(path),))
    result = service.ingest_files(files, meta)
    assert (result["person_name"], result["person_id"], result["date"]) == ("王建华", "11010519491231002X", "2024-04-03")
    assert (result["category"], result["business_step"], result["transaction_no"], result["issuer"]) == (
        "SB", "养老待遇", "YL2024000815", "某市社会保险事业管理局")
    with service.catalog.session() as s:
        record = s.get(Record, result["id"])
        assert record.extra["metadata"]["handler"] == "李红"
        assert "person_name" in record.extra["evidence"]["given"]
        assert record.person_id_valid is True
        names = {c["check"]: c["ok"] for prop in latest(s, record.id).results.values() for c in prop}
        assert names["metadata_complete"] is True


def test_an_xml_sidecar_is_read(tmp_path):
    side = tmp_path / "a.xml"
    side.write_text('<?xml version="1.0" encoding="UTF-8"?><档案><业务流水号>T9</业务流水号>'
                    '<field name="经办人">张三</field><ignored>x</ignored></档案>', encoding="utf-8")
    assert read_sidecar(side) == {"transaction_no": "T9", "handler": "张三"}


def test_files_naming_one_transaction_become_one_item(service_factory, tmp_path):  # noqa: F811
    service = _service(service_factory)
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "1-approval.pdf").write_bytes(make_text_pdf())
    (folder / "2-notice.ofd").write_bytes(make_ofd(signed=False))
    (folder / "3-other.pdf").write_bytes(make_text_pdf([["失业保险金申领核定表", "业务流水号：SY2024000001"]]))
    for stem, number in (("1-approval", "YL1"), ("2-notice", "YL1"), ("3-other", "SY1")):
        (folder / f"{stem}.json").write_text(json.dumps({"业务流水号": number}), encoding="utf-8")
    groups = collect((str(folder),))
    assert [[f.name for f in files] for files, _ in groups] == [["1-approval.pdf", "2-notice.ofd"], ["3-other.pdf"]]
    result = service.ingest_files(*groups[0])
    assert result["pages"] == 2 and result["transaction_no"] == "YL1"


def test_a_bad_sidecar_fails_its_file_only(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "a.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4")
    groups = with_sidecars([([tmp_path / "a.pdf"], {}), ([tmp_path / "b.pdf"], {})])
    assert "sidecar cannot be read" in groups[0][1]["_error"] and groups[1][1] == {}


def test_the_shipped_samples_read():
    assert ofd.read((SAMPLES / "ws_notice_2024.ofd").read_bytes()).signature_status == "present"
    assert read_sidecar(SAMPLES / "sb_pension_approval_2024.json")["transaction_no"] == "YL2024000815"
    page = next(sources.read_pages(SAMPLES / "sb_pension_approval_2024.pdf"))
    assert page.born_digital and page.text.startswith("企业职工基本养老保险待遇核定表")


def test_the_upload_page_accepts_an_ofd(tmp_path):
    from archive import users
    from archive.codes import Role, Secrecy
    from archive.config import load_settings
    from archive.identity import Identity, system
    from archive.policy import Viewer
    from archive.runtime import Runtime
    from ingest.submission import Upload, submit
    from tests.catalog.helpers import seeded

    runtime = Runtime(load_settings({"ARCHIVE_HOME": str(tmp_path / "home")}), nudge="off")
    try:
        runtime.catalog.migrate()
        with runtime.unit_of_work(system("test")) as s:
            seeded(s)
            users.add_user(s, actor="test", username="arch", role="archivist", clearance="secret",
                           password="correct-horse-battery")
        upload = tmp_path / "0-notice.ofd"
        upload.write_bytes(make_ofd())
        [row] = submit(runtime, Identity(Viewer("arch", Role.ARCHIVIST, Secrecy.SECRET), "web"),
                       [Upload("通知.ofd", upload)])
        assert row["status"] == "received"
        with runtime.unit_of_work(system("test")) as s:
            record = s.get(Record, row["record_id"])
            assert record.status in ("filed", "needs_review") and record.title.startswith("关于做好2024年度")
    finally:
        runtime.close()
