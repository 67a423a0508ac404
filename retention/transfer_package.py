"""The electronic transfer package (移交进馆 电子档案移交包, issue 14): one ZIP per batch holding

  manifest.xml        移交清单: every item and every file of the package with its size and SHA-256
  eep/NNNNN.xml       one 电子文件封装包 per record after DA/T 48-2009: catalogue metadata, the
                      PDF/A and originals (base64 inside, or beside it under files/ with SHA-256),
                      the record's audit history, the disclosure review opinion and its secrecy history
  files/xx/SHA.ext    the files themselves when they are not embedded (large scans)
  移交清册.pdf/.xlsx   the transfer register both sides sign

The element names, and what this system adds to the standard's list, are documented in
retention/schemas/eep.xsd, against which every EEP and the manifest validate (lxml).
Building reads the catalog and the object store and writes nothing to either; the service
(retention.state_transfer) stores the ZIP and records its digest.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.clock import CHINA, today, utcnow
from archive.codes import RETENTION_ZH, STATE_SECRET_LEVELS, ObjectRole, Retention, Secrecy
from archive.lifecycle_models import SecrecyReview
from archive.models import AuditEvent, Fonds, Record, StoredObject, User, Volume

SCHEMA_PATH = Path(__file__).parent / "schemas" / "eep.xsd"
MANIFEST = "manifest.xml"
EEP_VERSION = "2009"
FORMAT_DESCRIPTION = "本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成"
TYPE_DESCRIPTION = "本封装包包含电子文件数据及其元数据，原始封装，未经修改"
BASE64_DESCRIPTION = ("本封装包中“编码数据”元素存储的是计算机文件二进制流的Base64编码（IETF RFC 2045）；"
                      "提取时应对Base64编码反编码，并依“反编码关键字”还原文件扩展名，以“数字摘要”核对")
FILE_DESCRIPTION = "计算机文件存于移交包内“外部文件”所指路径，未经编码；以“数字摘要”（SHA-256）核对"
SIGNATURE_RULE = "被签名对象的排他规范化XML（Exclusive C14N）的SHA-256摘要；无数字证书，仅作完整性封印"
PACKAGED_ROLES = (ObjectRole.PDF.value, ObjectRole.ORIGINAL.value)
EXTENSIONS = {"application/pdf": "pdf", "image/tiff": "tif", "image/jpeg": "jpg", "image/png": "png",
              "image/jp2": "jp2", "text/plain": "txt", "application/xml": "xml"}
CHUNK = 500  # ids per IN (...) query


@functools.cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def parser() -> etree.XMLParser:
    # huge_tree: a scan base64-encoded in one text node easily passes libxml2's 10 MB default.
    return etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


def beijing(moment: dt.datetime | None) -> str:
    moment = moment or utcnow()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signed_digest(root: etree._Element) -> str:
    """The seal over 被签名对象: SHA-256 of its exclusive canonical form."""
    signed = root.find("被签名对象")
    if signed is None:
        raise ValueError("no 被签名对象")
    return sha256(etree.tostring(signed, method="c14n", exclusive=True))


# -- what goes into one EEP -------------------------------------------------------------------------
@dataclasses.dataclass
class Document:
    role: str
    media_type: str
    filename: str
    sha256: str
    size: int
    data: bytes

    @property
    def extension(self) -> str:
        suffix = Path(self.filename).suffix.lstrip(".").lower()
        return suffix or EXTENSIONS.get(self.media_type, "bin")

    @property
    def package_path(self) -> str:
        return f"files/{self.sha256[:2]}/{self.sha256}.{self.extension}"


@dataclasses.dataclass
class Opening:
    """开放审核意见: the archive room's proposal to the state archive, from the record's attributes."""

    conclusion: str  # 开放 | 控制使用
    basis: str
    disclosure: str


DISCLOSURE_ZH = {"proactive": "主动公开", "on_request": "依申请公开", "not_disclosed": "不予公开"}


def opening_opinion(record: Record, day: dt.date) -> Opening:
    disclosure = DISCLOSURE_ZH.get(record.disclosure, record.disclosure)
    level = Secrecy(record.secrecy)
    if level in STATE_SECRET_LEVELS and (record.declassify_on is None or record.declassify_on > day):
        return Opening("控制使用", f"国家秘密（{level.label_zh}），保密期限未满", disclosure)
    if record.category_code == "RS":
        return Opening("控制使用", "人事档案，不向社会开放", disclosure)
    if record.disclosure == "not_disclosed":
        return Opening("控制使用", f"不予公开：{record.disclosure_reason or '未注明理由'}", disclosure)
    if record.person_id_number:
        return Opening("控制使用", "涉及个人信息", disclosure)
    return Opening("开放", f"经审核无不宜开放内容（{disclosure}）", disclosure)


@dataclasses.dataclass
class Entity:
    """Everything one record's EEP says, read from the catalog and the store."""

    record: Record
    fonds: Fonds | None
    volume: Volume | None
    documents: list[Document]
    events: list[AuditEvent]
    reviews: list[SecrecyReview]
    opening: Opening


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def load_entities(session: Session, store, record_ids: Sequence[int]) -> Iterable[Entity]:
    """The records' EEP contents, CHUNK records at a time (objects read from the store as they go)."""
    day = today()
    for ids in _chunks(list(record_ids)):
        records = {r.id: r for r in session.execute(select(Record).where(Record.id.in_(ids))).scalars()}
        objects: dict[int, list[StoredObject]] = {}
        for obj in session.execute(select(StoredObject).where(
                StoredObject.record_id.in_(ids), StoredObject.role.in_(PACKAGED_ROLES),
                StoredObject.destroyed_at.is_(None)).order_by(StoredObject.id)).scalars():
            objects.setdefault(obj.record_id or 0, []).append(obj)
        events: dict[str, list[AuditEvent]] = {}
        for event in session.execute(select(AuditEvent).where(
                AuditEvent.target.in_([f"record:{i}" for i in ids])).order_by(AuditEvent.seq)).scalars():
            events.setdefault(event.target, []).append(event)
        reviews: dict[int, list[SecrecyReview]] = {}
        for review in session.execute(select(SecrecyReview).where(
                SecrecyReview.record_id.in_(ids)).order_by(SecrecyReview.id)).scalars():
            reviews.setdefault(review.record_id, []).append(review)
        for rid in ids:
            record = records[rid]
            yield Entity(
                record=record, fonds=session.get(Fonds, record.fonds_id),
                volume=session.get(Volume, record.volume_id) if record.volume_id else None,
                documents=[_document(store, o) for o in objects.get(rid, [])],
                events=events.get(f"record:{rid}", []), reviews=reviews.get(rid, []),
                opening=opening_opinion(record, day))


