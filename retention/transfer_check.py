"""The four-property check (四性检测, DA/T 70-2018; DOMAIN.md §11) of a whole transfer package
before it is handed over: it reads only the package (a ZIP, its bytes, or a folder it was
unpacked into), as the receiving archive would, and compares it with what the catalog recorded
when it was built (`expected`: item count and each EEP's SHA-256), when given.

  authenticity  every file's SHA-256 matches the manifest; every embedded or external file
                matches its 数字摘要; every EEP's seal matches its 被签名对象; manifest and
                EEPs valid against retention/schemas/eep.xsd; archival codes well-formed, none twice
  integrity     every listed file present, no file unlisted; item, volume, file and document
                counts agree (manifest, EEPs, catalog); mandatory metadata present
  usability     every XML parses; every PDF opens unencrypted (PDF/A noted); every image decodes
  security      malware scan (clamscan when installed, else "not checked": never "passed");
                process records (the audit history) present in every EEP

Each check is ok True, False, or None for "not checked"; the package passes when none is False.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from archive import archival_code
from retention.four_properties import Scanner, clamav_scan
from retention.transfer_package import MANIFEST, parser, schema, sha256, signed_digest

PROPERTIES = ("authenticity", "integrity", "usability", "security")


class Package:
    """Files of a package by their path inside it: a ZIP (path or bytes) or an unpacked folder."""

    def __init__(self, source: str | Path | bytes):
        self._zip: zipfile.ZipFile | None = None
        self._dir: Path | None = None
        if isinstance(source, bytes):
            self._zip = zipfile.ZipFile(io.BytesIO(source))
        elif Path(source).is_dir():
            self._dir = Path(source)
        else:
            self._zip = zipfile.ZipFile(source)

    def names(self) -> list[str]:
        if self._zip is not None:
            return [n for n in self._zip.namelist() if not n.endswith("/")]
        assert self._dir is not None
        return sorted(p.relative_to(self._dir).as_posix() for p in self._dir.rglob("*") if p.is_file())

    def read(self, name: str) -> bytes | None:
        if self._zip is not None:
            try:
                return self._zip.read(name)
            except KeyError:
                return None
        assert self._dir is not None
        path = (self._dir / name).resolve()
        if self._dir.resolve() not in path.parents or not path.is_file():
            return None  # a listed path never leads out of the package
        return path.read_bytes()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


class Report:
    """The named checks of each property, as they are found."""

    def __init__(self) -> None:
        self.checks: dict[str, list[dict[str, Any]]] = {p: [] for p in PROPERTIES}

    def add(self, prop: str, name: str, ok: bool | None, detail: str = "") -> None:
        self.checks[prop].append({"check": name, "ok": ok, "detail": detail[:300]})

    def status(self, prop: str) -> str:
        oks = [c["ok"] for c in self.checks[prop]]
        if any(ok is False for ok in oks):
            return "failed"
        return "not_checked" if not oks or any(ok is None for ok in oks) else "passed"

    def to_dict(self) -> dict[str, Any]:
        return {"passed": all(self.status(p) != "failed" for p in PROPERTIES),
                "properties": {p: {"status": self.status(p), "checks": self.checks[p]} for p in PROPERTIES}}


def check(source: str | Path | bytes, *, expected: dict[str, Any] | None = None,
          scanner: Scanner = clamav_scan) -> dict[str, Any]:
    """Check a package; `expected` = {"records": n, "volumes": n, "eeps": {path: sha256}} from the catalog."""
    report = Report()
    try:
        package = Package(source)
    except (OSError, zipfile.BadZipFile) as exc:
        report.add("usability", "package_opens", False, type(exc).__name__)
        return report.to_dict()
    try:
        _check_package(package, report, expected, scanner)
    finally:
        package.close()
    return report.to_dict()


def _check_package(package: Package, report: Report, expected: dict[str, Any] | None, scanner: Scanner) -> None:
    raw = package.read(MANIFEST)
    manifest = _parse(raw, MANIFEST, report) if raw is not None else None
    if manifest is None:
        report.add("integrity", "manifest_present", False, f"{MANIFEST} missing or unreadable")
        return
    listed = {f.get("路径"): (int(f.get("大小") or -1), f.get("SHA256")) for f in manifest.iter("文件")}
    _files(package, report, listed)
    items = list(manifest.iter("条目"))
    _counts(manifest, items, listed, report, expected)
    _codes(items, report)
    eeps = [i.get("封装包") for i in items if i.get("层次") == "件"]
    _eeps(package, report, items, eeps, expected, scanner)


def _parse(raw: bytes, name: str, report: Report) -> etree._Element | None:
    try:
        root = etree.fromstring(raw, parser())
    except etree.XMLSyntaxError as exc:
        report.add("usability", f"xml_parses:{name}", False, str(exc))
        return None
    valid = schema().validate(root)
    if not valid:
        report.add("authenticity", f"schema_valid:{name}", False, str(schema().error_log.last_error))
    return root


def _files(package: Package, report: Report, listed: dict[str, tuple[int, str | None]]) -> None:
    present = set(package.names()) - {MANIFEST}
    missing = sorted(set(listed) - present)
    unlisted = sorted(present - set(listed))
    report.add("integrity", "listed_files_present", not missing, f"missing: {missing[:10]}" if missing else f"{len(listed)} files")
    report.add("integrity", "no_unlisted_files", not unlisted, f"unlisted: {unlisted[:10]}" if unlisted else "")
    changed = []
    for path in sorted(set(listed) & present):
        data = package.read(path) or b""
        size, digest = listed[path]
        if sha256(data) != digest or len(data) != size:
            changed.append(path)
    report.add("authenticity", "file_digests_match", not changed, f"changed: {changed[:10]}" if changed else f"{len(listed)} files")


def _counts(manifest: etree._Element, items: list, listed: dict, report: Report, expected: dict[str, Any] | None) -> None:
    def number(tag: str) -> int:
        return int(manifest.findtext(tag) or -1)

    records = sum(1 for i in items if i.get("层次") == "件")
    volumes = len(items) - records
    problems = []
    if number("件数") != records:
        problems.append(f"件数 {number('件数')} ≠ {records} 条目")
    if number("卷数") != volumes:
        problems.append(f"卷数 {number('卷数')} ≠ {volumes} 条目")
    if number("文件数") != len(listed):
        problems.append(f"文件数 {number('文件数')} ≠ {len(listed)}")
    if expected is not None:
        if expected.get("records") != records:
            problems.append(f"catalog lists {expected.get('records')} records, package {records}")
        if expected.get("volumes") != volumes:
            problems.append(f"catalog lists {expected.get('volumes')} volumes, package {volumes}")
    report.add("integrity", "counts_agree", not problems, "; ".join(problems) or f"{records} records, {volumes} volumes")


def _codes(items: list, report: Report) -> None:
    codes = [i.get("档号") or "" for i in items]
    bad = [c for c in codes if not archival_code.is_well_formed(c)]
    twice = sorted(c for c, n in Counter(codes).items() if n > 1)
    report.add("authenticity", "archival_codes_well_formed", not bad, f"{bad[:10]}" if bad else "")
    report.add("authenticity", "no_duplicate_codes", not twice, f"{twice[:10]}" if twice else "")


def _eeps(package: Package, report: Report, items: list, paths: list[str], expected: dict[str, Any] | None,
          scanner: Scanner) -> None:
    seals, digests, unreadable, no_history, mismatched = [], [], [], [], []
    documents_counted, scans = [], []
    catalog = (expected or {}).get("eeps") or {}
    by_path = {i.get("封装包"): i for i in items}
    invalid = 0
    for path in paths:
        raw = package.read(path)
        if raw is None:
            continue  # reported by listed_files_present
        if catalog and catalog.get(path) != sha256(raw):
            mismatched.append(path)
        root = _parse(raw, path, report)
        if root is None:
            invalid += 1
            continue
        if root.findtext("电子签名块/电子签名/签名结果") != signed_digest(root):
            seals.append(path)
        if not root.findall(".//业务实体"):
            no_history.append(path)
        docs = root.findall(".//文档")
        if str(len(docs)) != by_path[path].get("文档数"):
            documents_counted.append(path)
        for coded in root.iter("编码"):
            data = _content(package, coded)
            label = f"{path}#{coded.get('编码ID')}"
            if data is None or sha256(data) != (coded.findtext("数字摘要") or ""):
                digests.append(label)
                continue
            ok, detail = _readable(coded.findtext("电子属性/格式信息") or "", data)
            if ok is False:
                unreadable.append(f"{label}: {detail}")
            scans.append(data)
    if catalog:
        report.add("authenticity", "eeps_as_catalogued", not mismatched, f"differ: {mismatched[:10]}" if mismatched else "")
    report.add("authenticity", "eep_seals_match", not seals, f"broken: {seals[:10]}" if seals else f"{len(paths)} EEPs")
    report.add("authenticity", "document_digests_match", not digests, f"changed: {digests[:10]}" if digests else "")
    report.add("integrity", "document_counts_agree", not documents_counted, f"{documents_counted[:10]}" if documents_counted else "")
    report.add("usability", "xml_parses", invalid == 0, f"{len(paths) - invalid}/{len(paths)} EEPs parse")
    report.add("usability", "documents_readable", not unreadable, "; ".join(unreadable[:5]))
    report.add("security", "process_records_complete", not no_history,
               f"no audit history: {no_history[:10]}" if no_history else "")
    _scan(report, scans, scanner)


def _content(package: Package, coded: etree._Element) -> bytes | None:
    embedded = coded.findtext("编码数据")
    if embedded is not None:
        try:
            return base64.b64decode(embedded, validate=True)
        except (binascii.Error, ValueError):
            return None
    outside = coded.findtext("外部文件")
    return package.read(outside) if outside else None


def _readable(media_type: str, data: bytes) -> tuple[bool | None, str]:
    if media_type == "application/pdf" or data[:5] == b"%PDF-":
        return _pdf_opens(data)
    if media_type.startswith("image/"):
        return _image_opens(data)
    return None, f"{media_type}: format not checked"


def _pdf_opens(data: bytes) -> tuple[bool, str]:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as doc:
            if doc.is_encrypted:
                return False, "encrypted"
            return True, f"{len(doc.pages)} pages"
    except Exception as exc:  # any failure to open is the finding itself
        return False, type(exc).__name__


def _image_opens(data: bytes) -> tuple[bool, str]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return True, f"{img.format}"
    except Exception as exc:  # any failure to decode is the finding itself
        return False, type(exc).__name__


def _scan(report: Report, scans: list[bytes], scanner: Scanner) -> None:
    results = [scanner(data) for data in scans]
    if not results:
        report.add("security", "malware_scan", None, "nothing to scan")
        return
    infected = [detail for ok, detail in results if ok is False]
    if infected:
        report.add("security", "malware_scan", False, "; ".join(infected[:5]))
    elif any(ok is None for ok, _ in results):
        report.add("security", "malware_scan", None, next(d for ok, d in results if ok is None))
    else:
        report.add("security", "malware_scan", True, f"{len(results)} files clean")


def summary(result: dict[str, Any], word: Callable[[str], str] = str) -> Iterator[str]:
    """Lines for a person: each property's status and its failed or unchecked checks."""
    for prop in PROPERTIES:
        block = result["properties"][prop]
        yield f"{word(prop)}: {word(block['status'])}"
        for c in block["checks"]:
            if c["ok"] is not True:
                yield f"  {c['check']}: {word('failed' if c['ok'] is False else 'not_checked')} {c['detail']}".rstrip()
