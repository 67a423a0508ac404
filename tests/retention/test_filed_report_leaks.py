"""Issue 12 #2 and #20: the filed appraisal report and destruction register name every record of
their batch, so they are as secret as the most secret one and belong to its department(s); no
viewer learns, through a search hit, the record page or the downloaded PDF, the title or code
of a listed record they may not see. And a witness signs only a register they may fully see."""

from __future__ import annotations

import io
import itertools

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import records
from archive.codes import Secrecy
from archive.errors import Forbidden, NotFound
from archive.identity import of_user
from archive.lifecycle_models import AppraisalBatch, DestructionRegister
from archive.models import Record, User
from archive.policy import can_see, record_filter
from retention import destruction, filing
from retention import services as life
from search.documents import build_document
from tests.retention.workflow import concluded_batch, due_records, execute, person

LEVELS = [s.value for s in Secrecy]
DEPARTMENTS = ["", "人事科", "社保科"]
VIEWER_ROLES = ["staff", "archivist", "witness", "auditor", "leader"]
_names = itertools.count()


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _new_viewer(world, role: str, clearance: str, departments: list[str]):
    with world["catalog"].session() as s:
        user = User(username=f"v{next(_names)}", role=role, clearance=clearance, display_name="v",
                    departments=departments)
        s.add(user)
        s.flush()
        return of_user(user, channel="web", origin="test")


def _faces(world, store, who, filed_id: int) -> str:
    """Everything the viewer gets about a filed document: its search hit, page and download."""
    seen = []
    with world["catalog"].session(who) as s:
        filed = s.get(Record, filed_id)
        if record_filter(who.viewer).matches(filed):  # what every search backend translates
            seen.append(repr(build_document(filed, [])))
        try:
            seen.append(str(records.view(s, who, filed_id).to_dict()))
        except NotFound:
            return "\n".join(seen)
        try:
            download = records.download(s, who, filed_id)
        except (Forbidden, NotFound):
            return "\n".join(seen)
    with store.get(download.key) as stream:
        seen.append(_pdf_text(stream.read()))
    return "\n".join(seen)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(entries=st.lists(st.tuples(st.sampled_from(LEVELS), st.sampled_from(DEPARTMENTS)), min_size=1, max_size=3),
       viewers=st.lists(st.tuples(st.sampled_from(VIEWER_ROLES), st.sampled_from(LEVELS),
                                  st.sampled_from([[], ["人事科"], ["社保科"]])), min_size=1, max_size=4))
def test_no_viewer_reads_a_hidden_entry_through_a_filed_document(world, store, entries, viewers):
    register_id, listed = _register_over(world, store, entries)
    execute(world, store, register_id)
    with world["catalog"].session() as s:
        register = s.get(DestructionRegister, register_id)
        filed = [s.get(AppraisalBatch, register.batch_id).report_record_id, register.register_record_id]
    for role, clearance, departments in viewers:
        who = _new_viewer(world, role, clearance, departments)
        with world["catalog"].session() as s:
            hidden = [(r.title, r.archival_code) for r in (s.get(Record, i) for i in listed)
                      if not can_see(who.viewer, r)]
        for filed_id in filed:
            text = _faces(world, store, who, filed_id)
            for title, code in hidden:
                assert title not in text and code not in text, (role, clearance, departments, title)


@pytest.fixture
def mixed(world, store):
    """One executed register over an internal and a confidential record of two departments."""
    register_id, ids = _register_over(world, store, [("internal", "人事科"), ("confidential", "社保科")])
    execute(world, store, register_id)
    return register_id, ids


def _register_over(world, store, entries):
    ids = []
    for level, department in entries:
        ids += due_records(world, store, 1, 1, secrecy=level, department=department,
                           title=f"题名{next(_names)}号{Secrecy(level).label_zh}")
    batch_id = concluded_batch(world, store, ids)
    arch = person(world, "arch")
    with world["catalog"].session(arch) as s:
        register = destruction.create_register(s, arch, batch_id=batch_id)
        register_id, missing = register.id, destruction.missing_roles(s, register)
    for approver, role in (("boss", "director"), ("lead", "leader")):
        if role in missing:
            who = person(world, approver)
            with world["catalog"].session(who) as s:
                destruction.approve(s, who, register_id=register_id, opinion="同意")
    for w in ("w1", "w2"):
        who = person(world, w)
        with world["catalog"].session(who) as s:
            destruction.sign_witness(s, who, register_id=register_id)
    return register_id, ids


