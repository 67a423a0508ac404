"""Issue 12 #10 in the compliance report: a hold reason that looks like a formula stays text."""

from retention import holds, reports
from tests.injection_checks import FORMULAS, _csv_cells, _inert, _xlsx_cells
from tests.retention.workflow import due_records, person


def test_compliance_report_keeps_a_formula_hold_reason_inert(world, store):
    (record_id,) = due_records(world, store, n=1)
    director = person(world, "boss")
    with world["catalog"].session(director) as s:
        for reason in FORMULAS:
            holds.place(s, director, reason=reason, scope="record", target=str(record_id))
    with world["catalog"].session() as s:
        report = reports.build(s, world["clock"].now.date())
    cells = _csv_cells(reports.to_csv(report))
    for formula in FORMULAS:
        assert "'" + formula in cells
    assert all(_inert(c) for c in cells)
    reasons = [c for c in _xlsx_cells(reports.to_xlsx(report)) if any(f in str(c.value) for f in FORMULAS)]
    assert len(reasons) == len(FORMULAS)
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in reasons)
