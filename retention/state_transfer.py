"""Transfer to the state archive (移交进馆, DOMAIN.md §7; issue 14), identity first:

  create    the archivist takes the records due for transfer (retention.sweep.transfer_clause:
            permanent, filed, year + 1 + 10/20 years reached) that they may see, are not held and
            are on no other open batch, and the volumes all of whose items go with them
  package   the electronic package (retention.transfer_package): one DA/T 48 EEP per record, the
            移交清册 (PDF/A and XLSX), the manifest; the ZIP goes into the object store
  check     the four-property check of the whole package (retention.transfer_check), recorded
  complete  after a passed check of the package as built, the records become `transferred`:
            read-only tombstones that say where they went (archive.policy refuses every change)

Top-secret records are never packaged (DOMAIN.md §4: no copy leaves the system); they stay on the
due list for a transfer on paper. Every step is audited; lists show what the person may see.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from archive import audit, paper, policy, tabular
from archive.clock import today, utcnow
from archive.codes import RETENTION_ZH, RecordStatus, Retention, Role, Secrecy, VolumeStatus
from archive.config import Settings
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.holds import assert_not_held, held_record_ids
from archive.identity import Identity
from archive.models import Fonds, Record, Volume
from archive.policy import Action, Viewer
from archive.transfer_models import StateTransfer, StateTransferItem
from archive.visibility import can_see_record_id, visible
from retention import people, rules, transfer_check, transfer_package
from retention.four_properties import Scanner, clamav_scan
from retention.sweep import transfer_clause

WORKER_ROLES = (Role.ARCHIVIST.value,)
READER_ROLES = (Role.ARCHIVIST.value, Role.OFFICE_DIRECTOR.value, Role.LEADER.value, Role.DIRECTOR.value,
                Role.AUDITOR.value)
OPEN = ("draft", "packaged", "checked")
REGISTER_COLUMNS = ["序号", "层次", "档号", "题名", "年度", "保管期限", "密级", "页数", "开放审核意见"]
SIGNATURES = ("移交单位（盖章）", "移交人", "接收单位（盖章）", "接收人")


# -- who ------------------------------------------------------------------------------------------
def _worker(session: Session, who: Identity, what: str) -> Viewer:
    user = people.require_role(session, who, WORKER_ROLES, what)
    viewer = Viewer.of(user)
    policy.require(viewer, Action.FILE)
    return viewer


def _reader(session: Session, who: Identity) -> Viewer:
    if who.is_system:
        return who.viewer
    return Viewer.of(people.require_role(session, who, READER_ROLES, "see transfers to the state archive"))


def _batch(session: Session, batch_id: int, *, lock: bool = False) -> StateTransfer:
    batch = session.get(StateTransfer, batch_id, with_for_update=lock) if 0 < batch_id < 2**31 else None
    if batch is None:
        raise NotFound(f"transfer {batch_id} does not exist")
    return batch


# -- create ---------------------------------------------------------------------------------------
def _on_open_batch():
    return exists().where(StateTransferItem.record_id == Record.id, StateTransferItem.transfer_id == StateTransfer.id,
                          StateTransfer.status.in_(OPEN))


def due_records(session: Session, viewer: Viewer, settings: Settings | None, day: dt.date) -> list[Record]:
    """Records due for transfer on `day` that the viewer may see and no open batch holds."""
    years = rules.transfer_years(session, settings)
    return list(session.execute(select(Record).where(
        transfer_clause(day, years), visible(viewer), ~_on_open_batch()).order_by(Record.archival_code, Record.id)).scalars())


def create(session: Session, who: Identity, settings: Settings | None, *, title: str, to_archive: str,
           day: dt.date | None = None, record_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """A draft batch of the records due (all of them, or the chosen `record_ids`, each of which must be due)."""
    viewer = _worker(session, who, "prepare a transfer to the state archive")
    title, to_archive = (title or "").strip(), (to_archive or "").strip()
    if not title or not to_archive:
        raise ValidationError("a transfer needs a title and the receiving archive")
    day = day or today()
    due = due_records(session, viewer, settings, day)
    if record_ids is not None:
        chosen = {int(i) for i in record_ids}
        unknown = sorted(chosen - {r.id for r in due})
        if unknown:
            raise ValidationError(f"not due for transfer (or on another batch): records {unknown}")
        due = [r for r in due if r.id in chosen]
    held = held_record_ids(session, [r.id for r in due])
    if record_ids is not None and held:
        raise Conflict(f"records under a hold stay here: {sorted(held)}")
    picked = [r for r in due if r.id not in held and r.secrecy != Secrecy.TOP_SECRET.value]
    if not picked:
        raise ValidationError("nothing is due for transfer")
    batch = StateTransfer(title=title, to_archive=to_archive, status="draft", as_of=day, created_by=viewer.username,
                          created_at=utcnow(), check_results={})
    session.add(batch)
    session.flush()
    _add_items(session, batch, picked)
    audit.record(session, viewer.username, "transfer.create", f"transfer:{batch.id}",
                 {"to": to_archive, "as_of": day, "records": [r.id for r in picked],
                  "skipped_held": sorted(held), "skipped_top_secret": [r.id for r in due if r.secrecy == "top_secret"]})
    return show(session, who, batch.id)


def _add_items(session: Session, batch: StateTransfer, records: list[Record]) -> None:
    chosen = {r.id for r in records}
    n = 0
    for volume in _whole_volumes(session, records, chosen):
        n += 1
        session.add(StateTransferItem(transfer_id=batch.id, seq_no=n, level="volume", volume_id=volume.id,
                                      archival_code=volume.archival_code, title=volume.title, year=volume.year,
                                      retention=volume.retention, secrecy=volume.secrecy, pages=volume.pages))
    day = today()
    for r in records:
        n += 1
        session.add(StateTransferItem(
            transfer_id=batch.id, seq_no=n, level="record", record_id=r.id, archival_code=r.archival_code or "",
            title=r.title, year=r.year, retention=r.retention, secrecy=r.secrecy, pages=r.pages or 0,
            opening=OPENING_CODE[transfer_package.opening_opinion(r, day).conclusion]))
    session.flush()


def _whole_volumes(session: Session, records: list[Record], chosen: set[int]) -> list[Volume]:
    """Volumes every live item of which is in the batch: they go as a whole."""
    out = []
    for volume_id in sorted({r.volume_id for r in records if r.volume_id}):
        items = session.execute(select(Record.id).where(
            Record.volume_id == volume_id, Record.status != RecordStatus.DESTROYED.value)).scalars().all()
        volume = session.get(Volume, volume_id)
        if volume is not None and set(items) <= chosen and volume.status != VolumeStatus.TRANSFERRED.value:
            out.append(volume)
    return out


# -- read -----------------------------------------------------------------------------------------
def _items(session: Session, batch_id: int) -> list[StateTransferItem]:
    return list(session.execute(select(StateTransferItem).where(StateTransferItem.transfer_id == batch_id)
                                .order_by(StateTransferItem.seq_no)).scalars())


def _visible_items(session: Session, viewer: Viewer, batch_id: int) -> list[StateTransferItem]:
    """Lines the viewer may see: a record above their clearance is not there for them."""
    return [i for i in _items(session, batch_id)
            if i.record_id is None and policy.cleared_for(viewer, i.secrecy)
            or i.record_id is not None and can_see_record_id(session, viewer, i.record_id)]


def _summary(batch: StateTransfer) -> dict[str, Any]:
    return {
        "id": batch.id, "title": batch.title, "to_archive": batch.to_archive, "status": batch.status,
        "as_of": batch.as_of.isoformat(), "created_by": batch.created_by, "created_at": batch.created_at,
        "embed": batch.embed, "package_sha256": batch.package_sha256, "package_size": batch.package_size,
        "packaged_at": batch.packaged_at, "check_passed": batch.check_passed, "checked_by": batch.checked_by,
        "checked_at": batch.checked_at, "received_by": batch.received_by, "completed_by": batch.completed_by,
        "completed_at": batch.completed_at,
    }


def _item(i: StateTransferItem) -> dict[str, Any]:
    return {"seq_no": i.seq_no, "level": i.level, "record_id": i.record_id, "volume_id": i.volume_id,
            "archival_code": i.archival_code, "title": i.title, "year": i.year, "retention": i.retention,
            "secrecy": i.secrecy, "pages": i.pages, "opening": i.opening, "eep_path": i.eep_path,
            "eep_sha256": i.eep_sha256}


def batches(session: Session, who: Identity, limit: int = 200) -> list[dict[str, Any]]:
    _reader(session, who)
    rows = session.execute(select(StateTransfer).order_by(StateTransfer.id.desc()).limit(limit)).scalars()
    return [_summary(b) for b in rows]


def show(session: Session, who: Identity, batch_id: int) -> dict[str, Any]:
    viewer = _reader(session, who)
    batch = _batch(session, batch_id)
    items = _visible_items(session, viewer, batch_id)
    return {**_summary(batch), "items": [_item(i) for i in items],
            "records": sum(i.level == "record" for i in items), "volumes": sum(i.level == "volume" for i in items),
            "check": batch.check_results or None}


def due_list(session: Session, who: Identity, settings: Settings | None, day: dt.date | None = None,
             limit: int = 1000) -> dict[str, Any]:
    """What a new batch would take today (for the web form and `archive transfer create --dry-run`)."""
    viewer = _worker(session, who, "prepare a transfer to the state archive")
    day = day or today()
    due = due_records(session, viewer, settings, day)
    held = held_record_ids(session, [r.id for r in due])
    return {"date": day.isoformat(), "count": len(due), "held": sorted(held),
            "items": [{"id": r.id, "archival_code": r.archival_code, "title": r.title, "year": r.year,
                       "secrecy": r.secrecy, "held": r.id in held,
                       "top_secret": r.secrecy == Secrecy.TOP_SECRET.value} for r in due[:limit]]}


# -- the register (移交清册) ------------------------------------------------------------------------
OPENING_ZH = {"open": "开放", "controlled": "控制使用"}
OPENING_CODE = {zh: code for code, zh in OPENING_ZH.items()}


def _register_rows(items: list[StateTransferItem]) -> list[list[object]]:
    return [[i.seq_no, "件" if i.level == "record" else "卷", i.archival_code, i.title, i.year,
             _retention_zh(i.retention), Secrecy(i.secrecy).label_zh, i.pages, OPENING_ZH.get(i.opening, i.opening)]
            for i in items]


def _retention_zh(code: str) -> str:
    try:
        return RETENTION_ZH[Retention.parse(code)]
    except ValueError:
        return code


def _unit(session: Session, items: list[StateTransferItem]) -> str:
    first = next((i.record_id for i in items if i.record_id), None)
    record = session.get(Record, first) if first else None
    fonds = session.get(Fonds, record.fonds_id) if record else None
    return fonds.name if fonds else "档案室"


def _register_lines(batch: StateTransfer, items: list[StateTransferItem], unit: str) -> list[str]:
    return [f"批次：{batch.id}　{batch.title}", f"移交单位：{unit}　接收单位：{batch.to_archive}",
            f"件数：{sum(i.level == 'record' for i in items)}　卷数：{sum(i.level == 'volume' for i in items)}"
            f"　截至：{batch.as_of.isoformat()}",
            f"电子移交包 SHA-256：{batch.package_sha256 or '（尚未封装）'}"]


def _register_pdf(session: Session, batch: StateTransfer, items: list[StateTransferItem]) -> bytes:
    unit = _unit(session, items)
    return paper.document(f"{batch.title} 移交清册", _register_lines(batch, items, unit),
                          [("移交清册", REGISTER_COLUMNS, _register_rows(items))],
                          landscape=True, signatures=SIGNATURES, unit=unit)


def _register_xlsx(session: Session, batch: StateTransfer, items: list[StateTransferItem]) -> bytes:
    unit = _unit(session, items)
    tail: list[list[object]] = [[]]
    tail += [[line] for line in _register_lines(batch, items, unit)]
    tail += [[]] + [[f"{label}：", "", "日期：", ""] for label in SIGNATURES]
    return tabular.to_xlsx("移交清册", REGISTER_COLUMNS, [*_register_rows(items), *tail])


def register(session: Session, who: Identity, batch_id: int, fmt: str = "pdf") -> bytes:
    """The 移交清册 as PDF/A or XLSX, with signature lines for both sides; lines trimmed to the viewer."""
    viewer = _reader(session, who)
    policy.require(viewer, Action.EXPORT)
    batch = _batch(session, batch_id)
    items = _visible_items(session, viewer, batch_id)
    if fmt not in ("pdf", "xlsx"):
        raise ValidationError("the register is PDF or XLSX")
    data = _register_pdf(session, batch, items) if fmt == "pdf" else _register_xlsx(session, batch, items)
    audit.record(session, viewer.username, "transfer.register", f"transfer:{batch.id}", {"format": fmt})
    return data


# -- package --------------------------------------------------------------------------------------
def package(session: Session, who: Identity, store, *, batch_id: int, embed: bool = True) -> dict[str, Any]:
    """Build the package ZIP into the object store; the batch keeps its digest and each EEP's."""
    viewer = _worker(session, who, "package a transfer")
    batch = _batch(session, batch_id, lock=True)
    if batch.status not in ("draft", "packaged", "checked"):
        raise Conflict(f"transfer {batch_id} is {batch.status}")
    items = _items(session, batch_id)
    hidden = [i.seq_no for i in items if i.record_id and not can_see_record_id(session, viewer, i.record_id)]
    if hidden:
        raise Forbidden(f"transfer {batch_id} lists records above your clearance; its creator packages it")
    batch.embed = embed
    lines = [transfer_package.Line(i.seq_no, i.level, i.archival_code, i.record_id) for i in items]
    unit = _unit(session, items)
    meta = {"id": batch.id, "title": batch.title, "from": unit, "to": batch.to_archive}
    extra = {"移交清册.pdf": _register_pdf(session, batch, items), "移交清册.xlsx": _register_xlsx(session, batch, items)}
    with tempfile.TemporaryFile() as out:
        built = transfer_package.build(session, store, out, batch=meta, lines=lines, embed=embed, extra=extra)
        size = out.tell()
        out.seek(0)
        key = store.put(out, media_type="application/zip")
    for item, line in zip(items, built.lines, strict=True):
        item.eep_path, item.eep_sha256 = line.eep_path, line.eep_sha256
    batch.status, batch.package_sha256, batch.package_size = "packaged", key, size
    batch.packaged_by, batch.packaged_at = viewer.username, utcnow()
    batch.check_passed, batch.check_results = None, {}
    audit.record(session, viewer.username, "transfer.package", f"transfer:{batch.id}",
                 {"sha256": key, "size": size, "records": built.records, "volumes": built.volumes,
                  "files": len(built.files) + 1, "embed": embed})
    return {**_summary(batch), "records": built.records, "volumes": built.volumes, "files": len(built.files) + 1}


