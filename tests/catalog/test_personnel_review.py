"""Issue 19 #17: incoming personnel files are reviewed with the 档案审查表 (how it came, alteration
or forgery, inconsistencies, missing materials, wrong key data); a failing file is returned to the
sender with a reason; a 告知承诺 for missing materials states the consequences and offers the
return to the former employer; both print as PDF/A."""

from __future__ import annotations

import datetime as dt

import pikepdf
import pytest

from archive import personnel_review
from archive.clock import set_clock
from archive.errors import Conflict, Forbidden, ValidationError
from archive.identity import of_user
from archive.models import AuditEvent, User
from tests.catalog.helpers import seeded
from tests.web.conftest import CSRF, app, as_user, client, site, token_of  # noqa: F401  (the web suite's fixtures)

ID = "11010519800101123X"


@pytest.fixture
def office(catalog):
    set_clock(lambda: dt.datetime(2026, 5, 6, 2, 0, tzinfo=dt.UTC))
    with catalog.session() as s:
        seeded(s)
        users = [User(username="keeper", role="archivist", clearance="secret", display_name="人事档案员甲"),
                 User(username="ws", role="archivist", clearance="secret", categories=["WS"]),
                 User(username="clerk", role="staff", clearance="internal")]
        s.add_all(users)
        s.flush()
        who = {u.username: of_user(u, channel="cli", origin="test") for u in users}
    yield {"catalog": catalog, "who": who}
    set_clock(None)


def _create(s, who, **fields):
    values = {"person_id_number": ID, "person_name": "张三", "from_unit": "某县人社局", "how_came": "courier"}
    return personnel_review.create(s, who, **{**values, **fields})


def test_the_review_form_records_every_finding_and_a_clean_file_is_accepted(office):
    catalog, who = office["catalog"], office["who"]
    with catalog.session() as s:
        clean = _create(s, who["keeper"])
        bad = _create(s, who["keeper"], how_came="self_carried", alteration="出生日期处有涂改痕迹",
                      inconsistencies="参加工作时间前后不一致", missing=["学历学位材料", "学历学位材料", "入党材料"],
                      wrong_key_data="身份证号与履历表不符")
    assert clean["findings"] == [] and clean["status_label"] == "待处理"
    assert bad["missing"] == ["学历学位材料", "入党材料"]
    assert bad["findings"] == ["转递方式不符：档案由本人携带", "涂改造假：出生日期处有涂改痕迹",
                               "前后不一致：参加工作时间前后不一致", "关键信息错误：身份证号与履历表不符",
                               "缺失材料：学历学位材料、入党材料"]
    with catalog.session() as s:
        assert personnel_review.accept(s, who["keeper"], clean["id"])["status"] == "accepted"
        with pytest.raises(Conflict):
            personnel_review.accept(s, who["keeper"], bad["id"])


def test_a_failing_file_is_returned_to_the_sender_with_the_reason(office):
    catalog, who = office["catalog"], office["who"]
    with catalog.session() as s:
        bad = _create(s, who["keeper"], alteration="出生日期处有涂改痕迹")
    with catalog.session() as s:
        returned = personnel_review.return_file(s, who["keeper"], bad["id"], "")
    assert returned["status"] == "returned" and returned["return_reason"] == "涂改造假：出生日期处有涂改痕迹"
    assert returned["returned_by"] == "人事档案员甲"
    with catalog.session() as s:
        with pytest.raises(Conflict):
            personnel_review.return_file(s, who["keeper"], bad["id"], "again")
        event = s.query(AuditEvent).filter_by(action="personnel_review.return").one()
    assert event.details["to"] == "某县人社局"


def test_the_notice_and_commitment_states_consequences_and_offers_the_return(office):
    catalog, who = office["catalog"], office["who"]
    with catalog.session() as s:
        review = _create(s, who["keeper"], missing=["学历学位材料"])
        forged = _create(s, who["keeper"], missing=["入党材料"], alteration="涂改")
    text = "\n".join(review["notice"])
    assert "学历学位材料" in text and "后果" in text and "退回某县人社局（原工作单位）" in text
    with catalog.session() as s:
        with pytest.raises(ValidationError):
            personnel_review.commit(s, who["keeper"], review["id"], dt.date(2026, 5, 1))
        with pytest.raises(Conflict):  # forgery is returned, never kept on a promise
            personnel_review.commit(s, who["keeper"], forged["id"], dt.date(2026, 8, 1))
        committed = personnel_review.commit(s, who["keeper"], review["id"], dt.date(2026, 8, 1))
    assert committed["status"] == "committed" and "2026-08-01" in "\n".join(committed["notice"])
    with catalog.session() as s:
        assert personnel_review.accept(s, who["keeper"], review["id"])["status"] == "accepted"


