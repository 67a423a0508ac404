"""A small bureau for disclosure tests: an archivist, the office director, a staff member, the
administrator, a low-cleared archivist; a clock that can be set."""

import datetime as dt

import pytest

from archive.clock import set_clock
from archive.identity import of_user
from archive.models import User
from tests.catalog.helpers import seeded
from tests.web.conftest import app, as_user, client, site, token_of  # noqa: F401  (the web suite's fixtures)


@pytest.fixture
def bureau(catalog):
    with catalog.session() as s:
        fonds = seeded(s)
        s.add_all([User(username="arch", display_name="档案员甲", role="archivist", clearance="top_secret"),
                   User(username="office", display_name="办公室主任", role="office_director", clearance="secret"),
                   User(username="clerk", display_name="业务员乙", role="staff", clearance="internal"),
                   User(username="admin", display_name="管理员", role="sysadmin", clearance="internal"),
                   User(username="low", display_name="档案员丙", role="archivist", clearance="internal")])
        s.flush()
        fonds_id = fonds.id
    return {"catalog": catalog, "fonds_id": fonds_id}


@pytest.fixture
def clock():
    def at(day: str) -> None:
        moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(2, 0), tzinfo=dt.UTC)
        set_clock(lambda: moment)

    yield at
    set_clock(None)


def person(session, username, channel="cli"):
    return of_user(session.query(User).filter_by(username=username).one(), channel=channel)
