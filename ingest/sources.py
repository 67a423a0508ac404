"""Read one input file (JPEG, PNG, TIFF, JPEG 2000 or PDF) into page images, one page at a time.

Bad input becomes an InputError with a one-line message naming the file, so a batch can report
it and go on. Formats are recognised by their magic bytes, never by the file name. Pages are
decoded lazily so a 200-page TIFF or a 2,000-page PDF stays within bounded memory: only the
page being worked on is held.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, TiffImagePlugin, UnidentifiedImageError

from archive.errors import ValidationError

# 200 megapixels: an A0 sheet at 300 dpi is ~140 MP; anything larger is a mistake or a bomb.
DEFAULT_MAX_PIXELS = 200_000_000
# DPI outside this range is metadata noise (0, 1, 72-from-a-camera is kept, 100000 is not).
DPI_RANGE = (50.0, 4800.0)
# A PDF image covering at least this share of the page is the page's scan.
PAGE_IMAGE_COVERAGE = 0.5


class InputError(ValidationError):
    """An input file cannot be read as page images; the message says which file and why."""


@dataclass
class PageImage:
    page_no: int  # 1-based, in the order of the source
    source_format: str  # jpeg | png | tiff | jp2 | pdf
    width: int
    height: int
    color_mode: str  # PIL mode of the page as stored: 1, L, RGB, CMYK, P ...
    dpi: tuple[float, float] | None  # None when absent or absurd (see flags)
    flags: list[str] = field(default_factory=list)
    born_digital: bool = False  # a PDF page with its own text and no page-sized scan
    text: str | None = None  # that page's own text (born-digital pages only)
    _image: Image.Image | None = field(default=None, repr=False)

    @property
    def image(self) -> Image.Image | None:
        """The decoded page (None for a born-digital page that has no scan)."""
        return self._image


def max_pixels() -> int:
    return int(os.environ.get("ARCHIVE_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS))


def sniff_format(head: bytes) -> str | None:
    """The format named by the first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or head.startswith(b"\xff\x4f\xff\x51"):
        return "jp2"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "ofd"  # a zip: of those only OFD is read (receive checks for OFD.xml)
    return None


def read_pages(source: str | os.PathLike | bytes, filename: str | None = None) -> Iterator[PageImage]:
    """Yield the pages of a file in order. Raises InputError (a ValidationError) on bad input.

    `source` is a path or the file's bytes; `filename` names it in messages (defaults to the path).
    """
    name = filename or (os.fspath(source) if not isinstance(source, bytes | bytearray) else "<bytes>")
    if isinstance(source, bytes | bytearray):
        size, head = len(source), bytes(source[:1024])
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{name}: file not found")
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    if size == 0:
        raise InputError(f"{name}: empty file (0 bytes)")
    fmt = sniff_format(head)
    if fmt is None:
        raise InputError(f"{name}: not an image or PDF ({_describe(head)}); supported: JPEG, PNG, TIFF, JPEG 2000, PDF, OFD")
    if fmt == "pdf":
        from ingest.pdf_source import read_pdf_pages  # pikepdf only when needed

        yield from read_pdf_pages(source, name)
    elif fmt == "ofd":
        from ingest.born_digital.ofd import read_ofd_pages

        yield from read_ofd_pages(source, name)
    else:
        yield from _read_raster(source, name, fmt, size)


def _describe(head: bytes) -> str:
    sample = head[:256]
    try:
        sample.decode("utf-8")
        return "content is text"
    except UnicodeDecodeError:
        return "unrecognised binary content"


def _open_stream(source: str | os.PathLike | bytes):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return open(source, "rb")  # closed by the caller's finally


def _read_raster(source, name: str, fmt: str, size: int) -> Iterator[PageImage]:
    stream = _open_stream(source)
    try:
        if fmt == "jpeg":
            _check_jpeg_complete(stream, name, size)
        elif fmt == "tiff":
            _check_tiff_strips(stream, name, size)
        stream.seek(0)
        im = _open_image(stream, name)
        try:
            n_frames = getattr(im, "n_frames", 1) if fmt == "tiff" else 1
        except (OSError, ValueError, TypeError, EOFError, struct.error) as exc:
            raise InputError(f"{name}: corrupt TIFF page directory ({exc})") from None
        for index in range(n_frames):
            if index:
                try:
                    im.seek(index)
                except (OSError, ValueError, TypeError, EOFError, struct.error) as exc:
                    raise InputError(f"{name}: page {index + 1} cannot be read ({exc})") from None
            yield _decode_frame(im, name, fmt, index + 1)
    finally:
        stream.close()


