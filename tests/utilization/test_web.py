"""The faces of issue 17 items 2, 4, 5 on the web: the desk pages (walk-in form with the record
picker, copy issuing, the register), /verify/<serial> without an account, /self-service (absent
unless switched on), and the /api/v1/utilization operations validated against the OpenAPI document."""

import dataclasses
import hashlib
import io
import re
import subprocess

import pytest

from archive.models import Page, Record, StoredObject
from tests.utilization.conftest import ALICE_ID, BOB_ID, page_png
from tests.web.conftest import app, as_user, client, csrf_token, site, token_of  # noqa: F401
from web.app import create_app


def _csrf(browser, path):
    return csrf_token(browser, path)


def test_desk_pages_register_pick_issue_close_and_print(app, as_user, site):  # noqa: F811
    web = as_user("archivist")
    page = web.get("/utilization/?q=关于").get_data(as_text=True)
    assert "关于养老保险待遇调整的通知" in page and "关于机密人事调整的请示" in page  # the picker, within clearance
    token = _csrf(web, "/utilization/")
    refused = web.post("/utilization/requests", data={"csrf_token": token, "name": "张三", "id_number": ALICE_ID,
                                                       "purpose": "personal_use"})
    assert refused.status_code == 403
    bad = web.post("/utilization/requests", data={"csrf_token": token, "name": "张三", "id_number": ALICE_ID[:-1] + "1",
                                                   "purpose": "work_years"})
    assert bad.status_code == 400
    made = web.post("/utilization/requests", data={
        "csrf_token": token, "name": "张三", "id_number": ALICE_ID, "purpose": "work_years",
        "record": [str(site["ids"]["public"])]})
    assert made.status_code == 302
    detail_url = made.headers["Location"]
    request_id = int(detail_url.rstrip("/").rsplit("/", 1)[1])
    detail = web.get(detail_url).get_data(as_text=True)
    assert "关于养老保险待遇调整的通知" in detail and "110105********002X" in detail and ALICE_ID not in detail
    issued = web.post(f"/utilization/requests/{request_id}/copies", data={
        "csrf_token": token, "record": str(site["ids"]["public"]), "pages": "1-2", "copies": "2",
        "form": "printed", "approved_by": "leader"})
    assert issued.status_code == 302, issued.get_data(as_text=True)[:300]
    detail = web.get(detail_url).get_data(as_text=True)
    serial = re.search(r"FZ\d{4}-\d{6}-[0-9A-F]{4}", detail).group(0)
    pdf = web.get(f"/utilization/copies/{serial}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() in detail
    closed = web.post(f"/utilization/requests/{request_id}/close", data={"csrf_token": token, "outcome": "certified"})
    assert closed.status_code == 302
    register = web.get("/utilization/register.xlsx")
    assert register.status_code == 200 and register.data[:2] == b"PK"
    assert web.get("/utilization/register.pdf").data[:5] == b"%PDF-"


def test_staff_have_no_desk(as_user):  # noqa: F811
    web = as_user("staff")
    assert "/utilization/" not in web.get("/dashboard").get_data(as_text=True)
    assert web.get("/utilization/").status_code == 403


def test_the_archivist_finds_the_desk_in_the_navigation(as_user):  # noqa: F811
    assert 'href="/utilization/"' in as_user("archivist").get("/dashboard").get_data(as_text=True)


def test_verify_page_needs_no_account_and_shows_no_content(app, client, token_of, site):  # noqa: F811
    made = client.post("/api/v1/utilization/copies", headers=token_of("archivist"), json={
        "record_id": site["ids"]["internal"], "pages": "1", "copies": 1, "requester": "李四",
        "approved_by": "leader"})
    assert made.status_code == 201, made.get_data(as_text=True)
    copy = made.get_json()
    pdf = client.get(f"/api/v1/utilization/copies/{copy['serial']}", headers=token_of("archivist")).data
    assert hashlib.sha256(pdf).hexdigest() == copy["sha256"]
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{copy['serial']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and copy["serial"] in text
    assert "劳动仲裁" not in text and "J001-WS" not in text  # neither title nor code
    token = _csrf(anonymous, f"/verify/{copy['serial']}")
    good = anonymous.post(f"/verify/{copy['serial']}", data={"csrf_token": token, "file": (io.BytesIO(pdf), "c.pdf")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert 'id="verify-result" class="ok"' in good
    changed = bytearray(pdf)
    changed[100] ^= 0xFF
    bad = anonymous.post(f"/verify/{copy['serial']}", data={"csrf_token": token,
                                                            "file": (io.BytesIO(bytes(changed)), "c.pdf")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert 'id="verify-result" class="error"' in bad
    api = anonymous.post(f"/api/v1/verify/{copy['serial']}", json={"sha256": copy["sha256"]}).get_json()
    assert api["match"] and set(api) == {"serial", "issued", "issued_on", "issuing_unit", "checked", "match"}
    assert not anonymous.post(f"/api/v1/verify/{copy['serial']}", json={"sha256": "0" * 64}).get_json()["match"]


def test_api_requests_stats_and_contract(client, token_of):  # noqa: F811
    headers = token_of("archivist")
    made = client.post("/api/v1/utilization/requests", headers=headers, json={
        "name": "王五", "id_number": BOB_ID, "purpose": "legal", "unit": "某区人民法院", "letter_no": "法介字12号"})
    assert made.status_code == 201 and made.get_json()["kind"] == "outside_unit"
    assert client.post("/api/v1/utilization/requests", headers=headers, json={
        "name": "王五", "id_number": BOB_ID, "purpose": "personal_use"}).status_code == 403
    assert client.post("/api/v1/utilization/requests", headers=headers, json={
        "name": "王五", "id_number": BOB_ID, "purpose": "legal", "approved": True}).status_code == 400  # contract
    number = made.get_json()["id"]
    closed = client.post(f"/api/v1/utilization/requests/{number}/close", headers=headers, json={"outcome": "not_found"})
    assert closed.get_json()["outcome"] == "not_found"
    stats = client.get("/api/v1/utilization/stats", headers=headers).get_json()
    assert any(p["code"] == "legal" for p in stats["by_purpose"])
    assert client.get("/api/v1/utilization/stats", headers=token_of("staff")).status_code == 403


@pytest.fixture(scope="module")
def open_app(site):  # noqa: F811
    settings = dataclasses.replace(site["settings"], self_service=True)
    application = create_app(settings, testing=True)
    services = application.extensions["archive"]
    with services.unit_of_work() as s:
        fonds_id = s.query(Record).first().fonds_id
        for who, number, name in (("alice", ALICE_ID, "张三"), ("bob", BOB_ID, "李四")):
            record = Record(fonds_id=fonds_id, category_code="SB", year=2021, retention="D30", status="filed",
                            secrecy="internal", title=f"{name}参保登记表", person_id_number=number, person_name=name,
                            business_step="参保登记", pages=1)
            s.add(record)
            s.flush()
            key = services.store.put(page_png(who), media_type="image/png")
            s.add(Page(record_id=record.id, page_no=1, ocr_text=who))
            s.add(StoredObject(sha256=key, size=1, media_type="image/png", role="page_image", record_id=record.id,
                               page_no=1))
    yield application
    services.close()


def test_self_service_page_is_absent_by_default(app):  # noqa: F811
    assert app.test_client().get("/self-service/").status_code == 404


def test_self_service_gives_a_person_their_own_records_with_a_code(open_app):
    desk = open_app.test_client()
    token = _csrf(desk, "/login")
    desk.post("/login", data={"username": "archivist", "password": "correct-horse-battery", "csrf_token": token})
    token = _csrf(desk, "/utilization/")
    page = desk.post("/utilization/codes", data={"csrf_token": token, "id_number": ALICE_ID, "name": "张三"})
    code = re.search(r'id="self-service-code">(\d{8})<', page.get_data(as_text=True)).group(1)
    person = open_app.test_client()
    token = _csrf(person, "/self-service/")
    wrong = person.post("/self-service/", data={"csrf_token": token, "id_number": ALICE_ID, "name": "张三",
                                                "code": "00000000" if code != "00000000" else "11111111",
                                                "kind": "参保登记"})
    assert wrong.status_code == 403 and wrong.mimetype == "text/html"
    got = person.post("/self-service/", data={"csrf_token": token, "id_number": ALICE_ID, "name": "张三",
                                              "code": code, "kind": "参保登记"})
    assert got.status_code == 200 and got.mimetype == "application/pdf"


    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=got.data, capture_output=True).stdout.decode()
    assert "张三" in text and "李四" not in text
    again = person.post("/self-service/", data={"csrf_token": token, "id_number": ALICE_ID, "name": "张三",
                                                "code": code, "kind": "参保登记"})
    assert again.status_code == 403  # single use
