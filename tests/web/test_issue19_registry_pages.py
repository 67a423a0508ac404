"""Issue 19 #12, #13, #15 on the web: the copy register, non-record destruction, 合议 approvals."""

from __future__ import annotations

import re

import pytest

from archive import users
from tests.web.conftest import csrf_token
from tests.web.site import PASSWORD


@pytest.fixture(scope="module")
def office_director(app):
    with app.extensions["archive"].catalog.session() as s:
        users.add_user(s, actor="test", username="officedir", role="office_director", clearance="secret",
                       password=PASSWORD)
    return "officedir"


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def test_copy_register_page(as_user, site):
    client = as_user("archivist")
    page = client.get("/copies")
    assert page.status_code == 200 and "复制与摘抄登记" in page.get_data(as_text=True)
    record = site["ids"]["public"]
    response = _post(client, "/copies", {"record": record, "copies": "2", "copying_organ": "市人社局办公室",
                                         "purpose": "工作参考", "approved_by": "leader", "kind": "copy"}, "/copies")
    assert response.status_code == 302
    html = client.get(f"/records/{record}/copies").get_data(as_text=True)
    assert re.search(r"FD\d{4}-\d{5}", html) and "市人社局办公室" in html and "共2份" in html
    refused = _post(client, "/copies", {"record": record, "copies": "1", "copying_organ": "x", "purpose": "y",
                                        "approved_by": "staff"}, "/copies")
    assert refused.status_code == 403


def test_copy_register_is_not_for_staff(as_user):
    assert as_user("staff").get("/copies").status_code == 403


def test_non_record_pages(client, as_user, office_director):
    staff = as_user("staff")
    assert "非归档文件销毁" in staff.get("/non-records").get_data(as_text=True)
    assert _post(staff, "/non-records", {"description": "会议通知复印件", "items": "12", "reason": "重份",
                                         "secrecy": "internal", "carrier": "paper"}, "/non-records").status_code == 302
    html = staff.get("/non-records").get_data(as_text=True)
    number = re.search(r"FG\d{4}-(\d{5})", html)
    assert number and "已登记待批" in html
    lot = int(number.group(1))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/non-records")})
    leader = as_user("leader")
    assert _post(leader, f"/non-records/{lot}/decide", {"decision": "approve"}, "/non-records").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/non-records")})
    director = as_user(office_director)
    assert _post(director, f"/non-records/{lot}/decide", {"decision": "approve"}, "/non-records").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/non-records")})
    archivist = as_user("archivist")
    assert _post(archivist, f"/non-records/{lot}/destroy", {"method": "shred", "place": "档案室"},
                 "/non-records").status_code == 302
    assert "已销毁" in archivist.get("/non-records").get_data(as_text=True)


def test_special_access_page(as_user):
    officer = as_user("secofficer")
    html = officer.get("/special-access").get_data(as_text=True)
    assert "合议委员会主任" in html and 'id="appoint-form"' in html
    assert _post(officer, "/special-access/officers", {"username": "leader", "office": "panel_chair",
                                                       "action": "appoint"}, "/special-access").status_code == 302
    assert "leader" in officer.get("/special-access").get_data(as_text=True)
