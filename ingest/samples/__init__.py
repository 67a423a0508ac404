"""Synthetic sample scans with their expected labels (see generate.py)."""

from __future__ import annotations

import json
from pathlib import Path

SCANS_DIR = Path(__file__).resolve().parent / "scans"


def load_labels(folder: Path = SCANS_DIR) -> dict:
    """Expected fields per sample file name, as written by the generator."""
    return json.loads((folder / "labels.json").read_text(encoding="utf-8"))
