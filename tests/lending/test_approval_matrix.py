"""The approval matrix of DOMAIN.md §5, row by row, and the separation rules."""

import pytest

from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending import approvals, requests
from archive.lending.approvals import RequestFacts, Rule, chain_for
from archive.lending.models import FamilyRelation
from archive.models import Record
from tests.catalog.helpers import make_record
from tests.lending.helpers import who, world

D = approvals.DEFAULT_MATRIX

# facts → (rule, approver roles of each step): every row of the table, and which row wins on overlaps
MATRIX_CASES = [
    (RequestFacts("public"), "own_department", [["dept_head"]]),
    (RequestFacts("internal"), "own_department", [["dept_head"]]),
    (RequestFacts("public", other_department=True), "other_department", [["office_director", "leader"]]),
    (RequestFacts("internal", other_department=True), "other_department", [["office_director", "leader"]]),
    (RequestFacts("secret"), "state_secret", [["leader"]]),
    (RequestFacts("confidential"), "state_secret", [["leader"]]),
    (RequestFacts("confidential", other_department=True), "state_secret", [["leader"]]),
    (RequestFacts("internal", extract=True), "extract", [["leader"]]),
    (RequestFacts("public", extract=True, other_department=True), "extract", [["leader"]]),
    (RequestFacts("top_secret"), "top_secret", [["director"]]),
    (RequestFacts("top_secret", other_department=True), "top_secret", [["director"]]),
    (RequestFacts("internal", personnel=True), "personnel_file", [["office_director", "leader"]]),
    (RequestFacts("secret", personnel=True), "state_secret", [["leader"]]),
]


@pytest.mark.parametrize(("facts", "rule", "steps"), MATRIX_CASES)
def test_default_matrix(facts, rule, steps):
    chosen = chain_for(D, facts)
    assert chosen.name == rule
    assert [list(s) for s in chosen.steps] == steps


# (requester, level, form, extra) → rule chosen for a real request
REQUEST_CASES = [
    ("wang", "internal", "electronic", {}, "own_department"),
    ("wang", "public", "electronic", {}, "own_department"),
    ("zhao", "internal", "electronic", {}, "other_department"),  # zhao is BGS, the record YLK
    ("zhao", "secret", "electronic", {}, "state_secret"),
    ("zhao", "confidential", "reading_room", {}, "state_secret"),
    ("wang", "internal", "reading_room", {"extract": True}, "extract"),
    ("qian", "top_secret", "reading_room", {}, "top_secret"),
]


@pytest.mark.parametrize(("requester", "level", "form", "extra", "rule"), REQUEST_CASES)
def test_requests_choose_their_chain(sqlite_catalog, requester, level, form, extra, rule):
    with sqlite_catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, requester), purpose="工作查考", form=form, record_ids=[w["records"][level]], **extra)
        assert req.rule == rule and req.status == "pending" and req.level == level


def test_outside_borrower_needs_papers_then_follows_the_matrix(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        papers = requests.OutsideBorrower("张某", "某市人社局", "介绍信〔2026〕3号", "110101199003071234")
        with pytest.raises(ValidationError):
            requests.create_request(s, who(s, "arch"), purpose="查证", form="reading_room", record_ids=[w["records"]["internal"]],
                                    outside=requests.OutsideBorrower("张某", "某市人社局", "", ""))
        with pytest.raises(Forbidden):  # an outside unit's request is registered at the archivists' desk
            requests.create_request(s, who(s, "wang"), purpose="查证", form="reading_room",
                                    record_ids=[w["records"]["internal"]], outside=papers)
        with pytest.raises(ValidationError):  # outsiders have no account: no electronic viewing
            requests.create_request(s, who(s, "arch"), purpose="查证", form="electronic",
                                    record_ids=[w["records"]["internal"]], outside=papers)
        req = requests.create_request(s, who(s, "arch"), purpose="查证", form="reading_room",
                                      record_ids=[w["records"]["internal"]], outside=papers)
        assert req.rule == "other_department" and req.outside_unit == "某市人社局"


def test_full_chain_and_separation(catalog):
    with catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic", record_ids=[w["records"]["internal"]])
        with pytest.raises(Forbidden, match="本人提出|own request"):
            requests.approve(s, who(s, "wang"), req.id)  # own request
        with pytest.raises(Forbidden):
            requests.approve(s, who(s, "leader"), req.id)  # not this step's role
        with pytest.raises(Forbidden):
            requests.approve(s, who(s, "head_bgs"), req.id)  # head of another department
        with pytest.raises(ValidationError):
            requests.reject(s, who(s, "head_ylk"), req.id, "  ")  # a rejection carries its reason
        assert requests.approve(s, who(s, "head_ylk"), req.id).status == "approved"
        with pytest.raises(Conflict):
            requests.approve(s, who(s, "head_ylk"), req.id)
        own = requests.create_request(s, who(s, "head_ylk"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]])
        with pytest.raises(Forbidden):
            requests.approve(s, who(s, "head_ylk"), own.id)  # nobody approves their own request
        rejected = requests.create_request(s, who(s, "zhao"), purpose="查考", form="electronic",
                                           record_ids=[w["records"]["secret"]])
        assert requests.reject(s, who(s, "leader"), rejected.id, "用途不明").reason == "用途不明"


