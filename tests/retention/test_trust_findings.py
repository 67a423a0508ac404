"""Issue 12's retention findings, each replayed as the red team did it and shown refused:

- #5 the security officer lowered a 绝密 record above their clearance, under a hold, straight to
  `internal`, and the index stayed stale;
- #6 `POST /admin/schedule/<id> {"retention": "D2", "approved_by": "director"}` shortened a held
  permanent record;
- #9 an archivist released the director's hold and destroyed the record in the same second.

(#8, the one-shell destruction, is in test_one_shell_destruction.py.)
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import audit, users
from archive.config import load_settings
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import of_user, resolve, system
from archive.lifecycle_models import Hold, RetentionChange, SecrecyReview
from archive.models import Fonds, Page, Record, User
from archive.retention_rules import active_rules
from archive.runtime import Runtime
from retention import holds, schedule, secrecy
from search import indexer
from search.model import SearchQuery
from search.service import SearchService
from tests.catalog.helpers import make_record as catalog_record
from tests.catalog.helpers import seeded
from tests.cli_auth import env_as
from tests.retention.builders import make_record
from tests.retention.workflow import approved_register, execute, person
from tests.web.conftest import app, client, csrf_token, login, site, token_of  # noqa: F401 - the web suite's fixtures
from tests.web.site import PASSWORD

NOTICE = "国家保密局解密通知 国保函〔2024〕1号"
ARCHIVE = str(Path(sys.executable).parent / "archive")


def _officer(world, name: str = "sec_low", clearance: str = "confidential"):
    """A second security officer, cleared below 绝密."""
    with world["catalog"].session() as s:
        found = User(username=name, role="security_officer", clearance=clearance, display_name=name)
        s.add(found)
        s.flush()
        return of_user(found, channel="web", origin="test")


def _top_secret(world, **fields) -> int:
    with world["catalog"].session() as s:
        values = {"secrecy": "top_secret", "title": "关于绝密事项的请示", "declassify_on": dt.date(2020, 1, 1)}
        values.update(fields)
        return make_record(s, world["fonds_id"], **values).id


# -- #5: lowering a secrecy level ------------------------------------------------------------------
def test_no_one_lowers_a_record_above_their_clearance_or_under_a_hold(world):
    """The replay: 绝密, above the officer's clearance, under the director's hold, declassified to
    internal. Each of the three conditions alone refuses it; the level stays 绝密."""
    rid = _top_secret(world)
    low = _officer(world)
    cat = world["catalog"]
    with cat.session(person(world, "boss")) as s:
        hold_id = holds.place(s, person(world, "boss"), reason="纪检调查", scope="record", target=str(rid)).id
    with cat.session(low) as s, pytest.raises(NotFound):  # above their clearance: it does not exist for them
        secrecy.review(s, low, record_id=rid, outcome="declassify")
    sec = person(world, "sec")
    with cat.session(sec) as s, pytest.raises(Forbidden, match="under hold"):  # the replay, by a cleared officer
        secrecy.review(s, sec, record_id=rid, outcome="declassify")
    with cat.session(sec) as s, pytest.raises(Forbidden, match="under hold"):
        secrecy.review(s, sec, record_id=rid, outcome="downgrade", level="secret", authority=NOTICE)
    with cat.session(person(world, "boss")) as s:
        holds.release(s, person(world, "boss"), hold_id=hold_id, reason="调查结束")
    # A prefecture bureau never sets 绝密 itself: only the organ that did decides to lower it.
    with cat.session(sec) as s, pytest.raises(Forbidden, match="原定密机关"):
        secrecy.review(s, sec, record_id=rid, outcome="declassify")
    with cat.session() as s:
        assert s.get(Record, rid).secrecy == "top_secret"
        assert s.execute(select(SecrecyReview)).first() is None
        assert audit.events(s, action="secrecy.review") == []
    with cat.session(sec) as s:
        secrecy.review(s, sec, record_id=rid, outcome="downgrade", level="confidential", authority=NOTICE)
    with cat.session() as s:
        record = s.get(Record, rid)
        row = s.execute(select(SecrecyReview)).scalar_one()
        assert record.secrecy == "confidential" and record.declassify_on is not None
        assert (row.old_level, row.new_level, row.authority, row.reviewer) == ("top_secret", "confidential", NOTICE,
                                                                               "sec")
        assert audit.events(s, action="secrecy.review")[0].details["authority"] == NOTICE


def test_the_organ_that_set_the_level_decides_its_lowering(world):
    """The bureau's own 机密 document: its security officer decides, and the bureau is recorded as the
    authority. A 机密 notice of the ministry: only the ministry's notice lowers it."""
    cat = world["catalog"]
    with cat.session() as s:
        fonds_name = s.get(Fonds, world["fonds_id"]).name
    own = _top_secret(world, secrecy="confidential", issuer=fonds_name)
    ministry = _top_secret(world, secrecy="confidential", issuer="人力资源和社会保障部")
    sec = person(world, "sec")
    with cat.session(sec) as s:
        assert secrecy.review(s, sec, record_id=own, outcome="declassify").authority == fonds_name
    with cat.session(sec) as s, pytest.raises(Forbidden, match="人力资源和社会保障部"):
        secrecy.review(s, sec, record_id=ministry, outcome="declassify")
    with cat.session(sec) as s, pytest.raises(ValidationError, match="declassify"):
        secrecy.review(s, sec, record_id=ministry, outcome="downgrade", level="internal", authority=NOTICE)
    with cat.session(sec) as s:
        secrecy.review(s, sec, record_id=ministry, outcome="declassify", authority="人社部解密通知 2024-05")
    with cat.session() as s:
        assert s.get(Record, own).secrecy == "internal" and s.get(Record, ministry).secrecy == "internal"
    arch = person(world, "arch")  # and nobody but the security officer lowers a level
    other = _top_secret(world, secrecy="secret")
    with cat.session(arch) as s, pytest.raises(Forbidden, match="security officer"):
        secrecy.review(s, arch, record_id=other, outcome="declassify", authority=NOTICE)


