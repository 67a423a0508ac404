"""Loans through the JSON API (issue 5): request, approval by another user, issue, the watermarked
page, and the refusals the lending service enforces (self-approval, clearance)."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

from tests.web.site import text_png


def _post(client, path: str, headers: dict, body: dict | None = None):
    return client.post(path, json=body or {}, headers=headers)


def test_request_approve_issue_and_view_watermarked_page(client, token_of, site):
    record = site["ids"]["internal"]
    staff, head, archivist = token_of("staff"), token_of("depthead"), token_of("archivist")
    before = client.get(f"/api/v1/records/{record}/pages/1/image", headers=staff)
    assert before.status_code == 200  # internal content: readable, not watermarked, without a loan
    created = _post(client, "/api/v1/loans", staff, {"purpose": "核对劳动仲裁材料", "form": "electronic",
                                                     "record_ids": [record], "days": 3})
    assert created.status_code == 201, created.get_json()
    loan = created.get_json()
    assert loan["status"] == "pending" and loan["steps"] == [["dept_head"]]
    assert [r["id"] for r in client.get("/api/v1/loans/inbox", headers=head).get_json()["requests"]] == [loan["id"]]
    approved = _post(client, f"/api/v1/loans/{loan['id']}/approve", head, {"note": "同意"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    issued = _post(client, f"/api/v1/loans/{loan['id']}/issue", archivist)
    assert issued.status_code == 200 and issued.get_json()["status"] == "issued"

    shown = client.get(f"/api/v1/records/{record}", headers=staff).get_json()
    assert shown["grant"] is not None and shown["grant"]["place"] == "electronic"
    page = client.get(f"/api/v1/records/{record}/pages/1/image", headers=staff)
    assert page.status_code == 200 and page.mimetype == "image/png"
    assert page.headers["Cache-Control"] == "no-store"
    original = Image.open(io.BytesIO(text_png("测试页面"))).convert("RGB")
    marked = Image.open(io.BytesIO(page.data)).convert("RGB")
    assert marked.size == original.size
    assert ImageChops.difference(original, marked).getbbox() is not None  # the tiled watermark is drawn
    assert page.data != before.data


def test_nobody_approves_their_own_request(client, token_of, site):
    head = token_of("depthead")
    created = _post(client, "/api/v1/loans", head, {"purpose": "自查", "form": "electronic",
                                                    "record_ids": [site["ids"]["public"]]})
    assert created.status_code == 201
    loan = created.get_json()
    refused = _post(client, f"/api/v1/loans/{loan['id']}/approve", head)
    assert refused.status_code == 403
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=head).get_json()["status"] == "pending"
    # Staff cannot approve at all; the archivist issues only what was approved.
    assert _post(client, f"/api/v1/loans/{loan['id']}/approve", token_of("staff")).status_code in (403, 404)
    assert _post(client, f"/api/v1/loans/{loan['id']}/issue", token_of("archivist")).status_code == 409


def test_staff_never_sees_records_above_clearance_through_loans(client, token_of, site):
    secret = site["ids"]["secret"]
    staff, leader = token_of("staff"), token_of("leader")
    refused = _post(client, "/api/v1/loans", staff, {"purpose": "x", "form": "electronic", "record_ids": [secret]})
    assert refused.status_code == 404  # above clearance: the record does not exist for staff
    created = _post(client, "/api/v1/loans", leader, {"purpose": "机密调阅", "form": "electronic",
                                                      "record_ids": [secret]})
    assert created.status_code == 201, created.get_json()
    loan = created.get_json()
    assert loan["items"][0]["title"] == "关于机密人事调整的请示"
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=staff).status_code == 404
    for path in ("/api/v1/loans", "/api/v1/loans/inbox"):
        listed = client.get(path, headers=staff).get_json()["requests"]
        assert loan["id"] not in [r["id"] for r in listed]
        assert all(r["level"] in ("public", "internal") for r in listed)
    assert _post(client, f"/api/v1/loans/{loan['id']}/cancel", staff).status_code in (403, 404)
    assert client.get(f"/api/v1/records/{secret}/pages/1/image", headers=staff).status_code == 404


def test_registers_export_and_dashboard_counts(client, token_of):
    archivist = token_of("archivist")
    csv = client.get("/api/v1/loans/registers/consultation", query_string={"format": "csv"}, headers=archivist)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "申请单号" in csv.data.decode("utf-8-sig")
    pdf = client.get("/api/v1/loans/registers/loans", query_string={"format": "pdf"}, headers=archivist)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/api/v1/loans/registers/loans", headers=token_of("staff")).status_code == 403
    assert client.get("/api/v1/loans/registers/bogus", headers=archivist).status_code == 400
    numbers = client.get("/api/v1/dashboard", headers=archivist).get_json()
    assert len(numbers["loans_per_month"]) == 12 and numbers["overdue_loans"] == 0
    assert sum(n for _m, n in numbers["loans_per_month"]) >= 1


def test_pages_loans_flow(client, as_user, site):
    from tests.web.conftest import csrf_token

    staff = as_user("staff")
    page = staff.get(f"/loans?record={site['ids']['public']}")
    assert page.status_code == 200 and 'id="loan-form"' in page.get_data(as_text=True)
    token = csrf_token(staff, "/loans")
    response = staff.post("/loans", data={"csrf_token": token, "purpose": "页面申请", "form": "electronic",
                                          "record_ids": str(site["ids"]["public"]), "days": "2"})
    assert response.status_code == 302 and "/loans/" in response.headers["Location"]
    detail = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "页面申请" in detail and 'data-status="pending"' in detail
    english = staff.get("/loans", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Request a loan" in english and "My requests" in english
    dashboard = staff.get("/dashboard").get_data(as_text=True)
    assert 'id="overdue-loans"' in dashboard and "近一年每月借阅数" in dashboard


def test_state_secret_is_read_through_a_grant_watermarked_and_never_downloaded(client, token_of, site):
    secret = site["ids"]["secret"]
    leader, other, archivist = token_of("leader"), token_of("leader2"), token_of("archivist")
    # Without a grant the leader sees the catalogue entry only.
    shown = client.get(f"/api/v1/records/{secret}", headers=leader).get_json()
    assert "view_content" not in shown["actions"] and shown["grant"] is None
    assert client.get(f"/api/v1/records/{secret}/pages/1/image", headers=leader).status_code == 403
    loan = _post(client, "/api/v1/loans", leader, {"purpose": "研究人事调整", "form": "electronic",
                                                   "record_ids": [secret]}).get_json()
    assert loan["steps"] == [["leader"]]
    assert _post(client, f"/api/v1/loans/{loan['id']}/approve", leader).status_code == 403  # own request
    assert _post(client, f"/api/v1/loans/{loan['id']}/approve", other).get_json()["status"] == "approved"
    assert _post(client, f"/api/v1/loans/{loan['id']}/issue", archivist).get_json()["status"] == "issued"
    shown = client.get(f"/api/v1/records/{secret}", headers=leader).get_json()
    assert "view_content" in shown["actions"] and "download" not in shown["actions"]
    assert shown["grant"]["download"] is False
    page = client.get(f"/api/v1/records/{secret}/pages/2/image", headers=leader)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/records/{secret}/download", headers=leader).status_code == 403
    # The grant is the leader's alone.
    assert client.get(f"/api/v1/records/{secret}/pages/2/image", headers=other).status_code == 403


def make_overdue(app, loan_id: int) -> None:
    import datetime as dt

    from archive.lending import overdue
    from archive.lending.models import Loan

    with app.extensions["archive"].catalog.session() as db:
        db.get(Loan, loan_id).due_on = dt.date(2020, 1, 1)
        overdue.remind(db)


def test_physical_loan_issue_renew_and_return(app, client, token_of, site):
    volume = site["ids"]["volume_internal"]
    staff, head, archivist = token_of("staff"), token_of("depthead"), token_of("archivist")
    loan = _post(client, "/api/v1/loans", staff, {"purpose": "借出案卷", "form": "loan", "volume_ids": [volume],
                                                  "days": 5}).get_json()
    assert _post(client, f"/api/v1/loans/{loan['id']}/approve", head).status_code == 200
    assert _post(client, f"/api/v1/loans/{loan['id']}/issue", staff).status_code == 403  # archivists issue
    issued = _post(client, f"/api/v1/loans/{loan['id']}/issue", archivist, {"carriers": ["archivist"]}).get_json()
    assert issued["status"] == "issued" and len(issued["loans"]) == 1
    item = issued["loans"][0]["id"]
    renewed = _post(client, f"/api/v1/loans/items/{item}/renew", archivist, {"days": 3})
    assert renewed.status_code == 200 and renewed.get_json()["renewals"] == 1
    make_overdue(app, item)
    reminders = client.get("/api/v1/loans/notifications", headers=staff).get_json()["notifications"]
    assert len(reminders) == 1 and reminders[0]["kind"] == "loan.overdue"
    assert client.get("/api/v1/loans/notifications", headers=head).get_json()["notifications"] == []
    assert client.get("/api/v1/dashboard", headers=archivist).get_json()["overdue_loans"] == 1
    overdue_csv = client.get("/api/v1/loans/registers/overdue", headers=archivist).data.decode("utf-8-sig")
    assert loan["number"] in overdue_csv
    pages = client.get(f"/api/v1/volumes/{volume}", headers=archivist).get_json()["volume"]["pages"]
    returned = _post(client, f"/api/v1/loans/items/{item}/return", archivist, {"pages_returned": pages, "damage": ""})
    assert returned.status_code == 200 and returned.get_json()["pages_ok"] is True
    assert _post(client, f"/api/v1/loans/items/{item}/return", archivist, {"pages_returned": pages}).status_code == 409
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=staff).get_json()["status"] == "closed"
    assert client.get("/api/v1/dashboard", headers=archivist).get_json()["overdue_loans"] == 0
    inout = client.get("/api/v1/loans/registers/inout", headers=archivist).data.decode("utf-8-sig")
    assert inout.count(site_code(client, archivist, volume)) == 2  # out and back in


def site_code(client, headers: dict, volume_id: int) -> str:
    return client.get(f"/api/v1/volumes/{volume_id}", headers=headers).get_json()["volume"]["archival_code"]


def test_a_refused_form_action_returns_only_to_a_local_page(client, as_user, site):
    from tests.web.conftest import csrf_token

    staff = as_user("staff")
    token = csrf_token(staff, "/loans")
    for back, expected in (("/loans?x=1", "/loans?x=1"), ("//evil.example/", "/loans"), ("/\\evil.example", "/loans"),
                           ("https://evil.example/", "/loans")):
        response = staff.post("/loans", data={"csrf_token": token, "purpose": "", "form": "electronic",
                                              "record_ids": str(site["ids"]["public"]), "back": back})
        assert response.status_code == 302 and response.headers["Location"] == expected


def test_stock_check_finds_missing_and_misplaced_volumes(client, token_of, as_user, site):
    archivist = token_of("archivist")
    assert _post(client, "/api/v1/inventory", token_of("staff")).status_code == 403
    opened = _post(client, "/api/v1/inventory", archivist, {"room": "1"})
    assert opened.status_code == 201
    check = opened.get_json()["id"]
    first = site_code(client, archivist, site["ids"]["volume_internal"])
    scanned = _post(client, f"/api/v1/inventory/{check}/scans", archivist,
                    {"shelf": "1-01-02-3-5", "codes": [first, "J999-NOPE"]})
    assert scanned.status_code == 200 and scanned.get_json()["scanned_now"] == 2
    closed = _post(client, f"/api/v1/inventory/{check}/close", archivist).get_json()
    result = closed["result"]
    assert [m["code"] for m in result["misplaced"]] == [first]
    assert [u["code"] for u in result["unexpected"]] == ["J999-NOPE"]
    assert len(result["missing"]) == 1
    assert _post(client, f"/api/v1/inventory/{check}/close", archivist).status_code == 409
    page = as_user("archivist").get(f"/inventory/{check}").get_data(as_text=True)
    assert 'id="check-result"' in page and "J999-NOPE" in page


def test_readers_of_a_confidential_record_are_listed_for_the_auditor(app, client, token_of, site):
    import datetime as dt

    from archive import audit, users
    from archive.models import Fonds, Record

    with app.extensions["archive"].catalog.session() as db:
        users.add_user(db, actor="test", username="auditor_c", role="auditor", clearance="confidential",
                       password="correct-horse-battery")
        fonds = db.query(Fonds).filter_by(code="J001").one()
        record = Record(fonds_id=fonds.id, category_code="WS", year=2019, retention="D30", status="filed",
                        secrecy="confidential", title="机密级请示", doc_date=dt.date(2019, 5, 1), pages=0,
                        filed_at=dt.datetime.now(dt.UTC))
        db.add(record)
        db.flush()
        rid = record.id
        audit.record(db, "reader_x", "page.view", f"record:{rid}", {"page": 1, "loan": "JY2026000099"})
    shown = client.get(f"/api/v1/records/{rid}", headers=token_of("auditor_c")).get_json()
    assert [(r["reader"], r["what"], r["loan"]) for r in shown["readers"]] == [("reader_x", "page_view", "JY2026000099")]
    assert client.get(f"/api/v1/records/{site['ids']['internal']}", headers=token_of("auditor")).get_json()["readers"] is None
    assert client.get(f"/api/v1/records/{rid}", headers=token_of("auditor")).status_code == 404  # not cleared


# -- the library capabilities every face reaches (issue 11) -------------------------------------------
def test_a_disabled_approver_is_refused_by_the_api(app, client, token_of, site):
    from archive import users
    from archive.models import User

    with app.extensions["archive"].catalog.session() as db:
        users.add_user(db, actor="test", username="head_gone", role="dept_head", clearance="internal",
                       password="correct-horse-battery")
    head = token_of("head_gone")
    loan = _post(client, "/api/v1/loans", token_of("staff"), {"purpose": "停用审批", "form": "electronic",
                                                              "record_ids": [site["ids"]["public"]]}).get_json()
    with app.extensions["archive"].catalog.session() as db:
        db.query(User).filter_by(username="head_gone").one().active = False
    assert _post(client, f"/api/v1/loans/{loan['id']}/approve", head).status_code == 401
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=token_of("staff")).get_json()["status"] == "pending"


def test_transfer_register_through_the_api(client, token_of, site):
    staff, head, archivist = token_of("staff"), token_of("depthead"), token_of("archivist")
    code = site_code(client, archivist, site["ids"]["volume_internal"])
    body = {"department": "YLK", "year": 2019, "category": "WS", "lines": [
        {"archival_code": code, "title": "2019年文书第1卷", "pages": 20, "transaction_no": "T1"},
        {"archival_code": "J001-WS·2019-D30-V999", "title": "未到的卷", "pages": 5}]}
    made = _post(client, "/api/v1/transfers", staff, body)
    assert made.status_code == 201, made.get_json()
    register = made.get_json()
    assert register["status"] == "unsigned" and register["handed_by"] == "staff"
    path = f"/api/v1/transfers/{register['id']}"
    assert _post(client, f"{path}/sign", staff).status_code == 403  # the person handing over is not the head
    assert _post(client, f"{path}/sign", head).get_json()["status"] == "submitted"
    assert _post(client, f"{path}/check", staff, {"arrived": {code: 20}}).status_code == 403
    checked = _post(client, f"{path}/check", archivist, {"arrived": {code: 20}})
    assert checked.status_code == 200 and list(checked.get_json()["problems"]) == ["J001-WS·2019-D30-V999"]
    assert _post(client, f"{path}/decide", archivist, {"archival_code": "J001-WS·2019-D30-V999",
                                                        "decision": "accept"}).status_code == 409  # did not arrive
    _post(client, f"{path}/decide", archivist, {"archival_code": "J001-WS·2019-D30-V999", "decision": "reject",
                                                "reason": "未移交实物"})
    done = _post(client, f"{path}/decide", archivist, {"archival_code": code, "decision": "accept"}).get_json()
    assert done["status"] == "closed"
    assert register["id"] in [r["id"] for r in client.get("/api/v1/transfers", headers=staff).get_json()["registers"]]
    assert client.get(path, headers=token_of("leader")).status_code == 404  # not a party to it
    status = client.get("/api/v1/transfers/filing-status", headers=archivist).get_json()
    assert set(status) == {"year", "deadline", "passed", "unfiled"}


def test_personnel_intake_through_the_api(client, token_of):
    staff, archivist = token_of("staff"), token_of("archivist")
    assert client.get("/api/v1/personnel", headers=staff).status_code == 403
    papers = {"person_id_number": "110101199003071234", "person_name": "王某", "present": ["1 干部履历表"]}
    assert _post(client, "/api/v1/personnel/dossiers", staff, papers).status_code == 403
    dossier = _post(client, "/api/v1/personnel/dossiers", archivist, papers)
    assert dossier.status_code == 201 and "3 年度考核登记表" in dossier.get_json()["missing"]
    dossier_id = dossier.get_json()["id"]
    noticed = _post(client, f"/api/v1/personnel/dossiers/{dossier_id}/notice", archivist).get_json()
    assert "3 年度考核登记表" in noticed["notice_text"]
    assert _post(client, f"/api/v1/personnel/dossiers/{dossier_id}/notice", archivist).status_code == 409
    assert _post(client, f"/api/v1/personnel/dossiers/{dossier_id}/undertaking", archivist).status_code == 200
    sent = _post(client, "/api/v1/personnel/notices", archivist, {
        "person_id_number": "110101199003071234", "person_name": "王某", "to_unit": "某县人社局",
        "carrier": "courier", "carrier_name": "机要员甲"})
    assert sent.status_code == 201
    notice = sent.get_json()
    assert _post(client, f"/api/v1/personnel/notices/{notice['id']}/chase", archivist).status_code == 409  # not due
    assert client.get("/api/v1/personnel/receipts-to-chase", headers=archivist).get_json()["notices"] == []
    back = _post(client, f"/api/v1/personnel/notices/{notice['id']}/receipt", archivist, {"signed_by": "收件人丙"})
    assert back.get_json()["receipt_signed_by"] == "收件人丙"
    desk = client.get("/api/v1/personnel", headers=archivist).get_json()
    assert dossier_id in [d["id"] for d in desk["dossiers"]] and desk["materials"]


def test_extracts_outside_borrowers_and_closing_through_the_api(client, token_of, site):
    leader, leader2, archivist, staff = token_of("leader"), token_of("leader2"), token_of("archivist"), token_of("staff")
    secret = site["ids"]["secret"]
    loan = _post(client, "/api/v1/loans", leader, {"purpose": "摘抄材料", "form": "reading_room",
                                                   "record_ids": [secret], "extract": True}).get_json()
    assert loan["extract"] is True
    _post(client, f"/api/v1/loans/{loan['id']}/approve", leader2)
    _post(client, f"/api/v1/loans/{loan['id']}/issue", archivist)
    extract = {"record_id": secret, "reader": "leader", "description": "第1页", "kind": "copy", "copies": 1}
    assert _post(client, f"/api/v1/loans/{loan['id']}/extracts", staff, extract).status_code == 403  # archivists register
    made = _post(client, f"/api/v1/loans/{loan['id']}/extracts", archivist, extract)
    assert made.status_code == 201 and made.get_json()["secrecy"] == "secret"
    listed = client.get(f"/api/v1/loans/{loan['id']}/extracts", headers=leader).get_json()["extracts"]
    assert [e["kind"] for e in listed] == ["copy"]
    assert client.get(f"/api/v1/loans/{loan['id']}/extracts", headers=staff).status_code == 404  # above clearance
    assert _post(client, f"/api/v1/loans/{loan['id']}/close", leader).status_code == 403
    assert _post(client, f"/api/v1/loans/{loan['id']}/close", archivist).get_json()["status"] == "closed"

    outside = {"purpose": "外单位查证", "form": "reading_room", "record_ids": [site["ids"]["public"]],
               "outside": {"name": "张某", "unit": "某市人社局", "letter": "介绍信〔2026〕3号",
                           "id_number": "110101199003071234"}}
    assert _post(client, "/api/v1/loans", staff, outside).status_code == 403  # registered at the archivists' desk
    registered = _post(client, "/api/v1/loans", archivist, outside)
    assert registered.status_code == 201 and registered.get_json()["outside"]["unit"] == "某市人社局"
    assert _post(client, "/api/v1/loans", archivist, {**outside, "form": "electronic"}).status_code == 400


def test_relations_and_the_approval_matrix_through_the_api(client, token_of):
    staff, officer, admin = token_of("staff"), token_of("secofficer"), token_of("admin")
    own = _post(client, "/api/v1/relations", staff, {"relation": "self", "person_id_number": "110101199003071234",
                                                     "person_name": "职员"})
    assert own.status_code == 201 and own.get_json()["username"] == "staff"
    assert _post(client, "/api/v1/relations", staff, {"relation": "spouse", "person_id_number": "110101199003071235",
                                                      "username": "depthead"}).status_code == 403
    assert _post(client, "/api/v1/relations", officer, {"relation": "spouse", "person_id_number": "110101199003071235",
                                                        "username": "depthead"}).status_code == 201
    assert client.get("/api/v1/relations", query_string={"user": "depthead"}, headers=staff).status_code == 403
    theirs = client.get("/api/v1/relations", query_string={"user": "depthead"}, headers=officer).get_json()
    assert [r["relation"] for r in theirs["relations"]] == ["spouse"]

    rules = client.get("/api/v1/loans/matrix", headers=staff).get_json()["rules"]
    assert rules[-1]["name"] == "own_department"
    assert client.put("/api/v1/loans/matrix", json={"rules": rules}, headers=staff).status_code == 403
    changed = client.put("/api/v1/loans/matrix", json={"rules": rules}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["rules"] == rules


def test_receiving_pages(client, as_user):
    from tests.web.conftest import csrf_token

    staff = as_user("staff")
    page = staff.get("/transfers")
    assert page.status_code == 200 and 'id="transfer-form"' in page.get_data(as_text=True)
    response = staff.post("/transfers", data={"csrf_token": csrf_token(staff, "/transfers"), "department": "BGS",
                                              "year": "2018", "category": "WS", "lines": "J001-WS·2018-X-1|卷一|3"})
    assert response.status_code == 302 and "/transfers/" in response.headers["Location"]
    shown = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="unsigned"' in shown and "J001-WS·2018-X-1" in shown
    assert staff.get("/personnel").status_code == 403
    assert staff.get("/relations").status_code == 200 and staff.get("/loans/matrix").status_code == 200
    archivist = as_user("archivist")
    page = archivist.get("/personnel").get_data(as_text=True)
    assert 'id="dossier-form"' in page and "1 干部履历表" in page