def test_a_mixed_register_is_filed_at_its_highest_level_and_no_single_department(world, store, mixed):
    register_id, ids = mixed
    with world["catalog"].session() as s:
        register = s.get(DestructionRegister, register_id)
        report = s.get(Record, s.get(AppraisalBatch, register.batch_id).report_record_id)
        filed = s.get(Record, register.register_record_id)
        titles = [s.get(Record, i).title for i in ids]
        assert (filed.secrecy, report.secrecy) == ("confidential", "confidential")
        assert filed.department == report.department == filing.SEVERAL_DEPARTMENTS
        assert not any(t in f"{filed.title} {filed.notes} {report.title} {report.notes}" for t in titles)
    # the reproduction of the issue: an internal staff user gets 404 on the record and on the register
    staff = _new_viewer(world, "staff", "internal", [])
    with world["catalog"].session(staff) as s:
        with pytest.raises(NotFound):
            records.view(s, staff, ids[1])
        with pytest.raises(NotFound):
            records.download(s, staff, register.register_record_id)


def test_an_internal_register_stays_readable_by_who_may_see_its_entries(world, store):
    register_id, ids = _register_over(world, store, [("internal", "人事科"), ("public", "人事科")])
    execute(world, store, register_id)
    clerk = _new_viewer(world, "staff", "internal", ["人事科"])
    other = _new_viewer(world, "staff", "internal", ["社保科"])
    with world["catalog"].session() as s:
        filed_id = s.get(DestructionRegister, register_id).register_record_id
        titles = [s.get(Record, i).title for i in ids]
        assert s.get(Record, filed_id).department == "人事科"
    text = _faces(world, store, clerk, filed_id)
    assert all(t in text for t in titles)
    with world["catalog"].session(other) as s, pytest.raises(NotFound):
        records.view(s, other, filed_id)


# -- #20: witnesses ----------------------------------------------------------------------------
def _lower(world, username: str, clearance: str) -> None:
    with world["catalog"].session() as s:
        s.query(User).filter_by(username=username).one().clearance = clearance


def test_a_witness_below_the_registers_level_may_not_sign(world, store):
    _lower(world, "w1", "internal")
    with pytest.raises(Forbidden, match="cleared"):
        _register_over(world, store, [("internal", ""), ("confidential", "")])


def test_a_witness_outside_the_registers_scope_may_not_sign(world, store):
    with world["catalog"].session() as s:
        s.query(User).filter_by(username="w1").one().departments = ["人事科"]
    with pytest.raises(Forbidden, match="cleared"):
        _register_over(world, store, [("internal", "社保科")])


def test_a_cleared_witness_sees_every_entry_they_sign(world, store):
    register_id, ids = _register_over(world, store, [("internal", ""), ("secret", "")])
    w1 = person(world, "w1")
    with world["catalog"].session(w1) as s:
        detail = life.register_detail(s, w1, register_id)
        body = life.register_pdf(s, w1, register_id)
    with world["catalog"].session() as s:
        titles = [s.get(Record, i).title for i in ids]
    assert all(t in str(detail) for t in titles) and all(t in _pdf_text(body) for t in titles)


def test_a_witness_whose_clearance_was_lowered_after_signing_blocks_execution(world, store):
    register_id, _ = _register_over(world, store, [("confidential", "")])
    _lower(world, "w2", "internal")
    with pytest.raises(Forbidden, match="w2"):
        execute(world, store, register_id)


def test_a_filed_document_takes_the_category_of_what_it_lists():
    """Scope by category: a register of social-insurance records is filed as SB, so a person
    scoped to 文书 only does not find it; a register of several categories is filed as WS."""
    from types import SimpleNamespace

    from retention.filing import category_of

    assert category_of([SimpleNamespace(category_code="SB"), SimpleNamespace(category_code="SB")]) == "SB"
    assert category_of([SimpleNamespace(category_code="SB"), SimpleNamespace(category_code="RS")]) == "WS"
