"""Fixtures for the life-cycle tests: a frozen, movable clock, users for every role, an object
store on disk and builders for records with objects and pages."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.clock import set_clock
from archive.identity import of_user
from archive.models import User
from storage.local import LocalObjectStore
from tests.catalog.helpers import seeded

PEOPLE = {
    "arch": "archivist", "arch2": "archivist", "ap1": "appraiser", "ap2": "appraiser", "ap3": "appraiser",
    "boss": "director", "lead": "leader", "w1": "witness", "w2": "witness", "w3": "witness",
    "sec": "security_officer", "aud": "auditor", "staff1": "staff", "admin": "sysadmin",
}


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date | str) -> None:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        self.now = dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=dt.UTC)  # noon in China

    def tick(self, seconds: int = 1) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock():
    c = Clock(dt.datetime(2020, 3, 1, 4, 0, tzinfo=dt.UTC))
    set_clock(c)
    yield c
    set_clock(None)


@pytest.fixture
def store(tmp_path):
    return LocalObjectStore(tmp_path / "objects")


@pytest.fixture
def world(catalog, clock):
    """A migrated catalog with defaults, the fonds and one user per part to play; `who[name]` is
    the identity a face hands to the services for that person (channel web)."""
    with catalog.session() as s:
        fonds = seeded(s)
        people = [User(username=name, role=role, clearance="top_secret", display_name=name)
                  for name, role in PEOPLE.items()]
        s.add_all(people)
        s.flush()
        who = {u.username: of_user(u, channel="web", origin="test") for u in people}
        fonds_id = fonds.id
    return {"catalog": catalog, "fonds_id": fonds_id, "clock": clock, "who": who}


@pytest.fixture
def run(capsys, archive_env, monkeypatch):
    """`archive …` in this process, as the person `as_` (a real API token in ARCHIVE_TOKEN) or as nobody."""
    from archive.cli import _load_plugins, main
    from tests.cli_auth import token_for

    _load_plugins()
    tokens: dict[str, str] = {}

    def archive(*args: str, as_: str | None = None) -> tuple[int, str, str]:
        if as_ is None:
            monkeypatch.delenv("ARCHIVE_TOKEN", raising=False)
        else:
            if as_ not in tokens:
                tokens[as_] = token_for(archive_env["database_url"], as_)
            monkeypatch.setenv("ARCHIVE_TOKEN", tokens[as_])
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return archive
