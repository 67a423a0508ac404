"""Registers export (CSV, XLSX, PDF), inventory results, receiving and transfer notices."""

import csv
import datetime as dt
import io

import openpyxl
import pypdf
import pytest

from archive.clock import set_clock, today, utcnow
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending import inventory, personnel, registers, requests, store, transfers
from archive.models import AuditEvent, User
from tests.lending.helpers import make_volume, who, world


def lend(s, w, level, requester, approver):
    req = requests.create_request(s, who(s, requester), purpose="查考", form="loan", volume_ids=[w["volumes"][level]])
    requests.approve(s, who(s, approver), req.id)
    return requests.issue_loans(s, who(s, "arch"), req.id)[0]


def test_registers_export_in_three_formats(catalog):
    with catalog.session() as s:
        w = world(s)
        lend(s, w, "internal", "wang", "head_ylk")
        lend(s, w, "confidential", "zhao", "leader")
        code = s.get(registers.Volume, w["volumes"]["internal"]).archival_code
        secret_code = s.get(registers.Volume, w["volumes"]["confidential"]).archival_code
        body = registers.export(s, who(s, "arch"), "loans", "csv")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0][0] == "借阅单号" and {r[1] for r in rows[1:]} == {code, secret_code}
        book = openpyxl.load_workbook(io.BytesIO(registers.export(s, who(s, "arch"), "inout", "xlsx")))
        cells = [c.value for row in book.active.iter_rows() for c in row]
        assert code in cells and "出库" in cells
        pdf = pypdf.PdfReader(io.BytesIO(registers.export(s, who(s, "arch"), "loans", "pdf")))
        text = "".join(p.extract_text() for p in pdf.pages)
        assert "2018-D30-001" in text and len(pdf.pages) >= 1
        fonts = [f.get_object() for f in pdf.pages[0]["/Resources"]["/Font"].values()]
        assert fonts and all("/FontFile2" in f["/FontDescriptor"] for f in fonts)  # embedded (archive.paper)
        # a viewer below confidential does not get the confidential row; staff may not export at all
        office_rows = registers.rows(s, who(s, "head_ylk").viewer, "loans")
        assert {r[1] for r in office_rows} == {code}
        with pytest.raises(Forbidden):
            registers.export(s, who(s, "wang"), "loans", "csv")
        later = utcnow() + dt.timedelta(days=30)
        set_clock(lambda: later)
        try:
            overdue_rows = registers.rows(s, who(s, "arch").viewer, "overdue")
            assert len(overdue_rows) == 2 and all(int(r[-1]) >= 22 for r in overdue_rows)
        finally:
            set_clock(None)
        consult = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                          record_ids=[w["records"]["internal"]])
        assert consult.number in registers.export(s, who(s, "arch"), "consultation", "csv").decode("utf-8-sig")


def test_inventory_finds_missing_misplaced_and_unexpected(catalog):
    with catalog.session() as s:
        w = world(s)
        a = make_volume(s, w["fonds"], "J001-WS·2019-D30-001")
        b = make_volume(s, w["fonds"], "J001-WS·2019-D30-002")
        c = make_volume(s, w["fonds"], "J001-WS·2019-D30-003")
        for vol, shelf in ((a, "K1-01-01-01-01"), (b, "K1-01-01-01-01"), (c, "K1-01-01-01-02")):
            store.shelve(s, who(s, "arch"), vol.id, shelf)
        check = inventory.open_check(s, who(s, "arch"), room="K1")
        inventory.scan(s, who(s, "arch"), check.id, "K1-01-01-01-01", [a.archival_code, "J009-WS·2000-Y-999"])
        inventory.scan(s, who(s, "arch"), check.id, "K1-01-01-01-02", [b.archival_code])
        result = inventory.close_check(s, who(s, "arch"), check.id)
        assert [m["code"] for m in result["missing"]] == [c.archival_code]
        assert result["misplaced"] == [{"code": b.archival_code, "expected": "K1-01-01-01-01", "found": "K1-01-01-01-02"}]
        assert [u["code"] for u in result["unexpected"]] == ["J009-WS·2000-Y-999"]
        assert s.get(inventory.InventoryCheck, check.id).result == result  # kept
        with pytest.raises(Conflict):
            inventory.scan(s, who(s, "arch"), check.id, "K1-01-01-01-01", [a.archival_code])
        # a volume of another room found here is misplaced, not unexpected
        d = make_volume(s, w["fonds"], "J001-WS·2019-D30-004")
        store.shelve(s, who(s, "arch"), d.id, "K2-01-01-01-01")
        second = inventory.open_check(s, who(s, "arch"), room="K1")
        inventory.scan(s, who(s, "arch"), second.id, "K1-01-01-01-02", [c.archival_code, d.archival_code])
        again = inventory.close_check(s, who(s, "arch"), second.id)
        assert {m["code"] for m in again["misplaced"]} == {d.archival_code}
        assert {m["code"] for m in again["missing"]} == {a.archival_code, b.archival_code}
        with pytest.raises(Forbidden):
            inventory.open_check(s, who(s, "wang"))


