"""Issue 19 #16: the stack-room log (DOMAIN.md §15): only archivists enter freely, anyone else with
a leader's approval, logged in and out; temperature and humidity readings, typed or imported
from a sensor CSV (bad rows listed, the batch goes on), alerts when out of the limits."""

from __future__ import annotations

import datetime as dt

import pytest

from archive import stack_room
from archive.clock import set_clock
from archive.errors import Forbidden, ValidationError
from archive.identity import of_user
from archive.models import AuditEvent, User
from tests.catalog.helpers import seeded
from tests.web.conftest import CSRF, app, as_user, client, site, token_of  # noqa: F401  (the web suite's fixtures)

PEOPLE = {"arch": "archivist", "arch2": "archivist", "clerk": "staff", "head": "dept_head",
          "od": "office_director", "lead": "leader", "aud": "auditor"}


@pytest.fixture
def room(catalog):
    set_clock(lambda: dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC))
    with catalog.session() as s:
        seeded(s)
        users = [User(username=n, role=r, clearance="internal", display_name=f"{n}名") for n, r in PEOPLE.items()]
        s.add_all(users)
        s.flush()
        who = {u.username: of_user(u, channel="cli", origin="test") for u in users}
    yield {"catalog": catalog, "who": who}
    set_clock(None)


def test_a_non_archivist_enters_only_with_a_leaders_approval(room):
    catalog, who = room["catalog"], room["who"]
    with catalog.session() as s, pytest.raises(ValidationError, match="approval"):
        stack_room.enter(s, who["arch"], person="clerk", purpose="查找2019年文书档案")
    with catalog.session() as s, pytest.raises(ValidationError, match="not a leader"):
        stack_room.enter(s, who["arch"], person="clerk", purpose="查找", approved_by="head")
    with catalog.session() as s, pytest.raises(ValidationError, match="own entry"):
        stack_room.enter(s, who["arch"], person="od", purpose="检查", approved_by="od")
    with catalog.session() as s:
        entry = stack_room.enter(s, who["arch"], person="clerk", purpose="查找2019年文书档案", approved_by="od")
        mine = stack_room.enter(s, who["arch"], person="arch2", purpose="上架")  # an archivist needs none
        visitor = stack_room.enter(s, who["arch"], person="王五", unit="市档案馆", purpose="业务指导",
                                   approved_by="lead")
    assert entry["approved_by"] == "od" and entry["approver_name"] == "od名" and entry["person"] == "clerk名"
    assert mine["approved_by"] == "" and visitor["username"] == "" and visitor["unit"] == "市档案馆"
    set_clock(lambda: dt.datetime(2026, 7, 1, 3, 30, tzinfo=dt.UTC))
    with catalog.session() as s:
        left = stack_room.leave(s, who["arch"], entry["id"])
        page = stack_room.log(s, who["od"])
    assert (left["entered_at"], left["left_at"]) == ("2026-07-01 10:00", "2026-07-01 11:30")  # Beijing time
    assert {e["person"] for e in page["inside"]} == {"arch2名", "王五"}
    with catalog.session() as s:
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.seq)]
    assert actions.count("stackroom.enter") == 3 and "stackroom.leave" in actions


def test_only_archivists_keep_the_log_and_staff_cannot_read_it(room):
    catalog, who = room["catalog"], room["who"]
    with catalog.session() as s, pytest.raises(Forbidden):
        stack_room.enter(s, who["clerk"], person="clerk", purpose="x", approved_by="od")
    with catalog.session() as s, pytest.raises(Forbidden):
        stack_room.log(s, who["clerk"])
    with catalog.session() as s:
        assert stack_room.log(s, who["aud"])["may_keep"] is False


def test_a_reading_out_of_the_limits_raises_an_alert(room):
    catalog, who = room["catalog"], room["who"]
    with catalog.session() as s:
        fine = stack_room.record_reading(s, who["arch"], temperature="20", humidity="50", room="一号库房")
        hot = stack_room.record_reading(s, who["arch"], temperature=26.5, humidity=63)
        page = stack_room.log(s, who["arch"])
        alerts = s.query(AuditEvent).filter_by(action="stackroom.alert").all()
    assert fine["alert"] == ""
    assert "温度过高" in hot["alert"] and "湿度过高" in hot["alert"]
    assert [a["id"] for a in page["alerts"]] == [hot["id"]] and len(alerts) == 1
    assert page["limits"] == {"temperature_min": 14, "temperature_max": 24, "humidity_min": 45, "humidity_max": 60}


def test_the_limits_are_configurable(room):
    from retention import rules

    catalog, who = room["catalog"], room["who"]
    with catalog.session() as s:
        admin = User(username="admin", role="sysadmin", clearance="internal")
        s.add(admin)
        s.flush()
        rules.put(s, of_user(admin, channel="cli"), "stack_temperature_max", 28)
    with catalog.session() as s:
        assert stack_room.record_reading(s, who["arch"], temperature=26.5, humidity=50)["alert"] == ""
        assert "温度过高" in stack_room.record_reading(s, who["arch"], temperature=29, humidity=50)["alert"]


