"""A 300 MB object goes in and out of each backend with bounded memory.

The work happens in a subprocess (stream_check.py) so the RSS it reports is that of a process
doing only this. The numbers are printed and kept in bench/results/storage_stream.txt.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.warrant import DestructionWarrant
from storage import open_store

MB = 300
MAX_GROWTH_MIB = 100
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "storage_stream.txt"


def record(result: dict) -> str:
    """Keep one line per backend in the results file, replacing that backend's previous line."""
    line = (
        f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {result['store']} {result['mb']} MB: "
        f"RSS growth {result['rss_growth_mib']} MiB (baseline {result['rss_baseline_mib']}, "
        f"peak {result['rss_peak_mib']}), put {result['put_s']} s, get {result['get_s']} s, "
        f"sha256 {'ok' if result['sha_ok'] else 'MISMATCH'}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    old = RESULTS.read_text().splitlines() if RESULTS.exists() else []
    kept = [x for x in old if f" {result['store']} " not in x]
    RESULTS.write_text("\n".join([*kept, line]) + "\n")
    return line


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_300mb_stream_with_bounded_memory(backend, request, tmp_path):
    url = f"file://{tmp_path}/objects" if backend == "local" else request.getfixturevalue("s3_url")
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("stream_check.py")), url, str(MB)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print("\n" + record(result))
    try:
        assert result["sha_ok"], "the bytes read back differ from the bytes written"
        assert result["rss_growth_mib"] < MAX_GROWTH_MIB
    finally:
        # Do not leave 300 MB behind on a real MinIO.
        key = result["key"]
        open_store(url).delete(key, warrant=DestructionWarrant(0, frozenset([key]), "test"))
