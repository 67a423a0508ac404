"""Property: whatever sequence of lending calls random users make, nobody obtains content, a
title or a count of anything above their clearance or outside their scope."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from archive.db import Catalog
from archive.errors import ArchiveError
from archive.lending import registers, requests, viewing
from archive.lending.access import viewer_of
from archive.models import Record, Volume
from archive.policy import can_see, rank
from tests.conftest import new_catalog_url
from tests.lending.helpers import USERS, who, world

LEVELS = ["public", "internal", "secret", "confidential", "top_secret"]
NAMES = [u[0] for u in USERS]
STATE = {"approve": "pending", "approve_as_step": "pending", "issue": "approved", "describe": None}

ops = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(NAMES), st.sampled_from(LEVELS),
              st.sampled_from(["reading_room", "electronic", "loan"]), st.booleans()),
    st.tuples(st.just("approve"), st.sampled_from(NAMES), st.integers(0, 30)),
    # the approver drawn among holders of the current step's role, so sequences reach issued
    # loans and grants instead of stopping at refusals
    st.tuples(st.just("approve_as_step"), st.integers(0, 3), st.integers(0, 30)),
    st.tuples(st.just("issue"), st.sampled_from(["arch", "arch2", "arch", "wang"]), st.integers(0, 30)),
    st.tuples(st.just("view"), st.sampled_from(NAMES), st.sampled_from(LEVELS), st.booleans()),
    st.tuples(st.just("download"), st.sampled_from(NAMES), st.sampled_from(LEVELS)),
    st.tuples(st.just("export"), st.sampled_from(NAMES), st.sampled_from(registers.KINDS)),
    st.tuples(st.just("list"), st.sampled_from(NAMES)),
    st.tuples(st.just("describe"), st.sampled_from(NAMES), st.integers(0, 30)),
)


@pytest.fixture
def bureau(request, tmp_path):
    catalog = Catalog(new_catalog_url("sqlite", request, tmp_path))
    with catalog.session() as s:
        w = world(s)
    yield catalog, w
    catalog.dispose()


def forbidden_words(session, username) -> set[str]:
    viewer = viewer_of(session, username)
    words = {r.title for r in session.query(Record) if not can_see(viewer, r)}
    words |= {v.title for v in session.query(Volume) if rank(v.secrecy) > rank(viewer.clearance)}
    return words - {""}


def page_png(_page) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(out, format="PNG")
    return out.getvalue()


def pick_request(session, kind, index):
    query = session.query(requests.LoanRequest).order_by(requests.LoanRequest.id)
    if STATE[kind]:
        query = query.filter(requests.LoanRequest.status == STATE[kind])
    pool = query.all()
    if not pool:
        raise ArchiveError("no request in that state")
    return pool[index % len(pool)]


def step_approver(request, pick: int) -> str:
    done = sum(1 for a in request.approvals if a.decision == "approve")
    names = [name for name, role, _, _ in USERS if role in request.steps[done]]
    return names[pick % len(names)]


def call(session, w, op) -> tuple[str, str, str]:
    """Run one operation; return (actor, what succeeded, everything it showed)."""
    kind = op[0]
    if kind == "request":
        _, user, level, form, by_volume = op
        ids = {"volume_ids": [w["volumes"][level]]} if by_volume or form == "loan" else {"record_ids": [w["records"][level]]}
        req = requests.create_request(session, who(session, user), purpose="查考", form=form, **ids)
        return user, kind, json.dumps(requests.describe(session, who(session, user), req), ensure_ascii=False)
    if kind in STATE:
        req = pick_request(session, kind, op[2])
        user = step_approver(req, op[1]) if kind == "approve_as_step" else op[1]
        if kind.startswith("approve"):
            requests.approve(session, who(session, user), req.id)
        elif kind == "issue" and req.form == "loan":
            requests.issue_loans(session, who(session, user), req.id, carriers=["arch", "arch2"])
        elif kind == "issue":
            viewing.issue_grants(session, who(session, user), req.id, accompanied_by="arch2" if user != "arch2" else "arch")
        return user, kind, json.dumps(requests.describe(session, who(session, user), req), ensure_ascii=False)
    user = op[1]
    viewer = who(session, user).viewer
    if kind == "view":
        record = session.get(Record, w["records"][op[2]])
        page = viewing.view_page(session, who(session, user), record.id, 1, page_png, place="reading_room" if op[3] else "electronic")
        assert can_see(viewer, record), f"{user} saw the content of a {record.secrecy} record"
        grant = viewing.current_grant(session, who(session, user), record.id)
        assert rank(record.secrecy) < rank("secret") or grant or viewer.role == "archivist", "state secret without a grant"
        return user, kind, f"page of {len(page)} bytes"
    if kind == "download":
        record = viewing.download(session, who(session, user), w["records"][op[2]])
        assert can_see(viewer, record) and rank(record.secrecy) < rank("secret"), f"{user} downloaded {record.secrecy}"
        return user, kind, ""
    if kind == "export":
        return user, kind, registers.export(session, who(session, user), op[2], "csv").decode("utf-8-sig")
    if kind == "list":
        listed = requests.list_requests(session, who(session, user))
        for req in listed:  # nothing above clearance is counted
            assert all(rank(i.secrecy) <= rank(viewer.clearance) for i in req.items), f"{user} counted {req.level}"
        return user, kind, json.dumps([requests.describe(session, who(session, user), r) for r in listed], ensure_ascii=False)
    raise AssertionError(kind)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(ops, min_size=1, max_size=20))
def test_no_user_obtains_anything_above_clearance(bureau, sequence):
    catalog, w = bureau
    for op in sequence:
        try:
            with catalog.session() as session:
                user, _done, output = call(session, w, op)
                leaked = [word for word in forbidden_words(session, user) if word in output]
                assert not leaked, f"{op}: {user} obtained {leaked}"
        except ArchiveError:
            continue  # refusals are fine; only what is returned matters