def test_transfer_register_signed_checked_against_arrivals_and_business_csv(catalog):
    with catalog.session() as s:
        w = world(s)
        vol = make_volume(s, w["fonds"], "J001-SB·2025-D100-001", category="SB")
        lines = [transfers.Line(vol.archival_code, "养老待遇核定", 30, "T001"),
                 transfers.Line("J001-SB·2025-D100-002", "参保登记", 12, "T002")]
        with pytest.raises(Forbidden):  # wang works in YLK: he hands over his own department's records only
            transfers.submit_register(s, who(s, "wang"), department="BGS", year=2025, category_code="SB", lines=lines)
        reg = transfers.submit_register(s, who(s, "wang"), department="YLK", year=2025, category_code="SB",
                                        lines=lines)
        assert (reg.status, reg.handed_by, reg.dept_head) == ("unsigned", "wang", "")
        with pytest.raises(Conflict):  # the archive checks a register its department head signed
            transfers.check_arrivals(s, who(s, "arch"), reg.id, {vol.archival_code: 30})
        with pytest.raises(Forbidden):  # the person handing over does not sign for the head
            transfers.sign_register(s, who(s, "wang"), reg.id)
        with pytest.raises(NotFound):  # another department's head: the register does not exist for them
            transfers.sign_register(s, who(s, "head_bgs"), reg.id)
        with pytest.raises(Forbidden):  # an archivist sees it, but does not sign for the department
            transfers.sign_register(s, who(s, "arch"), reg.id)
        assert transfers.sign_register(s, who(s, "head_ylk"), reg.id).dept_head == "head_ylk"
        with pytest.raises(Conflict):  # signed once
            transfers.sign_register(s, who(s, "head_ylk"), reg.id)
        with pytest.raises(Conflict):  # items are decided after the check
            transfers.decide(s, who(s, "arch"), reg.id, vol.archival_code, "accept")
        with pytest.raises(Forbidden):  # receiving is the archivists'
            transfers.check_arrivals(s, who(s, "wang"), reg.id, {vol.archival_code: 30})
        result = transfers.check_arrivals(s, who(s, "arch"), reg.id, {vol.archival_code: 29, "J001-X": 3},
                                          transactions_csv="\ufeff业务流水号,姓名\nT001,张三\nT003,李四\n")
        assert result["not_listed"] == ["J001-X"] and result["transactions_without_item"] == ["T003"]
        assert any("页数" in p for p in result["problems"][vol.archival_code])
        assert any("未到" in p for p in result["problems"]["J001-SB·2025-D100-002"])
        with pytest.raises(ValidationError):
            transfers.decide(s, who(s, "arch"), reg.id, "J001-SB·2025-D100-002", "reject")
        with pytest.raises(Conflict):
            transfers.decide(s, who(s, "arch"), reg.id, "J001-SB·2025-D100-002", "accept")
        transfers.decide(s, who(s, "arch"), reg.id, "J001-SB·2025-D100-002", "reject", reason="未移交实物")
        with pytest.raises(Conflict):  # once items are decided, the check is not redone
            transfers.check_arrivals(s, who(s, "arch"), reg.id, {vol.archival_code: 30})
        with pytest.raises(Conflict):  # each item is decided once
            transfers.decide(s, who(s, "arch"), reg.id, "J001-SB·2025-D100-002", "reject", reason="再次")
        transfers.decide(s, who(s, "arch"), reg.id, vol.archival_code, "accept", shelf="K2-01-01-01-01")
        assert s.get(transfers.TransferRegister, reg.id).status == "closed"
        assert store.history(s, who(s, "arch"), vol.id)[0]["to"] == "K2-01-01-01-01"
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.seq)]
        for action in ("transfer.submit", "transfer.sign", "transfer.check", "transfer.reject", "store.in",
                       "volume.shelve", "transfer.accept"):
            assert action in actions
        # The department sees its own registers; another department's staff does not.
        assert [r.id for r in transfers.list_registers(s, who(s, "head_ylk"))] == [reg.id]
        assert transfers.list_registers(s, who(s, "li")) == []
        with pytest.raises(NotFound):
            transfers.visible_register(s, who(s, "li"), reg.id)
        own = transfers.submit_register(s, who(s, "head_ylk"), department="YLK", year=2025, category_code="SB",
                                        lines=[transfers.Line("J001-SB·2025-D100-003", "卷", 3)])
        with pytest.raises(Forbidden):  # the head who handed over does not countersign their own register
            transfers.sign_register(s, who(s, "head_ylk"), own.id)


