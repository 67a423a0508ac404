"""Walk-in and outside-unit requests (issue 17 item 2): the identity number's check digit, the
purpose list and the refusal of personal use (DOMAIN.md §15), clearance in lists and registers,
and the 利用登记簿 with its statistics by purpose and outcome."""

import io

import openpyxl
import pikepdf
import pytest

from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.models import AuditEvent
from archive.utilization import id_card, purposes, register, requests
from tests.utilization.conftest import ALICE_ID, BAD_ID, BOB_ID, person


def test_identity_numbers_are_checked_by_their_gb11643_check_character():
    assert id_card.is_valid(ALICE_ID) and id_card.is_valid(BOB_ID) and id_card.is_valid(ALICE_ID.lower())
    assert not id_card.is_valid(BAD_ID)  # one wrong check character
    month_13 = ALICE_ID[:10] + "13" + ALICE_ID[12:17]
    assert not id_card.is_valid(month_13 + id_card.check_character(month_13))  # right check, no such date
    swapped = BOB_ID[:3] + BOB_ID[4] + BOB_ID[3] + BOB_ID[5:]  # two neighbours exchanged
    assert not id_card.is_valid(swapped)
    assert id_card.masked(ALICE_ID) == "110105********002X"
    with pytest.raises(ValidationError):
        id_card.checked("12345")


def test_walk_in_request_is_registered_with_a_valid_id_and_refused_with_a_wrong_one(room):
    with room["catalog"].session() as s:
        arch = person(s, "arch")
        with pytest.raises(ValidationError):
            requests.register(s, arch, name="张三", id_number=BAD_ID, purpose="pension_approval")
        made = requests.register(s, arch, name="张三", id_number=ALICE_ID, purpose="养老待遇核定",
                                 records=[room["ids"]["alice_reg"]])
    assert made["kind"] == "walk_in" and made["purpose"] == "pension_approval"
    assert made["id_number"] == "110105********002X" and [r["id"] for r in made["found"]] == [room["ids"]["alice_reg"]]


def test_outside_unit_needs_unit_and_letter(room):
    with room["catalog"].session() as s:
        arch = person(s, "arch")
        with pytest.raises(ValidationError):
            requests.register(s, arch, name="王五", id_number=BOB_ID, purpose="legal", unit="某区法院")
        made = requests.register(s, arch, name="王五", id_number=BOB_ID, purpose="legal", unit="某区法院",
                                 letter_no="（2026）介字第12号")
    assert made["kind"] == "outside_unit" and made["letter_no"] == "（2026）介字第12号"


def test_personal_use_of_archives_content_is_refused_and_unknown_purposes_are_invalid(room):
    with room["catalog"].session() as s:
        arch = person(s, "arch")
        for words in ("personal_use", "个人使用", "Personal use"):
            with pytest.raises(Forbidden):
                requests.register(s, arch, name="张三", id_number=ALICE_ID, purpose=words)
        with pytest.raises(ValidationError):
            requests.register(s, arch, name="张三", id_number=ALICE_ID, purpose="curiosity")


def test_the_purpose_list_is_configurable_but_never_admits_personal_use(room):
    from archive.identity import system

    with room["catalog"].session() as s:
        admin = system("config")
        purposes.configure(s, admin, {"pension_approval": ("养老待遇核定", "pension"), "x_new": ("新目的", "new")})
        assert purposes.checked(s, "x_new") == "x_new"
        with pytest.raises(ValidationError):
            purposes.checked(s, "research")  # no longer in the list
        with pytest.raises(Forbidden):
            purposes.configure(s, admin, {"personal_use": ("个人使用", "personal use")})
        with pytest.raises(Forbidden):
            purposes.configure(s, person(s, "arch"), {"a": ("甲", "a")})  # archivists do not configure


def test_staff_do_not_serve_the_desk(room):
    with room["catalog"].session() as s, pytest.raises(Forbidden):
        requests.register(s, person(s, "clerk"), name="张三", id_number=ALICE_ID, purpose="work_years")


def test_nothing_above_clearance_appears_in_lists_registers_or_statistics(room):
    ids = room["ids"]
    with room["catalog"].session() as s:
        arch = person(s, "arch")
        secret = requests.register(s, arch, name="张三", id_number=ALICE_ID, purpose="legal",
                                   records=[ids["alice_secret"]])
        requests.register(s, arch, name="李四", id_number=BOB_ID, purpose="work_years", records=[ids["bob_reg"]])
        with pytest.raises(NotFound):  # the internal archivist cannot name a secret record either
            requests.register(s, person(s, "low"), name="张三", id_number=ALICE_ID, purpose="legal",
                              records=[ids["alice_secret"]])
    with room["catalog"].session() as s:
        low = person(s, "low")
        assert [r["requester_name"] for r in requests.list_requests(s, low)] == ["李四"]
        with pytest.raises(NotFound):
            requests.detail(s, low, secret["number"])
        numbers = register.stats(s, low)
        assert numbers["total"] == 1 and [p["code"] for p in numbers["by_purpose"]] == ["work_years"]
        body, media, _name = register.printout(s, low, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "李四" in cells and "张三" not in cells and "秘密" not in cells


def test_register_statistics_by_purpose_and_outcome_and_pdfa(room):
    ids = room["ids"]
    with room["catalog"].session() as s:
        arch = person(s, "arch")
        a = requests.register(s, arch, name="张三", id_number=ALICE_ID, purpose="pension_approval",
                              records=[ids["alice_reg"]])
        b = requests.register(s, arch, name="李四", id_number=BOB_ID, purpose="pension_approval")
        c = requests.register(s, arch, name="王五", id_number=BOB_ID, purpose="work_years")
        requests.close(s, arch, a["number"], outcome="provided")
        requests.close(s, arch, b["id"], outcome="not_found")
        with pytest.raises(Conflict):
            requests.close(s, arch, a["number"], outcome="refused")
        with pytest.raises(ValidationError):
            requests.close(s, arch, c["number"], outcome="whatever")
        numbers = register.stats(s, arch)
        pdf, media, name = register.printout(s, arch, fmt="pdf")
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.seq)]
    assert numbers["total"] == 3
    assert {p["code"]: p["count"] for p in numbers["by_purpose"]} == {"pension_approval": 2, "work_years": 1}
    assert {o["code"]: o["count"] for o in numbers["by_outcome"]} == {"provided": 1, "not_found": 1, "open": 1}
    assert media == "application/pdf" and name.endswith(".pdf")
    with pikepdf.open(io.BytesIO(pdf)) as doc, doc.open_metadata() as meta:
        assert meta.pdfa_status == "2B"
    assert {"utilization.register", "utilization.close", "utilization.stats", "utilization.register.print"} <= set(actions)


def test_the_purpose_list_is_an_administrable_setting(room):
    from archive import settings_registry
    from archive.identity import system
    from archive.utilization.settings import settings

    registry = settings_registry.Registry(settings())
    with room["catalog"].session() as s:
        admin = system("config")
        rows = settings_registry.show(s, admin, registry)[0]["value"]
        assert {"code": "work_years", "zh": "工龄认定", "en": "proof of working years"} in rows
        settings_registry.change(s, admin, "utilization.purposes",
                                 [{"code": "work_years", "zh": "工龄认定", "en": "working years"}], registry)
        assert list(purposes.purposes(s)) == ["work_years"]
        with pytest.raises(Forbidden):
            settings_registry.change(s, admin, "utilization.purposes",
                                     [{"code": "personal_use", "zh": "个人使用", "en": "personal use"}], registry)
