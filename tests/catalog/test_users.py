import pytest
from sqlalchemy import select

from archive import audit, users
from archive.clock import set_clock, utcnow
from archive.errors import Conflict, Forbidden, ValidationError
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
     ({"password": "short"}, "at least"), ({"categories": ["ZZ"]}, "unknown category")],
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
    for _ in range(users.LOCKOUT_AFTER):
        with pytest.raises(Forbidden, match="wrong"), catalog.session() as s:
            try:
                users.authenticate(s, "alice", "wrong password!")
            except Forbidden:
                s.commit()  # keep the failure count and its audit event
                raise
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
