"""Importing catalogues without scans (issue 14): `import_catalogue(catalog, identity, paths)`.

Rules:
- the person must be allowed to file (Action.FILE), and a row above their clearance or outside
  their scope is refused (they could not see what they made);
- every row is checked on its own: a bad row is reported with its file, sheet, row number and
  reason, and the rest goes in;
- the legacy 档号 is the record's (or volume's) archival code exactly as written, unique: a code
  already in the catalog with the same fields is "unchanged" (a re-run changes nothing), with
  other fields a conflict, reported and never overwritten;
- volumes are written before the items bound in them, whatever the order of the sheets;
- records are catalogue-only (status filed, no pages) and written in chunks, each one unit of
  work: it queues them for the index (searchable after its commit) and carries one audit event;
- `dry_run` checks everything the same way and writes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive import archival_code, audit
from archive.catalogue import reading
from archive.catalogue.messages import layout_name, say
from archive.catalogue.reading import LAYOUTS, Mapping_, Sheet
from archive.catalogue.rows import Entry, entry_of
from archive.catalogue.values import Bad
from archive.clock import utcnow
from archive.codes import DEFAULT_CATEGORIES, STATE_SECRET_LEVELS, RecordStatus, VolumeStatus
from archive.db import Catalog
from archive.errors import ValidationError
from archive.identity import Identity
from archive.lifecycle_models import LifecycleSetting
from archive.models import Category, CodeCounter, Fonds, Record, Volume
from archive.policy import Action, cleared_for, in_scope, require
from archive.retention_dates import add_months, retention_dates, transfer_years_for
from archive.unit_of_work import BUREAU_LEVEL

CHUNK = 1000
PREVIEW_ROWS = 200


@dataclasses.dataclass
class Problem:
    """A row (or a whole file, row None) that did not go in, and why."""

    source: str
    sheet: str
    row: int | None
    key: str
    params: dict[str, Any]
    code: str = ""

    def reason(self, lang: str = "zh") -> str:
        return say(self.key, lang, **self.params)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"file": self.source, "sheet": self.sheet, "row": self.row, "archival_code": self.code or None,
                "problem": self.key, "reason": self.reason(lang)}


@dataclasses.dataclass
class ImportReport:
    dry_run: bool
    created: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(LAYOUTS, 0))
    unchanged: int = 0
    problems: list[Problem] = dataclasses.field(default_factory=list)
    sheets: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    preview: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(s["rows"] for s in self.sheets)

    @property
    def conflicts(self) -> int:
        return sum(p.key == "exists_differs" for p in self.problems)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows_read,
            "created": dict(self.created),
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "problems": [p.as_dict(lang) for p in self.problems],
            "sheets": [{**s, "layout_name": layout_name(s["layout"], lang)} for s in self.sheets],
            "preview": self.preview,
        }


def import_catalogue(catalog: Catalog, identity: Identity, paths: Sequence[Path], *, dry_run: bool = False,
                     mapping: Path | None = None, retention_terms: Mapping[str, str] | None = None,
                     chunk: int = CHUNK, preview_rows: int = PREVIEW_ROWS) -> ImportReport:
    """Import the catalogue sheets of `paths` (XLSX or CSV) for `identity`."""
    require(identity.viewer, Action.FILE)
    if not paths:
        raise ValidationError("name at least one catalogue file")
    try:
        tables = reading.load_mapping(mapping, retention_terms)
    except Bad as exc:
        raise ValidationError(say(exc.key, **exc.params)) from None
    report = ImportReport(dry_run=dry_run)
    run = _Run(catalog, identity, tables, report, dry_run, chunk, preview_rows)
    with contextlib.ExitStack() as stack:
        sheets = [sheet for path in paths for sheet in _open(stack, path, tables, report)]
        for layout in LAYOUTS:  # volumes before the items bound in them
            for sheet in sheets:
                if sheet.layout == layout:
                    run.sheet(sheet)
    return report


def _open(stack: contextlib.ExitStack, path: Path, tables: Mapping_, report: ImportReport) -> list[Sheet]:
    """The sheets of one file; a file that cannot be read is reported and left out."""
    try:
        return stack.enter_context(reading.open_source(path, tables))
    except (Bad, OSError) as exc:
        key, params = (exc.key, exc.params) if isinstance(exc, Bad) else ("unreadable_file", {"reason": "OSError"})
        report.problems.append(Problem(path.name, "", None, key, params))
        return []


class _Run:
    """One import: what it has seen so far (codes, volumes) and the catalog's code tables."""

    def __init__(self, catalog: Catalog, identity: Identity, tables: Mapping_, report: ImportReport,
                 dry_run: bool, chunk: int, preview_rows: int):
        self.catalog, self.identity, self.tables, self.report = catalog, identity, tables, report
        self.dry_run, self.chunk, self.preview_rows = dry_run, chunk, preview_rows
        self.seen: dict[str, str] = {}  # code -> where it was first read
        self.volumes: dict[str, int | None] = {}  # volume code -> id (None: would be made by a dry run)
        self._fresh: list[tuple[Record, int]] = []  # records made in the chunk being written, with their rows
        with catalog.session(identity) as session:
            self.fonds = {f.code: f.id for f in session.execute(select(Fonds)).scalars()}
            self.categories = _category_names(session.execute(select(Category)).scalars())

    def sheet(self, sheet: Sheet) -> None:
        summary: dict[str, Any] = {"file": sheet.source, "sheet": sheet.name, "layout": sheet.layout, "rows": 0,
                   "header_row": sheet.header_row, "ignored_columns": sheet.ignored}
        self.report.sheets.append(summary)
        batch: list[tuple[int, Entry]] = []
        for number, cells in sheet.rows():
            summary["rows"] += 1
            entry = self._entry(sheet, number, cells)
            if entry is not None:
                batch.append((number, entry))
            if len(batch) >= self.chunk:
                self._write(sheet, batch)
                batch = []
        if batch:
            self._write(sheet, batch)

    def _entry(self, sheet: Sheet, number: int, cells: dict[str, object]) -> Entry | None:
        code = str(cells.get("archival_code") or "").strip()
        try:
            entry = entry_of(sheet.layout, cells, terms=self.tables.retention_terms, categories=self.categories)
            if entry.fonds not in self.fonds:
                raise Bad("unknown_fonds", value=entry.fonds)
            if not cleared_for(self.identity.viewer, entry.secrecy.level):
                raise Bad("above_clearance")
            if not self.identity.viewer.system and not in_scope(self.identity.viewer, entry.category,
                                                                 entry.department):
                raise Bad("out_of_scope")
            first = self.seen.get(entry.code)
            if first is not None:
                raise Bad("duplicate_in_file", value=entry.code, first=first)
        except Bad as exc:
            self._problem(sheet, number, exc.key, exc.params, code)
            return None
        self.seen[entry.code] = f"{sheet.label} #{number}"
        return entry

    def _problem(self, sheet: Sheet, number: int, key: str, params: dict[str, Any], code: str) -> None:
        self.report.problems.append(Problem(sheet.source, sheet.name, number, key, params, code))

    # -- one chunk, one unit of work ---------------------------------------------------------------
    def _write(self, sheet: Sheet, batch: list[tuple[int, Entry]]) -> None:
        with self.catalog.session(self.identity) as session:
            existing = _existing(session, [e.code for _, e in batch])
            self._learn_volumes(session, [e.volume_code for _, e in batch if e.volume_code])
            transfer_years = _transfer_years(session)
            made: list[str] = []
            self._fresh = []
            for number, entry in batch:
                action = self._one(session, sheet, number, entry, existing.get(entry.code), transfer_years)
                if action == "create":
                    made.append(entry.code)
                self._preview(sheet, number, entry, action)
            if made and not self.dry_run:
                session.flush()
                _advance_counters(session, made)
                # Every record has its own event, as filing writes one: `archive audit verify`
                # counts a record without any as history cut from the trail.
                for record, number in self._fresh:
                    audit.record(session, self.identity.username, "record.import", f"record:{record.id}",
                                 {"archival_code": record.archival_code, "file": sheet.source, "sheet": sheet.name,
                                  "row": number})
                audit.record(session, self.identity.username, "catalogue.imported", f"catalogue:{sheet.source}",
                             {"sheet": sheet.name, "layout": sheet.layout, "count": len(made),
                              "first": made[0], "last": made[-1], "codes": made})

    def _one(self, session: Session, sheet: Sheet, number: int, entry: Entry, found: Record | Volume | None,
             transfer_years: int) -> str:
        if found is not None:
            if isinstance(found, Volume) != entry.is_volume:
                self._problem(sheet, number, "code_is_volume", {"value": entry.code}, entry.code)
                return "refused"
            if _catalogue_fields(found) == entry_fields(entry, self._volume_id(entry)):
                self.report.unchanged += 1
                if isinstance(found, Volume):
                    self.volumes[found.archival_code] = found.id
                return "unchanged"
            self._problem(sheet, number, "exists_differs", {"value": entry.code}, entry.code)
            return "conflict"
        if entry.volume_code and entry.volume_code not in self.volumes:
            self._problem(sheet, number, "unknown_volume", {"value": entry.volume_code}, entry.code)
            return "refused"
        self.report.created[entry.layout] += 1
        if self.dry_run:
            if entry.is_volume:
                self.volumes[entry.code] = None
            return "create"
        if entry.is_volume:
            volume = new_volume(entry, self.fonds[entry.fonds])
            session.add(volume)
            session.flush()
            self.volumes[entry.code] = volume.id
        else:
            record = new_record(entry, self.fonds[entry.fonds], self._volume_id(entry), transfer_years,
                                origin={"file": sheet.source, "sheet": sheet.name, "row": number})
            session.add(record)
            self._fresh.append((record, number))
        return "create"

    def _volume_id(self, entry: Entry) -> int | None:
        return self.volumes.get(entry.volume_code) if entry.volume_code else None

    def _learn_volumes(self, session: Session, codes: list[str]) -> None:
        wanted = sorted(set(codes) - set(self.volumes))
        for chunk in _chunks(wanted, 500):
            for vid, code in session.execute(select(Volume.id, Volume.archival_code)
                                             .where(Volume.archival_code.in_(chunk))):
                self.volumes[code] = vid

    def _preview(self, sheet: Sheet, number: int, entry: Entry, action: str) -> None:
        if len(self.report.preview) >= self.preview_rows:
            return
        self.report.preview.append({
            "file": sheet.source, "sheet": sheet.name, "row": number, "layout": entry.layout, "action": action,
            "archival_code": entry.code, "volume_code": entry.volume_code or None, "title": entry.title,
            "year": entry.year, "retention": entry.retention, "legacy_retention": entry.legacy_retention or None,
            "secrecy": entry.secrecy.level.value, "date": entry.doc_date.isoformat() if entry.doc_date else None,
        })


