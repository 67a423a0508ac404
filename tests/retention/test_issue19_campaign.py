"""Issue 19 #14: the filing campaign (DOMAIN.md §15). Departments hand over last year's documents
by the end of March, the archive room files them by the end of June (both configurable); a
dashboard says who has not handed over; signed drafts are filed with the fair copy and leaders'
instructions with the report: a typed link between records, shown from both sides."""

from __future__ import annotations

import pytest

from archive import record_links, records
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import of_user
from archive.lending import transfers
from archive.models import AuditEvent, Fonds, User
from retention import campaign, rules
from tests.catalog.helpers import make_record
from tests.web.conftest import CSRF, app, as_user, client, site, token_of  # noqa: F401  (the web suite's fixtures)


@pytest.fixture
def bureau(world):
    with world["catalog"].session() as s:
        people = [User(username="p1", role="staff", clearance="internal", departments=["养老保险科"]),
                  User(username="h1", role="dept_head", clearance="internal", departments=["养老保险科"]),
                  User(username="p2", role="staff", clearance="internal", departments=["办公室"]),
                  User(username="h2", role="dept_head", clearance="internal", departments=["办公室"]),
                  User(username="p3", role="staff", clearance="internal", departments=["就业科"])]
        s.add_all(people)
        s.flush()
        world["who"].update({u.username: of_user(u, channel="web", origin="test") for u in people})
    return world


def _hand_over(s, who, person, head, department):
    register = transfers.submit_register(s, who[person], department=department, year=2019, category_code="WS",
                                         lines=[transfers.Line(f"J001-WS-2019-D30-{department}-0001", "通知", 2)])
    if head:
        transfers.sign_register(s, who[head], register.id)
    return register


def test_the_dashboard_lists_who_has_not_handed_over_and_who_is_late(bureau):
    catalog, who, clock = bureau["catalog"], bureau["who"], bureau["clock"]
    clock.to("2020-03-15")
    with catalog.session() as s:
        _hand_over(s, who, "p1", "h1", "养老保险科")
        _hand_over(s, who, "p2", None, "办公室")  # submitted, not yet signed by the head
        early = campaign.dashboard(s, who["arch"])
    rows = {r["department"]: r for r in early["departments"]}
    assert early["year"] == 2019 and early["handover_deadline"] == "2020-03-31"
    assert early["filing_deadline"] == "2020-06-30"
    assert {d: r["state"] for d, r in rows.items()} == {"养老保险科": "handed_over", "办公室": "unsigned",
                                                        "就业科": "none"}
    assert early["not_handed_over"] == ["办公室", "就业科"] and early["late"] == []
    clock.to("2020-04-01")
    with catalog.session() as s:
        late = campaign.dashboard(s, who["boss"])
    assert late["handover_passed"] and late["late"] == ["办公室", "就业科"]
    with catalog.session() as s:
        assert s.query(AuditEvent).filter_by(action="campaign.view").count() == 2


def test_both_deadlines_and_the_departments_are_configurable(bureau):
    catalog, who, clock = bureau["catalog"], bureau["who"], bureau["clock"]
    clock.to("2020-04-10")
    with catalog.session() as s:
        rules.put(s, who["admin"], "handover_deadline", "4-15")
        rules.put(s, who["admin"], "filing_deadline", "09-30")
        rules.put(s, who["admin"], "filing_departments", "就业科,信访科")
        with pytest.raises(ValidationError):
            rules.put(s, who["admin"], "handover_deadline", "02-30")
    with catalog.session() as s:
        data = campaign.dashboard(s, who["arch"], 2019)
    assert (data["handover_deadline"], data["filing_deadline"]) == ("2020-04-15", "2020-09-30")
    assert [r["department"] for r in data["departments"]] == ["就业科", "信访科"] and data["late"] == []


def test_staff_do_not_read_the_dashboard_and_a_head_reads_their_own_row(bureau):
    catalog, who = bureau["catalog"], bureau["who"]
    with catalog.session() as s:
        with pytest.raises(Forbidden):
            campaign.dashboard(s, who["staff1"])
        mine = campaign.dashboard(s, who["h1"])
    assert [r["department"] for r in mine["departments"]] == ["养老保险科"]


def test_a_signed_draft_is_linked_to_its_fair_copy_and_shown_from_both_sides(bureau):
    catalog, who = bureau["catalog"], bureau["who"]
    with catalog.session() as s:
        fonds = s.get(Fonds, bureau["fonds_id"])
        copy = make_record(s, fonds, title="关于做好2019年养老保险工作的通知", archival_code="J001-WS-2019-D30-0001")
        draft = make_record(s, fonds, title="关于做好2019年养老保险工作的通知（签发稿）")
        report = make_record(s, fonds, title="关于养老保险基金运行情况的报告")
        note = make_record(s, fonds, title="局长批示", secrecy="top_secret")
        ids = (copy.id, draft.id, report.id, note.id)
    copy_id, draft_id, report_id, note_id = ids
    with catalog.session() as s:
        link = record_links.add(s, who["arch"], draft_id, "J001-WS-2019-D30-0001", "draft_of")
        record_links.add(s, who["arch"], note_id, report_id, "instruction_on")
        with pytest.raises(Conflict):
            record_links.add(s, who["arch"], draft_id, copy_id, "draft_of")
        with pytest.raises(ValidationError):
            record_links.add(s, who["arch"], draft_id, draft_id, "draft_of")
        with pytest.raises(Forbidden):
            record_links.add(s, who["staff1"], report_id, copy_id, "related")
    assert link["this_is"] == "签发稿" and link["other_is"] == "正本"
    with catalog.session() as s:
        from_copy = records.view(s, who["arch"], copy_id).to_dict()["links"]
        from_draft = record_links.links(s, who["arch"], draft_id)
    assert [(x["this_is"], x["other_is"], x["other"]["id"]) for x in from_copy] == [("正本", "签发稿", draft_id)]
    assert [(x["this_is"], x["other"]["id"]) for x in from_draft] == [("签发稿", copy_id)]
    with catalog.session() as s:  # an instruction above the reader's clearance is not shown, not even as a link
        low = User(username="low", role="archivist", clearance="internal")
        s.add(low)
        s.flush()
        low_who = of_user(low, channel="web")
        assert record_links.links(s, low_who, report_id) == []
        assert record_links.links(s, who["arch"], report_id)[0]["other_is"] == "领导批示"
        with pytest.raises(NotFound):
            record_links.remove(s, low_who, record_links.links(s, who["arch"], report_id)[0]["id"])
    with catalog.session() as s:
        record_links.remove(s, who["arch"], link["id"], "linked in error")
        assert record_links.links(s, who["arch"], copy_id) == []
        assert s.query(AuditEvent).filter_by(action="record.unlink").count() == 2


