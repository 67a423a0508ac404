"""Self-service proof for citizens (issue 17 item 5): off by default; with it on, a person with
their identity number, name and a one-time code from the archivist receives a certified copy of
their own social-insurance records of the kinds they chose, and nothing else; codes are hashed,
expire, work once and die after repeated wrong tries; every use is registered and audited."""

import datetime as dt

import pytest

from archive.clock import set_clock, utcnow
from archive.config import load_settings
from archive.errors import NotFound, ValidationError
from archive.models import AuditEvent
from archive.utilization import certify, requests, self_service
from archive.utilization.models import SelfServiceCode, UtilizationRequest
from tests.utilization.conftest import ALICE_ID, BOB_ID, page_process, person


def _code(room, id_number=ALICE_ID, name="张三"):
    with room["catalog"].session() as s:
        return self_service.issue_code(s, person(s, "arch"), id_number=id_number, name=name)["code"]


def _obtain(room, code, *, id_number=ALICE_ID, name="张三", types=("参保登记", "养老待遇"), enabled=True):
    with room["catalog"].session() as s:
        return self_service.obtain(s, page_process(), enabled=enabled, id_number=id_number, name=name, code=code,
                                   types=list(types), store=room["store"])


def test_self_service_is_off_by_default(room, tmp_path):
    assert load_settings({"ARCHIVE_HOME": str(tmp_path)}).self_service is False
    code = _code(room)
    with pytest.raises(NotFound):
        _obtain(room, code, enabled=False)


def test_a_person_receives_a_certified_copy_of_their_own_sb_records_only(room):
    code = _code(room)
    result = _obtain(room, code, types=["参保登记"])
    assert result.ok, result.error
    items = {i["record"] for i in result.issued.copy["items"]}
    # Alice's registration record; not her pension record (not chosen), not her secret one, not Bob's.
    assert items == {room["ids"]["alice_reg"]}
    with room["catalog"].session() as s:
        check = certify.verify(s, page_process(), result.issued.copy["serial"], data=result.issued.pdf)
        line = s.query(UtilizationRequest).filter_by(kind="self_service").one()
        actions = {e.action for e in s.query(AuditEvent)}
    assert check["match"]
    assert line.outcome == "certified" and line.purpose == "self_query" and line.found == [room["ids"]["alice_reg"]]
    assert {"self_service.code", "self_service.issue", "copy.issue", "utilization.register"} <= actions


def test_a_code_works_once(room):
    code = _code(room)
    assert _obtain(room, code).ok
    again = _obtain(room, code)
    assert not again.ok and again.issued is None


def test_wrong_code_or_name_is_refused_and_counted_until_the_code_dies(room):
    code = _code(room)
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    refused = _obtain(room, wrong)
    assert not refused.ok and refused.issued is None
    assert not _obtain(room, code, name="张四").ok  # someone else's name with the right code
    for _ in range(self_service.MAX_FAILURES - 2):
        _obtain(room, wrong)
    assert not _obtain(room, code).ok  # the right code no longer helps: ask for a new one
    with room["catalog"].session() as s:
        row = s.query(SelfServiceCode).one()
        assert row.failures == self_service.MAX_FAILURES and row.used_at is not None
        assert code not in (row.code_hash, row.salt)  # only a salted hash is kept
    assert _obtain(room, _code(room)).ok


def test_codes_expire(room):
    code = _code(room)
    later = utcnow() + dt.timedelta(minutes=self_service.CODE_MINUTES + 1)
    set_clock(lambda: later)
    try:
        assert not _obtain(room, code).ok
    finally:
        set_clock(None)


def test_one_persons_code_does_not_open_another_persons_records(room):
    code = _code(room)  # Alice's
    assert not _obtain(room, code, id_number=BOB_ID, name="张三").ok
    bob = _code(room, BOB_ID, "李四")
    result = _obtain(room, bob, id_number=BOB_ID, name="李四", types=["参保登记"])
    assert {i["record"] for i in result.issued.copy["items"]} == {room["ids"]["bob_reg"]}


def test_identity_number_and_kinds_are_checked(room):
    with pytest.raises(ValidationError):
        _obtain(room, "12345678", id_number=ALICE_ID[:-1] + "1")
    with pytest.raises(ValidationError):
        _obtain(room, _code(room), types=["不存在的类别"])
    with room["catalog"].session() as s:
        with pytest.raises(Exception):  # staff do not hand out codes
            self_service.issue_code(s, person(s, "clerk"), id_number=ALICE_ID, name="张三")
        assert requests.list_requests(s, person(s, "arch")) == []
