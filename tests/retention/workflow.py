"""Drive a register up to 'approved and witnessed', the way the bureau does it."""

from __future__ import annotations

from retention import appraisal, destruction
from tests.retention.builders import make_record


def due_records(world, store, n: int = 2, n_objects: int = 2, **fields) -> list[int]:
    with world["catalog"].session() as s:
        return [make_record(s, world["fonds_id"], store, n_objects=n_objects, **fields).id for _ in range(n)]


def concluded_batch(world, store, record_ids: list[int], decision: str = "destroy") -> int:
    with world["catalog"].session() as s:
        batch = appraisal.create_batch(s, actor="arch", title="2008年到期档案", members=["ap1", "ap2", "ap3"],
                                       record_ids=record_ids)
        for rid in record_ids:
            appraisal.decide(s, batch_id=batch.id, record_id=rid, decision=decision, reason="已无保存价值", by="ap1",
                             years=5 if decision == "extend" else None)
        for m in ("ap1", "ap2", "ap3"):
            appraisal.sign(s, batch_id=batch.id, member=m)
        appraisal.conclude(s, store, batch_id=batch.id, actor="arch", opinion="同意销毁")
        return batch.id


def approved_register(world, store, n: int = 2, n_objects: int = 2, witnesses=("w1", "w2"), **fields) -> tuple[int, list[int]]:
    ids = due_records(world, store, n, n_objects, **fields)
    batch_id = concluded_batch(world, store, ids)
    with world["catalog"].session() as s:
        register = destruction.create_register(s, batch_id=batch_id, requested_by="arch")
        for role_user in ("boss", "lead"):
            if register.status == "draft" and destruction.missing_roles(s, register):
                user_role = {"boss": "director", "lead": "leader"}[role_user]
                if user_role in destruction.missing_roles(s, register):
                    destruction.approve(s, register_id=register.id, approver=role_user, opinion="同意")
        for w in witnesses:
            destruction.sign_witness(s, register_id=register.id, witness=w)
        return register.id, ids
