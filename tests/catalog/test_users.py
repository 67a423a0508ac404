import pytest
from sqlalchemy import select

from archive import accounts, audit, tokens, users
from archive.clock import set_clock, utcnow
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import resolve, system
from archive.models import AuditEvent
from tests.catalog.helpers import seeded


def add(session, name="alice", **kw):
    values = {"role": "archivist", "clearance": "secret", "password": "correct horse battery"}
    values.update(kw)
    return users.add_user(session, actor="test", username=name, **values)


def test_add_user_hashes_with_argon2_and_audits(catalog):
    with catalog.session() as s:
        seeded(s)
        u = add(s, departments=["BGS"], categories=["RS"])
        assert u.password_hash.startswith("$argon2id$")
        assert "correct horse" not in u.password_hash
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "user.add")).scalar_one().target == "user:alice"
        assert audit.verify(s).ok


@pytest.mark.parametrize(
    ("kw", "message"),
    [({"role": "king"}, "unknown role"), ({"clearance": "cosmic"}, "unknown secrecy"),
     ({"password": "short"}, "at least|至少"), ({"categories": ["ZZ"]}, "unknown category")],
)
def test_bad_user_input(catalog, kw, message):
    with catalog.session() as s:
        seeded(s)
        with pytest.raises(ValidationError, match=message):
            add(s, **kw)


def test_duplicate_and_bad_names(catalog):
    with catalog.session() as s:
        seeded(s)
        add(s)
        with pytest.raises(Conflict):
            add(s)
        with pytest.raises(ValidationError):
            add(s, name="a b")


def test_login_and_lockout(catalog):
    with catalog.session() as s:
        seeded(s)
        add(s)
    with catalog.session() as s:
        assert users.authenticate(s, "alice", "correct horse battery").username == "alice"
    for _ in range(users.LOCKOUT_AFTER):  # each refusal commits itself, though the unit of work rolls back
        with pytest.raises(Forbidden, match="wrong"), catalog.session() as s:
            users.authenticate(s, "alice", "wrong password!")
    with pytest.raises(Forbidden, match="locked"), catalog.session() as s:
        users.authenticate(s, "alice", "correct horse battery")
    now = utcnow()
    try:
        set_clock(lambda: now + users.LOCKOUT_FOR * 2)
        with catalog.session() as s:
            assert users.authenticate(s, "alice", "correct horse battery")
    finally:
        set_clock(None)
    with catalog.session() as s:
        failed = s.execute(select(AuditEvent).where(AuditEvent.action == "login.failed")).scalars().all()
        assert len(failed) == users.LOCKOUT_AFTER
        assert audit.verify(s).ok


# -- archive.accounts: the three officers (三员分立) and one-time passwords ---------------------


def actions_of(s, action):
    return s.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).scalars().all()


@pytest.fixture
def officers(catalog):
    """A catalog with the three officers (their one-time passwords changed) and two ordinary accounts."""
    with catalog.session() as s:
        seeded(s)
        made = accounts.create_officers(s, system("init"))
        for account in made:
            s.execute(select(users.User).where(users.User.username == account.username)).scalar_one() \
                .must_change_password = False
        add(s, "clerk", role="staff", clearance="internal")
        add(s, "keeper", role="archivist", clearance="secret")
    return {a.role: a.username for a in made}


def who(catalog, name, channel="cli"):
    with catalog.session() as s:
        return resolve(s, name, channel=channel)


def test_init_creates_the_three_officers_once_with_one_time_passwords(catalog):
    with catalog.session() as s:
        seeded(s)
        made = accounts.create_officers(s, system("init"))
        assert [(a.username, a.role) for a in made] == [
            ("admin", "sysadmin"), ("secadmin", "security_officer"), ("auditor", "auditor")]
        assert len({a.password for a in made}) == 3
        rows = {u.username: u for u in users.list_users(s)}
        assert all(rows[a.username].must_change_password and rows[a.username].clearance == "internal" for a in made)
    with catalog.session() as s:
        assert accounts.create_officers(s, system("init")) == []


def test_create_officers_is_for_init_only(catalog, officers):
    with catalog.session() as s, pytest.raises(Forbidden):
        accounts.create_officers(s, resolve(s, "admin", channel="cli"))


def test_the_administrator_creates_ordinary_accounts_at_internal_only(catalog, officers):
    admin = who(catalog, "admin")
    with catalog.session(admin) as s:
        made = accounts.create(s, admin, username="x", role="staff", categories=["ws"])
        assert len(made.password) >= users.MIN_PASSWORD
        user = users.get_user(s, "x")
        assert (user.clearance, user.must_change_password, user.categories) == ("internal", True, ["WS"])
        assert actions_of(s, "user.add")[-1].details["channel"] == "cli"
    for role in sorted(accounts.OFFICER_ROLES):
        with catalog.session(admin) as s, pytest.raises(Forbidden, match="officer"):
            accounts.create(s, admin, username=f"o-{role}", role=role)
    for name in ("secadmin", "auditor", "clerk"):
        someone = who(catalog, name)
        with catalog.session(someone) as s, pytest.raises(Forbidden):
            accounts.create(s, someone, username="y", role="staff")
    with catalog.session(admin) as s, pytest.raises(ValidationError, match="unknown role"):
        accounts.create(s, admin, username="z", role="king")
    with catalog.session(admin) as s, pytest.raises(users.UserExists):
        accounts.create(s, admin, username="clerk", role="staff")