# -- rows to catalog objects and back --------------------------------------------------------------

def entry_fields(entry: Entry, volume_id: int | None) -> dict[str, Any]:
    """The catalogue fields an entry sets, as stored: what a re-run compares and an export writes."""
    common = {
        "archival_code": entry.code, "category_code": entry.category, "year": entry.year,
        "retention": entry.retention, "legacy_retention": entry.legacy_retention, "org_code": entry.org_code,
        "title": entry.title, "department": entry.department, "secrecy": entry.secrecy.level.value,
        "pages": entry.pages or 0,
    }
    if entry.is_volume:
        return {**common, "volume_no": entry.number or 0, "date_range": entry.date_range, "notes": entry.notes}
    return {
        **common, "item_no": entry.number, "sequence": entry.sequence, "doc_no": entry.doc_no,
        "issuer": entry.issuer, "doc_date": entry.doc_date, "notes": entry.notes,
        "secrecy_term_months": entry.secrecy.term_months, "secrecy_marking": entry.secrecy.marking,
        "volume_id": volume_id, "date_precision": entry.date_precision or None, "page_ref": entry.page_ref or None,
    }


VOLUME_FIELDS = ("archival_code", "category_code", "year", "retention", "legacy_retention", "org_code", "title",
                 "department", "secrecy", "pages", "volume_no", "date_range", "notes")