def _document(store, obj: StoredObject) -> Document:
    with store.get(obj.sha256) as stream:
        data = stream.read()
    name = obj.filename or f"{obj.sha256[:16]}.{EXTENSIONS.get(obj.media_type, 'bin')}"
    return Document(obj.role, obj.media_type, name, obj.sha256, len(data), data)


# -- XML --------------------------------------------------------------------------------------------
def _el(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = str(text)
    return node


def _fields(parent: etree._Element, pairs: Iterable[tuple[str, object]]) -> None:
    for tag, value in pairs:
        _el(parent, tag, "" if value is None else value)


def _secrecy_term(record: Record) -> str:
    if Secrecy(record.secrecy) not in STATE_SECRET_LEVELS:
        return ""
    if record.secrecy_term_months is None:
        return "长期"
    years, months = divmod(record.secrecy_term_months, 12)
    return f"{years}年" if not months else f"{record.secrecy_term_months}个月"


def _retention_zh(code: str) -> str:
    try:
        return RETENTION_ZH[Retention.parse(code)]
    except ValueError:
        return code


def eep(entity: Entity, *, archive_name: str, creator: str, embed: bool, people: dict[str, User],
        created_at: dt.datetime | None = None) -> bytes:
    """One record as a DA/T 48 电子文件封装包 (UTF-8 XML bytes), sealed over 被签名对象."""
    r = entity.record
    root = etree.Element("电子文件封装包")
    _el(root, "封装包格式描述", FORMAT_DESCRIPTION)
    _el(root, "版本", EEP_VERSION)
    signed = _el(root, "被签名对象", **{"eep版本": EEP_VERSION})
    _fields(signed, [("封装包类型", "原始型"), ("封装包类型描述", TYPE_DESCRIPTION),
                     ("封装包创建时间", beijing(created_at)), ("封装包创建单位", creator)])
    content = _el(signed, "封装内容")
    entity_el = _el(_el(content, "文件实体块"), "文件实体")
    _el(entity_el, "聚合层次", "文件")
    fonds_name = entity.fonds.name if entity.fonds else ""
    _fields(_el(entity_el, "来源"), [("档案馆名称", archive_name), ("全宗名称", fonds_name), ("立档单位名称", fonds_name)])
    _el(entity_el, "电子文件号", f"record:{r.id}")
    code = _el(entity_el, "档号")
    _fields(code, [("档号", r.archival_code or f"record:{r.id}"), ("全宗号", entity.fonds.code if entity.fonds else "-"),
                   ("类别号", r.category_code), ("年度", f"{r.year:04d}"), ("保管期限", _retention_zh(r.retention)),
                   ("机构或问题", r.org_code)])
    if entity.volume is not None:
        _el(code, "案卷号", f"{entity.volume.volume_no:03d}")
    _el(code, "件号", f"{r.item_no:04d}" if r.item_no else "")
    _fields(_el(entity_el, "内容描述"), [
        ("题名", r.title or "[无题名]"), ("文件编号", r.doc_no), ("责任者", r.issuer),
        ("日期", r.doc_date.strftime("%Y%m%d") if r.doc_date else ""), ("文种", r.doc_type),
        ("密级", Secrecy(r.secrecy).label_zh), ("保密期限", _secrecy_term(r)), ("附注", r.notes)])
    _fields(_el(entity_el, "形式特征"), [("文件组合类型", "单件" if len(entity.documents) <= 1 else "组合文件"),
                                      ("页数", r.pages or 0)])
    _rights(_el(entity_el, "权限管理"), entity)
    data = _el(entity_el, "文件数据")
    for n, doc in enumerate(entity.documents, 1):
        _document_el(data, r.id, n, doc, embed)
    _business(content, entity)
    _people(content, entity, people)
    _seal(root, creator)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _rights(rights: etree._Element, entity: Entity) -> None:
    _el(rights, "控制标识", entity.opening.conclusion)
    _fields(_el(rights, "开放审核意见"), [("审核结论", entity.opening.conclusion), ("审核依据", entity.opening.basis),
                                       ("公开属性", entity.opening.disclosure)])
    history = _el(rights, "密级变更历史")
    for review in entity.reviews:
        _fields(_el(history, "密级变更"), [
            ("变更时间", beijing(review.reviewed_at)), ("变更方式", {
                "declassify": "解密", "downgrade": "降低密级", "extend": "延长保密期限", "keep": "继续保密",
            }.get(review.outcome, review.outcome)),
            ("原密级", _level_zh(getattr(review, "old_level", ""))), ("新密级", _level_zh(getattr(review, "new_level", ""))),
            ("解密日期", (review.new_declassify_on or review.term_end or "")), ("审查人", review.reviewer),
            ("变更依据", "；".join(x for x in (getattr(review, "authority", ""), review.note) if x))])


def _level_zh(code: str) -> str:
    try:
        return Secrecy(code).label_zh
    except ValueError:
        return code or ""


def _document_el(parent: etree._Element, record_id: int, n: int, doc: Document, embed: bool) -> None:
    node = _el(parent, "文档")
    _el(node, "文档标识符", f"record:{record_id}:doc:{n}")
    _el(node, "文档序号", n)
    data = _el(node, "文档数据", **{"文档数据ID": f"r{record_id}-d{n}"})
    coded = _el(data, "编码", **{"编码ID": f"r{record_id}-d{n}-e1"})
    _fields(_el(coded, "电子属性"), [("格式信息", doc.media_type), ("计算机文件名", doc.filename),
                                   ("计算机文件大小", doc.size), ("文档角色", doc.role)])
    _el(coded, "数字摘要", doc.sha256, **{"算法": "SHA-256"})
    _el(coded, "编码描述", BASE64_DESCRIPTION if embed else FILE_DESCRIPTION)
    _el(coded, "反编码关键字", doc.extension)
    if embed:
        _el(coded, "编码数据", base64.b64encode(doc.data).decode("ascii"))
    else:
        _el(coded, "外部文件", doc.package_path)


def _business(content: etree._Element, entity: Entity) -> None:
    block = _el(content, "业务实体块")
    for event in entity.events:
        _fields(_el(block, "业务实体"), [
            ("业务标识符", f"audit:{event.seq}"), ("机构人员标识符", event.actor), ("文件标识符", event.target),
            ("业务状态", "历史行为"), ("业务行为", event.action), ("行为时间", event.time),
            ("行为描述", json.dumps(event.details, ensure_ascii=False, sort_keys=True)), ("审计链哈希", event.hash)])


def _people(content: etree._Element, entity: Entity, people: dict[str, User]) -> None:
    block = _el(content, "机构人员实体块")
    for actor in sorted({e.actor for e in entity.events}):
        user = people.get(actor)
        kind = "系统" if actor.startswith("system") or user is None else "个人"
        _fields(_el(block, "机构人员实体"), [("机构人员标识符", actor), ("机构人员类型", kind),
                                          ("机构人员名称", (user.display_name or user.username) if user else actor)])


def _seal(root: etree._Element, creator: str) -> None:
    signature = _el(_el(root, "电子签名块"), "电子签名", **{"签名ID": "seal-1"})
    _fields(signature, [("签名规则", SIGNATURE_RULE), ("签名时间", beijing(None)), ("签名人", creator)])
    _el(signature, "签名结果", signed_digest(root))
    _el(_el(signature, "证书块"), "证书引用", "无（未使用数字证书）")
    _el(signature, "签名算法标识", "SHA-256")


# -- the manifest and the ZIP -------------------------------------------------------------------------
@dataclasses.dataclass
class Line:
    """One 移交清册 line as the manifest lists it."""

    seq_no: int
    level: str  # record | volume
    archival_code: str
    record_id: int | None = None
    eep_path: str = ""
    eep_sha256: str = ""
    documents: int = 0


@dataclasses.dataclass
class Built:
    lines: list[Line]
    files: dict[str, tuple[int, str]]  # package path -> (size, sha256), the manifest's file list
    records: int
    volumes: int


def manifest(batch: dict[str, Any], built: Built) -> bytes:
    root = etree.Element("移交清单", 版本="1")
    _fields(root, [("批次号", batch["id"]), ("批次名称", batch["title"]), ("移交单位", batch["from"]),
                   ("接收单位", batch["to"]), ("生成时间", beijing(None)), ("件数", built.records),
                   ("卷数", built.volumes), ("文件数", len(built.files))])
    items = _el(root, "条目清单")
    for line in built.lines:
        _el(items, "条目", 序号=str(line.seq_no), 层次="件" if line.level == "record" else "卷",
            档号=line.archival_code, 封装包=line.eep_path, 文档数=str(line.documents))
    files = _el(root, "文件清单")
    for path, (size, digest) in sorted(built.files.items()):
        _el(files, "文件", 路径=path, 大小=str(size), SHA256=digest)
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build(session: Session, store, out: IO[bytes], *, batch: dict[str, Any], lines: list[Line], embed: bool,
          extra: dict[str, bytes] | None = None) -> Built:
    """Write the package ZIP to `out`: one EEP per record line, files beside them unless embedded,
    the `extra` files (the register), then the manifest listing all of them."""
    built = Built(lines=lines, files={}, records=sum(1 for x in lines if x.level == "record"),
                  volumes=sum(1 for x in lines if x.level == "volume"))
    by_record = {x.record_id: x for x in lines if x.level == "record"}
    people = {u.username: u for u in session.execute(select(User)).scalars()}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        def put(path: str, data: bytes) -> str:
            digest = sha256(data)
            if path not in built.files:
                zf.writestr(path, data)
                built.files[path] = (len(data), digest)
            return digest

        for entity in load_entities(session, store, [rid for rid in by_record if rid is not None]):
            line = by_record[entity.record.id]
            line.eep_path = f"eep/{line.seq_no:05d}.xml"
            line.documents = len(entity.documents)
            body = eep(entity, archive_name=batch["to"], creator=batch["from"], embed=embed, people=people)
            line.eep_sha256 = put(line.eep_path, body)
            if not embed:
                for doc in entity.documents:
                    put(doc.package_path, doc.data)
        for path, data in (extra or {}).items():
            put(path, data)
        zf.writestr(MANIFEST, manifest(batch, built))
    return built
