"""Fixtures of the web suite: one small archive per module, a Flask test client, log-in helpers."""

from __future__ import annotations

import re

import pytest

from archive import tokens
from tests.web.site import PASSWORD, build_site
from web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("web-home"), sqlite_template)


@pytest.fixture(scope="module")
def app(site):
    application = create_app(site["settings"], testing=True)
    yield application
    application.extensions["archive"].close()


@pytest.fixture
def client(app):
    app.extensions["login_limiter"].reset()
    return app.test_client()


def csrf_token(client, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def as_user(client):
    def do(username: str):
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture(scope="module")
def token_of(app):
    """Bearer headers of a user's API token, made once per module."""
    made = {}

    def get(username: str) -> dict:
        if username not in made:
            with app.extensions["archive"].catalog.session() as db:
                _row, plain = tokens.create(db, actor="test", username=username, name="tests")
            made[username] = {"Authorization": f"Bearer {plain}"}
        return made[username]

    return get
