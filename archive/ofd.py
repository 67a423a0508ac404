"""Reading an OFD package (GB/T 33190-2016, the national format of electronic documents): its
pages' text objects and drawn paths, its document information and its electronic seals.

An OFD is a zip of XML: OFD.xml → DocBody/DocRoot → Document.xml → Pages/Page/@BaseLoc →
Content.xml with TextObject/TextCode (positions in millimetres, baseline-relative), and
DocBody/Signatures → Signatures.xml → Signature.xml (SignedInfo/References with digests of the
signed files, SignedValue pointing at the signature bytes). It lives in archive/ because ingest
reads documents with it and the four-property check (archive.four_properties) checks originals
with it. Only zip and lxml: no rendering here (ingest.born_digital.ofd draws the pages).

What is verified of a seal: Signatures.xml and each Signature.xml parse, the SignedValue file is
present and non-empty, and every Reference's CheckValue equals the digest (SM3, SHA-256, SHA-1)
of the file it names, so the signed files have not changed since signing. The signature value
itself (SM2 over SignedInfo, the seal's certificate chain) is not verified.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
import posixpath
import re
import zipfile
from typing import IO

from lxml import etree

NS = "http://www.ofdspec.org/2016"
MEDIA_TYPE = "application/ofd"
MAX_MEMBERS = 5000
MAX_UNPACKED = 500 * 1024 * 1024  # a zip bomb is refused before anything is inflated
DIGESTS = {"1.2.156.10197.1.401": "sm3", "sm3": "sm3", "2.16.840.1.101.3.4.2.1": "sha256", "sha256": "sha256",
           "sha-256": "sha256", "1.3.14.3.2.26": "sha1", "sha1": "sha1"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class OfdError(ValueError):
    """The bytes are not a readable OFD document; the message says what is wrong."""


@dataclasses.dataclass
class TextItem:
    x: float  # baseline start, mm from the page's top-left
    y: float
    size: float  # font size, mm
    text: str
    color: tuple[int, int, int] = (0, 0, 0)
    advances: list[float] | None = None  # DeltaX: distance from each glyph to the next, mm


@dataclasses.dataclass
class PathItem:
    points: list[list[tuple[float, float]]]  # sub-paths in mm, page coordinates
    color: tuple[int, int, int] = (0, 0, 0)
    width: float = 0.353


@dataclasses.dataclass
class OfdPage:
    width: float  # mm
    height: float
    texts: list[TextItem]
    paths: list[PathItem]
    stamps: list[tuple[float, float, float, float]] = dataclasses.field(default_factory=list)

    @property
    def text(self) -> str:
        """The page's text in reading order: text objects sharing a baseline make one line."""
        rows: list[list[TextItem]] = []
        for item in sorted(self.texts, key=lambda t: (t.y, t.x)):
            if rows and abs(rows[-1][0].y - item.y) <= 0.5 * max(item.size, 1.0):
                rows[-1].append(item)
            else:
                rows.append([item])
        return "\n".join("".join(t.text for t in sorted(row, key=lambda t: t.x)) for row in rows).strip()


@dataclasses.dataclass
class Signature:
    id: str
    type: str  # Seal (电子签章) or Sign (电子签名)
    method: str = ""
    signed_at: str = ""
    provider: str = ""
    references: int = 0
    references_ok: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    stamps: list[tuple[str, tuple[float, float, float, float]]] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "stamps"}


@dataclasses.dataclass
class OfdDocument:
    info: dict[str, str]  # Title, Author, CreationDate, DocID, and CustomData by name
    pages: list[OfdPage]
    signatures: list[Signature]

    @property
    def signature_status(self) -> str:
        """none, present (structure and reference digests verified) or invalid."""
        if not self.signatures:
            return "none"
        return "invalid" if any(s.problems for s in self.signatures) else "present"


def is_ofd(source: str | os.PathLike | bytes) -> bool:
    """A zip whose OFD.xml has the OFD root element (the format identified, not just the suffix)."""
    try:
        with _open_zip(source) as pkg:
            return _root(pkg, "OFD.xml").tag == _q("OFD")
    except OfdError:
        return False