def test_a_sensor_csv_is_imported_past_its_bad_rows(room):
    catalog, who = room["catalog"], room["who"]
    text = ("时间,温度,湿度\n"
            "2026-07-01 08:00,18.5,52\n"
            "2026-07-01 09:00,abc,52\n"          # not a number
            "2026-07-01 10:00,19,40\n"           # too dry: alert
            "yesterday,19,50\n"                  # bad time
            "2026-07-01 11:00,19,150\n"          # impossible humidity
            "2026-07-01 12:00,13,50\n"           # too cold
            "2026-07-01 18:00,19,50\n")          # not yet taken (14:00 Beijing now): in the future
    set_clock(lambda: dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC))
    with catalog.session() as s:
        result = stack_room.import_readings(s, who["arch"], text, filename="sensor-a.csv", room="二号库房")
    assert result["imported"] == 3
    assert [e["line"] for e in result["errors"]] == [3, 5, 6, 8]
    assert [a["taken_at"] for a in result["alerts"]] == ["2026-07-01 10:00", "2026-07-01 12:00"]
    with catalog.session() as s:
        page = stack_room.log(s, who["arch"])
    assert len(page["readings"]) == 3 and {r["room"] for r in page["readings"]} == {"二号库房"}


def test_a_csv_without_the_needed_columns_is_refused_whole(room):
    catalog, who = room["catalog"], room["who"]
    with catalog.session() as s, pytest.raises(ValidationError, match="humidity"):
        stack_room.import_readings(s, who["arch"], "time,temperature\n2026-07-01 08:00,18\n")


def test_the_stackroom_commands(archive_env, monkeypatch, tmp_path):
    import json

    from click.testing import CliRunner

    from archive.cli import cli
    from archive.db import Catalog
    from archive.stack_room_cli import stackroom_group
    from tests.cli_auth import token_for

    url = archive_env["database_url"]
    catalog = Catalog(url)
    with catalog.session() as s:
        seeded(s)
        s.add_all([User(username=n, role=r, clearance="internal", display_name=f"{n}名") for n, r in PEOPLE.items()])
    catalog.dispose()
    monkeypatch.setenv("ARCHIVE_TOKEN", token_for(url, "arch"))
    cli.add_command(stackroom_group, "stackroom")

    def run(*args):
        result = CliRunner().invoke(cli, list(args))
        return result.exit_code, result.output + (str(result.exception) if result.exception else "")

    code, out = run("stackroom", "enter", "clerk", "--purpose", "查档")
    assert code != 0 and "approval" in out
    code, out = run("stackroom", "enter", "clerk", "--purpose", "查档", "--approved-by", "od", "--json")
    entry = json.loads(out)
    assert code == 0 and entry["approver_name"] == "od名"
    assert run("stackroom", "leave", str(entry["id"]))[0] == 0
    code, out = run("stackroom", "reading", "--temperature", "30", "--humidity", "50")
    assert code == 0 and "温度过高" in out
    sensor = tmp_path / "sensor.csv"
    sensor.write_text("time,temperature,humidity\n2020-01-01 08:00,18,50\n2020-01-01 09:00,x,50\n", encoding="utf-8")
    code, out = run("stackroom", "import", str(sensor))
    assert code == 0 and "imported 1" in out and "line 3" in out
    code, out = run("stackroom", "list")
    assert code == 0 and "clerk名" in out and "温度过高" in out


# -- the web page /stack-room ----------------------------------------------------------------------------


def test_the_stack_room_page(site, as_user):  # noqa: F811
    set_clock(None)
    web = as_user("archivist")
    page = web.get("/stack-room").get_data(as_text=True)
    assert 'id="enter-form"' in page and 'value="leader"' in page  # the approver is picked from the users
    token = CSRF.search(page)[1]
    refused = web.post("/stack-room/enter", data={"csrf_token": token, "person": "staff", "purpose": "查档"})
    assert refused.status_code == 400
    made = web.post("/stack-room/enter", data={"csrf_token": token, "person": "staff", "purpose": "查档",
                                               "approved_by": "leader"})
    assert made.status_code == 302
    web.post("/stack-room/readings", data={"csrf_token": token, "temperature": "27", "humidity": "50"})
    csv_file = (__import__("io").BytesIO("时间,温度,湿度\n2020-01-01 08:00,18,50\nbad,1,1\n".encode()), "s.csv")
    imported = web.post("/stack-room/import", data={"csrf_token": token, "file": csv_file},
                        content_type="multipart/form-data")
    assert imported.status_code == 302
    page = web.get(imported.headers["Location"]).get_data(as_text=True)
    assert "温度过高" in page and "查档" in page and 'id="import-errors"' in page
    auditor = as_user("auditor").get("/stack-room").get_data(as_text=True)
    assert "温度过高" in auditor and 'id="enter-form"' not in auditor
    assert as_user("staff").get("/stack-room").status_code == 403


def test_the_stack_room_through_the_api(app, token_of):  # noqa: F811
    set_clock(None)
    api = app.test_client()
    arch = token_of("archivist")
    entered = api.post("/api/v1/stack-room/entries", headers=arch,
                       json={"person": "staff", "purpose": "核对", "approved_by": "director"})
    assert entered.status_code == 201, entered.get_json()
    assert api.post(f"/api/v1/stack-room/entries/{entered.get_json()['id']}/leave", headers=arch,
                    json={}).status_code == 200
    cold = api.post("/api/v1/stack-room/readings", headers=arch, json={"temperature": 10, "humidity": 50})
    assert cold.status_code == 201 and "温度过低" in cold.get_json()["alert"]
    log = api.get("/api/v1/stack-room", headers=token_of("auditor")).get_json()
    assert any("温度过低" in a["alert"] for a in log["alerts"])
    assert api.get("/api/v1/stack-room", headers=token_of("staff")).status_code == 403
