"""A throwaway osmem-server (an in-memory OpenSearch-compatible server) for tests.

Elasticsearch cannot run on these machines; osmem-server stands in over real HTTP. It answers
406 to the client's `compatible-with` media types, so `PlainMediaNode` (used by tests only)
sends plain application/json; production code keeps the client's defaults.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading

from elastic_transport import Urllib3HttpNode


def binary() -> str:
    found = shutil.which("osmem-server")
    if found:
        return found
    from osmem_server import resolve_binary  # the binary inside the PyPI wheel

    return resolve_binary()


class OpenSearchServer:
    """`osmem-server -addr 127.0.0.1:PORT`; `.url`, `.stop()`, `.start()` again on the same port."""

    def __init__(self, port: int = 0):
        self.port = port
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, timeout: float = 30.0) -> OpenSearchServer:
        args = [binary(), "-addr", f"127.0.0.1:{self.port}"]
        # stdin stays open: the server exits when it closes (so also when the test process dies)
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready: dict = {}

        def read() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                try:
                    ready.update(json.loads(line))
                    return
                except ValueError:
                    continue

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if "url" not in ready:
            self.stop()
            raise RuntimeError("osmem-server did not start")
        self.url = ready["url"]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> OpenSearchServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PlainMediaNode(Urllib3HttpNode):
    """Sends application/json and application/x-ndjson instead of the compatible-with types."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value and "vnd.elasticsearch+" in value:
                    headers[name] = value.replace("vnd.elasticsearch+", "").split(";")[0]
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)