def test_only_the_security_officer_sets_clearances_and_never_their_own(catalog, officers):
    officer, admin = who(catalog, "secadmin"), who(catalog, "admin")
    with catalog.session(officer) as s:
        accounts.set_clearance(s, officer, "clerk", clearance="secret", departments=[" BGS "], categories=["rs"])
        user = users.get_user(s, "clerk")
        assert (user.clearance, user.departments, user.categories) == ("secret", ["BGS"], ["RS"])
        event = actions_of(s, "user.clearance")[-1]
        assert (event.actor, event.details["before"]["clearance"], event.details["after"]["clearance"]) == (
            "secadmin", "internal", "secret")
    with catalog.session(officer) as s:  # scope left out stays as it is
        accounts.set_clearance(s, officer, "clerk", clearance="confidential")
        assert users.get_user(s, "clerk").categories == ["RS"]
    with catalog.session(officer) as s, pytest.raises(ValidationError, match="unknown category"):
        accounts.set_clearance(s, officer, "clerk", clearance="secret", categories=["ZZ"])
    for name in ("admin", "auditor", "keeper", "clerk"):
        someone = who(catalog, name)
        with catalog.session(someone) as s, pytest.raises(Forbidden):
            accounts.set_clearance(s, someone, "keeper", clearance="top_secret")
    for target in ("secadmin", "admin", "auditor"):  # nobody sets their own, nor an officer's
        with catalog.session(officer) as s, pytest.raises(Forbidden):
            accounts.set_clearance(s, officer, target, clearance="top_secret")
    with catalog.session(admin) as s:
        assert {u.username: u.clearance for u in accounts.list_accounts(s, admin)}["secadmin"] == "internal"
    clerk = who(catalog, "clerk")
    with catalog.session(clerk) as s, pytest.raises(Forbidden):
        accounts.list_accounts(s, clerk)


def test_enable_disable_and_reset_are_the_administrators_on_ordinary_accounts(catalog, officers):
    admin = who(catalog, "admin")
    with catalog.session(admin) as s:
        accounts.set_active(s, admin, "clerk", False)
    with catalog.session() as s, pytest.raises(Forbidden):
        resolve(s, "clerk", channel="web")  # a disabled account acts nowhere
    with catalog.session(admin) as s:
        accounts.set_active(s, admin, "clerk", True)
        made = accounts.reset_password(s, admin, "clerk")
        assert users.get_user(s, "clerk").must_change_password
        assert [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(3))
                .scalars()][::-1] == ["user.disable", "user.enable", "user.password_reset"]
    with catalog.session() as s:
        with pytest.raises(accounts.PasswordChangeRequired):
            accounts.sign_in(s, "clerk", made.password, channel="web")
    for target in ("admin", "secadmin", "auditor"):  # not themselves, not another officer
        for call in (lambda s, t: accounts.set_active(s, admin, t, False),
                     lambda s, t: accounts.reset_password(s, admin, t)):
            with catalog.session(admin) as s, pytest.raises(Forbidden):
                call(s, target)
    officer = who(catalog, "secadmin")
    with catalog.session(officer) as s, pytest.raises(Forbidden):
        accounts.set_active(s, officer, "clerk", False)
    with catalog.session(officer) as s, pytest.raises(Forbidden):
        accounts.reset_password(s, officer, "clerk")


def test_a_one_time_password_is_changed_at_sign_in_before_anything_else(catalog, officers):
    admin = who(catalog, "admin")
    with catalog.session(admin) as s:
        made = accounts.create(s, admin, username="newbie", role="staff")
    with pytest.raises(accounts.PasswordChangeRequired), catalog.session() as s:
        accounts.sign_in(s, "newbie", made.password, channel="web", origin="10.0.0.9")
    newbie = who(catalog, "newbie", "web")
    # A token cannot be issued (nor a token used) while the password is one-time.
    with catalog.session(newbie) as s, pytest.raises(accounts.PasswordChangeRequired):
        accounts.issue_token(s, newbie, name="cli")
    with catalog.session() as s, pytest.raises(users.WeakPassword):
        accounts.sign_in(s, "newbie", made.password, channel="web", new_password="short")
    with catalog.session() as s, pytest.raises(accounts.PasswordUnchanged):
        accounts.sign_in(s, "newbie", made.password, channel="web", new_password=made.password)
    with catalog.session() as s:
        newbie = accounts.sign_in(s, "newbie", made.password, channel="web", origin="10.0.0.9",
                                  new_password="a-brand-new-password")
        assert (newbie.username, newbie.channel, newbie.origin) == ("newbie", "web", "10.0.0.9")
    with catalog.session(newbie) as s:
        plain = accounts.issue_token(s, newbie, name="cli")
        assert tokens.authenticate(s, plain).username == "newbie"
        login, change = actions_of(s, "login")[-1], actions_of(s, "user.password_change")[-1]
        assert (login.actor, login.details["channel"], login.details["origin"]) == ("newbie", "web", "10.0.0.9")
        assert change.actor == "newbie" and change.details["channel"] == "web"
    with catalog.session(admin) as s:
        accounts.reset_password(s, admin, "newbie")
    with catalog.session() as s, pytest.raises(Forbidden, match="one-time"):
        tokens.authenticate(s, plain)  # a reset stops the saved tokens until the password is changed


