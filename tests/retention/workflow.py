"""Drive a register up to 'approved and witnessed', the way the bureau does it: each step by
the person whose part it is, acting in their own unit of work (retention's services)."""

from __future__ import annotations

import dataclasses

from archive.identity import Identity
from retention import appraisal, destruction
from tests.retention.builders import make_record


def person(world, username: str, channel: str = "web") -> Identity:
    """The identity a face hands to a service for `username` (resolved when the world was made)."""
    return dataclasses.replace(world["who"][username], channel=channel)


def due_records(world, store, n: int = 2, n_objects: int = 2, **fields) -> list[int]:
    with world["catalog"].session() as s:
        return [make_record(s, world["fonds_id"], store, n_objects=n_objects, **fields).id for _ in range(n)]


def concluded_batch(world, store, record_ids: list[int], decision: str = "destroy") -> int:
    cat = world["catalog"]
    arch = person(world, "arch")
    with cat.session(arch) as s:
        batch_id = appraisal.create_batch(s, arch, title="2008年到期档案", members=["ap1", "ap2", "ap3"],
                                          record_ids=record_ids).id
    ap1 = person(world, "ap1")
    with cat.session(ap1) as s:
        for rid in record_ids:
            appraisal.decide(s, ap1, batch_id=batch_id, record_id=rid, decision=decision, reason="已无保存价值",
                             years=5 if decision == "extend" else None)
    for m in ("ap1", "ap2", "ap3"):
        member = person(world, m)
        with cat.session(member) as s:
            appraisal.sign(s, member, batch_id=batch_id)
    with cat.session(arch) as s:
        appraisal.conclude(s, arch, store, batch_id=batch_id, opinion="同意销毁")
    return batch_id


def approved_register(world, store, n: int = 2, n_objects: int = 2, witnesses=("w1", "w2"), **fields) -> tuple[int, list[int]]:
    cat = world["catalog"]
    ids = due_records(world, store, n, n_objects, **fields)
    batch_id = concluded_batch(world, store, ids)
    arch = person(world, "arch")
    with cat.session(arch) as s:
        register = destruction.create_register(s, arch, batch_id=batch_id)
        register_id, missing = register.id, destruction.missing_roles(s, register)
    for approver, role in (("boss", "director"), ("lead", "leader")):
        if role in missing:
            who = person(world, approver)
            with cat.session(who) as s:
                destruction.approve(s, who, register_id=register_id, opinion="同意")
    for w in witnesses:
        who = person(world, w)
        with cat.session(who) as s:
            destruction.sign_witness(s, who, register_id=register_id)
    return register_id, ids


def execute(world, store, register_id: int, *, by: str = "arch", **kw):
    """Carry out a destruction as the archivist (or `by`): method and place by default."""
    how = {"method": "粉碎", "place": "局档案室", **kw}
    return destruction.execute(world["catalog"], person(world, by), store, register_id=register_id, **how)