RECORD_FIELDS = ("archival_code", "category_code", "year", "retention", "legacy_retention", "org_code", "title",
                 "department", "secrecy", "pages", "item_no", "sequence", "doc_no", "issuer", "doc_date", "notes",
                 "secrecy_term_months", "secrecy_marking", "volume_id")


def _catalogue_fields(found: Record | Volume) -> dict[str, Any]:
    if isinstance(found, Volume):
        return {name: getattr(found, name) for name in VOLUME_FIELDS}
    out = {name: getattr(found, name) for name in RECORD_FIELDS}
    kept = (found.extra or {}).get("catalogue", {})
    out["date_precision"] = kept.get("date_precision")
    out["page_ref"] = kept.get("page_ref")
    return out


def new_record(entry: Entry, fonds_id: int, volume_id: int | None, transfer_years: int,
               origin: dict[str, Any]) -> Record:
    start, due, transfer = retention_dates(entry.year, entry.retention, transfer_years)
    mark = entry.secrecy
    secret = mark.level in STATE_SECRET_LEVELS
    months = mark.term_months or (mark.level.max_term_years or 0) * 12
    kept = {k: v for k, v in (("date_precision", entry.date_precision or None),
                              ("page_ref", entry.page_ref or None)) if v}
    return Record(
        fonds_id=fonds_id, category_code=entry.category, volume_id=volume_id, year=entry.year,
        retention=entry.retention, legacy_retention=entry.legacy_retention, org_code=entry.org_code,
        item_no=entry.number, archival_code=entry.code, sequence=entry.sequence, doc_no=entry.doc_no,
        issuer=entry.issuer, title=entry.title, doc_date=entry.doc_date, pages=entry.pages or 0, notes=entry.notes,
        department=entry.department, secrecy=mark.level.value, secrecy_term_months=mark.term_months,
        secrecy_marking=mark.marking, secrecy_start=entry.doc_date if secret else None,
        declassify_on=add_months(entry.doc_date, months) if secret and entry.doc_date and not mark.long_term
        else None,
        status=RecordStatus.FILED.value, filed_at=utcnow(), retention_start=start, retention_due=due,
        transfer_due=transfer, extra={"catalogue": {"imported": True, "scans": False, **kept, **origin}},
    )