def _open_image(stream, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own pixel limit below decides; Pillow's warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(stream)
    except Image.DecompressionBombError as exc:
        raise InputError(f"{name}: image too large to decode safely ({exc})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError, struct.error) as exc:
        raise InputError(f"{name}: cannot read image header ({exc})") from None


def check_pixels(name: str, width: int, height: int, page_no: int | None = None) -> None:
    """Refuse before decoding: a 30,000 x 30,000 page would need gigabytes."""
    limit = max_pixels()
    if width <= 0 or height <= 0:
        raise InputError(f"{name}: page {page_no or 1} has an invalid size {width}x{height}")
    if width * height > limit:
        where = f" page {page_no}" if page_no else ""
        raise InputError(
            f"{name}:{where} image is {width}x{height} = {width * height / 1e6:.0f} megapixels, "
            f"over the limit of {limit / 1e6:.0f} megapixels (decompression-bomb guard)"
        )


def _decode_frame(im: Image.Image, name: str, fmt: str, page_no: int) -> PageImage:
    width, height = im.size
    check_pixels(name, width, height, page_no if page_no > 1 else None)
    dpi, flags = normalise_dpi(im.info.get("dpi"))
    mode = im.mode
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.load()
            page = im.copy()  # detach from the file so the next frame can be decoded
    except Image.DecompressionBombError as exc:
        raise InputError(f"{name}: image too large to decode safely ({exc})") from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, struct.error) as exc:
        raise InputError(f"{name}: page {page_no} is truncated or corrupt ({exc})") from None
    if fmt == "jpeg" and "exif" in im.info:
        page.info["exif"] = im.info["exif"]  # keep EXIF orientation for preprocess
    return PageImage(page_no, fmt, width, height, mode, dpi, flags, _image=page)


def normalise_dpi(raw) -> tuple[tuple[float, float] | None, list[str]]:
    """DPI as read, or None with a flag when missing or absurd (0, 1, 100000 ...)."""
    if not raw:
        return None, ["dpi_missing"]
    try:
        x, y = (float(raw[0]), float(raw[1])) if isinstance(raw, tuple | list) else (float(raw),) * 2
    except (TypeError, ValueError, IndexError):
        return None, ["dpi_invalid"]
    lo, hi = DPI_RANGE
    if not (lo <= x <= hi and lo <= y <= hi):
        return None, ["dpi_invalid"]
    return (round(x, 2), round(y, 2)), []


def _check_jpeg_complete(stream, name: str, size: int) -> None:
    # Pillow pads a truncated JPEG with grey when LOAD_TRUNCATED_IMAGES is on anywhere in the
    # process; a missing end-of-image marker catches truncation whatever that flag says.
    stream.seek(max(0, size - 64))
    tail = stream.read().rstrip(b"\x00\r\n ")
    if not tail.endswith(b"\xff\xd9"):
        raise InputError(f"{name}: truncated JPEG (no end-of-image marker)")


def _check_tiff_strips(stream, name: str, size: int) -> None:
    """Every strip or tile of every page must lie inside the file (a truncated TIFF does not)."""
    stream.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a damaged file warns about EXIF before it fails
        _walk_tiff_strips(stream, name, size)


def _walk_tiff_strips(stream, name: str, size: int) -> None:
    try:
        tif = TiffImagePlugin.TiffImageFile(stream)
        for index in range(getattr(tif, "n_frames", 1)):
            if index:
                tif.seek(index)
            tags = tif.tag_v2
            offsets = tags.get(273) or tags.get(324)
            counts = tags.get(279) or tags.get(325)
            if offsets is None or counts is None:
                continue
            offsets = offsets if isinstance(offsets, tuple) else (offsets,)
            counts = counts if isinstance(counts, tuple) else (counts,)
            if any(o + c > size for o, c in zip(offsets, counts, strict=False)):
                raise InputError(f"{name}: truncated TIFF (page {index + 1} data runs past the end of the file)")
    except InputError:
        raise
    except Image.DecompressionBombError as exc:
        raise InputError(f"{name}: image too large to decode safely ({exc})") from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, KeyError, struct.error) as exc:
        raise InputError(f"{name}: corrupt or truncated TIFF ({exc})") from None

