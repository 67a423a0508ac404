"""A small archive room for arrangement tests: the defaults, an archivist, a staff member."""

import pytest

from archive.identity import of_user
from archive.models import User
from tests.catalog.helpers import seeded
from tests.pipeline.conftest import service, service_factory  # noqa: F401  (the pipeline's)
from tests.web.conftest import app, as_user, client, site, token_of  # noqa: F401  (the web suite's fixtures)


@pytest.fixture
def room(catalog):
    with catalog.session() as s:
        fonds = seeded(s)
        s.add_all([User(username="arch", display_name="档案员甲", role="archivist", clearance="top_secret"),
                   User(username="clerk", display_name="业务员乙", role="staff", clearance="internal"),
                   User(username="low", display_name="档案员丙", role="archivist", clearance="internal")])
        s.flush()
        fonds_id = fonds.id
    return {"catalog": catalog, "fonds_id": fonds_id}


def as_person(session, username, channel="cli"):
    return of_user(session.query(User).filter_by(username=username).one(), channel=channel)
