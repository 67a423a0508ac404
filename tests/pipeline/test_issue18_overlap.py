"""Issue 18 #4: the pipeline overlaps a page's side work with the engine's reading of the next
page (ingest.overlap). The result must be the sequential one: same text, same pages, same order,
and an error on one page still fails the record with that page's message."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select

from archive.codes import ObjectRole
from archive.errors import ValidationError
from archive.models import Record, StoredObject
from ingest import stages
from ingest.overlap import PageLine
from ingest.pdf_output import build_searchable_pdf, encode_pdf_image
from ingest.sources import read_pages
from tests.pipeline.conftest import small_scan

LINES = [["第一页 关于档案管理的通知"], ["第二页 社会保险待遇核定表", "姓名 张三"], ["第三页 申请材料"],
         ["第四页 审批意见"]]


def _blank() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (1400, 400), 255).save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


def _files(tmp_path, contents: list[bytes]):
    files = []
    for i, data in enumerate(contents):
        path = tmp_path / f"p{i}.png"
        path.write_bytes(data)
        files.append(path)
    return files


def _sequential(files) -> list[stages.PageDone]:
    return [stages.process_page(page, "rapidocr") for f in files for page in read_pages(f, f.name)]


def _same(done: stages.PageDone, expected: stages.PageDone) -> None:
    assert done.text == expected.text and done.text
    assert [line.text for line in done.ocr.lines] == [line.text for line in expected.ocr.lines]
    assert (done.width, done.height, done.rotation, done.skew_angle, done.blank, done.flags, done.phash) == \
        (expected.width, expected.height, expected.rotation, expected.skew_angle, expected.blank, expected.flags,
         expected.phash)
    assert done.image_bytes == expected.image_bytes and done.thumbnail == expected.thumbnail
    assert done.pdf_image == expected.pdf_image


@pytest.mark.parametrize("lanes", [1, 2])
def test_the_overlapped_line_gives_the_sequential_results_in_order(tmp_path, lanes):
    files = _files(tmp_path, [small_scan(lines) for lines in LINES])
    expected = _sequential(files)
    got = []
    with PageLine("rapidocr", lanes=lanes, ahead=2) as line:
        for n, f in enumerate(files):
            for page in read_pages(f, f.name):
                got += line.put(page, n)
        got += list(line.drain())
    assert [tag for _done, tag in got] == list(range(len(files)))
    for (done, _tag), want in zip(got, expected, strict=True):
        _same(done, want)


def test_a_record_filed_through_the_pipeline_matches_the_sequential_steps(service, tmp_path):
    files = _files(tmp_path, [small_scan(lines) for lines in LINES[:3]])
    expected = _sequential(files)
    result = service.ingest_files(files)
    assert result["status"] in ("filed", "needs_review") and result["pages"] == 3
    with service.catalog.session() as s:
        record = s.get(Record, result["id"])
        pages = record.page_list
        assert [p.page_no for p in pages] == [1, 2, 3]
        assert [p.ocr_text for p in pages] == [d.text for d in expected]
        assert [p.sha256 for p in pages] == [hashlib.sha256(d.image_bytes).hexdigest() for d in expected]
        pdf_key = s.execute(select(StoredObject.sha256).where(
            StoredObject.record_id == record.id, StoredObject.role == ObjectRole.PDF.value)).scalar_one()
    with service.store.get(pdf_key) as fh, pikepdf.open(io.BytesIO(fh.read())) as pdf:
        assert len(pdf.pages) == 3
        # The PDF embeds the images encoded ahead, the very bytes the sequential steps make.
        for page, want in zip(pdf.pages, expected, strict=True):
            assert page.Resources.XObject.Im0.read_raw_bytes() == want.pdf_image.data


def test_an_error_on_one_page_fails_the_record_with_that_pages_message(service_factory, tmp_path):
    # Page 1 is blank (never sent to the engine); page 2 needs the engine, which does not exist.
    service = service_factory(engine="no-such-engine")
    files = _files(tmp_path, [_blank(), small_scan(LINES[1]), small_scan(LINES[2])])
    result = service.ingest_files(files)
    assert result["status"] == "failed"
    assert "unknown OCR engine 'no-such-engine'" in result["error"]
    with service.catalog.session() as s:
        assert not s.get(Record, result["id"]).page_list  # nothing half-filed


def test_the_line_raises_the_first_failing_page_after_the_good_ones(tmp_path):
    files = _files(tmp_path, [_blank(), small_scan(LINES[0]), _blank()])
    got = []
    with PageLine("no-such-engine", lanes=2) as line:
        with pytest.raises(ValidationError, match="no-such-engine"):
            for n, f in enumerate(files):
                for page in read_pages(f, f.name):
                    got += line.put(page, n)
            for item in line.drain():  # one at a time: the pages before the failure are kept
                got.append(item)
    assert [tag for _done, tag in got] == [0]  # the blank first page came through, in order
    assert got[0][0].blank


def test_a_pdf_from_encoded_pages_equals_one_from_the_images():
    image = Image.new("L", (600, 800), 235)
    bitonal = image.point(lambda v: 0 if v < 240 else 255).convert("1")
    ocr = stages.OcrPage("", [], 0.0, "none")
    direct = build_searchable_pdf([(image, ocr, None), (bitonal, ocr, None)], title="t", archival_code="c")
    ahead = build_searchable_pdf([(encode_pdf_image(image), ocr, None), (encode_pdf_image(bitonal), ocr, None)],
                                 title="t", archival_code="c")
    with pikepdf.open(io.BytesIO(direct)) as a, pikepdf.open(io.BytesIO(ahead)) as b:
        for pa, pb in zip(a.pages, b.pages, strict=True):
            xa, xb = pa.Resources.XObject.Im0, pb.Resources.XObject.Im0
            assert xa.read_raw_bytes() == xb.read_raw_bytes()
            assert (xa.Filter, xa.ColorSpace, xa.Width, xa.Height) == (xb.Filter, xb.ColorSpace, xb.Width, xb.Height)