def test_the_forms_print_as_pdfa_and_each_print_is_audited(office, tmp_path):
    catalog, who = office["catalog"], office["who"]
    with catalog.session() as s:
        review = _create(s, who["keeper"], missing=["学历学位材料"])
        form = personnel_review.print_pdf(s, who["keeper"], review["id"], "review")
        notice = personnel_review.print_pdf(s, who["keeper"], review["id"], "notice")
        prints = s.query(AuditEvent).filter_by(action="personnel_review.print").count()
    for body in (form, notice):
        path = tmp_path / "x.pdf"
        path.write_bytes(body)
        with pikepdf.open(path) as pdf:
            assert pdf.open_metadata().pdfa_status == "2B"
    assert prints == 2


def test_only_the_personnel_archivist_reviews_and_bad_input_is_refused(office):
    catalog, who = office["catalog"], office["who"]
    for name in ("ws", "clerk"):
        with catalog.session() as s, pytest.raises(Forbidden):
            _create(s, who[name])
    with catalog.session() as s:
        with pytest.raises(ValidationError):
            _create(s, who["keeper"], person_id_number="123")
        with pytest.raises(ValidationError):
            _create(s, who["keeper"], how_came="by_hand")
        with pytest.raises(ValidationError):
            _create(s, who["keeper"], arrived_on=dt.date(2027, 1, 1))


def test_the_dossier_review_commands(archive_env, monkeypatch, tmp_path):
    import json

    from archive.db import Catalog
    from archive.personnel_review_cli import dossier_review_group
    from tests.issue19_cli import runner

    url = archive_env["database_url"]
    catalog = Catalog(url)
    with catalog.session() as s:
        seeded(s)
        s.add_all([User(username="keeper", role="archivist", clearance="secret", display_name="人事档案员甲"),
                   User(username="clerk", role="staff", clearance="internal")])
    catalog.dispose()
    run = runner(url, monkeypatch, {"dossier-review": dossier_review_group})
    code, out = run("keeper", "dossier-review", "create", "--id-number", ID, "--name", "张三", "--from-unit",
                    "某县人社局", "--how", "self_carried", "--missing", "学历学位材料", "--json")
    assert code == 0, out
    review = json.loads(out)
    assert "转递方式不符：档案由本人携带" in review["findings"]
    code, out = run("keeper", "dossier-review", "show", str(review["id"]))
    assert code == 0 and "告知" not in out.splitlines()[0] and "后果" in out
    assert run("clerk", "dossier-review", "show", str(review["id"]))[0] != 0
    pdf = tmp_path / "review.pdf"
    code, out = run("keeper", "dossier-review", "print", str(review["id"]), "--form", "notice", "-o", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")
    code, out = run("keeper", "dossier-review", "return", str(review["id"]), "--reason", "档案须经机要交通转递")
    assert code == 0 and "档案须经机要交通转递" in out and "已退回" in out


# -- the web pages /dossier-reviews ----------------------------------------------------------------------


def test_the_dossier_review_pages(site, as_user):  # noqa: F811
    set_clock(None)
    web = as_user("archivist")
    page = web.get("/dossier-reviews").get_data(as_text=True)
    token = CSRF.search(page)[1]
    made = web.post("/dossier-reviews", data={
        "csrf_token": token, "name": "李四", "id_number": ID, "from_unit": "某市社保局", "how_came": "courier",
        "missing": "学历学位材料\n入党材料", "inconsistencies": "", "alteration": "", "wrong_key_data": ""})
    assert made.status_code == 302, made.get_data(as_text=True)[:300]
    shown = web.get(made.headers["Location"]).get_data(as_text=True)
    assert "学历学位材料、入党材料" in shown and 'id="notice"' in shown and "退回某市社保局" in shown
    pdf = web.post(made.headers["Location"] + "/print", data={"csrf_token": token, "form": "notice"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    back = web.post(made.headers["Location"] + "/return", data={"csrf_token": token, "reason": "缺材料过多"})
    assert back.status_code == 302
    assert "缺材料过多" in web.get(made.headers["Location"]).get_data(as_text=True)
    assert as_user("staff").get("/dossier-reviews").status_code == 403


def test_the_dossier_reviews_through_the_api(app, token_of):  # noqa: F811
    set_clock(None)
    api = app.test_client()
    keeper = token_of("archivist")
    made = api.post("/api/v1/dossier-reviews", headers=keeper, json={
        "person_id_number": ID, "person_name": "王五", "from_unit": "某区人社局", "how_came": "messenger",
        "wrong_key_data": "出生日期与身份证不符"})
    assert made.status_code == 201, made.get_json()
    review_id = made.get_json()["id"]
    assert api.get(f"/api/v1/dossier-reviews/{review_id}", headers=keeper).get_json()["findings"] == [
        "关键信息错误：出生日期与身份证不符"]
    back = api.post(f"/api/v1/dossier-reviews/{review_id}/return", headers=keeper, json={})
    assert back.status_code == 200 and back.get_json()["status"] == "returned"
    assert api.get("/api/v1/dossier-reviews", headers=token_of("staff")).status_code == 403
