"""Arranging a year's filed items by rule (DOMAIN.md §2, §13): a proposal the archivist reads,
then applies. The proposal is a pure function of the items, so applying recomputes the same one.

- 文书 and other item-based categories: boxes by fonds → retention → organisation, in item-number
  order, a new box when the next item would overfill one (`box_pages`);
- 社保 (SB): monthly volumes by insurance type → business step → month (and retention: a volume
  keeps one period); inside, transactions by date, each with its 核定表 on top;
- 人事 (RS): each person's materials into their dossier, slotted by class;
- 案件 (AJ): one file per case number (records carrying `extra.case_no`, else their 文号);
- other volume-based categories (KJ, JJ): volumes by retention and organisation in date order,
  a new one when the next item would overfill it (`volume_pages`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.arrangement import boxes, case_files, dossiers, volumes
from archive.arrangement.common import arranger, record_event
from archive.codes import BUSINESS_STEPS, RecordStatus
from archive.identity import Identity
from archive.models import Fonds, Record
from archive.policy import Viewer
from archive.visibility import visible

ITEM_BASED = frozenset({"WS", "SX"})
APPROVAL_SHEET = "核定表"
BOX_PAGES = 200
VOLUME_PAGES = 300
OTHER = "其他"
# The insurance types in the order the bureau's catalogues list them; others follow by name.
INSURANCE_TYPES = ["养老保险", "医疗保险", "失业保险", "工伤保险", "生育保险"]


@dataclasses.dataclass
class Unit:
    """One proposed box or volume and its items in order."""

    kind: str  # box | volume | dossier | case_file
    fonds: str
    category: str
    year: int
    retention: str
    title: str
    records: list[Record]
    org: str = ""
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "retention": self.retention, "org": self.org,
                **{k: v for k, v in self.fields.items() if k != "person_id_number"},
                "records": [r.id for r in self.records], "codes": [r.archival_code for r in self.records],
                "pages": sum(r.pages or 0 for r in self.records)}


def unarranged(session: Session, viewer: Viewer, year: int, category: str) -> list[Record]:
    """The year's filed items of the category that are in no box and no volume yet."""
    box_column = Record.box_id if category in ITEM_BASED else Record.volume_id
    return list(session.execute(select(Record).where(
        Record.year == year, Record.category_code == category, Record.status == RecordStatus.FILED.value,
        box_column.is_(None), Record.volume_id.is_(None), visible(viewer)).order_by(Record.id)).scalars())


def propose_units(session: Session, records: Sequence[Record], category: str, *, box_pages: int = BOX_PAGES,
                  volume_pages: int = VOLUME_PAGES) -> list[Unit]:
    fonds = {f.id: f.code for f in session.execute(select(Fonds)).scalars()}
    if category in ITEM_BASED:
        return _boxes(records, fonds, box_pages)
    if category == "SB":
        return _monthly_volumes(records, fonds)
    if category == dossiers.CATEGORY:
        return _dossiers(records, fonds)
    if category == "AJ":
        return _case_files(records, fonds)
    return _volumes(records, fonds, volume_pages)


def _chunks(records: Sequence[Record], limit: int) -> Iterable[list[Record]]:
    """Consecutive runs whose pages stay within `limit` (an item thicker than that stands alone)."""
    chunk: list[Record] = []
    pages = 0
    for record in records:
        if chunk and pages + (record.pages or 0) > limit:
            yield chunk
            chunk, pages = [], 0
        chunk.append(record)
        pages += record.pages or 0
    if chunk:
        yield chunk


def _series(record: Record, fonds: dict[int, str]) -> tuple[str, str, str]:
    return fonds[record.fonds_id], record.retention, record.org_code or ""


def _boxes(records: Sequence[Record], fonds: dict[int, str], limit: int) -> list[Unit]:
    units = []
    ordered = sorted(records, key=lambda r: (_series(r, fonds), r.item_no or 0, r.id))
    for (f, retention, org), group in itertools.groupby(ordered, key=lambda r: _series(r, fonds)):
        for chunk in _chunks(list(group), limit):
            r0 = chunk[0]
            units.append(Unit("box", f, r0.category_code, r0.year, retention, "", chunk, org))
    return units


def _step_rank(step: str) -> int:
    return BUSINESS_STEPS.index(step) if step in BUSINESS_STEPS else len(BUSINESS_STEPS)


def _insurance_rank(insurance: str) -> int:
    return INSURANCE_TYPES.index(insurance) if insurance in INSURANCE_TYPES else len(INSURANCE_TYPES)


def transaction_of(record: Record) -> str:
    """One transaction is one item; its sheets travel together. Which sheets belong to one:
    `extra.transaction` when ingest knows it, else the person and business step, else the 文号."""
    extra = record.extra or {}
    if extra.get("transaction"):
        return f"t:{extra['transaction']}"
    if record.person_id_number:
        return f"p:{record.person_id_number}:{record.business_step}"
    return f"d:{record.doc_no}" if record.doc_no else f"r:{record.id}"


