"""On-disk indexes kept as generations in one folder, with a CURRENT file naming the live one.

A rebuild writes a new generation and then swaps CURRENT atomically, so readers see the old
index or the new one, never neither. Shared by the embedded SQLite and tantivy backends.
"""

from __future__ import annotations

import os
from pathlib import Path


class Generations:
    """Mixin: needs `self.dir`, `_new_name()` and `_create(name)` (make an empty generation)."""

    dir: Path

    def _new_name(self) -> str:
        raise NotImplementedError

    def _create(self, name: str) -> None:
        raise NotImplementedError

    @property
    def _pointer(self) -> Path:
        return self.dir / "CURRENT"

    def _current_name(self) -> str:
        try:
            return self._pointer.read_text().strip()
        except FileNotFoundError:
            name = self._new_name()
            self._create(name)
            self._switch(name)
            return name

    def _switch(self, name: str) -> None:
        tmp = self.dir / f".CURRENT.{os.getpid()}"
        with open(tmp, "w") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._pointer)  # atomic: readers see the old or the new index, never neither