def test_the_campaign_and_link_commands(archive_env, monkeypatch):
    import json

    from archive.clock import set_clock
    from archive.db import Catalog
    from archive.links_cli import link_group
    from retention.campaign_cli import campaign_command
    from tests.catalog.helpers import seeded
    from tests.issue19_cli import runner

    set_clock(None)
    url = archive_env["database_url"]
    catalog = Catalog(url)
    with catalog.session() as s:
        fonds = seeded(s)
        s.add_all([User(username="arch", role="archivist", clearance="secret", display_name="档案员甲"),
                   User(username="p1", role="staff", clearance="internal", departments=["就业科"])])
        draft = make_record(s, fonds, title="签发稿", year=2025)
        copy = make_record(s, fonds, title="正本", year=2025, archival_code="J001-WS-2025-D30-0007")
        draft_id, copy_id = draft.id, copy.id
    catalog.dispose()
    run = runner(url, monkeypatch, {"link": link_group, "campaign": campaign_command})
    code, out = run("arch", "campaign", "--json")
    assert code == 0, out
    assert json.loads(out)["not_handed_over"] == ["就业科"]
    code, out = run("arch", "campaign")
    assert code == 0 and "就业科: 未移交" in out
    assert run("p1", "campaign")[0] != 0
    code, out = run("arch", "link", "add", str(draft_id), "J001-WS-2025-D30-0007", "--kind", "draft_of", "--json")
    assert code == 0, out
    link = json.loads(out)
    code, out = run("arch", "link", "list", "J001-WS-2025-D30-0007")
    assert code == 0 and "本件为正本" in out and "签发稿" in out
    assert run("p1", "link", "add", str(draft_id), str(copy_id), "--kind", "related")[0] != 0
    code, out = run("arch", "link", "remove", str(link["id"]), "--reason", "误建")
    assert code == 0 and "removed" in out


# -- the web: /campaign and the links on both record pages -------------------------------------------


def test_the_campaign_page_and_links_on_both_record_pages(site, as_user):  # noqa: F811
    web = as_user("archivist")
    page = web.get("/campaign")
    assert page.status_code == 200 and "各部门移交期限" in page.get_data(as_text=True)
    ids = site["ids"]
    record_page = web.get(f"/records/{ids['public']}").get_data(as_text=True)
    assert 'id="link-form"' in record_page
    token = CSRF.search(record_page)[1]
    made = web.post(f"/records/{ids['public']}/links", data={
        "csrf_token": token, "kind": "draft_of", "other": str(ids["internal"]), "direction": "from"})
    assert made.status_code == 302, made.get_data(as_text=True)[:300]
    draft = web.get(f"/records/{ids['public']}").get_data(as_text=True)
    fair = web.get(f"/records/{ids['internal']}").get_data(as_text=True)
    assert "本件为签发稿" in draft and "关于劳动仲裁案件的报告" in draft
    assert "本件为正本" in fair and "关于养老保险待遇调整的通知" in fair
    staff = as_user("staff")
    assert staff.get("/campaign").status_code == 403
    assert 'id="link-form"' not in staff.get(f"/records/{ids['public']}").get_data(as_text=True)


def test_the_campaign_and_links_through_the_api(site, app, token_of):  # noqa: F811
    api = app.test_client()
    ids = site["ids"]
    arch = token_of("archivist")
    assert api.get("/api/v1/campaign", headers=arch).status_code == 200
    assert api.get("/api/v1/campaign", headers=token_of("staff")).status_code == 403
    made = api.post(f"/api/v1/records/{ids['secret']}/links", headers=arch,
                    json={"to": str(ids["public"]), "kind": "instruction_on"})
    assert made.status_code == 201, made.get_json()
    assert api.post(f"/api/v1/records/{ids['secret']}/links", headers=arch,
                    json={"to": str(ids["public"]), "kind": "signed"}).status_code == 400  # not a kind
    seen = api.get(f"/api/v1/records/{ids['public']}/links", headers=arch).get_json()["links"]
    assert ("所批报告", ids["secret"]) in [(x["this_is"], x["other"]["id"]) for x in seen]
    hidden = api.get(f"/api/v1/records/{ids['public']}/links", headers=token_of("staff")).get_json()["links"]
    assert ids["secret"] not in [x["other"]["id"] for x in hidden]  # the instruction is above staff's clearance
    gone = api.post(f"/api/v1/record-links/{made.get_json()['id']}/remove", headers=arch, json={"reason": "误建"})
    assert gone.status_code == 200
