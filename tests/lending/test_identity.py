"""Lending acts for identities, re-read in the service's own unit of work (archive.identity): a
disabled account approves, issues and signs nothing, whatever identity a face resolved earlier;
system processes do not lend; the trail names the person and the channel."""

import pytest
from sqlalchemy import select

from archive.errors import Conflict, Forbidden
from archive.identity import resolve, system
from archive.lending import inventory, requests, transfers, viewing
from archive.lending.models import Approval
from archive.models import AuditEvent, User
from tests.lending.helpers import make_volume, who, world


def disable(session, username: str) -> None:
    session.execute(select(User).where(User.username == username)).scalar_one().active = False
    session.flush()


def test_a_disabled_department_head_approves_nothing_through_the_library(catalog):
    with catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]])
        head = who(s, "head_ylk")  # resolved while active (a web session, a token checked a moment ago)
        disable(s, "head_ylk")
        with pytest.raises(Forbidden):
            requests.approve(s, head, req.id)
        with pytest.raises(Forbidden):
            requests.approve(s, head.viewer, req.id)
        with pytest.raises(Forbidden):
            requests.approve(s, "head_ylk", req.id)  # a bare name is looked up by the same rule
        with pytest.raises(Forbidden):
            requests.reject(s, head, req.id, "不同意")
        with pytest.raises(Forbidden):
            resolve(s, "head_ylk", channel="cli")
        assert requests.get_request(s, req.id).status == "pending"
        assert s.execute(select(Approval)).scalars().all() == []


def test_a_disabled_archivist_issues_nothing_and_a_disabled_reader_is_not_served(catalog):
    with catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]])
        requests.approve(s, who(s, "head_ylk"), req.id)
        archivist = who(s, "arch")
        disable(s, "arch")
        with pytest.raises(Forbidden):
            viewing.issue_grants(s, archivist, req.id)
        disable(s, "wang")
        with pytest.raises(Conflict):  # the reader's account was disabled since the request
            viewing.issue_grants(s, who(s, "arch2"), req.id)


def test_a_disabled_department_head_signs_no_transfer_register(catalog):
    with catalog.session() as s:
        w = world(s)
        vol = make_volume(s, w["fonds"], "J001-SB·2025-D100-009", category="SB")
        reg = transfers.submit_register(s, who(s, "wang"), department="YLK", year=2025, category_code="SB",
                                        lines=[transfers.Line(vol.archival_code, "卷", 20)])
        head = who(s, "head_ylk")
        disable(s, "head_ylk")
        with pytest.raises(Forbidden):
            transfers.sign_register(s, head, reg.id)
        assert transfers._get(s, reg.id).status == "unsigned"


def test_system_processes_do_not_lend(catalog):
    with catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="loan",
                                      volume_ids=[w["volumes"]["internal"]])
        requests.approve(s, who(s, "head_ylk"), req.id)
        with pytest.raises(Forbidden, match="系统进程|system process"):
            requests.issue_loans(s, system("reindex", channel="cli"), req.id)
        with pytest.raises(Forbidden, match="系统进程|system process"):
            inventory.open_check(s, system("worker", channel="task"))


def test_a_role_level_permission_is_asked_of_the_current_account(catalog):
    with catalog.session() as s:
        world(s)
        with pytest.raises(Forbidden):
            inventory.open_check(s, who(s, "wang"))  # stock checks are the archivists'
        assert inventory.open_check(s, who(s, "arch")).opened_by == "arch"


def test_the_trail_names_the_person_and_the_channel(catalog):
    with catalog.session() as s:
        w = world(s)
        req_id = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                         record_ids=[w["records"]["internal"]]).id
    with catalog.session() as s:
        head = resolve(s, "head_ylk", channel="api", origin="10.0.0.7")
    with catalog.session(head) as s:
        requests.approve(s, head, req_id)
    with catalog.session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "loan.approve")).scalar_one()
        assert event.actor == "head_ylk" and event.details["channel"] == "api" and event.details["origin"] == "10.0.0.7"
