"""Destruction invariants through the service: appraisal, approval, two witnesses, holds,
due dates, living persons' files, separation of duties, and a crash at every step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from archive import audit
from archive.errors import Conflict, Forbidden
from archive.lifecycle_models import AppraisalBatch, DestructionCertificate, DestructionEntry
from archive.models import IndexOutbox, Page, Record, StoredObject
from retention import appraisal, destruction, holds, rules
from tests.retention.workflow import approved_register, concluded_batch, due_records, person
from tests.retention.workflow import execute as run


def test_destruction_deletes_everything_and_keeps_tombstone_register_and_certificate(world, store):
    register_id, ids = approved_register(world, store, n=2, n_objects=5)
    with world["catalog"].session() as s:
        keys = [o.sha256 for o in s.execute(select(StoredObject).where(StoredObject.record_id.in_(ids))).scalars()]
    assert len(keys) == 10 and all(store.exists(k) for k in keys)
    with world["catalog"].session() as s:
        queued_before = s.execute(select(func.max(IndexOutbox.id))).scalar() or 0
    run(world, store, register_id)
    with world["catalog"].session() as s:
        for rid in ids:
            r = s.get(Record, rid)
            assert r.status == "destroyed" and r.destroyed_at is not None and r.archival_code  # tombstone
            entry = s.execute(select(DestructionEntry).where(DestructionEntry.record_id == rid)).scalar_one()
            assert entry.state == "destroyed"
            assert all(p.ocr_text == "" for p in s.execute(select(Page).where(Page.record_id == rid)).scalars())
            # the index keeps a tombstone with the filing data only (archive.unit_of_work)
            assert s.execute(select(IndexOutbox).where(IndexOutbox.record_id == rid,
                                                       IndexOutbox.id > queued_before)).first()
        register = destruction.get_register(s, register_id)
        assert register.status == "executed" and register.method == "粉碎" and register.place == "局档案室"
        filed = s.get(Record, register.register_record_id)
        assert (filed.category_code, filed.retention, filed.status) == ("WS", "Y", "filed")
        cert = s.execute(select(DestructionCertificate)).scalar_one()
        assert store.get(cert.sha256).read().startswith(b"%PDF")
        batch = s.get(AppraisalBatch, register.batch_id)
        report = s.get(Record, batch.report_record_id)
        assert (report.category_code, report.retention) == ("WS", "Y")
        assert audit.verify(s).ok
    assert not any(store.exists(k) for k in keys)


def test_shared_bytes_survive_while_a_live_record_uses_them(world, store):
    register_id, ids = approved_register(world, store, n=1, n_objects=1)
    with world["catalog"].session() as s:
        key = s.execute(select(StoredObject.sha256).where(StoredObject.record_id == ids[0])).scalar_one()
        keeper = Record(fonds_id=world["fonds_id"], category_code="WS", year=2019, retention="Y", title="x", status="filed")
        s.add(keeper)
        s.flush()
        s.add(StoredObject(sha256=key, size=1, media_type="x", role="original", record_id=keeper.id))
    run(world, store, register_id)
    assert store.exists(key)


def test_no_destruction_without_approval(world, store):
    ids = due_records(world, store)
    batch_id = concluded_batch(world, store, ids)
    with world["catalog"].session() as s:
        register = destruction.create_register(s, person(world, "arch"), batch_id=batch_id)
        for w in ("w1", "w2"):
            destruction.sign_witness(s, person(world, w), register_id=register.id)
    with pytest.raises(Conflict, match="approval"):
        run(world, store, register.id)
    assert_nothing_destroyed(world, ids)


def test_no_destruction_without_two_witnesses(world, store):
    register_id, ids = approved_register(world, store, witnesses=("w1",))
    with pytest.raises(Forbidden, match="2 witnesses"):
        run(world, store, register_id)
    assert_nothing_destroyed(world, ids)


def test_no_destruction_without_appraisal(world, store):
    ids = due_records(world, store)
    with world["catalog"].session() as s:  # an appraisal that is not concluded yet
        batch = appraisal.create_batch(s, person(world, "arch"), title="t", members=["ap1", "ap2", "ap3"], record_ids=ids)
        with pytest.raises(Conflict, match="not concluded"):
            destruction.create_register(s, person(world, "arch"), batch_id=batch.id)


def test_kept_records_never_reach_a_register(world, store):
    ids = due_records(world, store)
    batch_id = concluded_batch(world, store, ids, decision="extend")
    with world["catalog"].session() as s:
        with pytest.raises(Exception, match="nothing"):
            destruction.create_register(s, person(world, "arch"), batch_id=batch_id)
        assert all(s.get(Record, i).retention_due.year == 2024 for i in ids)  # 2019 + 5


def test_separation_of_duties(world, store):
    ids = due_records(world, store)
    batch_id = concluded_batch(world, store, ids)
    with world["catalog"].session() as s:
        register = destruction.create_register(s, person(world, "arch"), batch_id=batch_id)
        with pytest.raises(Forbidden):  # an archivist is not the bureau director
            destruction.approve(s, person(world, "arch2"), register_id=register.id)
        destruction.approve(s, person(world, "boss"), register_id=register.id)
        with pytest.raises(Forbidden):  # a witness must have the witness role
            destruction.sign_witness(s, person(world, "boss"), register_id=register.id)
    # Even where configuration lets the same roles approve and witness, one person never does both.
    with world["catalog"].session() as s:
        rules.put(s, person(world, "admin"), "witness_roles", ["witness", "director"])
        rules.put(s, person(world, "admin"), "destruction_approver_roles", ["director", "archivist"])
    ids2 = due_records(world, store)
    batch2 = concluded_batch(world, store, ids2)
    with world["catalog"].session() as s:
        reg2 = destruction.create_register(s, person(world, "arch"), batch_id=batch2)
        with pytest.raises(Forbidden, match="cannot act twice"):  # the requester never approves
            destruction.approve(s, person(world, "arch"), register_id=reg2.id)
        destruction.approve(s, person(world, "boss"), register_id=reg2.id)
        with pytest.raises(Forbidden, match="cannot act twice"):  # an approver never witnesses
            destruction.sign_witness(s, person(world, "boss"), register_id=reg2.id)


def test_hold_blocks_destruction_and_is_rechecked_at_execution(world, store):
    register_id, ids = approved_register(world, store)
    with world["catalog"].session() as s:
        volume_hold = holds.place(s, person(world, "arch"), reason="审计", scope="record", target=str(ids[0]))
        second = holds.place(s, person(world, "boss"), reason="诉讼", scope="category", target="WS")
    with pytest.raises(Conflict, match="under hold"):
        run(world, store, register_id)
    assert_nothing_destroyed(world, ids)
    with world["catalog"].session() as s:
        holds.release(s, person(world, "boss"), hold_id=second.id, reason="诉讼结束")  # its placer
    with pytest.raises(Conflict, match="under hold"):  # the other hold still covers it
        run(world, store, register_id)
    with world["catalog"].session() as s:
        holds.release(s, person(world, "arch"), hold_id=volume_hold.id, reason="审计结束")
    run(world, store, register_id)
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status == "destroyed" for i in ids)


def test_an_object_still_locked_in_the_store_stops_the_destruction(world, store):
    register_id, ids = approved_register(world, store, n=1)
    with world["catalog"].session() as s:
        key = s.execute(select(StoredObject.sha256).where(StoredObject.record_id == ids[0])).scalars().first()
    store.set_legal_hold(key, True)
    with pytest.raises(Conflict, match="legal hold"):
        run(world, store, register_id)
    assert_nothing_destroyed(world, ids)
    assert all(store.exists(k) for k in [key])
    store.set_legal_hold(key, False)
    run(world, store, register_id)
    assert_nothing_left(world, store, ids)


def assert_nothing_left(world, store, ids):
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status == "destroyed" for i in ids)
        keys = s.execute(select(StoredObject.sha256).where(StoredObject.record_id.in_(ids))).scalars().all()
    assert keys and not any(store.exists(k) for k in keys)


def test_not_before_the_due_date(world, store):
    register_id, ids = approved_register(world, store)
    world["clock"].to("2018-06-01")  # before the 2019-01-01 due date
    with pytest.raises(Conflict, match="not due"):
        run(world, store, register_id)
    assert_nothing_destroyed(world, ids)


def test_living_persons_personnel_file_is_never_destroyed(world, store):
    ids = due_records(world, store, n=1, category_code="RS", title="张三人事档案")
    with world["catalog"].session() as s:
        batch = appraisal.create_batch(s, person(world, "arch"), title="t", members=["ap1", "ap2", "ap3"], record_ids=ids)
        with pytest.raises(Forbidden, match="living person"):
            appraisal.decide(s, person(world, "ap1"), batch_id=batch.id, record_id=ids[0], decision="destroy",
                             reason="r")
    # Even a destroy decision written behind the service's back is refused at execution.
    register_id, other = approved_register(world, store, n=1, category_code="RS", title="李四人事档案",
                                           person_deceased_on=dt.date(2000, 1, 1))
    with world["catalog"].session() as s:
        s.get(Record, other[0]).person_deceased_on = None
    with pytest.raises(Forbidden, match="living person"):
        run(world, store, register_id)
    assert_nothing_destroyed(world, other)


def assert_nothing_destroyed(world, ids):
    with world["catalog"].session() as s:
        assert all(s.get(Record, i).status != "destroyed" for i in ids)
        assert not s.execute(select(StoredObject).where(StoredObject.record_id.in_(ids),
                                                        StoredObject.destroyed_at.is_not(None))).first()


class Crash(Exception):
    pass


def crash_at(n: int):
    calls = []

    def hook(step: str) -> None:
        calls.append(step)
        if len(calls) == n:
            raise Crash(step)

    return hook


def test_a_crash_at_every_step_never_leaves_a_record_destroyed_without_its_entry(world, store):
    steps = []
    first, _ = approved_register(world, store, n_objects=1)
    run(world, store, first, hook=steps.append)
    assert steps[0] == "begin" and steps[-1] == "filed" and "object_deleted" in steps
    registers = [approved_register(world, store, n_objects=1) for _ in steps]
    for n, (register_id, ids) in enumerate(registers, 1):
        with pytest.raises(Crash):
            run(world, store, register_id, hook=crash_at(n))
        check_no_orphans(world, store)
        run(world, store, register_id)  # resume
        with world["catalog"].session() as s:
            assert destruction.get_register(s, register_id).status == "executed"
            assert all(s.get(Record, i).status == "destroyed" for i in ids)
            assert all(not store.exists(o.sha256) for o in
                       s.execute(select(StoredObject).where(StoredObject.record_id.in_(ids))).scalars())
    check_no_orphans(world, store)
    with world["catalog"].session() as s:
        assert audit.verify(s).ok


def check_no_orphans(world, store):
    """Every destroyed record, and every record missing bytes, has its register entry under way."""
    with world["catalog"].session() as s:
        for record in s.execute(select(Record)).scalars():
            entry = s.execute(select(DestructionEntry).where(DestructionEntry.record_id == record.id)).scalar_one_or_none()
            if record.status == "destroyed":
                assert entry is not None and entry.state == "destroyed"
            objects = s.execute(select(StoredObject).where(StoredObject.record_id == record.id)).scalars().all()
            if any(not store.exists(o.sha256) for o in objects):
                assert entry is not None and entry.state in ("destroying", "destroyed")


def test_a_disabled_account_approves_witnesses_decides_and_signs_nothing(world, store):
    """Identities handed out before the accounts were disabled (a saved CLI token, an open web
    session): every service re-reads the account and refuses."""
    from archive.identity import system
    from archive.models import User

    cat = world["catalog"]
    ids = due_records(world, store)
    batch_id = concluded_batch(world, store, ids)
    (fresh,) = due_records(world, store, n=1)
    with cat.session() as s:
        register_id = destruction.create_register(s, person(world, "arch"), batch_id=batch_id).id
        open_batch = appraisal.create_batch(s, person(world, "arch"), title="t", members=["ap1", "ap2", "ap3"],
                                            record_ids=[fresh]).id
        for user in s.execute(select(User).where(User.username.in_(["boss", "w1", "ap3"]))).scalars():
            user.active = False
    with cat.session() as s:
        with pytest.raises(Forbidden):
            destruction.approve(s, person(world, "boss"), register_id=register_id)
        with pytest.raises(Forbidden):
            destruction.sign_witness(s, person(world, "w1"), register_id=register_id)
        with pytest.raises(Forbidden):
            appraisal.decide(s, person(world, "ap3"), batch_id=open_batch, record_id=fresh, decision="keep_permanent",
                             reason="r")
        with pytest.raises(Forbidden):
            appraisal.sign(s, person(world, "ap3"), batch_id=open_batch)
        with pytest.raises(Forbidden):  # nor is a disabled appraiser named to a new group
            appraisal.create_batch(s, person(world, "arch"), title="t2", members=["ap1", "ap2", "ap3"],
                                   record_ids=[fresh])
        with pytest.raises(Forbidden):  # a system identity (a task, an operator command) is never a person
            destruction.approve(s, system("retention", channel="task"), register_id=register_id)
        assert destruction.approvals(s, register_id) == [] and destruction.witnesses(s, register_id) == []
        assert all(m.signed_at is None for m in appraisal.members(s, open_batch))
