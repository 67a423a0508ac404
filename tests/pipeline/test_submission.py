"""Submitting uploads (ingest.submission), as the web page and the API do: only who may file,
one row per file, and a duplicate of a record above the person's clearance says no more."""

import hashlib

import pytest

from archive import users
from archive.codes import Role, Secrecy
from archive.config import load_settings
from archive.errors import Forbidden, ValidationError
from archive.identity import Identity, system
from archive.policy import Viewer
from archive.runtime import Runtime
from ingest.submission import MAX_FILES, Upload, status_of, submit
from tests.catalog.helpers import make_record, seeded
from tests.pipeline.conftest import small_scan


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime(load_settings({"ARCHIVE_HOME": str(tmp_path / "home")}), nudge="off")
    rt.catalog.migrate()
    with rt.unit_of_work(system("test")) as s:
        seeded(s)
        users.add_user(s, actor="test", username="arch", role="archivist", clearance="secret",
                       password="correct-horse-battery")
    yield rt
    rt.close()


ARCHIVIST = Identity(Viewer("arch", Role.ARCHIVIST, Secrecy.SECRET), "web")
STAFF = Identity(Viewer("staff", Role.STAFF, Secrecy.TOP_SECRET), "api")


def test_only_who_may_file_submits(runtime, tmp_path):
    scan = tmp_path / "a.png"
    scan.write_bytes(small_scan(["关于考勤的通知"]))
    with pytest.raises(Forbidden):
        submit(runtime, STAFF, [Upload("a.png", scan)])
    with runtime.unit_of_work(STAFF) as s, pytest.raises(Forbidden):
        status_of(s, STAFF, [1])
    with pytest.raises(ValidationError):
        submit(runtime, ARCHIVIST, [])
    with pytest.raises(ValidationError):
        submit(runtime, ARCHIVIST, [Upload("a.png", scan)] * (MAX_FILES + 1))


def test_rows_per_file_and_duplicates_above_clearance(runtime, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("不是扫描件", encoding="utf-8")
    secret_scan = tmp_path / "s.png"
    secret_scan.write_bytes(small_scan(["绝密 文件"]))
    with runtime.unit_of_work(system("test")) as s:
        make_record(s, seeded(s), secrecy="top_secret", status="filed",
                    source_sha256=hashlib.sha256(secret_scan.read_bytes()).hexdigest())
    rows = submit(runtime, ARCHIVIST, [Upload("说明.txt", notes), Upload("扫描.png", secret_scan)])
    assert rows[0] == {"filename": "说明.txt", "status": "failed", "error": "unsupported file type"}
    assert rows[1] == {"filename": "扫描.png", "status": "duplicate"}  # no id of a record they may not see