def new_volume(entry: Entry, fonds_id: int) -> Volume:
    return Volume(
        fonds_id=fonds_id, category_code=entry.category, year=entry.year, retention=entry.retention,
        legacy_retention=entry.legacy_retention, org_code=entry.org_code, volume_no=entry.number or 0,
        archival_code=entry.code, title=entry.title, department=entry.department,
        secrecy=entry.secrecy.level.value, pages=entry.pages or 0, status=VolumeStatus.IN_STORE.value,
        date_range=entry.date_range, notes=entry.notes,
    )


# -- catalog look-ups ------------------------------------------------------------------------------

def _category_names(rows: Iterable[Category]) -> dict[str, str]:
    """Code, Chinese and English name (any case) → code, so 文书档案, documents and WS all read."""
    names: dict[str, str] = {}
    for code, zh, en in DEFAULT_CATEGORIES:
        names.update({code: code, zh: code, en.lower(): code})
    for row in rows:
        names.update({row.code: row.code, row.name_zh: row.code, row.name_en.lower(): row.code})
    return names


def _existing(session: Session, codes: list[str]) -> dict[str, Record | Volume]:
    out: dict[str, Record | Volume] = {}
    for chunk in _chunks(codes, 500):
        out.update((r.archival_code, r) for r in session.execute(
            select(Record).where(Record.archival_code.in_(chunk))).scalars() if r.archival_code)
        out.update((v.archival_code, v) for v in session.execute(
            select(Volume).where(Volume.archival_code.in_(chunk))).scalars())
    return out


def _transfer_years(session: Session) -> int:
    row = session.get(LifecycleSetting, "transfer_years")
    configured = row.value.get("value") if row is not None else None
    return transfer_years_for(configured, session.info.get(BUREAU_LEVEL, "prefecture"))


def _advance_counters(session: Session, codes: list[str]) -> None:
    """An imported code of today's pattern moves its prefix's counter past it, so a code issued
    later never repeats one that came from the old catalogue."""
    highest: dict[str, int] = {}
    for code in codes:
        if not archival_code.is_well_formed(code):
            continue
        parts, item = archival_code.parse(code)
        highest[parts.prefix] = max(item, highest.get(parts.prefix, 0))
    if not highest:
        return
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for prefix, item in sorted(highest.items()):
        stmt = upsert(CodeCounter).values(prefix=prefix, last=item)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[CodeCounter.prefix],
            set_={"last": _greatest(session, stmt.excluded.last)}))


def _greatest(session: Session, excluded: Any) -> Any:
    return case((CodeCounter.last < excluded, excluded), else_=CodeCounter.last)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