def test_the_secrecy_review_replay_through_the_binary(world, archive_env):
    """`archive retention secrecy-review ID --outcome declassify` by a security officer on a 绝密
    record under a hold, and by one cleared below it: both refused in one line; once the hold is
    lifted, with the deciding organ's notice, it is lowered and an `internal` reader finds it."""
    if archive_env["database_url"].startswith("postgresql"):
        pytest.skip("the installed binary is checked once; the service tests cover PostgreSQL")
    rid = _top_secret(world, title="关于劳动保障监察专项行动的请示")
    _officer(world)
    with world["catalog"].session() as s:
        s.add(Page(record_id=rid, page_no=1, ocr_text="专项行动 正文"))
        reader = User(username="reader", role="staff", clearance="internal", display_name="reader")
        s.add(reader)
        s.flush()
        reader_id = of_user(reader, channel="web", origin="test")
    boss = person(world, "boss")
    with world["catalog"].session(boss) as s:
        hold_id = holds.place(s, boss, reason="纪检调查", scope="record", target=str(rid)).id
    world["clock"].now = dt.datetime.now(dt.UTC)  # the binary runs on the real clock: tokens must be valid there
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_TOKEN"}

    def binary(*args: object, as_: str) -> subprocess.CompletedProcess:
        return subprocess.run([ARCHIVE, *map(str, args)], capture_output=True, text=True, timeout=120,
                              env=env_as(archive_env["database_url"], as_, env))

    runtime = Runtime(load_settings())
    try:
        indexer.drain(runtime.catalog, runtime.index)
        search = SearchService(runtime.catalog, runtime.index)

        def found() -> list[int]:
            return [h.id for h in search.search(reader_id, SearchQuery(reader_id.viewer, "劳动保障监察专项行动")).hits]

        assert found() == []
        replay = ("retention", "secrecy-review", rid, "--outcome", "declassify")
        for name, why in (("sec", "under hold"), ("sec_low", "does not exist")):
            done = binary(*replay, as_=name)
            assert done.returncode == 1 and why in done.stderr and done.stdout == "", done.stderr
            assert len(_errors(done.stderr)) == 1
        with runtime.catalog.session() as s:
            assert s.get(Record, rid).secrecy == "top_secret"
        assert found() == []
        with world["catalog"].session(boss) as s:
            holds.release(s, boss, hold_id=hold_id, reason="调查结束")
        done = binary(*replay, "--authority", NOTICE, as_="sec")
        assert done.returncode == 0, done.stderr
        assert found() == [rid]  # the CLI's unit of work re-indexed it after commit
        report = indexer.check(runtime.catalog, runtime.index)
        assert report.ok and report.stale == []
    finally:
        runtime.close()