def test_change_password_proves_the_old_one_and_failures_count(catalog, officers):
    clerk = who(catalog, "clerk")
    with catalog.session(clerk) as s:
        accounts.change_password(s, clerk, "correct horse battery", "another good password")
    with catalog.session(clerk) as s, pytest.raises(users.WrongPassword):
        accounts.change_password(s, clerk, "correct horse battery", "yet another password")
    with catalog.session() as s:  # the refusal was committed with its unit of work rolled back
        assert users.get_user(s, "clerk").failed_logins == 1
        assert actions_of(s, "login.failed")[-1].details["channel"] == "cli"
        assert accounts.sign_in(s, "clerk", "another good password", channel="cli").username == "clerk"


def test_failed_sign_ins_lock_the_account_through_a_unit_of_work(catalog, officers):
    """Signing in inside a unit of work that rolls back on the refusal still keeps the count."""
    for _ in range(users.LOCKOUT_AFTER):
        with pytest.raises(users.WrongPassword), catalog.session() as s:
            accounts.sign_in(s, "clerk", "not the password", channel="web", origin="10.1.1.1")
    with pytest.raises(users.AccountLocked), catalog.session() as s:
        accounts.sign_in(s, "clerk", "correct horse battery", channel="web")
    with catalog.session() as s:
        failed = actions_of(s, "login.failed")
        assert len(failed) == users.LOCKOUT_AFTER
        assert {(e.actor, e.details["channel"], e.details["origin"]) for e in failed} == {("clerk", "web", "10.1.1.1")}
        assert actions_of(s, "login.refused")[-1].details["reason"] == "locked"
        assert audit.verify(s).ok


def test_tokens_are_ones_own(catalog, officers):
    clerk, keeper = who(catalog, "clerk", "api"), who(catalog, "keeper", "api")
    with catalog.session(clerk) as s:
        row, _plain = accounts.new_token(s, clerk, name="mine")
    with catalog.session(keeper) as s:
        assert accounts.list_tokens(s, keeper) == []
        with pytest.raises(NotFound):
            accounts.revoke_token(s, keeper, row.id)
    with catalog.session(clerk) as s:
        assert accounts.revoke_token(s, clerk, row.id).revoked_at is not None
        assert actions_of(s, "token.revoke")[-1].details["channel"] == "api"


def test_sign_out_token_names_the_channel(catalog, officers):
    clerk = who(catalog, "clerk")
    with catalog.session(clerk) as s:
        plain = accounts.issue_token(s, clerk, name="cli")
    with catalog.session() as s:
        accounts.sign_out_token(s, plain, channel="cli", origin="me@host")
        event = actions_of(s, "token.revoke")[-1]
        assert (event.actor, event.details["channel"], event.details["origin"], event.details["logout"]) == (
            "clerk", "cli", "me@host", True)
    with catalog.session() as s, pytest.raises(Forbidden):
        tokens.authenticate(s, plain)


@pytest.mark.parametrize("role", ["sysadmin", "security_officer"])
def test_nobody_edits_their_own_account_whatever_their_rights(catalog, officers, role):
    """Only officers hold the account rights today, and officers are refused as targets anyway;
    the self rule must hold on its own, e.g. for an identity resolved before its role changed."""
    import dataclasses

    from archive.codes import Role

    clerk = who(catalog, "clerk")
    empowered = dataclasses.replace(clerk, viewer=dataclasses.replace(clerk.viewer, role=Role(role)))
    calls = [lambda s: accounts.set_active(s, empowered, "clerk", False),
             lambda s: accounts.reset_password(s, empowered, "clerk"),
             lambda s: accounts.set_clearance(s, empowered, "clerk", clearance="top_secret")]
    for call in calls:
        with pytest.raises(Forbidden), catalog.session(empowered) as s:
            call(s)
    with catalog.session() as s:
        user = users.get_user(s, "clerk")
        assert (user.active, user.clearance, user.must_change_password) == (True, "internal", False)
