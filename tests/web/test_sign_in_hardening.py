"""Issue 12 findings 3, 12, 13, 14 and 21 on the web: the lock after five guesses, the throttle per
account and per address, forwarded addresses only from a configured proxy, no open redirect after
login, no session after logout (even for a copied cookie), private files, password rules."""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
from urllib.parse import quote

import pytest
from sqlalchemy import select

from archive import users
from archive.config import load_settings
from archive.models import AuditEvent
from web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct-horse-battery"


def make_app(home, template, **env):
    shutil.copy(template, home / "catalog.db")
    settings = load_settings({"ARCHIVE_HOME": str(home), **env})
    app = create_app(settings, testing=True)
    with app.extensions["archive"].catalog.session() as s:
        for name in ("guessme", "reader", "leaver", "copier", "newbie", "redirected"):
            user = users.add_user(s, actor="test", username=name, role="staff", password=PASSWORD)
            user.must_change_password = name == "newbie"
    return app


@pytest.fixture(scope="module")
def app(sqlite_template, tmp_path_factory):
    application = make_app(tmp_path_factory.mktemp("hardening"), sqlite_template)
    yield application
    application.extensions["archive"].close()


@pytest.fixture
def client(app):
    app.extensions["login_limiter"].reset()
    return app.test_client()


def csrf(client, path="/login", **headers):
    match = CSRF.search(client.get(path, headers=headers).get_data(as_text=True))
    assert match, path
    return match.group(1)


def login(client, username, password=PASSWORD, path="/login", **headers):
    token = csrf(client, **headers)
    return client.post(path, data={"username": username, "password": password, "csrf_token": token},
                       headers=headers)


def events(app, action, target):
    with app.extensions["archive"].catalog.session() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.target == target)
                         .order_by(AuditEvent.seq)).scalars().all()
        return [(e.actor, dict(e.details)) for e in rows]


# -- finding 3: failed logins ---------------------------------------------------------------------

def test_five_wrong_passwords_then_the_right_one_is_refused(app, client):
    for _ in range(5):
        response = login(client, "guessme", "wrong-guess-123")
        assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True), re.findall(r"<p class=.flash[^<]*<", response.get_data(as_text=True))
    response = login(client, "guessme")
    assert response.status_code == 401 and "账户已锁定" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # no session
    failed = events(app, "login.failed", "user:guessme")
    assert [d["failed_logins"] for _a, d in failed] == [1, 2, 3, 4, 5]
    assert {(d["channel"], d["origin"]) for _a, d in failed} == {("web", "127.0.0.1")}
    assert events(app, "login.refused", "user:guessme")[-1][1]["reason"] == "locked"


def test_an_unknown_name_is_locked_after_as_many_failures_as_a_real_one(client):
    answers = [login(client, "ghost", "wrong-guess-123").get_data(as_text=True) for _ in range(6)]
    assert all("用户名或密码错误" in a for a in answers[:5]) and "账户已锁定" in answers[5]


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(app, client):
    """A forged X-Forwarded-For neither hides a guesser from the throttle nor lands in the trail."""
    codes = [login(client, "reader", "wrong-guess-123", **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
             for n in range(11)]
    assert codes[0] == 401 and codes[-1] == 429
    assert {d["origin"] for _a, d in events(app, "login.failed", "user:reader")} == {"127.0.0.1"}


def test_a_configured_proxy_is_believed_for_one_hop(sqlite_template, tmp_path):
    app = make_app(tmp_path, sqlite_template, ARCHIVE_TRUSTED_PROXIES="1")
    try:
        client = app.test_client()
        response = login(client, "reader", **{"X-Forwarded-For": "10.9.9.9, 203.0.113.7"})
        assert response.status_code == 302
        [(_actor, details)] = events(app, "login", "user:reader")
        assert details["origin"] == "203.0.113.7"  # the address our proxy saw, not what the client claimed
    finally:
        app.extensions["archive"].close()


# -- finding 12: open redirect after login ---------------------------------------------------------

ATTACKS = ["/%09/evil.com", "/%0A/evil.com", "/%0D%0A/evil.com", "%09//evil.com", "//evil.com", "/%5Cevil.com",
           "%5C%5Cevil.com", "/%5C/evil.com", "https://evil.com", "https:evil.com", "javascript:alert(1)",
           "%20//evil.com", "/%E3%80%80/evil.com", "///evil.com"]


@pytest.mark.parametrize("payload", ATTACKS)
def test_next_never_leads_off_the_site(client, payload):
    response = login(client, "redirected", path=f"/login?next={payload}")
    assert response.status_code == 302, payload
    assert response.headers["Location"] == "/dashboard", response.headers["Location"]


def test_a_local_next_is_kept(client):
    response = login(client, "redirected", path=f"/login?next={quote('/search?q=养老', safe='/?=')}")
    assert response.headers["Location"] == "/search?q=%E5%85%BB%E8%80%81"


def test_the_language_switch_does_not_redirect_off_the_site(client):
    token = csrf(client)
    for payload in ("/\t/evil.com", "/\n/evil.com", "//evil.com", "/\\evil.com"):
        response = client.post("/lang/en", data={"csrf_token": token, "next": payload})
        assert response.status_code == 302 and response.headers["Location"] == "/dashboard", payload


# -- finding 13: a session ends on the server's side ----------------------------------------------

def test_a_cookie_saved_before_logout_is_refused_after_it(app, client):
    assert login(client, "copier").status_code == 302
    saved = client.get_cookie("archive_session").value
    assert client.get("/dashboard").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client, "/dashboard")})
    thief = app.test_client()
    thief.set_cookie("archive_session", saved)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert login(app.test_client(), "copier").status_code == 302  # a new login works as before