def test_approver_without_clearance_cannot_see_the_request(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "qian"), purpose="查考", form="reading_room",
                                      record_ids=[w["records"]["top_secret"]])
        with pytest.raises((Forbidden, NotFound)):
            requests.approve(s, who(s, "leader"), req.id)
        assert requests.approve(s, who(s, "director"), req.id).status == "approved"


def test_above_clearance_does_not_exist(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        with pytest.raises(Forbidden):  # every reader must be cleared, not just the person asking
            requests.create_request(s, who(s, "zhao"), purpose="x", form="reading_room",
                                    record_ids=[w["records"]["secret"]], readers=["zhao", "wang"])
        with pytest.raises(NotFound):
            requests.create_request(s, who(s, "wang"), purpose="x", form="electronic", record_ids=[w["records"]["secret"]])
        with pytest.raises(ValidationError):  # top secret: reading room only
            requests.create_request(s, who(s, "qian"), purpose="x", form="electronic", record_ids=[w["records"]["top_secret"]])


def test_personnel_file_rules(catalog):
    with catalog.session() as s:
        w = world(s)
        rec = make_record(s, w["fonds"], category_code="RS", secrecy="internal", department="",
                          title="王某人事档案", person_id_number="110101199003071234")
        with pytest.raises(ValidationError):  # at least two readers
            requests.create_request(s, who(s, "wang"), purpose="考察", form="reading_room", record_ids=[rec.id])
        with pytest.raises(ValidationError):  # reading room only
            requests.create_request(s, who(s, "wang"), purpose="考察", form="electronic", record_ids=[rec.id],
                                    readers=["wang", "li"])
        s.add(FamilyRelation(username="li", relation="spouse", person_id_number="110101199003071234"))
        s.flush()
        with pytest.raises(Forbidden):  # a relative's file
            requests.create_request(s, who(s, "wang"), purpose="考察", form="reading_room", record_ids=[rec.id],
                                    readers=["wang", "li"])
        ok = requests.create_request(s, who(s, "wang"), purpose="考察", form="reading_room", record_ids=[rec.id],
                                     readers=["wang", "head_ylk"])
        assert ok.rule == "personnel_file"
        with pytest.raises(Forbidden):
            requests.approve(s, who(s, "head_ylk"), ok.id)  # a reader does not approve


def test_configured_matrix_replaces_the_defaults(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        stricter = [Rule("two_steps", (("dept_head",), ("office_director",)))]
        approvals.set_matrix(s, who(s, "admin"), stricter)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic", record_ids=[w["records"]["public"]])
        assert requests.approve(s, who(s, "head_ylk"), req.id).status == "pending"
        assert requests.approve(s, who(s, "office"), req.id).status == "approved"
        with pytest.raises(ValidationError):
            approvals.set_matrix(s, who(s, "admin"), [Rule("only_secret", (("leader",),), min_level="secret")])


def test_file_first_then_lend(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        s.get(Record, w["records"]["internal"]).status = "received"
        with pytest.raises(ValidationError):
            requests.create_request(s, who(s, "wang"), purpose="x", form="electronic", record_ids=[w["records"]["internal"]])


def test_issue_rechecks_the_readers_and_requests_can_be_cancelled(sqlite_catalog):
    from archive.lending import viewing
    from archive.models import User

    with sqlite_catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "zhao"), purpose="查考", form="electronic", record_ids=[w["records"]["secret"]])
        requests.approve(s, who(s, "leader"), req.id)
        s.query(User).filter_by(username="zhao").one().clearance = "internal"  # clearance lowered meanwhile
        s.flush()
        with pytest.raises(Conflict):
            viewing.issue_grants(s, who(s, "arch"), req.id)
        with pytest.raises(Forbidden):
            requests.cancel(s, who(s, "leader"), req.id)
        assert requests.cancel(s, who(s, "zhao"), req.id).status == "cancelled"
        with pytest.raises(Conflict):
            requests.approve(s, who(s, "leader"), req.id)
