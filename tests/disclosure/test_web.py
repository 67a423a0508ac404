"""The disclosure pages, the API operations and the calendar page, in words not codes."""

import datetime as dt

import pytest

from archive.clock import set_clock
from tests.web.conftest import csrf_token


@pytest.fixture
def on_day():
    def at(day: str) -> None:
        moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(2, 0), tzinfo=dt.UTC)
        set_clock(lambda: moment)

    yield at
    set_clock(None)


def test_register_extend_and_answer_on_the_pages(as_user, on_day):
    on_day("2026-09-28")
    web = as_user("archivist")
    page = web.get("/disclosure").get_data(as_text=True)
    assert "登记申请" in page and "依申请公开登记簿" in page
    token = csrf_token(web, "/disclosure")
    made = web.post("/disclosure/requests", data={
        "csrf_token": token, "requester": "赵六", "content": "2025年工伤认定工作总结", "received_on": "2026-09-28",
        "requester_kind": "citizen", "form": "letter", "records": ""})
    assert made.status_code == 302
    shown = web.get(made.headers["Location"]).get_data(as_text=True)
    assert "2026-10-30" in shown and "办理中" in shown and "信函" in shown and "letter" not in shown
    assert "同意延期" not in shown  # the archivist does not approve extensions
    request_path = made.headers["Location"]
    bad = web.post(request_path + "/answer", data={"csrf_token": token, "outcome": "refused", "reason": "",
                                                    "back": request_path}, follow_redirects=True)
    assert "needs a reason" in bad.get_data(as_text=True)
    on_day("2026-10-23")
    home = web.get("/dashboard").get_data(as_text=True)
    assert "政府信息公开申请即将到期" in home and "剩余 5 个工作日" in home
    leader = as_user("leader")
    leader.post(request_path + "/extend", data={"csrf_token": csrf_token(leader, request_path), "reason": "需征求第三方意见"})
    shown = leader.get(request_path).get_data(as_text=True)
    assert "2026-11-27" in shown and "需征求第三方意见" in shown
    web = as_user("archivist")
    done = web.post(request_path + "/answer", data={"csrf_token": csrf_token(web, request_path), "outcome": "refused",
                                                     "reason": "personal_privacy"})
    assert done.status_code == 302
    shown = web.get(request_path).get_data(as_text=True)
    assert "不予公开" in shown and "涉及个人隐私" in shown and "personal_privacy" not in shown


def test_staff_cannot_read_the_register(as_user):
    web = as_user("staff")
    assert "政府信息公开" not in web.get("/dashboard").get_data(as_text=True)
    assert web.get("/disclosure/requests/1").status_code == 403


def test_record_attribute_page(as_user, site):
    web = as_user("archivist")
    rid = site["ids"]["internal"]
    path = f"/records/{rid}/disclosure"
    page = web.get(path).get_data(as_text=True)
    assert "依申请公开" in page and "尚未审核" in page
    token = csrf_token(web, path)
    refused = web.post(path, data={"csrf_token": token, "disclosure": "not_disclosed", "reason": "", "back": path},
                       follow_redirects=True)
    assert "reason" in refused.get_data(as_text=True)
    web.post(path, data={"csrf_token": token, "disclosure": "not_disclosed", "reason": "enforcement_file",
                         "note": "劳动保障监察案卷"})
    page = web.get(path).get_data(as_text=True)
    assert "属于行政执法案卷信息" in page and "劳动保障监察案卷" in page and "审核人 archivist" in page
    secret = web.get(f"/records/{site['ids']['secret']}/disclosure").get_data(as_text=True)
    assert "属于国家秘密" in secret and "国家秘密和人事档案不予公开" in secret
    assert as_user("staff").get(f"/records/{site['ids']['secret']}/disclosure").status_code == 404


def test_api_operations(client, token_of, site, on_day):
    on_day("2026-02-10")
    arch, leader, admin = token_of("archivist"), token_of("leader"), token_of("admin")
    made = client.post("/api/v1/disclosure/requests", headers=arch, json={
        "requester": "某某公司", "requester_kind": "organisation", "content": "2025年社保基金审计报告",
        "received_on": "2026-02-10", "form": "online", "records": [site["ids"]["public"]]})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    # 11–13 Feb (1–3), Sat 14 调休 (4), 15–23 Spring Festival, 24–27 (5–8), Sat 28 调休 (9), 2–6 Mar (10–14),
    # 9–13 (15–19), 16 Mar (20)
    assert body["due_on"] == "2026-03-16" and body["records"][0]["id"] == site["ids"]["public"]
    assert client.post("/api/v1/disclosure/requests", headers=arch,
                       json={"requester": "x", "content": "y", "approved_by": "me"}).status_code == 400
    assert client.post("/api/v1/disclosure/requests", headers=arch,
                       json={"requester": "x", "content": "y", "form": "telephone"}).status_code == 400
    rid = body["id"]
    assert client.post(f"/api/v1/disclosure/requests/{rid}/extend", headers=arch, json={"reason": "r"}).status_code == 403
    ext = client.post(f"/api/v1/disclosure/requests/{rid}/extend", headers=leader, json={"reason": "材料较多"})
    assert ext.status_code == 200 and ext.get_json()["due_on"] == "2026-04-14"
    ans = client.post(f"/api/v1/disclosure/requests/{rid}/answer", headers=arch,
                      json={"outcome": "unavailable", "reason": "not_held"})
    assert ans.get_json()["outcome_label"] == "无法提供"
    report = client.get("/api/v1/disclosure/report?year=2026", headers=arch).get_json()
    assert report["outcomes"]["unavailable"] >= 1
    xlsx = client.get("/api/v1/disclosure/report?year=2026&format=xlsx", headers=arch)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/api/v1/disclosure/deadline?received_on=2026-09-28", headers=arch).get_json()["due_on"] == "2026-10-30"
    attr = client.post(f"/api/v1/records/{site['ids']['public']}/disclosure", headers=arch,
                       json={"disclosure": "proactive"})
    assert attr.status_code == 200 and attr.get_json()["disclosure_label"] == "主动公开"
    assert client.post("/api/v1/calendar/days", headers=arch, json={"date": "2029-01-01", "kind": "holiday"}).status_code == 403
    assert client.post("/api/v1/calendar/days", headers=admin,
                       json={"date": "2029-01-01", "kind": "holiday", "name": "元旦"}).status_code == 200
    imported = client.post("/api/v1/calendar/import", headers=admin, json={"text": "2029-02-17,workday,调休\nbad,x\n"})
    assert imported.get_json()["added"] == 1 and len(imported.get_json()["errors"]) == 1
    assert len(client.get("/api/v1/calendar?year=2029", headers=arch).get_json()["days"]) == 2


def test_calendar_page(as_user):
    web = as_user("admin")
    page = web.get("/calendar?year=2026").get_data(as_text=True)
    assert "国庆节" in page and "调休上班" in page and "导入日历文件" in page
    staff = as_user("staff").get("/calendar?year=2027").get_data(as_text=True)
    assert "暂定" in staff and "导入日历文件" not in staff
