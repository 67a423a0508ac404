"""Issue 19 #7, #8, #9, #11: each page says who scanned it and when; printed page numbers are read
and a missing, repeated or out-of-order page, the same page twice, or a red-masthead page scanned
without colour sends the record to review; every record gets its four-property check at filing."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
from PIL import Image

from archive import four_properties, records
from archive.codes import review_reason_label
from archive.identity import system
from archive.lifecycle_models import FourPropertyCheck
from archive.models import Page, Record, StoredObject
from ingest import page_checks
from tests.pipeline.conftest import small_scan


def clean(_data: bytes) -> tuple[bool | None, str]:
    return True, "clean"


def _tiff(lines: list[str], when: str) -> bytes:
    image = Image.open(io.BytesIO(small_scan(lines)))
    out = io.BytesIO()
    image.save(out, "TIFF", dpi=(300, 300), tiffinfo={306: when})
    return out.getvalue()


def _pages(service, record_id: int) -> list[Page]:
    with service.catalog.session() as s:
        return list(s.get(Record, record_id).page_list)


# -- #7 operator and scan time ---------------------------------------------------------------

def test_each_page_names_its_operator_and_the_scanners_capture_time(service, tmp_path):
    scan = tmp_path / "scan.tif"
    scan.write_bytes(_tiff(["养老保险参保登记表"], "2020:05:06 09:30:00"))  # Beijing time, as scanners write
    given = service.ingest_files([scan], {"operator": "扫描员甲"})
    page, = _pages(service, given["id"])
    assert page.operator == "扫描员甲"
    assert page.scanned_at.replace(tzinfo=None) == dt.datetime(2020, 5, 6, 1, 30)  # stored in UTC

    plain = tmp_path / "plain.png"
    plain.write_bytes(small_scan(["失业保险金申领登记表"]))
    uploaded = service.ingest_files([plain])
    page, = _pages(service, uploaded["id"])
    with service.catalog.session() as s:
        received = s.get(Record, uploaded["id"]).created_at
    assert page.operator == service.identity.username  # who handed the scan in
    assert page.scanned_at == received  # no capture time in the file: when it was received


def test_capture_time_is_read_from_tiff_and_exif(tmp_path):
    path = tmp_path / "t.tif"
    path.write_bytes(_tiff(["一"], "2019:12:31 20:00:00"))
    assert page_checks.capture_times(path) == [dt.datetime(2019, 12, 31, 12, 0, tzinfo=dt.UTC)]
    jpeg = tmp_path / "e.jpg"
    exif = Image.Exif()
    exif[0x0132] = "2021:03:04 08:00:00"
    Image.new("L", (40, 40), 255).save(jpeg, "JPEG", exif=exif)
    assert page_checks.capture_times(jpeg) == [dt.datetime(2021, 3, 4, 0, 0, tzinfo=dt.UTC)]
    png = tmp_path / "n.png"
    Image.new("L", (40, 40), 255).save(png)
    assert page_checks.capture_times(png) == [None]


# -- #8 page sequence and identical pages ----------------------------------------------------

def test_printed_page_numbers_are_read_in_their_usual_forms():
    assert page_checks.printed_page_number("关于做好档案工作的通知\n正文\n— 3 —") == 3
    assert page_checks.printed_page_number("正文\n-12-") == 12
    assert page_checks.printed_page_number("正文\n第3页 共5页") == 3
    assert page_checks.printed_page_number("第三页\n正文") == 3
    assert page_checks.printed_page_number("正文\n2018年8月15日") is None


def test_missing_repeated_and_out_of_order_pages_are_named():
    assert page_checks.sequence_problems([1, 2, 4]) == ["page_missing:3"]
    assert page_checks.sequence_problems([1, 2, 2, 3]) == ["page_repeated:3"]
    assert page_checks.sequence_problems([1, 3, 2, 4]) == ["page_out_of_order:3"]
    assert page_checks.sequence_problems([2, 3]) == ["page_missing:1"]
    # An unnumbered cover, an attachment numbered on its own, a single page: nothing wrong.
    assert page_checks.sequence_problems([None, 2, 3, 1, 2]) == []
    assert page_checks.sequence_problems([5]) == []


def test_a_record_with_pages_out_of_order_goes_to_review(service, tmp_path):
    files = []
    for n, body in ((1, "关于做好档案工作的通知"), (3, "三、加强档案安全管理"), (2, "二、规范档案归档范围")):
        path = tmp_path / f"p{len(files) + 1}.png"
        path.write_bytes(small_scan([body, f"— {n} —"]))
        files.append(path)
    result = service.ingest_files(files)
    assert result["status"] == "needs_review"
    assert "page_out_of_order:3" in result["review_reasons"], result["review_reasons"]


def test_the_same_page_scanned_twice_is_flagged(service, tmp_path):
    first = tmp_path / "a.png"
    first.write_bytes(small_scan(["工伤认定申请表", "申请人 张三"]))
    again = tmp_path / "b.jpg"  # the same sheet once more, saved by the scanner as JPEG
    Image.open(first).convert("L").save(again, "JPEG", quality=70, dpi=(300, 300))
    result = service.ingest_files([first, again])
    assert "page_identical:2=1" in result["review_reasons"], result["review_reasons"]

    # The same sheet again, now as the second page of another record.
    cover = tmp_path / "c.png"
    cover.write_bytes(small_scan(["工伤认定决定书", "决定如下"]))
    other = service.ingest_files([cover, first])
    assert f"page_identical_elsewhere:2={result['archival_code']}" in other["review_reasons"], other


def test_identical_digests_and_near_hashes_but_not_blank_or_different_pages():
    a = page_checks.perceptual_hash(Image.open(io.BytesIO(small_scan(["关于做好档案工作的通知", "各县区"]))))
    b = page_checks.perceptual_hash(Image.open(io.BytesIO(small_scan(["社会保险待遇核定表"] * 4))))
    assert page_checks.identical_pages(["x", "y", "x"], [None, None, None], [False] * 3) == ["page_identical:3=1"]
    assert page_checks.identical_pages(["x", "y"], [a, a ^ 0b101], [False, False]) == ["page_identical:2=1"]
    assert page_checks.identical_pages(["x", "y"], [a, b], [False, False]) == []
    assert page_checks.identical_pages(["x", "x"], [None, None], [True, True]) == []


# -- #9 colour required -----------------------------------------------------------------------

def test_a_grey_page_with_a_red_masthead_is_flagged_for_colour(service, tmp_path):
    scan = tmp_path / "m.png"
    scan.write_bytes(small_scan(["吉林省人力资源和社会保障厅文件", "吉人社办字〔2018〕56号", "关于做好档案工作的通知"]))
    result = service.ingest_files([scan])
    assert "colour_required:1" in result["review_reasons"], result["review_reasons"]
    assert "红头" in review_reason_label("colour_required:1")


def test_colour_is_required_only_for_mastheads_and_seals_not_in_colour():
    masthead = "吉林省人力资源和社会保障厅文件\n关于做好档案工作的通知"
    assert page_checks.needs_colour("1", masthead) == "masthead"
    assert page_checks.needs_colour("L", "经办机构（盖章）\n2020年5月6日") == "seal"
    assert page_checks.needs_colour("RGB", masthead) is None
    assert page_checks.needs_colour("L", "正文第二页") is None


# -- #11 four-property check at filing --------------------------------------------------------

def test_every_record_is_checked_at_filing_and_an_unrun_malware_scan_is_not_a_pass(service, tmp_path):
    scan = tmp_path / "n.png"
    scan.write_bytes(small_scan(["关于做好档案工作的通知", "吉林省人力资源和社会保障厅", "2018年8月15日"]))
    service.scanner = lambda data: (None, "not checked: clamscan is not installed")
    result = service.ingest_files([scan])
    with service.catalog.session() as s:
        rows = list(s.query(FourPropertyCheck).filter_by(record_id=result["id"]))
        assert [r.stage for r in rows] == ["filing"]
        assert rows[0].outcome == "not_checked" and rows[0].passed is False
        security, = rows[0].results["security"]
        assert security["ok"] is None
        # The searchable PDF the pipeline files is PDF/A, so it is usable.
        pdfs = [c for c in rows[0].results["usability"] if c["check"].startswith("pdf:")]
        assert pdfs and all(c["ok"] for c in pdfs), pdfs
        record = s.get(Record, result["id"])
        again = four_properties.check_record(s, service.store, record, actor="test", scanner=clean)
        expected = "passed" if record.issuer and record.doc_date else "failed"
        assert again.outcome == expected, again.results
        shown = records.view(s, system("test"), record.id).to_dict()["four_properties"]
        assert shown["outcome"] == expected


def test_a_pdf_that_is_not_pdfa_or_a_record_without_date_issuer_or_pages_fails(service, tmp_path):
    out = io.BytesIO()
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(out)
    with service.catalog.session() as s:
        record = Record(fonds_id=1, category_code="WS", year=2020, retention="D30", title="关于考勤的通知",
                        archival_code="J001-WS·2020-D30-0001", status="filed", pages=0)
        s.add(record)
        s.flush()
        key = service.store.put(out.getvalue())
        s.add(StoredObject(sha256=key, size=len(out.getvalue()), media_type="application/pdf", role="pdf",
                           record_id=record.id))
        s.flush()
        row = four_properties.check_record(s, service.store, record, actor="test", scanner=clean)
        failed = {c["check"]: c["detail"] for checks in row.results.values() for c in checks if c["ok"] is False}
        assert row.outcome == "failed" and not row.passed
        assert "not PDF/A" in failed[f"pdf:{key[:12]}"]
        assert {"doc_date", "issuer", "pages"} <= set(failed["mandatory_fields"].split(","))


# -- shown on the record page, in words --------------------------------------------------------

from tests.web.conftest import app, as_user, client, site  # noqa: E402,F401  (fixtures of the web suite)


def test_the_record_page_shows_the_check_and_the_reasons_in_words(site, as_user):  # noqa: F811
    from archive.db import Catalog

    catalog = Catalog(site["settings"].database_url)
    try:
        with catalog.session() as s:
            record = s.get(Record, site["ids"]["public"])
            record.status, record.review_reasons = "needs_review", ["page_missing:3", "colour_required:1"]
            record.transaction_no, record.insurance_type = "T2020000123", "养老保险"
            s.get(Page, record.page_list[0].id).operator = "扫描员甲"
            four_properties.check_record(s, _NoStore(), record, actor="test", stage="filing",
                                         scanner=lambda data: (None, "not checked: clamscan is not installed"))
    finally:
        catalog.dispose()
    body = as_user("archivist").get(f"/records/{site['ids']['public']}").get_data(as_text=True)
    # No object is there to verify or scan: content missing (failed), the malware scan not run.
    assert "四性检测" in body and "未通过" in body and "内容齐全" in body and "病毒查杀" in body
    assert "objects_present" not in body and "malware_scan" not in body
    assert "缺页：页码3" in body and "应彩色扫描" in body and "page_missing:3" not in body
    assert "T2020000123" in body and "养老保险" in body and "扫描员甲" in body


class _NoStore:
    """The site's objects are not needed for what the page shows: none present, nothing verified."""

    def exists(self, key: str) -> bool:
        return False

    def verify(self, key: str) -> bool:
        return False