def test_a_declassified_record_reaches_the_index_at_once(catalog_url, tmp_path):
    """Before: an `internal` reader finds nothing. After the officer declassifies (with the deciding
    organ's notice), the unit of work has re-indexed the record: the reader finds it by its title,
    which a 绝密 record never sent to the index, and `index check` finds nothing stale."""
    runtime = Runtime(load_settings({"ARCHIVE_HOME": str(tmp_path / "home"), "ARCHIVE_DATABASE_URL": catalog_url}))
    try:
        with runtime.unit_of_work(system("test")) as s:
            fonds = seeded(s)
            for name, role, level in (("secoff", "security_officer", "top_secret"), ("reader", "staff", "internal")):
                users.add_user(s, actor="test", username=name, role=role, clearance=level, password=PASSWORD)
            record = catalog_record(s, fonds, secrecy="top_secret", title="关于劳动保障监察专项行动的请示")
            s.add(Page(record_id=record.id, page_no=1, ocr_text="专项行动 正文"))
            rid = record.id
        with runtime.unit_of_work() as s:
            reader, officer = resolve(s, "reader", channel="api"), resolve(s, "secoff", channel="cli")
        search = SearchService(runtime.catalog, runtime.index)

        def found() -> list[int]:
            return [h.id for h in search.search(reader, SearchQuery(reader.viewer, "劳动保障监察专项行动")).hits]

        assert found() == []
        with runtime.unit_of_work(officer) as s:
            secrecy.review(s, officer, record_id=rid, outcome="declassify", authority=NOTICE)
        assert found() == [rid]
        report = indexer.check(runtime.catalog, runtime.index)
        assert report.ok and report.stale == [] and report.missing == []
    finally:
        runtime.close()


# -- #6: shortening the schedule -------------------------------------------------------------------
def _permanent_rule_records(application) -> tuple[int, int, int]:
    """A permanent rule, a 机密 record it governs, and an `internal` one it governs under the director's hold."""
    services = application.extensions["archive"]
    with services.catalog.session() as s:
        fonds = s.query(Fonds).filter_by(code="J001").one()
        made = []
        for level in ("confidential", "internal"):
            record = Record(fonds_id=fonds.id, category_code="WS", year=2015, retention="Y", status="filed",
                            secrecy=level, title="关于机构改革的决定", doc_type="决定")
            s.add(record)
            s.flush()
            made.append(record)
        rule = schedule.governs(active_rules(s), made[0])
        assert rule is not None and rule.retention == "Y"
        for record in made:
            record.retention = rule.retention
            assert record.retention_due is None
        director = resolve(s, "director", channel="web")
        ids = (rule.id, made[0].id, made[1].id)
    with services.unit_of_work(director) as s:
        holds.place(s, director, reason="审计署审计", scope="record", target=str(ids[2]))
    return ids


def _due(application, *record_ids: int) -> list[tuple[str, dt.date | None]]:
    with application.extensions["archive"].catalog.session() as s:
        return [(s.get(Record, i).retention, s.get(Record, i).retention_due) for i in record_ids]


