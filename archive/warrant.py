"""The only key that opens ObjectStore.delete: a warrant issued for an approved destruction.

Object stores refuse a delete without a warrant naming the object. Warrants are issued by the
destruction workflow (retention/) after appraisal, approval and witnesses are recorded; the
register entry id travels with the warrant so every deletion can be traced to it.
"""

from __future__ import annotations

import dataclasses

from archive.errors import Forbidden


@dataclasses.dataclass(frozen=True)
class DestructionWarrant:
    register_entry_id: int
    keys: frozenset[str]
    issued_by: str

    def check(self, key: str) -> None:
        if key not in self.keys:
            raise Forbidden(f"destruction warrant {self.register_entry_id} does not cover object {key}")


def require_warrant(warrant: object, key: str) -> None:
    """Raise Forbidden unless `warrant` is a DestructionWarrant covering `key`."""
    if not isinstance(warrant, DestructionWarrant):
        raise Forbidden("objects are deleted only through an approved destruction (no warrant given)")
    warrant.check(key)
