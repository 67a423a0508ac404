"""Pins of archive/policy.py that mutation testing (mutmut) showed no other test depended on:
each test here kills mutants that survived the policy, visibility and no-leak suites."""

from __future__ import annotations

import dataclasses

import pytest

from archive.codes import Role, Secrecy
from archive.errors import Forbidden
from archive.policy import Action, Viewer, distinct_people, may, record_filter, require


@dataclasses.dataclass
class Row:
    username: str = "wang"
    role: str = "staff"
    clearance: str = "secret"
    departments: list = dataclasses.field(default_factory=lambda: ["YLK"])
    categories: list = dataclasses.field(default_factory=lambda: ["SB"])


@dataclasses.dataclass
class Rec:
    secrecy: str = "internal"
    category_code: str = "WS"
    department: str = ""
    status: str = "filed"


def test_a_viewer_is_made_of_every_field_of_its_user():
    assert Viewer.of(Row()) == Viewer("wang", Role.STAFF, Secrecy.SECRET, frozenset({"YLK"}), frozenset({"SB"}))
    assert Viewer.of(Row(departments=[], categories=[])).departments == frozenset()


def test_a_process_is_a_named_system_viewer_cleared_for_everything():
    v = Viewer.process("fixity")
    assert (v.username, v.role, v.clearance, v.system) == ("system:fixity", Role.ARCHIVIST, Secrecy.TOP_SECRET, True)


def test_an_unknown_role_may_do_nothing():
    assert may(Viewer("ghost", "ghost", Secrecy.INTERNAL), Action.READ_AUDIT) is False  # type: ignore[arg-type]


def test_require_names_who_may_not_do_what():
    staff = Viewer("wang", Role.STAFF, Secrecy.INTERNAL)
    with pytest.raises(Forbidden, match="wang .*staff.* may not read_audit"):
        require(staff, Action.READ_AUDIT)
    require(Viewer("li", Role.AUDITOR, Secrecy.INTERNAL), Action.READ_AUDIT)


def test_require_on_a_record_allows_what_the_policy_allows_and_nothing_else():
    archivist = Viewer("zhao", Role.ARCHIVIST, Secrecy.SECRET)
    require(archivist, Action.EDIT, Rec())  # allowed: no exception
    with pytest.raises(Forbidden, match=r"wang \(staff\) may not edit this record"):
        require(Viewer("wang", Role.STAFF, Secrecy.SECRET), Action.EDIT, Rec())
    with pytest.raises(Forbidden, match="this record"):
        require(archivist, Action.EDIT, Rec(secrecy="top_secret"))  # above clearance


def test_a_name_may_repeat_within_one_part_but_not_across_parts():
    distinct_people(["a", "a"], ["b"], what="x")
    with pytest.raises(Forbidden, match="a cannot act twice in x"):
        distinct_people(["a"], ["b", "a"], what="x")


def test_the_system_filter_denies_nothing_and_keeps_the_destroyed_flag():
    system = Viewer.process("indexer")
    f = record_filter(system, include_destroyed=True)
    assert f.deny_all is False and f.include_destroyed is True
    assert f.categories is None and f.departments is None
    assert record_filter(system).include_destroyed is False
