"""Accounts on every face: the same people get the same answer and leave the same trail through
the web pages, the JSON API and the command line (archive.accounts decides, the faces present).

Also the web's own part of signing in: a one-time password is changed before anything else,
self-service password changes, sessions that end when the account changes, tokens of one's own.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import sys

import pytest
from sqlalchemy import select

from archive import seed, tokens, users
from archive.cli import main
from archive.config import load_settings
from archive.db import Catalog
from archive.models import AuditEvent, User
from web.app import create_app

PASSWORD = "correct-horse-battery"
PEOPLE = {"admin": "sysadmin", "secofficer": "security_officer", "auditor": "auditor", "staff": "staff"}
FACES = ("web", "api", "cli")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    home = tmp_path_factory.mktemp("accounts-home")
    shutil.copy(sqlite_template, home / "catalog.db")
    settings = load_settings({"ARCHIVE_HOME": str(home)})
    catalog = Catalog(settings.database_url)
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
        for name, role in PEOPLE.items():
            users.add_user(s, actor="test", username=name, role=role, password=PASSWORD)
    application = create_app(settings, testing=True)
    yield {"settings": settings, "catalog": catalog, "app": application, "tokens": {}}
    application.extensions["archive"].close()
    catalog.dispose()


@pytest.fixture
def app(world):
    world["app"].extensions["login_limiter"].reset()
    return world["app"]


def add_user(world, name: str, role: str = "staff", *, one_time: bool = False) -> None:
    with world["catalog"].session() as s:
        if s.execute(select(User).where(User.username == name)).scalar_one_or_none() is None:
            user = users.add_user(s, actor="test", username=name, role=role, password=PASSWORD)
            user.must_change_password = one_time


def user_row(world, name: str) -> User | None:
    with world["catalog"].session() as s:
        user = s.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is not None:
            s.expunge(user)
        return user


def events(world, action: str, target: str) -> list[AuditEvent]:
    with world["catalog"].session() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.target == target)
                         .order_by(AuditEvent.seq)).scalars().all()
        for row in rows:
            s.expunge(row)
        return rows


def token_of(world, username: str) -> str:
    if username not in world["tokens"]:
        with world["catalog"].session() as s:
            _row, plain = tokens.create(s, actor="test", username=username, name="tests", days=1)
        world["tokens"][username] = plain
    return world["tokens"][username]


def csrf(client, path: str) -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def web_login(app, username: str, password: str = PASSWORD, **headers):
    client = app.test_client()
    token = csrf(client, "/login")
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           headers=headers)
    return client, response


# -- one operation, three faces ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Op:
    verb: str  # create | clearance | disable | reset | list
    actor: str
    target: str = ""  # "*" -> a fresh ordinary account per face
    role: str = "staff"


CASES = {
    "admin creates staff": (Op("create", "admin", "*"), "user.add"),
    "admin creates an officer": (Op("create", "admin", "*", role="security_officer"), None),
    "admin creates a sysadmin": (Op("create", "admin", "*", role="sysadmin"), None),
    "officer creates": (Op("create", "secofficer", "*"), None),
    "staff creates": (Op("create", "staff", "*"), None),
    "officer sets a clearance": (Op("clearance", "secofficer", "*"), "user.clearance"),
    "admin sets a clearance": (Op("clearance", "admin", "*"), None),
    "officer sets own clearance": (Op("clearance", "secofficer", "secofficer"), None),
    "officer sets the auditor's clearance": (Op("clearance", "secofficer", "auditor"), None),
    "auditor sets a clearance": (Op("clearance", "auditor", "*"), None),
    "admin disables staff": (Op("disable", "admin", "*"), "user.disable"),
    "admin disables self": (Op("disable", "admin", "admin"), None),
    "admin disables the auditor": (Op("disable", "admin", "auditor"), None),
    "officer disables staff": (Op("disable", "secofficer", "*"), None),
    "admin resets staff": (Op("reset", "admin", "*"), "user.password_reset"),
    "admin resets the officer": (Op("reset", "admin", "secofficer"), None),
    "staff resets staff": (Op("reset", "staff", "*"), None),
    "admin lists": (Op("list", "admin"), None),
    "officer lists": (Op("list", "secofficer"), None),
    "auditor lists": (Op("list", "auditor"), None),
    "staff lists": (Op("list", "staff"), None),
}
ALLOWED = {"admin creates staff", "officer sets a clearance", "admin disables staff", "admin resets staff",
           "admin lists", "officer lists"}


def through_web(app, op: Op, target: str) -> bool:
    client, response = web_login(app, op.actor)
    assert response.status_code == 302
    token = csrf(client, "/dashboard")
    if op.verb == "list":
        response = client.get("/admin/users")
    else:
        path, data = {
            "create": ("/admin/users", {"username": target, "role": op.role}),
            "clearance": (f"/admin/users/{target}/clearance", {"clearance": "secret"}),
            "disable": (f"/admin/users/{target}/active", {"active": "0"}),
            "reset": (f"/admin/users/{target}/password-reset", {}),
        }[op.verb]
        response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code in (200, 302, 403), response.status_code
    return response.status_code != 403


def through_api(app, op: Op, target: str, world) -> bool:
    headers = {"Authorization": f"Bearer {token_of(world, op.actor)}"}
    client = app.test_client()
    if op.verb == "list":
        response = client.get("/api/v1/users", headers=headers)
    else:
        path, body = {
            "create": ("/api/v1/users", {"username": target, "role": op.role}),
            "clearance": (f"/api/v1/users/{target}/clearance", {"clearance": "secret"}),
            "disable": (f"/api/v1/users/{target}/active", {"active": False}),
            "reset": (f"/api/v1/users/{target}/password-reset", {}),
        }[op.verb]
        response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201, 403), (response.status_code, response.get_data(as_text=True))
    return response.status_code != 403


@pytest.fixture
def run_cli(world, monkeypatch, capsys):
    """`archive ARGS` in this process against the world's catalog, as the token's person."""
    settings = world["settings"]
    monkeypatch.setenv("ARCHIVE_HOME", str(settings.home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARCHIVE_LANG", "en")
    for var in ("ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL", "ARCHIVE_CONFIG"):
        monkeypatch.delenv(var, raising=False)

    def call(*args: str, token: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setenv("ARCHIVE_TOKEN", token)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def through_cli(run_cli, op: Op, target: str, world) -> bool:
    args = {
        "create": ("user", "add", target, "--role", op.role),
        "clearance": ("user", "clearance", target, "secret"),
        "disable": ("user", "disable", target),
        "reset": ("user", "reset-password", target),
        "list": ("user", "list", "--json"),
    }[op.verb]
    code, _out, err = run_cli(*args, token=token_of(world, op.actor))
    if code:
        assert err.strip().count("\n") == 0 and err.startswith("error:"), err
    return code == 0


def state(world, name: str) -> tuple | None:
    user = user_row(world, name)
    return None if user is None else (user.role, user.clearance, user.active, user.must_change_password,
                                      user.password_hash)


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("case", list(CASES))
def test_same_people_same_answer_same_trail_on_every_face(world, app, run_cli, face, case):
    op, action = CASES[case]
    target = op.target
    if target == "*":
        target = re.sub(r"[^a-z]", "", case)[:30] + "-" + face
        if op.verb != "create":
            add_user(world, target)
    before = state(world, target) if target else None
    if face == "web":
        allowed = through_web(app, op, target)
    elif face == "api":
        allowed = through_api(app, op, target, world)
    else:
        allowed = through_cli(run_cli, op, target, world)
    assert allowed == (case in ALLOWED), f"{case} through {face}"
    if not target:
        return
    after = state(world, target)
    if not allowed:
        assert after == before, f"{case} through {face} changed the account"
        return
    [event] = events(world, action, f"user:{target}")
    assert (event.actor, event.details["channel"]) == (op.actor, face)
    if face in ("web", "api"):
        assert event.details["origin"] == "127.0.0.1"
    role, clearance, active, must_change, password_hash = after
    if op.verb == "create":
        assert (role, clearance, active, must_change) == ("staff", "internal", True, True)
    elif op.verb == "clearance":
        assert clearance == "secret"
    elif op.verb == "disable":
        assert active is False
    elif op.verb == "reset":
        assert must_change and password_hash != before[-1]


# -- the web's sign-in ------------------------------------------------------------------------------

def test_a_one_time_password_is_changed_before_anything_else_on_the_web(world, app):
    add_user(world, "newcomer", one_time=True)
    client, response = web_login(app, "newcomer", **{"Accept-Language": "en"})
    assert response.status_code == 302 and "/password" in response.headers["Location"]
    for path in ("/dashboard", "/search", "/tokens", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302 and "/password" in response.headers["Location"], path
    assert client.get("/api/v1/me").status_code == 401  # the session is no credential for the API
    page = client.get("/password", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "newcomer" in page and "password is one-time" in page
    token = csrf(client, "/password")

    def change(old, new, repeat=None, lang="en"):
        return client.post("/password", headers={"Accept-Language": lang}, data={
            "csrf_token": token, "old_password": old, "new_password": new,
            "repeat_password": new if repeat is None else repeat})

    response = change(PASSWORD, "new-password-1", "new-password-2")
    assert response.status_code == 400 and "The new passwords differ" in response.get_data(as_text=True)
    response = change("not-the-password", "new-password-1")
    assert response.status_code == 400 and "The current password is wrong" in response.get_data(as_text=True)
    response = change(PASSWORD, "short", lang="zh-CN")
    assert response.status_code == 400 and "新密码至少需要 10 个字符" in response.get_data(as_text=True)
    response = change(PASSWORD, PASSWORD)
    assert response.status_code == 400 and "must differ" in response.get_data(as_text=True)
    assert PASSWORD not in response.get_data(as_text=True)  # passwords are never echoed
    assert user_row(world, "newcomer").must_change_password
    response = change(PASSWORD, "newcomer-password-1")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert not user_row(world, "newcomer").must_change_password
    [change_event] = events(world, "user.password_change", "user:newcomer")
    assert (change_event.actor, change_event.details["channel"]) == ("newcomer", "web")
    logins = events(world, "login", "user:newcomer")
    assert logins and {(e.details["channel"], e.details["origin"]) for e in logins} == {("web", "127.0.0.1")}
    failed = events(world, "login.failed", "user:newcomer")
    assert [e.details["channel"] for e in failed] == ["web"]  # the wrong current password counted


def test_self_service_password_change_ends_the_other_sessions(world, app):
    add_user(world, "changer")
    first, _ = web_login(app, "changer")
    second, _ = web_login(app, "changer")
    assert second.get("/dashboard").status_code == 200
    page = first.get("/password").get_data(as_text=True)
    assert 'name="old_password"' in page and "one-time" not in page
    token = csrf(first, "/password")
    response = first.post("/password", data={"csrf_token": token, "old_password": PASSWORD,
                                             "new_password": "changer-password-2", "repeat_password": "changer-password-2"})
    assert response.status_code == 302
    assert first.get("/dashboard").status_code == 200  # this session goes on
    response = second.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]  # that one ends
    assert web_login(app, "changer")[1].status_code == 401
    assert web_login(app, "changer", "changer-password-2")[1].status_code == 302


def test_disable_and_reset_end_a_web_session_and_refuse_tokens(world, app):
    add_user(world, "leaver")
    add_user(world, "forgetful")
    headers = {name: {"Authorization": f"Bearer {token_of(world, name)}"} for name in ("leaver", "forgetful")}
    sessions = {name: web_login(app, name)[0] for name in ("leaver", "forgetful")}
    admin, _ = web_login(app, "admin")
    token = csrf(admin, "/admin/users")
    assert admin.post("/admin/users/leaver/active", data={"csrf_token": token, "active": "0"}).status_code == 302
    response = admin.post("/admin/users/forgetful/password-reset", data={"csrf_token": token})
    assert response.status_code == 302
    flashed = admin.get("/admin/users").get_data(as_text=True)
    one_time = re.search(r"forgetful[^<]*?([A-Za-z0-9_-]{16})</p>", flashed).group(1)
    assert one_time not in admin.get("/admin/users").get_data(as_text=True)  # shown once
    for name in ("leaver", "forgetful"):
        response = sessions[name].get("/dashboard")
        assert response.status_code == 302 and "/login" in response.headers["Location"], name
        assert app.test_client().get("/api/v1/me", headers=headers[name]).status_code == 401, name
    assert web_login(app, "leaver")[1].status_code == 401
    client, response = web_login(app, "forgetful", one_time)
    assert "/password" in response.headers["Location"]
    token = csrf(client, "/password")
    client.post("/password", data={"csrf_token": token, "old_password": one_time,
                                   "new_password": "remembered-now-1", "repeat_password": "remembered-now-1"})
    assert client.get("/dashboard").status_code == 200
    assert app.test_client().get("/api/v1/me", headers=headers["forgetful"]).status_code == 200


def test_the_admin_page_offers_only_what_the_rules_allow(world, app):
    admin, _ = web_login(app, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'value="security_officer"' not in page and 'value="sysadmin"' not in page  # no officer role on offer
    assert "/admin/users/staff/active" in page and "/admin/users/staff/password-reset" in page
    for officer in ("admin", "secofficer", "auditor"):
        assert f"/admin/users/{officer}/" not in page
    assert "/clearance" not in page
    token = csrf(admin, "/admin/users")
    response = admin.post("/admin/users", headers={"Accept-Language": "en"},
                          data={"csrf_token": token, "username": "staff", "role": "staff", "display_name": "Typed"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "This user name is taken" in body and 'value="Typed"' in body
    response = admin.post("/admin/users", data={"csrf_token": token, "username": "a b", "role": "staff"})
    assert response.status_code == 400 and "用户名须为" in response.get_data(as_text=True)
    officer, _ = web_login(app, "secofficer")
    page = officer.get("/admin/users").get_data(as_text=True)
    assert "/admin/users/staff/clearance" in page and "/admin/users/auditor/clearance" not in page
    assert "/admin/users/secofficer/clearance" not in page and 'id="new-user"' not in page


def test_web_login_and_logout_are_audited_with_the_channel(world, app):
    add_user(world, "visitor")
    client, response = web_login(app, "visitor")
    assert response.status_code == 302
    token = csrf(client, "/dashboard")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    [login_event] = events(world, "login", "user:visitor")
    [logout_event] = events(world, "logout", "user:visitor")
    for event in (login_event, logout_event):
        assert (event.actor, event.details["channel"], event.details["origin"]) == ("visitor", "web", "127.0.0.1")
    assert client.get("/dashboard").status_code == 302


def test_failed_web_logins_lock_the_account(world, app):
    add_user(world, "guessed")
    for _ in range(users.LOCKOUT_AFTER):
        assert web_login(app, "guessed", "not-the-password")[1].status_code == 401
    app.extensions["login_limiter"].reset()  # the account's lock, not the address limit, refuses now
    _client, response = web_login(app, "guessed", PASSWORD, **{"Accept-Language": "en"})
    assert response.status_code == 401 and "locked" in response.get_data(as_text=True)
    assert 'value="guessed"' in response.get_data(as_text=True)  # what was typed stays, the password not
    failed = events(world, "login.failed", "user:guessed")
    assert len(failed) == users.LOCKOUT_AFTER and {e.details["channel"] for e in failed} == {"web"}


def test_tokens_are_ones_own_on_the_page_and_the_api(world, app):
    add_user(world, "holder")
    client, _ = web_login(app, "holder")
    token = csrf(client, "/tokens")
    assert client.post("/tokens", data={"csrf_token": token, "name": "laptop"}).status_code == 302
    page = client.get("/tokens").get_data(as_text=True)  # the new token is shown this once
    assert "laptop" in page
    plain = re.search(r"(arc_[A-Za-z0-9_-]{20,})", page).group(1)
    assert plain not in client.get("/tokens").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {plain}"}
    api = app.test_client()
    assert api.get("/api/v1/me", headers=headers).get_json()["username"] == "holder"
    listed = api.get("/api/v1/tokens", headers=headers).get_json()["tokens"]
    [mine] = [t for t in listed if t["name"] == "laptop"]
    other = {"Authorization": f"Bearer {token_of(world, 'staff')}"}
    assert api.post(f"/api/v1/tokens/{mine['id']}/revoke", headers=other).status_code == 404
    token = csrf(client, "/tokens")
    assert client.post(f"/tokens/{mine['id']}/revoke", data={"csrf_token": token}).status_code == 302
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    made = api.post("/api/v1/tokens", json={"name": "script"}, headers=other)
    assert made.status_code == 201 and made.get_json()["token"].startswith("arc_")
    [event] = [e for e in events(world, "token.create", "user:staff") if e.details.get("name") == "script"]
    assert event.details["channel"] == "api"
