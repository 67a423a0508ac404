"""Periodic object-store tasks: the nightly fixity slice, and write-once retention for the
objects of records kept long (archive.worm). Act as `system`, channel task."""

from __future__ import annotations

from archive.celery_app import RETRY, app
from archive.identity import system
from archive.runtime import Runtime
from storage import fixity


@app.task(name="storage.fixity_nightly", **RETRY)
def fixity_nightly(slices: int = 7) -> dict:
    """Recompute the digests of tonight's slice of the objects: all of them once a week."""
    runtime = Runtime(nudge="off")
    try:
        with runtime.unit_of_work(system("fixity", channel="task")) as session:
            n, m = fixity.nightly_slice(slices)
            result = fixity.run(session, runtime.store, slice_no=n, slices=m)
            return {"slice": result.slice, "checked": result.checked, "changed": len(result.changed),
                    "missing": len(result.missing), "unexpected": len(result.unexpected)}
    finally:
        runtime.close()


@app.task(name="storage.retain_records", **RETRY)
def retain_records() -> dict:
    """COMPLIANCE retention for the originals and PDFs of permanent and long-term records filed
    or changed since the last run (archive.worm); a count only in the result."""
    from archive import worm

    runtime = Runtime(nudge="off")
    who = system("worm", channel="task")
    try:
        with runtime.unit_of_work(who) as session:
            return {"retained": worm.retain_changed(session, runtime.store, who.username)}
    finally:
        runtime.close()
