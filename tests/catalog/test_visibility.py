"""The SQL form of the policy selects exactly the records the policy lets a viewer see."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from archive.codes import Role, Secrecy
from archive.errors import NotFound
from archive.models import Record
from archive.policy import Viewer, can_see, record_filter
from archive.visibility import record_for, visible
from tests.catalog.helpers import make_record, seeded

viewers = st.builds(
    Viewer,
    username=st.just("u"),
    role=st.sampled_from(list(Role)),
    clearance=st.sampled_from(list(Secrecy)),
    departments=st.frozensets(st.sampled_from(["BGS", "YLK", "RSK"]), max_size=2),
    categories=st.frozensets(st.sampled_from(["WS", "SB", "RS", "AJ"]), max_size=2),
    system=st.booleans(),
)


@pytest.fixture
def every_kind_of_record(catalog):
    with catalog.session() as s:
        fonds = seeded(s)
        for secrecy, category, department, status in itertools.product(
            [x.value for x in Secrecy], ["WS", "SB", "RS", "AJ"], ["", "BGS", "YLK"], ["filed", "destroyed"]
        ):
            make_record(s, fonds, secrecy=secrecy, category_code=category, department=department, status=status)
    return catalog


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(viewer=viewers, include_destroyed=st.booleans())
def test_sql_clause_equals_the_policy(every_kind_of_record, viewer, include_destroyed):
    with every_kind_of_record.session() as s:
        rows = s.execute(select(Record)).scalars().all()
        expected = {r.id for r in rows if record_filter(viewer, include_destroyed=include_destroyed).matches(r)}
        got = set(s.execute(select(Record.id).where(visible(viewer, include_destroyed=include_destroyed))).scalars())
    assert got == expected


def test_record_for_hides_what_the_viewer_may_not_see(every_kind_of_record):
    staff = Viewer("s", Role.STAFF, Secrecy.INTERNAL)
    with every_kind_of_record.session() as s:
        secret = s.execute(select(Record).where(Record.secrecy == "secret")).scalars().first()
        public = s.execute(select(Record).where(Record.secrecy == "public")).scalars().first()
        assert record_for(s, staff, public.id).id == public.id and can_see(staff, public)
        for missing in (secret.id, 10**12, -1):
            with pytest.raises(NotFound, match="does not exist"):
                record_for(s, staff, missing)