def package_bytes(session: Session, who: Identity, store, batch_id: int) -> bytes:
    """The package ZIP as stored, for the carrier (the archivist who makes the handover)."""
    viewer = _worker(session, who, "take a transfer package")
    batch = _batch(session, batch_id)
    if not batch.package_sha256:
        raise Conflict(f"transfer {batch_id} has no package yet")
    with store.get(batch.package_sha256) as stream:
        data = stream.read()
    audit.record(session, viewer.username, "transfer.package_taken", f"transfer:{batch.id}",
                 {"sha256": batch.package_sha256})
    return data


def expected(session: Session, batch_id: int) -> dict[str, Any]:
    """What the catalog recorded of the package: the counts and each EEP's digest."""
    items = _items(session, batch_id)
    return {"records": sum(i.level == "record" for i in items), "volumes": sum(i.level == "volume" for i in items),
            "eeps": {i.eep_path: i.eep_sha256 for i in items if i.level == "record"}}


# -- check ----------------------------------------------------------------------------------------
def check(session: Session, who: Identity, store, *, batch_id: int, path: str | Path | None = None,
          scanner: Scanner = clamav_scan) -> dict[str, Any]:
    """四性检测 of the stored package (or of a copy at `path`: the carrier, an unpacked folder)."""
    viewer = _worker(session, who, "check a transfer package")
    batch = _batch(session, batch_id, lock=True)
    if not batch.package_sha256:
        raise Conflict(f"transfer {batch_id} has no package yet")
    if batch.status == "completed":
        raise Conflict(f"transfer {batch_id} is completed")
    if path is None:
        with store.get(batch.package_sha256) as stream, tempfile.NamedTemporaryFile(suffix=".zip") as copy:
            shutil.copyfileobj(stream, copy)  # a batch can be gigabytes: spooled to disk, not held in memory
            copy.flush()
            result = transfer_check.check(copy.name, expected=expected(session, batch_id), scanner=scanner)
    else:
        result = transfer_check.check(path, expected=expected(session, batch_id), scanner=scanner)
    result["source"] = "stored" if path is None else "copy"
    batch.check_passed, batch.check_results = result["passed"], result
    batch.checked_by, batch.checked_at = viewer.username, utcnow()
    batch.status = "checked" if result["passed"] else "packaged"
    audit.record(session, viewer.username, "transfer.check", f"transfer:{batch.id}",
                 {"passed": result["passed"], "source": result["source"],
                  "properties": {p: v["status"] for p, v in result["properties"].items()}})
    return result


