"""The request register and its statutory clock: 20 working days from the day after receipt,
extended once by 20 with the office director's approval, five kinds of answer, reminders."""

import pytest

from archive.disclosure import report, requests
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.models import AuditEvent
from tests.catalog.helpers import make_record
from tests.disclosure.conftest import person


def _register(s, who="arch", received="2026-09-28", **kw):
    return requests.register(s, person(s, who), requester="张三", content="2025年社保扩面工作方案",
                             received_on=received, id_number="110101199003071234", **kw)


def test_deadline_over_golden_week_2026_and_the_extension(bureau, clock):
    clock("2026-09-28")
    with bureau["catalog"].session() as s:
        made = _register(s)
        # Tue 29 (1), Wed 30 (2), 1–7 Oct off, Thu 8 (3), Fri 9 (4), Sat 10 调休 (5), 12–16 (6–10),
        # 19–23 (11–15), 26–30 (16–20): 30 October, not the 26th that weekends alone would give.
        assert made["due_on"] == "2026-10-30" and made["number"] == "2026-001"
        assert made["working_days_left"] == 20 and made["calendar_notes"] == []
        with pytest.raises(Forbidden):  # the archivist may not approve the extension
            requests.extend(s, person(s, "arch"), made["id"], "涉及第三方，须征求意见")
        longer = requests.extend(s, person(s, "office"), made["number"], "涉及第三方，须征求意见")
        assert longer["due_on"] == "2026-11-27" and longer["first_due_on"] == "2026-10-30"  # +20 working days
        assert longer["extension_approved_by"] == "office"
        with pytest.raises(Conflict):  # once only
            requests.extend(s, person(s, "office"), made["id"], "again")
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.seq)]
        assert actions[-2:] == ["disclosure.request.register", "disclosure.request.extend"]


def test_no_extension_after_the_deadline_and_no_telephone_requests(bureau, clock):
    clock("2026-03-02")
    with bureau["catalog"].session() as s:
        made = _register(s, received="2026-03-02")
        assert made["due_on"] == "2026-03-30"
        with pytest.raises(ValidationError, match="telephone"):
            _register(s, received="2026-03-02", form="telephone")
    clock("2026-03-31")
    with bureau["catalog"].session() as s:
        with pytest.raises(Conflict, match="too late"):
            requests.extend(s, person(s, "office"), made["id"], "late")
        assert requests.show(s, person(s, "arch"), made["id"])["overdue"] is True


def test_five_answers_with_reasons_and_the_annual_report(bureau, clock):
    clock("2026-06-01")
    with bureau["catalog"].session() as s:
        numbers = [_register(s, received="2026-05-20")["id"] for _ in range(6)]
        arch = person(s, "arch")
        with pytest.raises(ValidationError, match="reason"):
            requests.answer(s, arch, numbers[0], "refused")
        with pytest.raises(ValidationError):
            requests.answer(s, arch, numbers[0], "refused", reason="not_held")  # not a refusal reason
        requests.answer(s, arch, numbers[0], "refused", reason="personal_privacy", text="涉及他人个人信息")
        requests.answer(s, arch, numbers[1], "granted")
        requests.answer(s, arch, numbers[2], "部分公开", reason="process_info")
        requests.answer(s, arch, numbers[3], "unavailable", reason="not_held")
        requests.answer(s, arch, numbers[4], "not_processed", reason="repeat")
        with pytest.raises(Conflict):
            requests.answer(s, arch, numbers[4], "granted")
        data = report.annual(s, arch, 2026)
        assert data["received"] == 6 and data["answered"] == 5 and data["carried_out"] == 1
        assert data["outcomes"] == {"granted": 1, "partial": 1, "refused": 1, "unavailable": 1, "not_processed": 1}
        assert data["reasons"]["refused"]["personal_privacy"] == 1
        pdf, media, name = report.annual(s, arch, 2026, fmt="pdf")
        assert pdf.startswith(b"%PDF") and b"pdfaid" in pdf and media == "application/pdf"
        xlsx, _media, _name = report.annual(s, arch, 2026, fmt="xlsx")
        assert xlsx[:2] == b"PK"
        assert s.query(AuditEvent).filter_by(action="disclosure.report.export").count() == 2
        with pytest.raises(Forbidden):
            report.annual(s, person(s, "clerk"), 2026)


def test_reminders_before_the_deadline_only_for_those_who_handle_requests(bureau, clock):
    clock("2026-09-28")
    with bureau["catalog"].session() as s:
        made = _register(s)
        assert requests.due_soon(s, person(s, "arch")) == []
    clock("2026-10-23")  # 5 working days before 30 October
    with bureau["catalog"].session() as s:
        soon = requests.due_soon(s, person(s, "office"))
        assert [r["number"] for r in soon] == [made["number"]] and soon[0]["working_days_left"] == 5
        assert requests.due_soon(s, person(s, "clerk")) == []
        with pytest.raises(Forbidden):
            requests.list_requests(s, person(s, "clerk"))


def test_records_found_show_only_within_clearance(bureau, clock):
    clock("2026-04-01")
    with bureau["catalog"].session() as s:
        from archive.models import Fonds

        fonds = s.get(Fonds, bureau["fonds_id"])
        open_one = make_record(s, fonds, title="公开的通知", secrecy="internal")
        secret = make_record(s, fonds, title="秘密文件", secrecy="secret")
        made = _register(s, received="2026-04-01", records=[open_one.id, secret.id])
        assert len(made["records"]) == 2
        seen = requests.show(s, person(s, "low"), made["id"])
        assert [r["id"] for r in seen["records"]] == [open_one.id] and seen["records_hidden"] == 1
        with pytest.raises(NotFound):  # the low archivist cannot name it
            requests.add_records(s, person(s, "low"), made["id"], [secret.id])
