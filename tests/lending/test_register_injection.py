"""Issue 12 #10/#11 through the lending service: the consultation register in CSV, XLSX and PDF."""

from archive.lending import registers, requests
from tests.injection_checks import FORMULAS, MARKUP, _check_pdf, _csv_cells, _inert, _xlsx_cells
from tests.lending.helpers import who, world


def _purposes(session, w) -> None:
    for purpose in FORMULAS + MARKUP:
        requests.create_request(session, who(session, "wang"), purpose=purpose, form="electronic",
                                record_ids=[w["records"]["internal"]])


def test_consultation_register_keeps_typed_text_inert(catalog):
    with catalog.session() as s:
        w = world(s)
        _purposes(s, w)
        arch = who(s, "arch")
        cells = _csv_cells(registers.export(s, arch, "consultation", "csv"))
        for formula in FORMULAS:
            assert "'" + formula in cells
        assert all(_inert(c) for c in cells)
        xlsx = _xlsx_cells(registers.export(s, arch, "consultation", "xlsx"))
        purposes = [c for c in xlsx if any(f in str(c.value) for f in FORMULAS)]
        assert len(purposes) == len(FORMULAS)
        assert all(c.data_type == "s" and str(c.value).startswith("'") for c in purposes)
        _check_pdf(registers.export(s, arch, "consultation", "pdf"), MARKUP)
