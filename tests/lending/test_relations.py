"""Issue 17 item 3: a person's own personnel file and their relatives' are never served to them
through staff accounts, not even with an approved request; what declarations cannot catch (same
surname, same birthplace code) is flagged for the archivist."""

from __future__ import annotations

import random

import pytest

from archive import records, relations
from archive.errors import Forbidden
from archive.lending import desk, requests, viewing
from archive.lending.relations import RELATIONS
from archive.models import Page, User
from tests.catalog.helpers import make_record
from tests.lending.helpers import who, world
from tests.lending.test_viewing import blank_page


def id_number(region: str, birth: str, seq: str) -> str:
    first = f"{region}{birth}{seq}"
    total = sum(int(d) * w for d, w in zip(first, relations.WEIGHTS, strict=True))
    return first + relations.CHECK[total % 11]


def test_check_digit_and_surnames():
    assert relations.check_digit_ok("11010519491231002X")
    assert not relations.check_digit_ok("110105194912310021")
    assert relations.surname("欧阳修文") == "欧阳" and relations.surname("王芳") == "王" and relations.surname("王") == ""


def _personnel(s, fonds, number: str, name: str = "王某", code: int = 1):
    record = make_record(s, fonds, category_code="RS", secrecy="internal", department="", title=f"{name}人事档案",
                         person_name=name, person_id_number=number, archival_code=f"J001-RS·2019-Y-{code:04d}")
    s.add(Page(record_id=record.id, page_no=1, ocr_text=f"{name} 履历"))
    s.flush()
    return record


def _grant_two(s, record_id: int, readers=("wang", "li")):
    req = requests.create_request(s, who(s, readers[0]), purpose="干部考察", form="reading_room",
                                  record_ids=[record_id], readers=list(readers))
    requests.approve(s, who(s, "office"), req.id)
    viewing.issue_grants(s, who(s, "arch"), req.id)
    return req


CASES = [(relation, reader, after) for relation in RELATIONS for reader in ("wang", "li", "zhao")
         for after in (False, True)]


def test_own_and_relatives_personnel_files_are_never_served(sqlite_catalog):
    """Over every relation, reader and moment of declaring (each with its own person): declared
    before the request, the request is refused; declared after an approved, issued request, the
    pages are refused all the same. Other readers are not affected (so the test can fail)."""
    rng = random.Random(17)
    with sqlite_catalog.session() as s:
        w = world(s)
        for n, (relation, reader, declare_after_grant) in enumerate(CASES, 1):
            other = "li" if reader != "li" else "wang"
            number = id_number(rng.choice(["110101", "532621", "530102"]),
                               f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
                               f"{rng.randint(0, 999):03d}")
            record = _personnel(s, w["fonds"], number, code=n)
            if declare_after_grant:
                _grant_two(s, record.id, (reader, other))
                assert viewing.view_page(s, who(s, reader), record.id, 1, blank_page, place="reading_room")
                desk.declare_relation(s, who(s, reader), relation, number, "王某")
            else:
                desk.declare_relation(s, who(s, reader), relation, number, "王某")
                with pytest.raises(Forbidden):
                    _grant_two(s, record.id, (reader, other))
                with pytest.raises(Forbidden):  # not as the second reader either
                    _grant_two(s, record.id, (other, reader))
                with pytest.raises(Forbidden):
                    desk.consult(s, who(s, reader), purpose="查考", form="electronic", record_ids=[record.id])
                assert desk.consult_plan(s, who(s, reader), form="reading_room", record_ids=[record.id],
                                         readers=[reader, other])["related"]
                _grant_two(s, record.id, (other, "zhao" if reader != "zhao" else "wang"))  # others still may
            with pytest.raises(Forbidden):
                viewing.view_page(s, who(s, reader), record.id, 1, blank_page, place="reading_room")
            seen = records.view(s, who(s, reader), record.id)
            assert not seen.content and all(p["text"] is None for p in seen.pages)
            assert seen.record.title  # the catalogue entry stays
            assert viewing.view_page(s, who(s, other), record.id, 1, blank_page, place="reading_room")


def test_the_archivist_cannot_read_their_own_file_either(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        mine = id_number("110101", "19850101", "123")
        record = _personnel(s, w["fonds"], mine)
        assert records.view(s, who(s, "arch"), record.id).content
        desk.declare_relation(s, who(s, "arch"), "self", mine, "档案员")
        assert not records.view(s, who(s, "arch"), record.id).content
        assert records.view(s, who(s, "arch2"), record.id).content


def test_same_surname_and_birthplace_are_flagged_for_the_archivist(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        s.query(User).filter_by(username="wang").one().display_name = "王伟"
        desk.declare_relation(s, who(s, "wang"), "self", id_number("532621", "19870315", "001"), "王伟")
        near = _personnel(s, w["fonds"], id_number("532621", "19600101", "002"), "王建国", code=1)
        far = _personnel(s, w["fonds"], id_number("110101", "19600101", "003"), "王芳", code=2)
        stranger = _personnel(s, w["fonds"], id_number("532621", "19600101", "004"), "李四", code=3)
        req = requests.create_request(s, who(s, "li"), purpose="干部考察", form="reading_room",
                                      record_ids=[near.id, far.id, stranger.id], readers=["li", "wang"])
        reasons = {(f["reader"], f["record"]): f["reason"] for f in req.flags}
        assert reasons == {("wang", str(near.id)): "same_surname_region", ("wang", str(far.id)): "same_surname"}
        assert desk.detail(s, who(s, "arch"), req.id)["flags"] == req.flags
        assert desk.detail(s, who(s, "li"), req.id)["flags"] == []  # for the archivist, not the reader