def read(source: str | os.PathLike | bytes) -> OfdDocument:
    """The document's pages, information and seals. Raises OfdError."""
    with _open_zip(source) as pkg:
        ofd = _root(pkg, "OFD.xml")
        if ofd.tag != _q("OFD"):
            raise OfdError("OFD.xml has no ofd:OFD root element")
        body = ofd.find(_q("DocBody"))
        doc_root = _child_text(body, "DocRoot") if body is not None else ""
        if not doc_root:
            raise OfdError("OFD.xml names no DocRoot")
        doc_path = _resolve("OFD.xml", doc_root)
        info = _info(body.find(_q("DocInfo")))
        pages, page_ids = _pages(pkg, doc_path)
        signs = _child_text(body, "Signatures")
        signatures = _signatures(pkg, _resolve("OFD.xml", signs)) if signs else []
        for sig in signatures:  # where each seal is stamped, for the rendered page
            for page_id, box in sig.stamps:
                if page_id in page_ids:
                    pages[page_ids.index(page_id)].stamps.append(box)
        return OfdDocument(info, pages, signatures)


# -- the package ------------------------------------------------------------------------------

def _open_zip(source) -> zipfile.ZipFile:
    try:
        stream: IO[bytes] | str = io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray) \
            else os.fspath(source)
        pkg = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise OfdError(f"not a zip package ({exc})") from None
    members = pkg.infolist()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        pkg.close()
        raise OfdError("the package is too large to unpack safely")
    return pkg


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _member(pkg: zipfile.ZipFile, path: str) -> bytes:
    name = path.lstrip("/")
    try:
        return pkg.read(name)
    except KeyError:
        raise OfdError(f"{name} is missing from the package") from None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise OfdError(f"{name} cannot be unpacked ({exc})") from None


def _root(pkg: zipfile.ZipFile, path: str):
    try:
        return etree.fromstring(_member(pkg, path), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise OfdError(f"{path.lstrip('/')} is not well-formed XML ({exc})") from None


def _resolve(base_file: str, loc: str) -> str:
    """A BaseLoc is absolute from the package root (leading /) or relative to the naming file."""
    loc = loc.strip()
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file.lstrip("/")), loc))


def _child_text(parent, name: str) -> str:
    node = parent.find(_q(name)) if parent is not None else None
    return (node.text or "").strip() if node is not None else ""


def _info(node) -> dict[str, str]:
    if node is None:
        return {}
    out = {etree.QName(c).localname: (c.text or "").strip() for c in node if isinstance(c.tag, str) and len(c) == 0}
    for data in node.iter(_q("CustomData")):
        if data.get("Name"):
            out[data.get("Name")] = (data.text or "").strip()
    return out


# -- pages ------------------------------------------------------------------------------------

def _box(value: str | None) -> tuple[float, float, float, float] | None:
    try:
        x, y, w, h = (float(v) for v in (value or "").split())
    except ValueError:
        return None
    return x, y, w, h


def _pages(pkg: zipfile.ZipFile, doc_path: str) -> tuple[list[OfdPage], list[str]]:
    doc = _root(pkg, doc_path)
    default = _box(doc.findtext(f"{_q('CommonData')}/{_q('PageArea')}/{_q('PhysicalBox')}")) or (0, 0, 210, 297)
    entries = doc.findall(f"{_q('Pages')}/{_q('Page')}")
    if not entries:
        raise OfdError("Document.xml lists no pages")
    pages = []
    for entry in entries:
        content = _root(pkg, _resolve(doc_path, entry.get("BaseLoc", "")))
        box = _box(content.findtext(f"{_q('Area')}/{_q('PhysicalBox')}")) or default
        texts = [t for node in content.iter(_q("TextObject")) for t in _texts(node)]
        paths = [p for node in content.iter(_q("PathObject")) if (p := _path(node)) is not None]
        pages.append(OfdPage(box[2], box[3], texts, paths))
    return pages, [entry.get("ID", "") for entry in entries]


def _color(node, default: tuple[int, int, int]) -> tuple[int, int, int]:
    try:
        r, g, b = (int(v) for v in (node.get("Value") or "").split()[:3]) if node is not None else default
    except ValueError:
        return default
    return r, g, b


def _texts(node) -> list[TextItem]:
    box = _box(node.get("Boundary"))
    if box is None:
        return []
    size = float(node.get("Size") or 3.5)
    color = _color(node.find(_q("FillColor")), (0, 0, 0))
    out = []
    x, y = 0.0, 0.0
    for code in node.findall(_q("TextCode")):
        # X/Y carry over from the previous TextCode when a TextCode leaves them out.
        x = float(code.get("X", x))
        y = float(code.get("Y", y))
        if code.text:
            out.append(TextItem(box[0] + x, box[1] + y, size, code.text, color, _deltas(code.get("DeltaX"))))
    return out


