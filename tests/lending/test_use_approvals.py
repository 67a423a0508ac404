"""Issue 17 item 1: use needs approval where the rules say (DOMAIN.md §5, §15).

The done-when test runs through the web and the API on a real site (store, index, unit of work):
a staff user without an approved request gets 403 on the content of an SB record with an ID
number and still finds its catalogue entry in search; after approval the watermarked view works
until expiry; the request prints as PDF/A. The other tests hold the policy, the setting and the
approver levels at the service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import clock, records, use_matrix
from archive.codes import SECRECY_ORDER, Role
from archive.errors import Forbidden, ValidationError
from archive.lending import desk, requests, viewing
from archive.models import AuditEvent, Page, Record, StoredObject
from archive.policy import DEFAULT_USE_RULE, Action, Viewer, allowed_actions
from archive.runtime import Runtime
from tests.catalog.helpers import make_record
from tests.lending.helpers import who, world
from tests.lending.test_cli import bureau  # noqa: F401  (the fixture)
from tests.lending.test_viewing import blank_page
from tests.web.conftest import login
from tests.web.site import build_site, text_png
from web.app import create_app

ID_NUMBER = "110101199003071234"
SB_TITLE = "王某基本养老金待遇核定表"


# -- the done-when test, through the faces -------------------------------------------------------
@pytest.fixture(scope="module")
def sb_site(sqlite_template, tmp_path_factory):
    site = build_site(tmp_path_factory.mktemp("use-approvals"), sqlite_template)
    runtime = Runtime(site["settings"], nudge="inline")  # indexed after commit, like an ingest
    image = runtime.store.put(text_png("王某 养老金 第一页"), media_type="image/png")
    pdf = runtime.store.put(b"%PDF-1.7 stand-in", media_type="application/pdf")
    with runtime.unit_of_work() as s:
        from archive.models import Fonds

        fonds = s.query(Fonds).filter_by(code="J001").one()
        record = Record(fonds_id=fonds.id, category_code="SB", year=2020, retention="D100", status="filed",
                        secrecy="internal", title=SB_TITLE, doc_date=dt.date(2020, 3, 1), pages=1,
                        person_name="王某", person_id_number=ID_NUMBER, business_step="养老待遇",
                        filed_at=dt.datetime.now(dt.UTC))
        s.add(record)
        s.flush()
        record.archival_code = f"J001-SB·2020-D100-{record.id:04d}"
        s.add(Page(record_id=record.id, page_no=1, ocr_text=f"姓名 王某 公民身份号码 {ID_NUMBER} 核定养老金"))
        s.add(StoredObject(sha256=image, size=1, media_type="image/png", role="page_image", record_id=record.id,
                           page_no=1))
        s.add(StoredObject(sha256=pdf, size=1, media_type="application/pdf", role="pdf", record_id=record.id))
        site["ids"]["sb"] = record.id
    runtime.close()
    return site


@pytest.fixture(scope="module")
def sb_app(sb_site):
    application = create_app(sb_site["settings"], testing=True)
    yield application
    application.extensions["archive"].close()


def bearer(app, username: str) -> dict:
    from archive import tokens

    with app.extensions["archive"].catalog.session() as db:
        _row, plain = tokens.create(db, actor="test", username=username, name="use-approvals")
    return {"Authorization": f"Bearer {plain}"}


def test_done_when_sb_record_with_an_id_number_needs_an_approved_consultation(sb_app, sb_site):
    rid = sb_site["ids"]["sb"]
    client = sb_app.test_client()
    staff, leader, archivist = (bearer(sb_app, u) for u in ("staff", "leader", "archivist"))
    image, download = f"/api/v1/records/{rid}/pages/1/image", f"/api/v1/records/{rid}/download"

    # Without an approved request: 403 on the content (API and web page alike) ...
    assert client.get(image, headers=staff).status_code == 403
    assert client.get(download, headers=staff).status_code == 403
    record = client.get(f"/api/v1/records/{rid}", headers=staff).get_json()
    assert "view_content" not in record["actions"] and record["pages"][0]["text"] is None
    # ... while the catalogue entry is found by its title, not by the identity number in its text.
    hits = client.get("/api/v1/search", query_string={"q": "养老金待遇核定表"}, headers=staff).get_json()["hits"]
    assert [h["id"] for h in hits] == [rid] and not hits[0].get("snippets")
    assert client.get("/api/v1/search", query_string={"q": ID_NUMBER}, headers=staff).get_json()["hits"] == []
    web = sb_app.test_client()
    assert login(web, "staff").status_code == 302
    assert web.get(f"/records/{rid}/pages/1/image").status_code == 403
    assert web.get(f"/records/{rid}/download").status_code == 403
    page = web.get(f"/records/{rid}").get_data(as_text=True)
    assert SB_TITLE in page and ID_NUMBER not in page and 'id="request-consultation"' in page
    rules = web.get(f"/consult/new?record={rid}").get_data(as_text=True)  # the rules, before submitting
    assert "办公室主任" in rules and "分管局领导" in rules and 'id="consult-days">3' in rules

    # The request: §15's approvers, chosen from the use matrix.
    plan = client.post("/api/v1/consultations/plan", json={"record_ids": [rid]}, headers=staff).get_json()
    assert plan["consultation"] and plan["steps"] == [["office_director", "leader"]] and not plan["download"]
    made = client.post("/api/v1/consultations", json={"purpose": "核对养老金待遇", "record_ids": [rid]}, headers=staff)
    assert made.status_code == 201, made.get_data(as_text=True)
    loan = made.get_json()
    assert loan["rule"] == "internal_use" and loan["days"] == 3
    assert client.get(image, headers=staff).status_code == 403  # pending is not approved
    queue = sb_app.test_client()
    assert login(queue, "leader").status_code == 302
    assert loan["number"] in queue.get("/consult/queue").get_data(as_text=True)  # the approver's queue
    assert loan["number"] not in web.get("/consult/queue").get_data(as_text=True)
    assert client.post(f"/api/v1/loans/{loan['id']}/approve", json={}, headers=leader).status_code == 200
    assert client.get(image, headers=staff).status_code == 403  # approved, not yet issued by the archivist
    issued = client.post(f"/api/v1/loans/{loan['id']}/issue", json={"hours": 2}, headers=archivist)
    assert issued.status_code == 200, issued.get_data(as_text=True)

    # After approval: the watermarked view, never cached, never the bare download.
    shown = client.get(image, headers=staff)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    assert shown.data != text_png("王某 养老金 第一页")
    assert client.get(download, headers=staff).status_code == 403
    assert client.get(f"/api/v1/records/{rid}", headers=staff).get_json()["pages"][0]["text"]

    # The request prints: 内部借阅表 and 查阅审批表 as PDF/A.
    for kind in ("internal", "approval"):
        printed = client.get(f"/api/v1/loans/{loan['id']}/form/{kind}", headers=staff)
        assert printed.status_code == 200 and printed.mimetype == "application/pdf"
        with pikepdf.open(io.BytesIO(printed.data)) as pdf:
            assert pdf.open_metadata().pdfa_status == "2B"
    assert web.get(f"/loans/{loan['id']}/form/approval").status_code == 200

    # Until expiry.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
    clock.set_clock(lambda: later)
    try:
        assert client.get(image, headers=staff).status_code == 403
    finally:
        clock.set_clock(None)
    with sb_app.extensions["archive"].catalog.session() as db:
        actions = {e.action for e in db.query(AuditEvent).filter(AuditEvent.actor == "staff")}
    assert {"page.view", "print.loan_internal", "print.loan_approval", "loan.request"} <= actions


# -- the policy and the setting ----------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Row:
    secrecy: str
    category_code: str
    department: str = ""
    status: str = "filed"
    person_id_number: str = ""


@settings(max_examples=300, deadline=None, database=None)
@given(role=st.sampled_from(sorted(Role)), category=st.sampled_from(["WS", "SB", "RS", "AJ", "KJ"]),
       level=st.sampled_from(SECRECY_ORDER), person=st.sampled_from(["", ID_NUMBER]))
def test_content_of_rs_sb_and_personal_data_only_through_a_grant(role, category, level, person):
    viewer = Viewer("u", role, SECRECY_ORDER[-1])
    row = Row(level.value, category, person_id_number=person)
    reserved = category in ("RS", "SB") or bool(person)
    content = Action.VIEW_CONTENT in allowed_actions(viewer, row)
    if reserved and role is not Role.ARCHIVIST:
        assert not content and Action.DOWNLOAD not in allowed_actions(viewer, row)
    if not reserved:  # the matrix adds nothing elsewhere
        assert content == (Action.VIEW_CONTENT in allowed_actions(viewer, row, use_rule=dataclasses.replace(
            DEFAULT_USE_RULE, categories=frozenset(), personal_data=False)))


def _sb(s, fonds, **fields):
    values = {"category_code": "SB", "secrecy": "internal", "department": "YLK", "title": "参保登记表",
              "person_name": "赵六", "person_id_number": ID_NUMBER, "archival_code": "J001-SB·2019-D100-0001"}
    record = make_record(s, fonds, **(values | fields))
    s.add(Page(record_id=record.id, page_no=1, ocr_text="赵六 参保"))
    s.flush()
    return record


def test_the_matrix_is_a_setting_the_administrator_changes(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        sb = _sb(s, w["fonds"])
        ws_with_id = make_record(s, w["fonds"], secrecy="internal", department="YLK", person_id_number=ID_NUMBER,
                                 archival_code="J001-WS·2019-D30-0099")
        assert not records.view(s, who(s, "wang"), sb.id).content
        assert not records.view(s, who(s, "wang"), ws_with_id.id).content
        with pytest.raises(Forbidden):
            desk.set_use_settings(s, who(s, "wang"), {"categories": []})
        with pytest.raises(ValidationError):
            desk.set_use_settings(s, who(s, "admin"), {"categories": ["XX"]})
        with pytest.raises(ValidationError):
            desk.set_use_settings(s, who(s, "admin"), {"approved_by": "me"})
        desk.set_use_settings(s, who(s, "admin"), {"categories": ["RS"], "personal_data": False, "days": 5})
        assert records.view(s, who(s, "wang"), sb.id).content
        assert records.view(s, who(s, "wang"), ws_with_id.id).content
        assert desk.use_settings(s, who(s, "wang"))["days"] == 5
        event = s.query(AuditEvent).filter(AuditEvent.action == "use_matrix.set").one()
        assert event.actor == "admin" and event.details["new"]["categories"] == ["RS"]



def test_the_matrix_is_registered_in_the_settings_registry(sqlite_catalog):
    from archive import settings_registry as registry

    with sqlite_catalog.session() as s:
        w = world(s)
        sb = _sb(s, w["fonds"])
        keys = {row["key"]: row for row in registry.show(s, who(s, "admin"))}
        assert keys["use_matrix.categories"]["value"] == "RS,SB" and keys["use_matrix.personal_data"]["value"] is True
        with pytest.raises(Forbidden):
            registry.change(s, who(s, "wang"), "use_matrix.categories", "RS")
        with pytest.raises(ValidationError):
            registry.change(s, who(s, "admin"), "use_matrix.categories", "RS,XX")
        registry.change(s, who(s, "admin"), "use_matrix.categories", "RS")
        registry.change(s, who(s, "admin"), "use_matrix.personal_data", "no")
        assert use_matrix.load(s).categories == ("RS",) and not use_matrix.load(s).personal_data
        assert records.view(s, who(s, "wang"), sb.id).content
        registry.change(s, who(s, "admin"), "use_matrix.days", 0 + 7)
        assert desk.use_settings(s, who(s, "wang"))["days"] == 7


def test_approvers_follow_section_15(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        sb = _sb(s, w["fonds"])
        secret = _sb(s, w["fonds"], secrecy="secret", department="BGS", archival_code="J001-SB·2019-D100-0002")
        ws = w["records"]["internal"]
        own = requests.create_request(s, who(s, "wang"), purpose="经办核对", form="electronic", record_ids=[ws])
        assert own.rule == "own_department"  # nothing the use matrix reserves: the department head, as before
        req = desk.consult(s, who(s, "wang"), purpose="经办核对", form="electronic", record_ids=[sb.id])
        assert req["rule"] == "internal_use" and req["steps"] == [["office_director", "leader"]]
        with pytest.raises(Forbidden):  # the department head is not the approver §15 names
            desk.approve(s, who(s, "head_ylk"), req["id"])
        assert desk.approve(s, who(s, "office"), req["id"])["status"] == "approved"
        higher = desk.consult(s, who(s, "zhao"), purpose="稽核", form="electronic", record_ids=[secret.id])
        assert higher["rule"] == "state_secret" and higher["steps"] == [["leader"]]
        with pytest.raises(Forbidden):
            desk.approve(s, who(s, "office"), higher["id"])
        # The archivist keeps the store: no request needed, content as before.
        assert records.view(s, who(s, "arch"), sb.id).content


def test_a_grant_of_reserved_content_opens_the_watermarked_view_only(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        sb = _sb(s, w["fonds"])
        with pytest.raises(Forbidden):
            viewing.view_page(s, who(s, "wang"), sb.id, 1, blank_page)
        req = desk.consult(s, who(s, "wang"), purpose="经办核对", form="electronic", record_ids=[sb.id])
        desk.approve(s, who(s, "leader"), req["id"])
        [grant] = viewing.issue_grants(s, who(s, "arch"), req["id"])
        assert grant.download is False
        assert viewing.view_page(s, who(s, "wang"), sb.id, 1, blank_page) != blank_page()
        assert not viewing.may_download(s, who(s, "wang"), sb.id)
        with pytest.raises(Forbidden):  # li is not a reader of this request
            viewing.view_page(s, who(s, "li"), sb.id, 1, blank_page)


# -- the CLI face --------------------------------------------------------------------------------
def test_consult_and_relation_commands(bureau, tmp_path):  # noqa: F811  (the fixture of test_cli)
    from archive.db import Catalog
    from tests.lending.test_cli import ok, run

    catalog = Catalog(bureau["url"])
    with catalog.session() as s:
        rid = _sb(s, bureau["fonds"]).id
    catalog.dispose()
    act = bureau["act"]
    act("wang")
    shown = run("consult", "request", "--record", str(rid), "--purpose", "核对参保", "--yes")
    assert shown.returncode == 0, shown.output
    from archive.i18n import role_label

    assert f"{role_label('office_director')} / {role_label('leader')}" in shown.output and "3 天" in shown.output
    mine = ok("consult", "list")
    assert [r["status"] for r in mine] == ["pending"]
    request_id = str(mine[0]["id"])
    assert run("consult", "approve", request_id).returncode != 0  # never one's own request
    act("head_ylk")
    assert ok("consult", "list", "--inbox") == []  # not the department head's step under §15
    act("office")
    assert [r["id"] for r in ok("consult", "list", "--inbox")] == [mine[0]["id"]]
    assert ok("consult", "approve", request_id, "--note", "同意")["status"] == "approved"
    out = tmp_path / "approval.pdf"
    printed = run("consult", "print", request_id, "--kind", "approval", "-o", str(out))
    assert printed.returncode == 0, printed.output
    with pikepdf.open(out) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    act("li")
    declared = ok("relation", "declare", "spouse", ID_NUMBER, "--name", "赵六")
    assert declared["relation"] == "spouse" and [r["person_id_number"] for r in ok("relation", "list")] == [ID_NUMBER]
    second = ok("consult", "request", "--record", str(rid), "--purpose", "复核", "--yes")
    act("office")
    assert ok("consult", "reject", str(second["id"]), "--reason", "不属本科室业务")["status"] == "rejected"
    act("admin")
    assert ok("consult", "rules")["categories"] == ["RS", "SB"]
