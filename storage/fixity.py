"""Fixity audit (DOMAIN.md §11): recompute the SHA-256 of every stored object, or of one slice
of them (a rotating nightly slice spreads the reading over M nights), and compare with the
catalog: changed bytes, objects the catalog lists but the store lacks (missing) and content
objects nobody catalogued (unexpected). Each failure is kept, audited and sent to the auditors.

Only content keys are compared: named objects (audit anchors) live in their own namespace and
are checked by `archive audit verify`.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today, utcnow
from archive.codes import Role
from archive.errors import NotFound, ValidationError
from archive.lending.messages import msg
from archive.lending.models import FixityFailure, FixityRun, Notification
from archive.models import StoredObject, User
from storage import ObjectStore

ACTOR = "system:fixity"


def parse_slice(text: str) -> tuple[int, int]:
    """'3/7' → (3, 7): the third of seven slices."""
    try:
        n, m = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValidationError(f"slice {text!r} must read N/M, e.g. 1/7") from None
    if not 1 <= n <= m:
        raise ValidationError(f"slice {text!r}: N must be between 1 and M")
    return n, m


def nightly_slice(slices: int) -> tuple[int, int]:
    """Tonight's slice: the day number rotates through all M slices."""
    return today().toordinal() % slices + 1, slices


def in_slice(key: str, n: int, m: int) -> bool:
    return int(key[:8], 16) % m == n - 1


@dataclasses.dataclass
class FixityResult:
    run_id: int
    slice: str
    checked: int
    changed: list[str]
    missing: list[str]
    unexpected: list[str]
    repaired: dict[str, str] = dataclasses.field(default_factory=dict)  # key -> the copy it came from
    unrepaired: list[str] = dataclasses.field(default_factory=list)  # no verified copy found

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unexpected)

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "ok": self.ok}


def run(session: Session, store: ObjectStore, *, slice_no: int = 1, slices: int = 1,
        repair: bool = False) -> FixityResult:
    """Check one slice (1/1: everything). The run and each failure are written in this transaction.

    With `repair`, each changed or missing object is restored from a second copy (the store's
    earlier versions, its replicas) whose SHA-256 equals the key; each repair is audited."""
    fixity_run = FixityRun(slice_no=slice_no, slices=slices, actor=ACTOR)
    session.add(fixity_run)
    session.flush()
    catalogued: dict[str, list[int]] = {}
    for obj_id, key in session.execute(
        select(StoredObject.id, StoredObject.sha256).where(StoredObject.destroyed_at.is_(None))
    ).all():
        if in_slice(key, slice_no, slices):
            catalogued.setdefault(key, []).append(obj_id)
    stored = {k for k in store.iter_keys() if in_slice(k, slice_no, slices)}
    changed, missing, checked = [], [], 0
    for key in sorted(catalogued):
        if key not in stored:
            missing.append(key)
            continue
        checked += 1
        try:
            if not store.verify(key):
                changed.append(key)
        except NotFound:  # removed between listing and reading
            missing.append(key)
    unexpected = sorted(stored - set(catalogued))
    for kind, keys in (("changed", changed), ("missing", missing), ("unexpected", unexpected)):
        for key in keys:
            _failure(session, fixity_run, key, kind, catalogued.get(key, []))
    fixity_run.checked, fixity_run.failures = checked, len(changed) + len(missing) + len(unexpected)
    fixity_run.finished_at = utcnow()
    result = FixityResult(fixity_run.id, f"{slice_no}/{slices}", checked, changed, missing, unexpected)
    if repair:
        for kind, keys in (("changed", changed), ("missing", missing)):
            for key in keys:
                _repair(session, store, fixity_run, key, kind, catalogued.get(key, []), result)
    audit.record(session, ACTOR, "fixity.run", f"fixity:{fixity_run.id}", {
        "slice": f"{slice_no}/{slices}", "checked": checked, "failures": fixity_run.failures,
        **({"repaired": len(result.repaired), "unrepaired": len(result.unrepaired)} if repair else {}),
    })
    return result


def _repair(session: Session, store: ObjectStore, fixity_run: FixityRun, key: str, kind: str,
            object_ids: list[int], result: FixityResult) -> None:
    source = store.restore(key)
    if source is not None and store.verify(key):  # read back what is now stored, never trust the write
        result.repaired[key] = source
        audit.record(session, ACTOR, "fixity.repair", f"object:{key}", {
            "kind": kind, "objects": object_ids, "run": fixity_run.id, "source": source,
        })
    else:
        result.unrepaired.append(key)
        audit.record(session, ACTOR, "fixity.repair_failed", f"object:{key}", {
            "kind": kind, "objects": object_ids, "run": fixity_run.id,
            "copies": [where for where, _open in store.copies(key)],
        })


def _failure(session: Session, fixity_run: FixityRun, key: str, kind: str, object_ids: list[int]) -> None:
    session.add(FixityFailure(run_id=fixity_run.id, key=key, kind=kind, object_ids=object_ids))
    audit.record(session, ACTOR, "fixity.failure", f"object:{key}", {"kind": kind, "objects": object_ids,
                                                                     "run": fixity_run.id})
    text = msg("fixity_alert", key=key[:12], kind=kind)
    for auditor in session.execute(select(User.username).where(User.role == Role.AUDITOR.value,
                                                                User.active.is_(True))).scalars():
        session.add(Notification(username=auditor, kind="fixity.failure", target=f"object:{key}", message=text))


def recent_failures(session: Session, limit: int = 100) -> list[FixityFailure]:
    """For the auditors' report."""
    return list(session.execute(select(FixityFailure).order_by(FixityFailure.id.desc()).limit(limit)).scalars())
