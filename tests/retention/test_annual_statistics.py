"""Issue 19 item 18: the annual statistics report (档案统计年报) — holdings at the year's end by
category and retention (items, volumes, pages, boxes, shelf metres from the configured box
thickness), the year's additions, the digitised share, uses by purpose and form, destructions and
transfers; as JSON, PDF/A and XLSX; counted within the reader's clearance; audited."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from archive import audit
from archive.cli import _load_plugins, main
from archive.errors import Forbidden, ValidationError
from archive.identity import of_user
from archive.lending.models import LoanRequest, LoanRequestItem
from archive.models import Box, Page, Record, User, Volume
from archive.transfer_models import StateTransfer, StateTransferItem
from retention import annual_statistics, rules
from tests.cli_auth import token_for
from tests.retention.builders import make_record
from tests.retention.workflow import approved_register, execute, person

UTC = dt.UTC


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def year(world, store):
    """Holdings across categories filed in 2019 and 2020, one filed just after 2020 ended (China
    time), one secret, one transferred and two destroyed in 2020, and three granted requests."""
    fonds = world["fonds_id"]
    with world["catalog"].session() as s:
        box = Box(fonds_id=fonds, category_code="WS", year=2019, retention="Y", box_no=1, code="J001-WS·2019-Y-H001")
        box2 = Box(fonds_id=fonds, category_code="WS", year=2019, retention="Y", box_no=2, code="J001-WS·2019-Y-H002")
        volume = Volume(fonds_id=fonds, category_code="SB", year=2020, retention="D100", volume_no=1,
                        archival_code="J001-SB·2020-D100-V001")
        s.add_all([box, box2, volume])
        s.flush()

        def filed(when: str, **fields) -> Record:
            record = make_record(s, fonds, **{"year": 2019, "retention": "Y", "pages": 3, **fields})
            record.filed_at = _at(when)
            return record

        ws = [filed("2019-05-01T00:00", box_id=box.id), filed("2019-06-01T00:00", box_id=box.id),
              filed("2020-02-01T00:00", box_id=box2.id)]
        sb = [filed("2020-12-31T15:59", category_code="SB", retention="D100", volume_id=volume.id, pages=5),
              filed("2020-03-01T00:00", category_code="SB", retention="D100", volume_id=volume.id, pages=5,
                    secrecy="secret")]
        late = filed("2020-12-31T16:00", category_code="KJ", retention="D30")  # 2021-01-01 in Beijing
        gone = filed("2019-01-10T00:00", category_code="WS", retention="Y")
        gone.transferred_at, gone.status = _at("2020-06-01T00:00"), "transferred"
        for record in ws[:2] + sb[:1]:
            s.add(Page(record_id=record.id, page_no=1, sha256="x" * 64))
        transfer = StateTransfer(title="2020年移交", to_archive="市档案馆", status="completed",
                                 as_of=dt.date(2020, 5, 1), created_by="arch", completed_at=_at("2020-06-01T00:00"))
        s.add(transfer)
        s.flush()
        s.add(StateTransferItem(transfer_id=transfer.id, seq_no=1, level="record", record_id=gone.id, year=2019,
                                retention="Y", secrecy="internal", pages=3))
        for n, (purpose, form, level, status, when, readers) in enumerate((
                ("工作查考", "reading_room", "internal", "closed", "2020-04-01T02:00", ["staff1"]),
                ("工作查考", "electronic", "internal", "approved", "2020-05-01T02:00", ["staff1", "arch"]),
                ("编史修志", "loan", "secret", "issued", "2020-06-01T02:00", ["lead"]),
                ("工作查考", "reading_room", "internal", "rejected", "2020-07-01T02:00", ["staff1"]),
                ("工作查考", "reading_room", "internal", "closed", "2019-07-01T02:00", ["staff1"]))):
            request = LoanRequest(number=f"JY2020{n:04d}", requester="staff1", purpose=purpose, form=form, level=level,
                                  status=status, created_at=_at(when), readers=readers)
            s.add(request)
            s.flush()
            s.add(LoanRequestItem(request_id=request.id, record_id=ws[0].id, secrecy=level))
        ids = {"ws": [r.id for r in ws], "sb": [r.id for r in sb], "late": late.id}
    register_id, destroyed = approved_register(world, store, n=2, n_objects=1, category_code="KJ")
    execute(world, store, register_id)  # on 2020-03-01
    ids["destroyed"] = destroyed
    return ids


def _report(world, who="aud", year=2020):
    viewer = person(world, who)
    with world["catalog"].session(viewer) as s:
        return annual_statistics.annual(s, viewer, year=year)


def test_holdings_additions_and_digitised_share_of_a_year(world, year):
    report = _report(world)
    rows = {(r["category"], r["retention"]): r for r in report["holdings"]}
    # not the 2021 record, the transferred or the destroyed ones; the appraisal report and the
    # destruction register of 2020 are filed, permanently, in the category they destroyed
    assert set(rows) == {("WS", "Y"), ("SB", "D100"), ("KJ", "Y")} and rows["KJ", "Y"]["items"] == 2
    ws, sb = rows["WS", "Y"], rows["SB", "D100"]
    assert (ws["items"], ws["pages"], ws["boxes"], ws["volumes"], ws["digitised"]) == (3, 9, 2, 0, 2)
    assert (sb["items"], sb["pages"], sb["boxes"], sb["volumes"], sb["digitised"]) == (2, 10, 0, 1, 1)
    assert ws["linear_metres"] == 0.06 and ws["category_name"] == "文书档案" and ws["retention_name"] == "永久"
    totals = report["totals"]
    assert (totals["items"], totals["pages"], totals["boxes"], totals["digitised"]) == (7, 21, 2, 3)
    assert totals["digitised_share"] == round(3 / 7, 4)
    assert {r["category"]: r["items"] for r in report["additions"]} == {"WS": 1, "SB": 2, "KJ": 2}
    assert {r["category"]: r["items"] for r in report["destructions"]} == {"KJ": 2}
    assert [(r["category"], r["items"], r["pages"]) for r in report["transfers"]] == [("WS", 1, 3)]
    earlier = _report(world, year=2019)["totals"]
    assert earlier["items"] == 3  # two WS filed in 2019 and the one transferred in 2020
    admin = person(world, "admin")
    with world["catalog"].session(admin) as s:
        rules.put(s, admin, "box_thickness_mm", 50)
    assert _report(world)["totals"]["linear_metres"] == 0.1


def test_uses_by_purpose_and_form(world, year):
    uses = _report(world)["uses"]
    assert (uses["requests"], uses["person_times"], uses["items"]) == (3, 4, 3)  # granted in 2020 only
    assert {r["purpose"]: r["requests"] for r in uses["by_purpose"]} == {"工作查考": 2, "编史修志": 1}
    assert {r["form_name"]: r["person_times"] for r in uses["by_form"]} == {"阅档室查阅": 1, "在线查阅": 2, "实物借出": 1}


def test_counts_stay_within_the_readers_clearance_and_reading_is_audited(world, year):
    with world["catalog"].session() as s:
        low = User(username="aud_low", role="auditor", clearance="internal", display_name="aud_low")
        s.add(low)
        s.flush()
        who = of_user(low, channel="web", origin="test")
    with world["catalog"].session(who) as s:
        report = annual_statistics.annual(s, who, year=2020)
        assert report["counted_for"] == "aud_low"
        assert audit.events(s, action="statistics.annual", limit=1)[0].actor == "aud_low"
    assert report["totals"]["items"] == 6  # the secret SB record is not counted
    assert report["uses"]["requests"] == 2  # nor the use of secret material
    for name in ("staff1", "admin"):
        with pytest.raises(Forbidden):
            _report(world, name)
    with pytest.raises(ValidationError):
        _report(world, year=20)


def test_the_report_as_pdfa_and_spreadsheet(world, year):
    viewer = person(world, "aud")
    with world["catalog"].session(viewer) as s:
        pdf, media, _ = annual_statistics.render(s, viewer, year=2020, fmt="pdf")
        xlsx, _, _ = annual_statistics.render(s, viewer, year=2020, fmt="xlsx")
        with pytest.raises(ValidationError):
            annual_statistics.render(s, viewer, year=2020, fmt="doc")
        formats = [e.details.get("format") for e in audit.events(s, action="statistics.annual", limit=5)]
    assert media == "application/pdf" and pdf.startswith(b"%PDF") and b"pdfaid" in pdf
    book = load_workbook(io.BytesIO(xlsx))
    holdings = book[book.sheetnames[1]]
    assert [c.value for c in holdings[1]][:3] == ["门类", "保管期限", "件数"]
    assert [c.value for c in holdings[holdings.max_row]][:3] == ["合计", None, 7]  # numbers stay numbers
    assert set(formats) >= {"pdf", "xlsx"}


def test_the_report_from_the_command_line(world, year, archive_env, capsys, monkeypatch, tmp_path):
    _load_plugins()
    monkeypatch.setenv("ARCHIVE_TOKEN", token_for(archive_env["database_url"], "aud"))

    def run(*args):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run("statistics", "annual", "--year", 2020, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["totals"]["items"] == 7
    target = tmp_path / "report.xlsx"
    code, out, err = run("statistics", "annual", "--year", 2020, "--format", "xlsx", "--output", target)
    assert code == 0 and target.read_bytes().startswith(b"PK"), err
