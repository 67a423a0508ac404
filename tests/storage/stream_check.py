"""Stream MB megabytes of generated data through an ObjectStore and report the peak RSS growth.

Run as its own process (so the test runner's memory does not blur the numbers):
    python tests/storage/stream_check.py STORE_URL MB
Prints one JSON line: key, whether the read-back hash matched, RSS baseline/peak/growth in MiB,
and the put/get times. The data is generated chunk by chunk and never held whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import sys
import threading
import time

import psutil

from storage import open_store

CHUNK = 1024 * 1024
MiB = 1024 * 1024


class Generated(io.RawIOBase):
    """`total` pseudo-random bytes from a seed, produced as they are read, hashed on the way."""

    def __init__(self, total: int, seed: int):
        self.rng = random.Random(seed)
        self.left = total
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = min(len(buf), self.left)
        if n:
            data = self.rng.randbytes(n)
            buf[:n] = data
            self.digest.update(data)
            self.left -= n
        return n


class PeakRSS(threading.Thread):
    """Samples this process's RSS every few milliseconds and keeps the highest."""

    def __init__(self):
        super().__init__(daemon=True)
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.005):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak


def vm_hwm() -> int:
    """Peak RSS of this process image (VmHWM), in bytes; 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main(url: str, mb: int) -> dict:
    store = open_store(url)
    store.exists("0" * 64)  # connection pool and bucket check done before the baseline
    baseline = psutil.Process().memory_info().rss
    sampler = PeakRSS()
    sampler.start()

    source = Generated(mb * MiB, seed=20261124)
    t0 = time.perf_counter()
    key = store.put(source)
    t1 = time.perf_counter()
    readback = hashlib.sha256()
    size = 0
    with store.get(key) as stream:
        while chunk := stream.read(CHUNK):
            readback.update(chunk)
            size += len(chunk)
    t2 = time.perf_counter()

    # The kernel's high-water mark catches any spike between samples (it can only overstate growth).
    # Not ru_maxrss: Linux carries it across exec from the parent, so it would report pytest's size.
    peak = max(sampler.stop(), vm_hwm())
    return {
        "store": type(store).__name__,
        "mb": mb,
        "key": key,
        "sha_ok": key == source.digest.hexdigest() == readback.hexdigest() and size == mb * MiB,
        "rss_baseline_mib": round(baseline / MiB, 1),
        "rss_peak_mib": round(peak / MiB, 1),
        "rss_growth_mib": round((peak - baseline) / MiB, 1),
        "put_s": round(t1 - t0, 2),
        "get_s": round(t2 - t1, 2),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