def test_naming_an_approver_shortens_nothing(app, client, token_of):  # noqa: F811
    """The replay through the web form and the API: each only proposes; the director then approves
    in their own session, the held record stays permanent, and the change's audit event lists
    every recomputation with its old and new due date."""
    rule_id, secret_id, held_id = _permanent_rule_records(app)
    admin, director = token_of("admin"), token_of("director")
    login(client, "admin")
    form = client.post(f"/admin/schedule/{rule_id}", data={
        "retention": "D2", "approved_by": "director", "reason": "精简",
        "csrf_token": csrf_token(client, "/admin/schedule")})
    assert form.status_code == 302
    assert _due(app, secret_id, held_id) == [("Y", None), ("Y", None)]
    (pending,) = client.get("/api/v1/admin/schedule", headers=admin).get_json()["pending"]
    assert pending["status"] == "proposed"
    assert client.post(f"/api/v1/admin/schedule/changes/{pending['id']}/reject", headers=director,
                       json={"reason": "依据不足"}).status_code == 200
    named = client.post(f"/api/v1/admin/schedule/{rule_id}", headers=admin,
                        json={"retention": "D2", "approved_by": "director", "reason": "精简"})
    assert named.status_code == 400 and "approved_by" in named.get_json()["error"]["message"]  # no such field
    assert _due(app, secret_id, held_id) == [("Y", None), ("Y", None)]
    answer = client.post(f"/api/v1/admin/schedule/{rule_id}", headers=admin, json={"retention": "D2", "reason": "精简"})
    assert answer.status_code == 201, answer.get_json()
    change = answer.get_json()
    assert change["status"] == "proposed" and change["decided_by"] is None
    assert _due(app, secret_id, held_id) == [("Y", None), ("Y", None)]  # nothing shortened by naming anyone
    listed = client.get("/api/v1/admin/schedule", headers=admin).get_json()
    assert next(r for r in listed["rules"] if r["id"] == rule_id)["retention"] == "Y"
    refused = client.post(f"/api/v1/admin/schedule/changes/{change['id']}/approve", headers=admin)
    assert refused.status_code == 403  # the proposer never approves
    approved = client.post(f"/api/v1/admin/schedule/changes/{change['id']}/approve", headers=director)
    assert approved.status_code == 200, approved.get_json()
    (secret_after, held_after) = _due(app, secret_id, held_id)
    assert held_after == ("Y", None)  # a held record is never recomputed shorter
    assert secret_after == ("D2", dt.date(2018, 1, 1))  # the approver approved this one
    with app.extensions["archive"].catalog.session() as s:
        event = [e for e in audit.events(s, action="retention.schedule.change")
                 if e.details.get("change") == change["id"]][0]
        assert event.actor == "director" and event.details["shortens"] is True
        listed_records = {r["record"]: r for r in event.details["records"]}
        assert listed_records[secret_id] == {"record": secret_id, "old_retention": "Y", "new_retention": "D2",
                                             "old_due": None, "new_due": "2018-01-01"}
        assert held_id not in listed_records and event.details["kept_held"] == [held_id]
        assert event.details["recomputed"] == len(listed_records)
        history = s.execute(select(RetentionChange).where(RetentionChange.record_id == held_id)).first()
        assert history is None


def test_held_records_are_never_recomputed_shorter(world):
    """The service on both catalogs: a change from D30 to D10 moves the free record only."""
    cat = world["catalog"]
    with cat.session() as s:
        free = make_record(s, world["fonds_id"], retention="D30", title="关于一般工作的通知", year=2010)
        held = make_record(s, world["fonds_id"], retention="D30", title="关于一般工作的通知", year=2010)
        rule = schedule.governs(active_rules(s), free)
        assert rule is not None
        free.retention = held.retention = rule.retention
        ids, rule_id, before = (free.id, held.id), rule.id, rule.retention
    boss, admin = person(world, "boss"), person(world, "admin")
    with cat.session(boss) as s:
        holds.place(s, boss, reason="诉讼", scope="record", target=str(ids[1]))
    with cat.session(admin) as s:
        change_id = schedule.propose_change(s, admin, rule_id=rule_id, retention="D2", reason="精简").id
    with cat.session() as s:  # proposing changes nothing
        assert [s.get(Record, i).retention for i in ids] == [before, before]
    with cat.session(boss) as s:
        change = schedule.approve(s, boss, change_id=change_id)
        assert change.recomputed >= 1
    with cat.session() as s:
        assert s.get(Record, ids[0]).retention == "D2"
        assert s.get(Record, ids[1]).retention == before
        event = audit.events(s, action="retention.schedule.change")[0]
        assert ids[0] in {r["record"] for r in event.details["records"]} and ids[1] in event.details["kept_held"]


