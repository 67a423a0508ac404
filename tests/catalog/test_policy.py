from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.codes import SECRECY_ORDER, Role, Secrecy
from archive.errors import Forbidden
from archive.policy import (
    Action,
    Viewer,
    allowed_actions,
    can_see,
    distinct_people,
    may,
    record_filter,
    require,
)


@dataclass
class Rec:
    secrecy: str = "internal"
    category_code: str = "WS"
    department: str = ""
    status: str = "filed"


def viewer(role=Role.STAFF, clearance=Secrecy.INTERNAL, departments=(), categories=()):
    return Viewer("u", role, clearance, frozenset(departments), frozenset(categories))


@pytest.mark.parametrize("clearance", list(Secrecy))
@pytest.mark.parametrize("level", list(Secrecy))
def test_clearance_must_reach_the_level(clearance, level):
    assert can_see(viewer(clearance=clearance), Rec(secrecy=level.value)) == (clearance.rank >= level.rank)


def test_scope_by_category_and_department():
    v = viewer(departments={"BGS"}, categories={"RS"})
    assert can_see(v, Rec(category_code="RS", department="BGS"))
    assert can_see(v, Rec(category_code="RS", department=""))  # bureau-wide record
    assert not can_see(v, Rec(category_code="RS", department="YLK"))
    assert not can_see(v, Rec(category_code="WS", department="BGS"))


def test_three_roles_separated():
    rec = Rec()
    admin = viewer(role=Role.SYSADMIN, clearance=Secrecy.TOP_SECRET)
    assert not can_see(admin, rec) and allowed_actions(admin, rec) == frozenset()
    assert may(admin, Action.MANAGE_ACCOUNTS) and not may(admin, Action.READ_AUDIT)
    auditor = viewer(role=Role.AUDITOR, clearance=Secrecy.SECRET)
    assert may(auditor, Action.READ_AUDIT) and not may(auditor, Action.MANAGE_ACCOUNTS)
    assert Action.VIEW_CONTENT not in allowed_actions(auditor, rec)
    assert Action.EDIT not in allowed_actions(auditor, rec)
    officer = viewer(role=Role.SECURITY_OFFICER)
    assert may(officer, Action.MANAGE_CLEARANCES) and not may(officer, Action.READ_AUDIT)
    with pytest.raises(Forbidden):
        require(auditor, Action.MANAGE_ACCOUNTS)


def test_state_secrets_need_a_grant_and_never_download():
    staff = viewer(clearance=Secrecy.TOP_SECRET)
    secret = Rec(secrecy="secret")
    assert Action.VIEW_CONTENT not in allowed_actions(staff, secret)
    granted = allowed_actions(staff, secret, viewing_grant=True)
    assert Action.VIEW_CONTENT in granted and Action.DOWNLOAD not in granted
    archivist = viewer(role=Role.ARCHIVIST, clearance=Secrecy.TOP_SECRET)
    top = Rec(secrecy="top_secret")
    assert Action.VIEW_CONTENT not in allowed_actions(archivist, top)
    assert Action.EXPORT not in allowed_actions(archivist, top)
    assert Action.DOWNLOAD in allowed_actions(archivist, Rec(secrecy="internal"))


def test_personnel_files_need_a_grant_except_for_the_archivist():
    rs = Rec(category_code="RS", secrecy="internal")
    staff = viewer(clearance=Secrecy.SECRET)
    assert can_see(staff, rs)
    assert Action.VIEW_CONTENT not in allowed_actions(staff, rs)
    assert Action.VIEW_CONTENT in allowed_actions(staff, rs, viewing_grant=True)
    assert Action.VIEW_CONTENT in allowed_actions(viewer(role=Role.ARCHIVIST), rs)


def test_destroyed_records_have_no_content():
    archivist = viewer(role=Role.ARCHIVIST)
    acts = allowed_actions(archivist, Rec(status="destroyed"))
    assert Action.VIEW_METADATA in acts and Action.VIEW_CONTENT not in acts and Action.EDIT not in acts


def test_separation_of_duties():
    distinct_people(["a"], ["b", "c"], ["d", "e"], what="destruction")
    with pytest.raises(Forbidden, match="b cannot act twice"):
        distinct_people(["a"], ["b"], ["b", "e"], what="destruction")


records = st.builds(
    Rec,
    secrecy=st.sampled_from([s.value for s in SECRECY_ORDER]),
    category_code=st.sampled_from(["WS", "SB", "RS", "AJ"]),
    department=st.sampled_from(["", "BGS", "YLK", "RSK"]),
    status=st.sampled_from(["filed", "needs_review", "destroyed"]),
)
viewers = st.builds(
    Viewer,
    username=st.just("u"),
    role=st.sampled_from(list(Role)),
    clearance=st.sampled_from(list(Secrecy)),
    departments=st.frozensets(st.sampled_from(["BGS", "YLK", "RSK"]), max_size=2),
    categories=st.frozensets(st.sampled_from(["WS", "SB", "RS", "AJ"]), max_size=2),
)


@given(viewers, records)
def test_query_filter_means_exactly_can_see(v, rec):
    """The filter that queries use and the single-record decision never disagree."""
    f = record_filter(v, include_destroyed=True)
    assert f.matches(rec) == can_see(v, rec)
    live = record_filter(v)
    assert live.matches(rec) == (can_see(v, rec) and rec.status != "destroyed")
    if rec.secrecy not in f.secrecy:
        assert not allowed_actions(v, rec)
