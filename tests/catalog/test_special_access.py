"""Issue 19 #13 (DOMAIN.md §15): 合议 records only with the approval of the 合议委员会主任 or 副主任;
信访 files with their own rule (no removal, copies only through a request, the petitioner hidden)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import copying, special_access
from archive.codes import RecordStatus, Role, Secrecy
from archive.errors import Forbidden, ValidationError
from archive.identity import of_user
from archive.models import Record, User
from archive.policy import Action, Viewer, allowed_actions
from tests.catalog.helpers import make_record, seeded


@dataclasses.dataclass
class Rec:
    secrecy: str = "internal"
    category_code: str = "AJ"
    department: str = ""
    status: str = "filed"
    title: str = ""
    doc_type: str = ""


DELIBERATIONS = ["张某诉某公司劳动争议案件合议记录", "（2020）仲案字第12号合议笔录"]
PETITIONS = ["关于李某某信访事项的处理意见", "信访材料登记"]
ORDINARY = [("WS", "关于王某某同志任职的通知"), ("AJ", "劳动争议仲裁裁决书"), ("WS", "关于做好信访工作的通知")]

viewers = st.builds(
    lambda role, clearance: Viewer("u", role, clearance),
    st.sampled_from([r for r in Role if r is not Role.ARCHIVIST]), st.sampled_from(list(Secrecy)))
levels = st.sampled_from([s.value for s in Secrecy])


@given(viewers, levels, st.sampled_from(DELIBERATIONS + PETITIONS))
def test_special_content_is_closed_without_a_grant(viewer, level, title):
    actions = allowed_actions(viewer, Rec(secrecy=level, title=title))
    assert Action.VIEW_CONTENT not in actions and Action.DOWNLOAD not in actions


@given(viewers, levels, st.sampled_from(DELIBERATIONS + PETITIONS))
def test_a_grant_opens_what_the_general_policy_opens(viewer, level, title):
    special = allowed_actions(viewer, Rec(secrecy=level, title=title), viewing_grant=True)
    general = allowed_actions(viewer, Rec(secrecy=level), viewing_grant=True)
    assert special == general


@given(viewers, levels, st.sampled_from(ORDINARY), st.booleans())
def test_ordinary_records_are_untouched(viewer, level, ordinary, grant):
    category, title = ordinary
    assert allowed_actions(viewer, Rec(secrecy=level, category_code=category, title=title), viewing_grant=grant) == \
        allowed_actions(viewer, Rec(secrecy=level, category_code=category), viewing_grant=grant)


@given(levels, st.sampled_from(DELIBERATIONS + PETITIONS))
def test_the_keeping_archivist_reads_but_does_not_download(level, title):
    archivist = Viewer("a", Role.ARCHIVIST, Secrecy.TOP_SECRET)
    actions = allowed_actions(archivist, Rec(secrecy=level, title=title))
    assert Action.DOWNLOAD not in actions
    assert (Action.VIEW_CONTENT in actions) == (level != "top_secret")


def test_kinds_and_room_rule():
    assert special_access.kind_of(Rec(title=DELIBERATIONS[0])) == special_access.DELIBERATION
    assert special_access.kind_of(Rec(title=PETITIONS[0])) == special_access.PETITION
    assert special_access.kind_of(Rec(title="关于做好信访工作的通知", category_code="WS")) is None
    assert not special_access.may_leave_room(Rec(title=PETITIONS[0]))
    assert special_access.may_leave_room(Rec(title=DELIBERATIONS[0]))
    destroyed = Rec(title=DELIBERATIONS[0], status=RecordStatus.DESTROYED.value)
    assert Action.VIEW_CONTENT not in allowed_actions(Viewer("d", Role.DIRECTOR, Secrecy.TOP_SECRET), destroyed,
                                                      viewing_grant=True)


def test_petitioner_identity_is_masked_without_need():
    record = Rec(title="关于李某某信访事项的处理意见")
    record.person_name, record.person_id_number = "李某某", "110101199003071234"  # type: ignore[attr-defined]
    reader = Viewer("r", Role.OFFICE_DIRECTOR, Secrecy.TOP_SECRET)
    shown = special_access.shown(reader, record)
    assert "李某某" not in shown["title"] and shown["person_name"] == "李**"
    assert set(shown["person_id_number"]) == {"*"}
    assert special_access.shown(reader, record, need=True)["person_name"] == "李某某"
    assert special_access.shown(Viewer("a", Role.ARCHIVIST, Secrecy.TOP_SECRET), record)["person_name"] == "李某某"


# -- approvals in the catalog ---------------------------------------------------------------------
PEOPLE = {"arch": "archivist", "chair": "leader", "vice": "office_director", "od": "office_director",
          "lead": "leader", "staff1": "staff", "sec": "security_officer"}


@pytest.fixture
def world(catalog):
    with catalog.session() as s:
        fonds = seeded(s)
        users = [User(username=n, role=r, clearance="top_secret", display_name=n) for n, r in PEOPLE.items()]
        s.add_all(users)
        s.flush()
        who = {u.username: of_user(u, channel="web", origin="test") for u in users}
        deliberation = make_record(s, fonds, category_code="AJ", title=DELIBERATIONS[0], issuer=fonds.name).id
        petition = make_record(s, fonds, category_code="AJ", title="关于李某某信访事项的处理意见", issuer=fonds.name,
                               person_name="李某某").id
    return {"catalog": catalog, "who": who, "deliberation": deliberation, "petition": petition}


def _copy(world, record_id, **fields):
    values = {"pages": "1", "copies": 1, "copying_organ": "市劳动人事争议仲裁院", "purpose": "复查", "approved_by": "lead"}
    values.update(fields)
    with world["catalog"].session() as s:
        return copying.register(s, world["who"]["arch"], record_id, **values)


def _approve(world, who, grantee="arch", uses=("copy",)):
    with world["catalog"].session() as s:
        record = s.get(Record, world["deliberation"])
        return special_access.approve(s, world["who"][who], record, grantee, uses, reason="案件复查").id


def test_deliberation_copies_need_the_committee_chairs_approval(world):
    with pytest.raises(Forbidden, match="合议委员会"):
        _copy(world, world["deliberation"])
    with pytest.raises(Forbidden):  # the leader in charge is not a committee officer
        _approve(world, "lead")
    with world["catalog"].session() as s:
        with pytest.raises(Forbidden):  # only the security officer appoints
            special_access.appoint(s, world["who"]["lead"], "chair", "panel_chair")
    with world["catalog"].session() as s:
        special_access.appoint(s, world["who"]["sec"], "chair", "panel_chair")
        special_access.appoint(s, world["who"]["sec"], "vice", "panel_vice_chair")
    with pytest.raises(ValidationError):
        _approve(world, "chair", uses=("print",))
    _approve(world, "vice", grantee="staff1", uses=("read",))  # someone else, another use: not enough
    with pytest.raises(Forbidden):
        _copy(world, world["deliberation"])
    approval = _approve(world, "vice")
    entry = _copy(world, world["deliberation"])
    assert entry.special_approval_id == approval
    with world["catalog"].session() as s:  # a dismissed officer's approvals no longer count
        special_access.dismiss(s, world["who"]["sec"], "vice", "panel_vice_chair")
    with pytest.raises(Forbidden):
        _copy(world, world["deliberation"])


def test_loan_approvers_of_deliberations_must_hold_the_office(world):
    with world["catalog"].session() as s:
        record = s.get(Record, world["deliberation"])
        with pytest.raises(Forbidden):
            special_access.check_approver(s, "lead", record)
        special_access.appoint(s, world["who"]["sec"], "chair", "panel_chair")
        special_access.check_approver(s, "chair", record)


def test_petition_copies_only_through_a_request_and_the_petitioner_is_masked(world):
    with pytest.raises(Forbidden, match="request"):
        _copy(world, world["petition"])
    _copy(world, world["petition"], request_no="JY2020-0007")
    with world["catalog"].session() as s:
        (row,) = copying.entries(s, world["who"]["od"])
        (kept,) = copying.entries(s, world["who"]["arch"])
    assert "李某某" not in row["title"] and "李**" in row["title"]
    assert "李某某" in kept["title"]


def test_the_record_page_hides_the_petitioner(world):
    from archive import records

    with world["catalog"].session() as s:
        shown = records.view(s, world["who"]["od"], world["petition"]).to_dict()["record"]
        kept = records.view(s, world["who"]["arch"], world["petition"]).to_dict()["record"]
    assert "李某某" not in shown["title"] and shown["person_name"] == "李**"
    assert "李某某" in kept["title"] and kept["person_name"] == "李某某"
