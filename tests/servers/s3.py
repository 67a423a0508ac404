"""A throwaway S3 server (moto) on a free port: the stand-in for MinIO on machines without docker.

moto speaks the S3 API well enough for put/get/list/versions, but cannot be trusted to verify
object lock (its retention answers do not parse in the minio client), so lock tests run only
against a real MinIO named by ARCHIVE_TEST_S3_URL.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

from tests.servers.common import free_port, wait_until

ACCESS_KEY = SECRET_KEY = "testing"


class S3Server:
    def __init__(self, tmpdir: Path | str, bucket: str = "archive-test") -> None:
        binary = Path(sys.executable).parent / "moto_server"
        if not binary.exists():
            raise RuntimeError(f"{binary} not found: install the dev extras (moto[server])")
        self.port = free_port()
        self.bucket = bucket
        self.log_path = Path(tmpdir) / f"moto-{self.port}.log"
        self._log = open(self.log_path, "wb")  # a file, so a full pipe never blocks moto
        self.proc = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(self.port)], stdout=self._log, stderr=subprocess.STDOUT
        )
        self._names = itertools.count(1)
        self._run = uuid.uuid4().hex[:8]
        try:
            wait_until(self._answers, 30, "moto S3 server")
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"{exc}; its output is in {self.log_path}") from None

    def _answers(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1) as resp:
            return resp.status == 200

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.bucket_url(self.bucket)

    def bucket_url(self, bucket: str) -> str:
        return f"s3://{ACCESS_KEY}:{SECRET_KEY}@{self.endpoint}/{bucket}"

    def new_bucket_url(self) -> str:
        """A URL naming a bucket no test has used yet (the store creates it on first use)."""
        return self.bucket_url(f"t{self._run}-{next(self._names)}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def start_s3_server(tmpdir: Path | str) -> S3Server:
    return S3Server(tmpdir)
