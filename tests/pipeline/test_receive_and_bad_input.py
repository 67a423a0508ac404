"""Receiving: digests first, duplicates found, bad files get one clear error and the batch goes on."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
from PIL import Image
from sqlalchemy import func, select

from archive import audit
from archive.models import Record, StoredObject
from tests.pipeline.conftest import archivist_env, small_scan


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_same_bytes_make_no_second_record(service, tmp_path):
    scan = write(tmp_path / "a.png", small_scan(["关于调整社会保险缴费基数的通知"]))
    first = service.ingest_files([scan])
    assert first["status"] in ("filed", "needs_review"), first
    copy = write(tmp_path / "copy-of-a.png", scan.read_bytes())
    again = service.ingest_files([copy])
    assert again["status"] == "duplicate"
    assert again["duplicate_of"] == first["archival_code"] and again["id"] == first["id"]
    with service.catalog.session() as s:
        assert s.scalar(select(func.count(Record.id))) == 1
        originals = s.execute(select(StoredObject).where(StoredObject.role == "original")).scalars().all()
        assert len(originals) == 1 and originals[0].sha256 == first["sha256"]
    assert service.store.verify(first["sha256"])


def bad_files(tmp_path: Path) -> dict[str, Path]:
    good = small_scan(["劳动人事争议仲裁委员会"], fmt="JPEG")
    tiff = io.BytesIO()
    Image.new("1", (2000, 2000), 1).save(tiff, "TIFF", compression="group4")
    enc = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(enc, encryption=pikepdf.Encryption(owner="o", user="u"))
    return {
        "empty": write(tmp_path / "empty.jpg", b""),
        "truncated_jpeg": write(tmp_path / "truncated.jpg", good[: len(good) // 2]),
        "truncated_tiff": write(tmp_path / "truncated.tif", tiff.getvalue()[: len(tiff.getvalue()) // 3]),
        "text_named_jpg": write(tmp_path / "notes.jpg", "这不是图片".encode()),
        "corrupt_pdf": write(tmp_path / "corrupt.pdf", b"%PDF-1.7\n1 0 obj <<>> garbage"),
        "encrypted_pdf": write(tmp_path / "locked.pdf", enc.getvalue()),
        "good": write(tmp_path / "good.jpg", good),
    }


def test_bad_files_fail_alone_and_nothing_is_half_filed(service, tmp_path):
    files = bad_files(tmp_path)
    results = {name: service.ingest_files([path]) for name, path in files.items()}
    assert results["good"]["status"] in ("filed", "needs_review"), results["good"]
    for name, result in results.items():
        if name == "good":
            continue
        assert result["status"] == "failed", (name, result)
        assert result["error"] and "\n" not in result["error"], (name, result)
        assert "Traceback" not in result["error"]
    with service.catalog.session() as s:
        records = s.execute(select(Record)).scalars().all()
        for record in records:  # every record is complete or marked failed with its reason
            assert record.status in ("filed", "needs_review", "failed")
            if record.status == "failed":
                assert record.error and not record.page_list
            else:
                assert record.archival_code and record.page_list
        assert audit.verify(s).ok


def test_cli_batch_continues_and_exits_non_zero(tmp_path):
    (tmp_path / "in").mkdir()
    files = bad_files(tmp_path / "in")
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path / "home"), ARCHIVE_LANG="en")
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL"):
        env.pop(var, None)
    archive = str(Path(sys.executable).parent / "archive")
    assert subprocess.run([archive, "init"], env=env, capture_output=True).returncode == 0
    refused = subprocess.run([archive, "ingest", str(tmp_path / "in")], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "archive login" in refused.stderr  # nobody is logged in
    env = archivist_env(env)
    out = subprocess.run([archive, "ingest", str(tmp_path / "in"), "--json"], env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 1, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == len(files)
    assert sum(r["status"] == "failed" for r in lines) == len(files) - 1
    assert "Traceback" not in out.stderr
    good = next(r for r in lines if r["status"] != "failed")
    shown = subprocess.run([archive, "show", good["archival_code"], "--json"], env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert "仲裁" in record["text"] and {o["role"] for o in record["objects"]} >= {"original", "page_image", "pdf"}
    # Corrections act as the person logged in: a staff member may not make them.
    review = [archive, "review", good["archival_code"], "--set", "title=劳动人事争议仲裁委员会通知", "--json"]
    refused = subprocess.run(review, env=archivist_env(env, role="staff"), capture_output=True, text=True)
    assert refused.returncode != 0 and "may not edit" in refused.stderr
    corrected = subprocess.run(review, env=env, capture_output=True, text=True)
    assert corrected.returncode == 0, corrected.stderr
    assert json.loads(corrected.stdout)["title"] == "劳动人事争议仲裁委员会通知"