def sb_order(records: Sequence[Record]) -> list[Record]:
    """Transactions in the order of their first date; inside each, the 核定表 first, then by date."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(transaction_of(record), []).append(record)

    def inside(r: Record) -> tuple:
        return (0 if APPROVAL_SHEET in (r.title or "") else 1, r.doc_date or dt.date.max, r.id)

    def first(group: list[Record]) -> tuple:
        return (min((r.doc_date or dt.date.max) for r in group), min(r.id for r in group))

    return [r for group in sorted(groups.values(), key=first) for r in sorted(group, key=inside)]


def _monthly_volumes(records: Sequence[Record], fonds: dict[int, str]) -> list[Unit]:
    def key(r: Record) -> tuple:
        month = r.doc_date.month if r.doc_date else 0
        insurance = r.insurance_type or OTHER
        return (fonds[r.fonds_id], _insurance_rank(insurance), insurance, _step_rank(r.business_step),
                r.business_step or OTHER, month, r.retention)

    units = []
    for (f, _kind, insurance, _rank, step, month, retention), run in itertools.groupby(sorted(records, key=key), key=key):
        group = list(run)
        r0 = group[0]
        when = f"{month}月" if month else "月份不详"
        units.append(Unit("volume", f, "SB", r0.year, retention, f"{r0.year}年{when} {insurance} {step}",
                          sb_order(group), fields={"insurance_type": insurance, "business_step": step,
                                                   "month": month or None}))
    return units


def _dossiers(records: Sequence[Record], fonds: dict[int, str]) -> list[Unit]:
    units = []
    people = sorted((r for r in records if r.person_id_number), key=lambda r: (r.person_id_number, r.id))
    for id_number, run in itertools.groupby(people, key=lambda r: r.person_id_number):
        group = sorted(run, key=dossiers.order_key)
        name = next((r.person_name for r in group if r.person_name), "")
        units.append(Unit("dossier", fonds[group[0].fonds_id], "RS", group[0].year, "Y", f"{name}人事档案", group,
                          fields={"person_id_number": id_number, "person_name": name}))
    return units


def case_no_of(record: Record) -> str:
    return str((record.extra or {}).get("case_no") or record.doc_no or "").strip()


def _case_files(records: Sequence[Record], fonds: dict[int, str]) -> list[Unit]:
    units = []
    cases = sorted((r for r in records if case_no_of(r)), key=lambda r: (case_no_of(r), r.doc_date or dt.date.max, r.id))
    for case_no, run in itertools.groupby(cases, key=case_no_of):
        group = list(run)
        retention = max((r.retention for r in group), key=_longest)
        units.append(Unit("case_file", fonds[group[0].fonds_id], "AJ", group[0].year, retention, f"案件 {case_no}",
                          group, fields={"case_no": case_no}))
    return units


def _longest(retention: str) -> int:
    return 10_000 if retention == "Y" else int(retention[1:] or 0)


def _volumes(records: Sequence[Record], fonds: dict[int, str], limit: int) -> list[Unit]:
    units = []
    ordered = sorted(records, key=lambda r: (_series(r, fonds), r.doc_date or dt.date.max, r.id))
    for (f, retention, org), group in itertools.groupby(ordered, key=lambda r: _series(r, fonds)):
        for chunk in _chunks(list(group), limit):
            r0 = chunk[0]
            units.append(Unit("volume", f, r0.category_code, r0.year, retention, f"{r0.year}年 {r0.category_code} 案卷",
                              chunk, org))
    return units


def arrange(session: Session, identity: Identity, *, year: int, category: str, apply: bool = False,
            box_pages: int = BOX_PAGES, volume_pages: int = VOLUME_PAGES) -> dict[str, Any]:
    """Propose (and with `apply`, carry out) the arrangement of a year's unarranged items."""
    viewer = arranger(session, identity)
    category = category.strip().upper()
    records = unarranged(session, viewer, year, category)
    units = propose_units(session, records, category, box_pages=box_pages, volume_pages=volume_pages)
    placed = sum(len(u.records) for u in units)
    shown = [u.as_json() for u in units]
    result: dict[str, Any] = {"year": year, "category": category, "applied": apply, "items": len(records), "placed": placed,
              "left": len(records) - placed, "units": shown}
    if apply:
        for unit, row in zip(units, shown, strict=True):
            row["code"] = _apply(session, viewer, unit)
        record_event(session, viewer, "arrange.apply", f"arrange:{category}:{year}",
                     {"units": len(units), "items": placed})
    return result


def _apply(session: Session, viewer: Viewer, unit: Unit) -> str:
    if unit.kind == "box":
        box = boxes.new_box(session, viewer, fonds=unit.fonds, category=unit.category, year=unit.year,
                            retention=unit.retention, org=unit.org)
        boxes.put(session, viewer, box, unit.records)
        return box.code
    if unit.kind == "dossier":
        dossier = dossiers.ensure_dossier(session, viewer, unit.records[0])
        volumes.put(session, viewer, dossier, unit.records)
        return dossier.archival_code
    existing = case_files.file_for_case(session, unit.fields["case_no"]) if unit.kind == "case_file" else None
    volume = existing or volumes.new_volume(
        session, viewer, fonds=unit.fonds, category=unit.category, year=unit.year, retention=unit.retention,
        title=unit.title, org=unit.org, kind=unit.kind,
        **({"case_state": case_files.OPEN} if unit.kind == "case_file" else {}), **unit.fields)
    volumes.put(session, viewer, volume, unit.records, reason="按规则整理 arranged by rule")
    return volume.archival_code
