"""Export → import into a fresh catalog reproduces the catalogue fields exactly (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive import seed
from archive.catalogue import export
from archive.catalogue.service import RECORD_FIELDS, VOLUME_FIELDS, import_catalogue
from archive.db import Catalog
from archive.models import Record, Volume
from tests.catalogue.legacy import make_legacy
from tests.conftest import new_catalog_url


def _fields(catalog):
    with catalog.session() as s:
        volumes = {v.id: v.archival_code for v in s.execute(select(Volume)).scalars()}
        records = {}
        for r in s.execute(select(Record)).scalars():
            row = {k: getattr(r, k) for k in RECORD_FIELDS if k != "volume_id"}
            row["volume"] = volumes.get(r.volume_id)
            kept = r.extra.get("catalogue", {})
            row.update(date_precision=kept.get("date_precision"), page_ref=kept.get("page_ref"),
                       marking=r.secrecy_marking, declassify_on=r.declassify_on, retention_due=r.retention_due)
            records[r.archival_code] = row
        vols = {v.archival_code: {k: getattr(v, k) for k in VOLUME_FIELDS} for v in s.execute(select(Volume)).scalars()}
    return records, vols


@pytest.mark.parametrize("as_csv", [False, True], ids=["xlsx", "csv-gb18030"])
def test_export_then_import_gives_the_same_catalogue(seeded, operator, tmp_path, request, as_csv):
    legacy = make_legacy(tmp_path / "legacy", items=300, volumes=10, per_volume=8, csv_rows=40)
    # Values a spreadsheet would take for formulas survive too.
    extra = tmp_path / "odd.csv"
    extra.write_text("档号,题名,文号,保管期限,备注\nJ001-WS·2002-Y-0001,=HYPERLINK(\"x\"),-1号,永久,@备注\n",
                     encoding="utf-8")
    import_catalogue(seeded, operator, [legacy.workbook, legacy.csv, extra])
    with seeded.session(operator) as s:
        tables = export.export_catalogue(s, operator)
    if as_csv:
        files = []
        for table in tables:
            path = tmp_path / f"{table.layout}.csv"
            path.write_bytes(export.to_csv(table, gb18030=True))
            files.append(path)
    else:
        files = [tmp_path / "catalogue.xlsx"]
        files[0].write_bytes(export.to_xlsx(tables))

    (tmp_path / "fresh").mkdir()
    fresh = Catalog(new_catalog_url(seeded.dialect, request, tmp_path / "fresh"))
    try:
        with fresh.session() as s:
            seed.seed_defaults(s, "test")
        report = import_catalogue(fresh, operator, files)
        assert report.problems == []
        assert _fields(fresh) == _fields(seeded)
    finally:
        fresh.dispose()
