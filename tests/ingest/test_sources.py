"""Reading inputs into page images, and the bad-input matrix of the ingest issue (item 10)."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pikepdf
import pytest
from PIL import Image, ImageFile

from archive.errors import ValidationError
from ingest.samples import SCANS_DIR, load_labels
from ingest.sources import InputError, read_pages, sniff_format


def _jpeg(size=(400, 300), dpi=(300, 300), **kw) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (250, 250, 250)).save(buf, "JPEG", dpi=dpi, **kw)
    return buf.getvalue()


def _tiff_pages(widths=(300, 320, 340)) -> bytes:
    pages = [Image.new("1", (w, 400), 1) for w in widths]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", compression="group4", dpi=(300, 300), save_all=True, append_images=pages[1:])
    return buf.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming a huge size, with a token IDAT: nothing to allocate."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


def _image_pdf(images: list[Image.Image], rotate: int = 0) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=300, save_all=True, append_images=images[1:])
    if not rotate:
        return buf.getvalue()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    pdf.pages[0].obj.Rotate = rotate
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _message(exc_info) -> str:
    message = str(exc_info.value)
    assert "\n" not in message  # one line for the CLI and the batch report
    return message


# --- bad input ---------------------------------------------------------------------------------

def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(InputError) as err:
        list(read_pages(path))
    assert "empty file" in _message(err) and "empty.jpg" in _message(err)
    with pytest.raises(InputError, match="empty file"):
        list(read_pages(b"", "x.tif"))


def test_input_error_is_a_validation_error():
    assert issubclass(InputError, ValidationError)


@pytest.mark.parametrize("load_truncated", [False, True])
def test_truncated_jpeg(monkeypatch, load_truncated):
    # Whatever another module did to Pillow's global flag, truncation is still caught.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    data = (SCANS_DIR / "ws_notice_2018.jpg").read_bytes()
    with pytest.raises(InputError) as err:
        list(read_pages(data[: len(data) // 2], "cut.jpg"))
    assert "truncated JPEG" in _message(err)


@pytest.mark.parametrize("load_truncated", [False, True])
def test_truncated_tiff(monkeypatch, load_truncated):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    data = (SCANS_DIR / "ws_minutes_2021.tif").read_bytes()
    with pytest.raises(InputError) as err:
        list(read_pages(data[: len(data) * 2 // 3], "cut.tif"))
    assert "TIFF" in _message(err) and "cut.tif" in _message(err)


def test_corrupt_pdf():
    with pytest.raises(InputError) as err:
        list(read_pages(b"%PDF-1.7\n" + bytes(range(256)) * 20, "broken.pdf"))
    assert "PDF" in _message(err) and "broken.pdf" in _message(err)


def test_encrypted_pdf():
    source = _image_pdf([Image.new("L", (200, 280), 255)])
    pdf = pikepdf.open(io.BytesIO(source))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(InputError) as err:
        list(read_pages(out.getvalue(), "locked.pdf"))
    assert "encrypted" in _message(err)


def test_text_file_named_as_image(tmp_path):
    path = tmp_path / "scan.jpg"
    path.write_text("姓名,身份证号\n张三,110101199003071234\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_pages(path))
    assert "not an image or PDF" in _message(err) and "text" in _message(err)


def test_huge_image_refused_from_header_without_decoding():
    data = _png_header_only(30_000, 30_000)
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        list(read_pages(data, "bomb.png"))
    assert time.perf_counter() - started < 2
    assert "too large" in _message(err) or "megapixels" in _message(err)


def test_huge_image_refused_by_own_limit_even_when_pillow_allows(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    monkeypatch.setenv("ARCHIVE_MAX_IMAGE_PIXELS", "1000000")
    with pytest.raises(InputError, match="megapixels"):
        list(read_pages(_jpeg(size=(2000, 1000)), "big.jpg"))


@pytest.mark.parametrize("dpi", [(1, 1), (100000, 100000)])
def test_absurd_dpi_is_unknown_with_flag(dpi):
    buf = io.BytesIO()
    Image.new("L", (300, 200), 255).save(buf, "PNG", dpi=dpi)
    (page,) = read_pages(buf.getvalue(), "odd.png")
    assert page.dpi is None and "dpi_invalid" in page.flags


def test_zero_dpi_jpeg_is_unknown():
    (page,) = read_pages(_jpeg(dpi=(0, 0)), "zero.jpg")
    assert page.dpi is None and page.flags


def test_sniff_ignores_names():
    assert sniff_format(_jpeg()[:16]) == "jpeg"
    assert sniff_format(_tiff_pages()[:16]) == "tiff"
    assert sniff_format(b"%PDF-1.4\n") == "pdf"
    assert sniff_format(b"hello") is None


# --- good input --------------------------------------------------------------------------------

def test_jpeg_page_with_dpi_and_mode():
    (page,) = read_pages(SCANS_DIR / "ws_notice_2018.jpg")
    assert (page.page_no, page.source_format, page.color_mode) == (1, "jpeg", "RGB")
    assert page.dpi == (300.0, 300.0) and page.image.size == (2480, 3508)


def test_multipage_tiff_keeps_order_and_reads_lazily():
    pages = read_pages(_tiff_pages((300, 320, 340)), "three.tif")
    first = next(pages)  # a generator: nothing beyond page one is decoded yet
    assert (first.page_no, first.width, first.color_mode) == (1, 300, "1")
    rest = list(pages)
    assert [(p.page_no, p.width) for p in rest] == [(2, 320), (3, 340)]
    assert all(p.dpi == (300.0, 300.0) for p in rest)


def test_scanned_pdf_images_extracted_in_order():
    labels = load_labels()["ws_request_2019.pdf"]
    pages = list(read_pages(SCANS_DIR / "ws_request_2019.pdf"))
    assert [p.page_no for p in pages] == [1, 2] == list(range(1, labels["pages"] + 1))
    for page in pages:
        assert not page.born_digital and page.image is not None
        assert page.image.size == (2480, 3508) and page.color_mode == "1"
        assert page.dpi and abs(page.dpi[0] - 300) < 1


def test_pdf_colour_jpeg_page_and_rotate():
    colour = Image.new("RGB", (600, 840), (250, 240, 240))
    (page,) = read_pages(_image_pdf([colour], rotate=90), "rot.pdf")
    assert page.image.mode == "RGB" and page.image.size == (840, 600)  # turned as a viewer shows it


def test_born_digital_pdf_keeps_its_text():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    doc = canvas.Canvas(buf)
    doc.setFont("STSong-Light", 14)
    doc.drawString(72, 700, "关于档案管理的通知")
    doc.showPage()
    doc.save()
    (page,) = read_pages(buf.getvalue(), "typed.pdf")
    assert page.born_digital and page.image is not None  # drawn for the preview and PDF/A rendition, not OCR'd
    assert "关于档案管理的通知" in page.text


def _many_page_pdf(n: int) -> bytes:
    """n pages sharing one small image: a 2,000-page PDF that is cheap to build."""
    pdf = pikepdf.new()
    img = Image.new("L", (170, 240), 200)
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    xobj = pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=170,
                          Height=240, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                          Filter=pikepdf.Name.DCTDecode)
    xobj = pdf.make_indirect(xobj)
    content = pdf.make_indirect(pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q"))
    for _ in range(n):
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)))))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_two_thousand_page_pdf_is_streamed(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(_many_page_pdf(2000))
    pages = read_pages(path)
    started = time.perf_counter()
    first = next(pages)
    assert first.page_no == 1 and time.perf_counter() - started < 3  # no up-front decoding of 2,000 pages
    count = 1
    for page in pages:
        count += 1
        assert page.page_no == count
    assert count == 2000


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        list(read_pages(tmp_path / "nope.jpg"))


@pytest.mark.skipif(__import__("shutil").which("pdftoppm") is None, reason="poppler-utils not installed")
def test_vector_only_pdf_page_is_rendered():
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"0 0 0 rg 100 100 200 200 re f")
    out = io.BytesIO()
    pdf.save(out)
    (page,) = read_pages(out.getvalue(), "drawing.pdf")
    assert "rendered" in page.flags and page.image.mode == "L"
    assert abs(page.image.width - 2480) <= 1 and abs(page.image.height - 3508) <= 1 and page.dpi == (300.0, 300.0)