# -- #9: releasing a hold --------------------------------------------------------------------------
def test_an_archivist_cannot_release_the_directors_hold(world, store):
    """The replay: the director holds a record of an approved, witnessed register; the archivist
    releases the hold and executes in the same second. The release is refused, so is the
    destruction; the director (the placer) releases it with a reason."""
    register_id, (rid, *_rest) = approved_register(world, store, n=1, n_objects=1)
    cat, boss, arch = world["catalog"], person(world, "boss"), person(world, "arch")
    with cat.session(boss) as s:
        hold_id = holds.place(s, boss, reason="纪检调查", scope="record", target=str(rid)).id
    with cat.session(arch) as s, pytest.raises(Forbidden, match="boss"):
        holds.release(s, arch, hold_id=hold_id, reason="误冻结")
    with pytest.raises(Conflict, match="under hold"):
        execute(world, store, register_id)
    with cat.session() as s:
        assert s.get(Record, rid).status != "destroyed"
        assert s.get(Hold, hold_id).released_at is None
        assert audit.events(s, action="hold.release") == []
    lead = person(world, "lead")  # a leader in charge is below the bureau director too
    with cat.session(lead) as s, pytest.raises(Forbidden):
        holds.release(s, lead, hold_id=hold_id, reason="x")
    with cat.session(boss) as s, pytest.raises(ValidationError):
        holds.release(s, boss, hold_id=hold_id, reason="  ")
    with cat.session(boss) as s:
        holds.release(s, boss, hold_id=hold_id, reason="调查结束")


def test_a_higher_role_releases_an_archivists_hold(world):
    cat = world["catalog"]
    with cat.session() as s:
        rid = make_record(s, world["fonds_id"]).id
    arch, arch2, lead = person(world, "arch"), person(world, "arch2"), person(world, "lead")
    with cat.session(arch) as s:
        first = holds.place(s, arch, reason="审计", scope="record", target=str(rid)).id
        second = holds.place(s, arch, reason="诉讼", scope="record", target=str(rid)).id
        assert s.get(Hold, first).placed_role == "archivist"
    with cat.session(arch2) as s, pytest.raises(Forbidden):  # another archivist: the same role, not higher
        holds.release(s, arch2, hold_id=first, reason="x")
    with cat.session(lead) as s:
        holds.release(s, lead, hold_id=first, reason="审计结束")
    with cat.session(arch) as s:
        holds.release(s, arch, hold_id=second, reason="撤诉")
    with cat.session() as s:
        assert [e.actor for e in audit.events(s, action="hold.release")] in (["arch", "lead"], ["lead", "arch"])


def test_a_hold_placed_before_roles_were_recorded(world):
    """Rows from before migration 0011 carry no role: the placer's current role stands in."""
    cat = world["catalog"]
    with cat.session() as s:
        rid = make_record(s, world["fonds_id"]).id
        s.add(Hold(reason="旧冻结", scope="record", target=str(rid), placed_by="boss", placed_role="",
                   placed_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)))
        s.flush()
        hold_id = s.execute(select(Hold.id)).scalar_one()
    arch = person(world, "arch")
    with cat.session(arch) as s, pytest.raises(Forbidden):
        holds.release(s, arch, hold_id=hold_id, reason="x")
    with cat.session(person(world, "boss")) as s:
        holds.release(s, person(world, "boss"), hold_id=hold_id, reason="解除")


def _errors(stderr: str) -> list[str]:
    """The error lines (a start-up warning about a loose home folder may precede them)."""
    return [line for line in stderr.strip().splitlines() if not line.startswith("warning:")]
