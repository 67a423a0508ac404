"""Catalog reads on behalf of a viewer. The decisions come from archive.policy only.

`visible` (the SQL form of `policy.record_filter(viewer)`) and `record_for` (`policy.can_see`
on one row; a record the viewer may not see is NotFound, exactly like one that does not exist)
live in archive.visibility so that services and the web share one translation.
"""

from __future__ import annotations

from archive.policy import Action, RecordLike, Viewer, allowed_actions
from archive.visibility import MAX_ID, record_for, visible  # noqa: F401 - the web's entry points to them


def actions_for(viewer: Viewer, record: RecordLike, *, viewing_grant: bool = False) -> frozenset[Action]:
    """`viewing_grant`: the viewer holds a current grant for this record (archive.lending.viewing)."""
    return allowed_actions(viewer, record, viewing_grant=viewing_grant)