def test_dossier_notice_once_and_personnel_file_receipts(catalog):
    with catalog.session() as s:
        world(s)
        s.add(User(username="arch_ws", role="archivist", clearance="secret", departments=[], categories=["WS"]))
        s.flush()
        papers = {"person_id_number": "110101199003071234", "person_name": "王某",
                  "present": ["1 干部履历表", "3 年度考核登记表"], "problems": ["出生日期前后不一致"]}
        with pytest.raises(Forbidden):  # not an archivist
            personnel.check_dossier(s, who(s, "wang"), **papers)
        with pytest.raises(Forbidden):  # an archivist whose scope leaves out personnel files
            personnel.check_dossier(s, who(s, "arch_ws"), **papers)
        dossier = personnel.check_dossier(s, who(s, "arch"), **papers)
        with pytest.raises(Conflict):  # nothing to sign before the notice
            personnel.sign_undertaking(s, who(s, "arch"), dossier.id)
        notice = personnel.issue_missing_notice(s, who(s, "arch"), dossier.id)
        assert "6 入党入团材料" in notice and "1 干部履历表" not in notice and "出生日期" in notice
        with pytest.raises(Conflict):
            personnel.issue_missing_notice(s, who(s, "arch"), dossier.id)
        assert personnel.sign_undertaking(s, who(s, "arch"), dossier.id).undertaking_signed_at is not None
        with pytest.raises(Conflict):  # signed once
            personnel.sign_undertaking(s, who(s, "arch"), dossier.id)
        with pytest.raises(Forbidden):
            personnel.send_personnel_file(s, who(s, "arch"), person_id_number="110101199003071234", person_name="王某",
                                          to_unit="某县人社局", carrier="messenger", carrier_name="王某")
        n1 = personnel.send_personnel_file(s, who(s, "arch"), person_id_number="110101199003071234", person_name="王某",
                                           to_unit="某县人社局", carrier="courier", carrier_name="机要员甲")
        n2 = personnel.send_personnel_file(s, who(s, "arch"), person_id_number="110101199102021111", person_name="李某",
                                           to_unit="某县人社局", carrier="messenger", carrier_name="专人乙")
        personnel.record_receipt(s, who(s, "arch"), n2.id, "收件人丙")
        with pytest.raises(Conflict):  # a receipt comes back once
            personnel.record_receipt(s, who(s, "arch"), n2.id, "收件人丁")
        with pytest.raises(Conflict):  # not due yet
            personnel.chase(s, who(s, "arch"), n1.id)
        later = utcnow() + dt.timedelta(days=35)
        set_clock(lambda: later)
        try:
            assert [n.id for n in personnel.receipts_to_chase(s, who(s, "arch"))] == [n1.id]
            assert personnel.chase(s, who(s, "arch"), n1.id).chased_on == today()
            with pytest.raises(Conflict):  # its receipt came back
                personnel.chase(s, who(s, "arch"), n2.id)
            with pytest.raises(Forbidden):
                personnel.receipts_to_chase(s, who(s, "wang"))
        finally:
            set_clock(None)


def test_filing_deadline_counts_what_the_viewer_may_see(catalog):
    from tests.catalog.helpers import make_record

    with catalog.session() as s:
        w = world(s)
        assert transfers.filing_deadline(2025) == dt.date(2026, 6, 30)
        assert transfers.filing_deadline(2025, "03-31") == dt.date(2026, 3, 31)
        make_record(s, w["fonds"], year=utcnow().year - 1, status="received", secrecy="secret", department="BGS")
        status = transfers.filing_status(s, who(s, "arch"), "06-30")
        assert status["unfiled"] == 1 and status["year"] == utcnow().year - 1
        assert transfers.filing_status(s, who(s, "wang"), "06-30")["unfiled"] == 0  # above wang's clearance
