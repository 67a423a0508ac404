"""Batch manifests (CSV or XLSX): group files into records and supply what is already known.

Columns (header names, Chinese or English): file/文件 (required, relative to the manifest),
record/件 (rows sharing a value form one record, pages in row order), fonds/全宗, category/门类,
volume/卷, box/盒, year/年度, retention/保管期限, secrecy/密级, title/题名, department/部门,
transaction_no/业务流水号 (rows sharing one form one record, one transaction being one item),
insurance_type/险种, operator/扫描人 (who scanned the pages; default: who ingests them); from a
business-system export: person_name/姓名, person_id/身份证号, business_step/业务环节, handler/经办人,
doc_date/办理日期, doc_no/文号, issuer/责任者 (these win over what is read from the pages).
The volume and box (by code, or by number in the record's series) receive the record as it is
filed (archive.arrangement.placing); rows naming neither wait for `archive arrange`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from archive.errors import ValidationError

ALIASES = {
    "file": "file", "文件": "file", "path": "file",
    "record": "record", "件": "record", "件号": "record",
    "fonds": "fonds", "全宗": "fonds", "全宗号": "fonds",
    "category": "category", "门类": "category",
    "volume": "volume", "卷": "volume", "案卷": "volume", "卷号": "volume",
    "box": "box", "盒": "box", "盒号": "box",
    "year": "year", "年度": "year",
    "retention": "retention", "保管期限": "retention",
    "secrecy": "secrecy", "密级": "secrecy",
    "title": "title", "题名": "title",
    "department": "department", "部门": "department",
    "transaction": "transaction_no", "transaction_no": "transaction_no", "业务流水号": "transaction_no",
    "流水号": "transaction_no", "insurance_type": "insurance_type", "险种": "insurance_type",
    "operator": "operator", "扫描人": "operator", "操作员": "operator",
    # A business-system export (and a born-digital file's sidecar, ingest.born_digital.sidecar):
    # these win over what is read from the pages.
    "person_name": "person_name", "person": "person_name", "姓名": "person_name", "参保人": "person_name",
    "person_id": "person_id", "id_number": "person_id", "身份证号": "person_id", "公民身份号码": "person_id",
    "business_step": "business_step", "业务环节": "business_step", "handler": "handler", "经办人": "handler",
    "doc_date": "doc_date", "date": "doc_date", "日期": "doc_date", "办理日期": "doc_date",
    "doc_no": "doc_no", "文号": "doc_no", "issuer": "issuer", "责任者": "issuer",
}


def read_manifest(path: Path) -> list[tuple[list[Path], dict]]:
    """[(files in page order, metadata)] per record."""
    rows = _rows(path)
    if not rows:
        raise ValidationError(f"{path.name}: the manifest has no rows")
    groups: dict[str, tuple[list[Path], dict]] = {}
    for number, row in enumerate(rows, start=2):
        name = (row.get("file") or "").strip()
        if not name:
            raise ValidationError(f"{path.name} row {number}: the file column is empty")
        file = (path.parent / name).resolve()
        # One transaction is one item: rows sharing a 业务流水号 (and no 件 of their own) form one record.
        key = (row.get("record") or "").strip() or _transaction_key(row) or f"row{number}"
        meta = {k: str(v).strip() for k, v in row.items() if k not in ("file", "record") and v not in (None, "")}
        files, known = groups.setdefault(key, ([], {}))
        files.append(file)
        known.update(meta)
    return list(groups.values())


def _transaction_key(row: dict) -> str:
    value = str(row.get("transaction_no") or "").strip()
    return f"transaction:{value}" if value else ""


def _rows(path: Path) -> list[dict]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            raw = list(csv.DictReader(fh))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        header = [str(h or "").strip() for h in values[0]] if values else []
        raw = [dict(zip(header, row, strict=False)) for row in values[1:] if any(c is not None for c in row)]
    else:
        raise ValidationError(f"{path.name}: a manifest must be .csv or .xlsx")
    out = []
    for row in raw:
        mapped = {}
        for key, value in row.items():
            name = ALIASES.get(str(key or "").strip().lower()) or ALIASES.get(str(key or "").strip())
            if name:
                mapped[name] = value
        out.append(mapped)
    if out and "file" not in set().union(*out):
        raise ValidationError(f"{path.name}: the manifest needs a 'file' (文件) column")
    return out