def _deltas(value: str | None) -> list[float] | None:
    """DeltaX with its 'g count step' shorthand expanded."""
    if not value:
        return None
    words, out, i = value.split(), [], 0
    try:
        while i < len(words):
            if words[i] == "g":
                out += [float(words[i + 2])] * int(words[i + 1])
                i += 3
            else:
                out.append(float(words[i]))
                i += 1
    except (ValueError, IndexError):
        return None
    return out


_PATH_TOKENS = re.compile(r"[A-Za-z]|-?\d+(?:\.\d+)?")


def _path(node) -> PathItem | None:
    """Straight segments of AbbreviatedData (M, L, Z); curves are drawn as their end points."""
    box = _box(node.get("Boundary"))
    data = node.findtext(_q("AbbreviatedData"))
    if box is None or not data:
        return None
    subpaths: list[list[tuple[float, float]]] = []
    tokens = _PATH_TOKENS.findall(data)
    op = ""
    numbers: list[float] = []
    for token in [*tokens, "M"]:
        if token.isalpha():
            if op and numbers and op in "MLQBCA" and len(numbers) >= 2:
                point = (box[0] + numbers[-2], box[1] + numbers[-1])
                if op == "M" or not subpaths:
                    subpaths.append([point])
                else:
                    subpaths[-1].append(point)
            elif op in ("Z", "z") and subpaths and subpaths[-1]:
                subpaths[-1].append(subpaths[-1][0])
            op, numbers = token.upper(), []
        else:
            numbers.append(float(token))
    if not subpaths:
        return None
    width = float(node.get("LineWidth") or 0.353)
    return PathItem(subpaths, _color(node.find(_q("StrokeColor")), (0, 0, 0)), width)


# -- seals and signatures ---------------------------------------------------------------------

def _signatures(pkg: zipfile.ZipFile, list_path: str) -> list[Signature]:
    try:
        listing = _root(pkg, list_path)
    except OfdError as exc:
        return [Signature("?", "?", problems=[str(exc)])]
    out = []
    for entry in listing.findall(_q("Signature")):
        sig = Signature(entry.get("ID", "?"), entry.get("Type", "Seal"))
        try:
            _check_signature(pkg, _resolve(list_path, entry.get("BaseLoc", "")), sig)
        except OfdError as exc:
            sig.problems.append(str(exc))
        out.append(sig)
    if not out:
        out.append(Signature("?", "?", problems=["Signatures.xml lists no signature"]))
    return out


def _check_signature(pkg: zipfile.ZipFile, path: str, sig: Signature) -> None:
    root = _root(pkg, path)
    info = root.find(_q("SignedInfo"))
    if info is None:
        raise OfdError(f"{path}: no SignedInfo")
    provider = info.find(_q("Provider"))
    sig.provider = provider.get("ProviderName", "") if provider is not None else ""
    sig.method = _child_text(info, "SignatureMethod")
    sig.signed_at = _child_text(info, "SignatureDateTime")
    for annot in info.iter(_q("StampAnnot")):
        if (box := _box(annot.get("Boundary"))) is not None:
            sig.stamps.append((annot.get("PageRef", ""), box))
    refs = info.find(_q("References"))
    algorithm = DIGESTS.get((refs.get("CheckMethod") or "sha256").strip().lower()) if refs is not None else None
    for ref in (refs.findall(_q("Reference")) if refs is not None else []):
        sig.references += 1
        target = ref.get("FileRef", "")
        if algorithm is None:
            sig.problems.append(f"unknown digest method {refs.get('CheckMethod')!r}")
            continue
        try:
            actual = hashlib.new(algorithm, _member(pkg, _resolve("/", target))).digest()
            expected = base64.b64decode(_child_text(ref, "CheckValue"), validate=True)
        except (OfdError, ValueError) as exc:
            sig.problems.append(f"{target}: {exc}")
            continue
        if actual == expected:
            sig.references_ok += 1
        else:
            sig.problems.append(f"{target} changed since signing")
    if sig.references == 0:
        sig.problems.append("no signed references")
    value = _child_text(root, "SignedValue")
    if not value or not _member(pkg, _resolve(path, value)):
        sig.problems.append("SignedValue missing or empty")