# -- complete -------------------------------------------------------------------------------------
def complete(session: Session, who: Identity, store, *, batch_id: int, received_by: str) -> dict[str, Any]:
    """The handover took place: every record becomes a `transferred` tombstone naming where it went."""
    viewer = _worker(session, who, "complete a transfer")
    received_by = (received_by or "").strip()
    if not received_by:
        raise ValidationError("name the state archive's receiver")
    batch = _batch(session, batch_id, lock=True)
    if batch.status != "checked" or not batch.check_passed:
        raise Conflict(f"transfer {batch_id} has no passed four-property check of its package")
    if not store.verify(batch.package_sha256):
        raise Conflict(f"the stored package of transfer {batch_id} no longer matches its digest")
    items = _items(session, batch_id)
    now = utcnow()
    records = [session.get(Record, i.record_id) for i in items if i.record_id]
    for record in records:
        assert record is not None
        if record.status != RecordStatus.FILED.value:
            raise Conflict(f"record {record.archival_code or record.id} is {record.status}")
        assert_not_held(session, record, "transfer")
    for record in records:
        assert record is not None
        record.status, record.transferred_to, record.transferred_at = RecordStatus.TRANSFERRED.value, batch.to_archive, now
        audit.record(session, viewer.username, "record.transfer", f"record:{record.id}",
                     {"transfer": batch.id, "to": batch.to_archive, "archival_code": record.archival_code})
    for item in items:
        volume = session.get(Volume, item.volume_id) if item.volume_id else None
        if volume is not None:
            volume.status = VolumeStatus.TRANSFERRED.value
    batch.status, batch.received_by, batch.completed_by, batch.completed_at = "completed", received_by, viewer.username, now
    audit.record(session, viewer.username, "transfer.complete", f"transfer:{batch.id}",
                 {"to": batch.to_archive, "received_by": received_by, "records": len(records),
                  "package": batch.package_sha256})
    return _summary(batch)


def transferred(session: Session, viewer: Viewer, record_id: int) -> dict[str, Any] | None:
    """Where a transferred record went (its tombstone), or None."""
    record = session.get(Record, record_id)
    if record is None or record.status != RecordStatus.TRANSFERRED.value or not can_see_record_id(session, viewer, record_id):
        return None
    batch_id = session.execute(select(StateTransferItem.transfer_id).join(
        StateTransfer, and_(StateTransfer.id == StateTransferItem.transfer_id, StateTransfer.status == "completed"))
        .where(StateTransferItem.record_id == record_id)).scalar()
    return {"to": record.transferred_to, "at": record.transferred_at, "transfer": batch_id}
