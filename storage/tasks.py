"""Periodic object-store task: the nightly fixity slice. Acts as `system`, channel task."""

from __future__ import annotations

from archive.celery_app import app
from archive.identity import system
from archive.runtime import Runtime
from storage import fixity


@app.task(name="storage.fixity_nightly")
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