def test_disabling_an_account_ends_its_copied_cookie(app, client):
    assert login(client, "leaver").status_code == 302
    saved = client.get_cookie("archive_session").value
    with app.extensions["archive"].catalog.session() as s:
        from archive import accounts
        from archive.identity import system

        accounts.create_officers(s, system("init"))
        users.get_user(s, "admin").must_change_password = False
    with app.extensions["archive"].catalog.session() as s:
        from archive import accounts
        from archive.identity import resolve

        accounts.set_active(s, resolve(s, "admin", channel="web"), "leaver", False)
        users.get_user(s, "leaver").active = True  # enabled again: the old cookie stays dead
    thief = app.test_client()
    thief.set_cookie("archive_session", saved)
    assert thief.get("/dashboard").status_code == 302


# -- finding 21: password rules on the web ---------------------------------------------------------

@pytest.mark.parametrize(("lang", "message"), [("zh-CN", "过于常见"), ("en", "too common")])
def test_a_common_password_is_refused_in_the_users_language(app, client, lang, message):
    response = login(client, "newbie", **{"Accept-Language": lang})
    assert "/password" in response.headers["Location"]
    token = csrf(client, "/password")
    response = client.post("/password", headers={"Accept-Language": lang}, data={
        "csrf_token": token, "old_password": PASSWORD, "new_password": "Password123!",
        "repeat_password": "Password123!"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and message in body and "Password123!" not in body


# -- finding 14: private files ----------------------------------------------------------------------

def test_a_new_home_is_private(sqlite_template, tmp_path):
    home = tmp_path / "new-home"
    app = create_app(load_settings({"ARCHIVE_HOME": str(home)}), testing=True)
    try:
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert stat.S_IMODE((home / "catalog.db").stat().st_mode) == 0o600
        for extra in ("catalog.db-wal", "catalog.db-shm"):
            if (home / extra).exists():
                assert stat.S_IMODE((home / extra).stat().st_mode) == 0o600, extra
    finally:
        app.extensions["archive"].close()


def test_the_web_app_warns_at_start_when_the_home_or_catalog_is_readable_by_others(
        sqlite_template, tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("ARCHIVE_LANG", "en")
    shutil.copy(sqlite_template, tmp_path / "catalog.db")
    os.chmod(tmp_path, 0o755)
    os.chmod(tmp_path / "catalog.db", 0o644)
    with caplog.at_level(logging.WARNING):
        app = create_app(load_settings({"ARCHIVE_HOME": str(tmp_path)}), testing=True)
    app.extensions["archive"].close()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(tmp_path) in w and "0755" in w and "0700" in w for w in warned), warned
    assert any("catalog.db" in w and "0644" in w and "0600" in w for w in warned), warned
