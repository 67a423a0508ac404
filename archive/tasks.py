"""Catalog tasks that need nothing but the catalog. Tasks act as `system`, channel task."""

from __future__ import annotations

from archive import audit
from archive.celery_app import RETRY, app
from archive.identity import system
from archive.runtime import Runtime


@app.task(name="archive.verify_audit_chain", ignore_result=False, **RETRY)  # counts only; callers wait on it
def verify_audit_chain() -> dict:
    """Walk the audit chain in the catalog (anchors are checked by the anchoring task)."""
    runtime = Runtime(nudge="off")
    try:
        with runtime.unit_of_work(system("verify-audit-chain", channel="task")) as session:
            return audit.verify(session).to_dict()
    finally:
        runtime.close()


@app.task(name="archive.anchor_audit_chain", **RETRY)
def anchor_audit_chain() -> dict | None:
    """Write the audit chain head to the object store so a rolled-back catalog is caught."""
    runtime = Runtime(nudge="off")
    try:
        with runtime.unit_of_work(system("anchor-audit-chain", channel="task")) as session:
            return audit.anchor(session, runtime.store)
    finally:
        runtime.close()


import archive.lending.tasks  # noqa: E402, F401  (registers the lending tasks with the worker)
