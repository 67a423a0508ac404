"""Transfer to the state archive (移交进馆, issue 14 deliverable 4): batch, DA/T 48 package,
DA/T 70 four-property check of the whole package, tombstones; and the same on the command line."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from PIL import Image

from archive import audit
from archive.errors import Conflict, Forbidden, ValidationError
from archive.models import Record, StoredObject
from archive.policy import Action, Viewer, allowed_actions
from ingest import corrections
from retention import secrecy, state_transfer, transfer_check, transfer_package
from storage.local import LocalObjectStore
from tests.cli_auth import env_as
from tests.retention.builders import make_record

ARCHIVE = str(Path(sys.executable).parent / "archive")
STATE_ARCHIVE = "某市综合档案馆"


def _pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    doc = pikepdf.new()
    for _ in range(pages):
        doc.add_blank_page()
    doc.save(out)
    return out.getvalue()


def _png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (20 + seed, 30), 255).save(out, "PNG")
    return out.getvalue()


def add_due_records(catalog, store, fonds_id: int, n: int = 3, **fields) -> list[int]:
    """Permanent records of 1995, filed, each with a PDF and an original scan: due in 2020 (20 years)."""
    ids = []
    with catalog.session() as s:
        for k in range(n):
            values = {"year": 1995, "retention": "Y", "title": f"关于1995年第{k + 1}项工作的通知", "pages": 2,
                      "doc_no": f"人社发〔1995〕{k + 1}号", "issuer": "某市人事局", **fields}
            record = make_record(s, fonds_id, **values)
            for data, media, role in ((_pdf(), "application/pdf", "pdf"), (_png(k), "image/png", "original")):
                key = store.put(data)
                s.add(StoredObject(sha256=key, size=len(data), media_type=media, role=role, record_id=record.id,
                                   filename=f"{record.id}.{'pdf' if role == 'pdf' else 'png'}"))
            audit.record(s, "arch", "record.file", f"record:{record.id}", {"archival_code": record.archival_code})
            ids.append(record.id)
    return ids


def _zip(store, batch: dict) -> bytes:
    with store.get(batch["package_sha256"]) as stream:
        return stream.read()


def _clean(_data: bytes):
    return True, "clean"


@pytest.fixture
def batch3(world, store):
    """Three due records, a batch of them, packaged (files embedded as base64)."""
    world["clock"].to("2020-03-01")
    ids = add_due_records(world["catalog"], store, world["fonds_id"])
    who = world["who"]["arch"]
    with world["catalog"].session(who) as s:
        made = state_transfer.create(s, who, None, title="1995年永久档案进馆", to_archive=STATE_ARCHIVE)
    with world["catalog"].session(who) as s:
        packed = state_transfer.package(s, who, store, batch_id=made["id"])
    return {"ids": ids, "batch": packed, "who": who}


def test_a_package_of_three_records_validates_and_passes_the_four_property_check(world, store, batch3):
    batch = batch3["batch"]
    assert batch["records"] == 3 and batch["status"] == "packaged"
    data = _zip(store, batch)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert {"manifest.xml", "移交清册.pdf", "移交清册.xlsx"} <= names
        eeps = sorted(n for n in names if n.startswith("eep/"))
        assert len(eeps) == 3
        schema = transfer_package.schema()
        manifest = etree.fromstring(zf.read("manifest.xml"))
        assert schema.validate(manifest), schema.error_log
        assert manifest.findtext("件数") == "3"
        for name in eeps:
            root = etree.fromstring(zf.read(name), transfer_package.parser())
            assert schema.validate(root), schema.error_log
            assert root.findtext("版本") == "2009"
            assert root.find("被签名对象/封装内容/文件实体块/文件实体/权限管理/开放审核意见/审核结论") is not None
            assert root.findall(".//业务实体"), "the audit history travels with the record"
            docs = root.findall(".//编码")
            assert len(docs) == 2
            for coded in docs:
                raw = base64.b64decode(coded.findtext("编码数据"))
                assert transfer_package.sha256(raw) == coded.findtext("数字摘要")
        assert zf.read("移交清册.pdf").startswith(b"%PDF-")

    who = batch3["who"]
    with world["catalog"].session(who) as s:
        result = state_transfer.check(s, who, store, batch_id=batch["id"])
    assert result["passed"], json.dumps(result, ensure_ascii=False)
    statuses = {p: v["status"] for p, v in result["properties"].items()}
    assert statuses["authenticity"] == statuses["integrity"] == statuses["usability"] == "passed"
    assert statuses["security"] in ("not_checked", "passed")  # never "passed" without a scanner that ran
    with world["catalog"].session(who) as s:
        scanned = state_transfer.check(s, who, store, batch_id=batch["id"], scanner=_clean)
    assert scanned["properties"]["security"]["status"] == "passed"


def test_security_is_not_checked_without_a_malware_scanner(world, store, batch3):
    result = transfer_check.check(_zip(store, batch3["batch"]),
                                  scanner=lambda d: (None, "not checked: clamscan is not installed"))
    assert result["passed"] and result["properties"]["security"]["status"] == "not_checked"


def _tamper_external_file(zip_bytes: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        zf.extractall(folder)
    victim = sorted((folder / "files").rglob("*.pdf"))[0]
    victim.write_bytes(victim.read_bytes().replace(b"/Count 2", b"/Count 3"))
    return victim


def test_tampering_with_one_file_fails_the_check(world, store, tmp_path):
    world["clock"].to("2020-03-01")
    add_due_records(world["catalog"], store, world["fonds_id"])
    who = world["who"]["arch"]
    with world["catalog"].session(who) as s:
        made = state_transfer.create(s, who, None, title="进馆", to_archive=STATE_ARCHIVE)
        packed = state_transfer.package(s, who, store, batch_id=made["id"], embed=False)
    data = _zip(store, packed)
    good = tmp_path / "good"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(good)
    assert transfer_check.check(good, scanner=_clean)["passed"]  # unpacked as it is: passes

    _tamper_external_file(data, tmp_path / "bad")
    with world["catalog"].session(who) as s:
        result = state_transfer.check(s, who, store, batch_id=made["id"], path=tmp_path / "bad", scanner=_clean)
    failed = {c["check"] for c in result["properties"]["authenticity"]["checks"] if c["ok"] is False}
    assert not result["passed"] and {"file_digests_match", "document_digests_match"} <= failed
    with world["catalog"].session(who) as s, pytest.raises(Conflict):
        state_transfer.complete(s, who, store, batch_id=made["id"], received_by="李四")  # the last check failed


def test_tampering_inside_an_eep_breaks_its_seal_and_digest(world, store, batch3, tmp_path):
    data = _zip(store, batch3["batch"])
    folder = tmp_path / "copy"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(folder)
    eep = sorted((folder / "eep").glob("*.xml"))[0]
    eep.write_bytes(eep.read_bytes().replace("关于1995年".encode(), "关于1996年".encode(), 1))
    result = transfer_check.check(folder, scanner=_clean)
    failed = {c["check"] for c in result["properties"]["authenticity"]["checks"] if c["ok"] is False}
    assert not result["passed"] and {"file_digests_match", "eep_seals_match"} <= failed

    eep.unlink()  # a missing EEP: integrity fails as well
    result = transfer_check.check(folder, scanner=_clean)
    assert {c["check"] for c in result["properties"]["integrity"]["checks"] if c["ok"] is False} >= {"listed_files_present"}


def test_completion_leaves_read_only_tombstones(world, store, batch3):
    who, batch = batch3["who"], batch3["batch"]
    with world["catalog"].session(who) as s, pytest.raises(Conflict):
        state_transfer.complete(s, who, store, batch_id=batch["id"], received_by="李四")  # not checked yet
    with world["catalog"].session(who) as s:
        state_transfer.check(s, who, store, batch_id=batch["id"], scanner=_clean)
    with world["catalog"].session(who) as s:
        done = state_transfer.complete(s, who, store, batch_id=batch["id"], received_by="李四")
    assert done["status"] == "completed"
    with world["catalog"].session(who) as s:
        for rid in batch3["ids"]:
            record = s.get(Record, rid)
            assert record.status == "transferred" and record.transferred_to == STATE_ARCHIVE
            assert Action.EDIT not in allowed_actions(who.viewer, record)
            assert Action.LEND not in allowed_actions(who.viewer, record)
            assert state_transfer.transferred(s, who.viewer, rid)["transfer"] == batch["id"]
    with world["catalog"].session(who) as s, pytest.raises((Forbidden, Conflict)):
        corrections.correct(s, who, batch3["ids"][0], {"title": "改过的题名"})
    with world["catalog"].session(who) as s, pytest.raises(ValidationError):
        state_transfer.create(s, who, None, title="again", to_archive=STATE_ARCHIVE)  # nothing due any more
    officer = world["who"]["sec"]  # a tombstone's level is the state archive's now, not reviewed here
    with world["catalog"].session(officer) as s, pytest.raises(Conflict):
        secrecy.review(s, officer, record_id=batch3["ids"][0], outcome="declassify")


def test_a_transferred_record_refuses_edits_in_the_policy():
    """Regression: before `transferred` existed in the policy, the archivist kept EDIT and LEND."""
    viewer = Viewer.of(type("U", (), {"username": "a", "role": "archivist", "clearance": "top_secret",
                                      "departments": [], "categories": []})())
    record = type("R", (), {"secrecy": "internal", "category_code": "WS", "department": "", "status": "transferred"})()
    actions = allowed_actions(viewer, record)
    assert Action.VIEW_METADATA in actions and not actions & {Action.EDIT, Action.LEND, Action.FILE}


def test_who_may_transfer_and_what_is_left_out(world, store):
    world["clock"].to("2020-03-01")
    due = add_due_records(world["catalog"], store, world["fonds_id"], n=2)
    secret = add_due_records(world["catalog"], store, world["fonds_id"], n=1, secrecy="top_secret")
    not_due = add_due_records(world["catalog"], store, world["fonds_id"], n=1, year=2005)
    with world["catalog"].session(world["who"]["staff1"]) as s, pytest.raises(Forbidden):
        state_transfer.create(s, world["who"]["staff1"], None, title="t", to_archive=STATE_ARCHIVE)
    who = world["who"]["arch"]
    with world["catalog"].session(who) as s, pytest.raises(ValidationError):
        state_transfer.create(s, who, None, title="t", to_archive=STATE_ARCHIVE, record_ids=not_due)
    with world["catalog"].session(who) as s:
        made = state_transfer.create(s, who, None, title="t", to_archive=STATE_ARCHIVE)
    assert sorted(i["record_id"] for i in made["items"]) == sorted(due)
    assert secret[0] not in [i["record_id"] for i in made["items"]]  # top secret never leaves as a copy
    with world["catalog"].session(who) as s, pytest.raises(ValidationError):
        state_transfer.create(s, who, None, title="t2", to_archive=STATE_ARCHIVE)  # on an open batch already
    with world["catalog"].session(world["who"]["aud"]) as s:
        assert state_transfer.show(s, world["who"]["aud"], made["id"])["records"] == 2
        assert state_transfer.register(s, world["who"]["aud"], made["id"], "xlsx")[:2] == b"PK"


def test_transfer_on_the_command_line(world, archive_env, tmp_path):
    """`archive transfer create|package|check|complete` as the logged-in archivist, in a real process;
    a tampered copy of the package fails `archive transfer check --path` with a non-zero exit."""
    world["clock"].to("2020-03-01")
    store = LocalObjectStore(archive_env["home"] / "objects")
    add_due_records(world["catalog"], store, world["fonds_id"])
    world["clock"].now = dt.datetime.now(dt.UTC)  # tokens for the real processes live in real time
    env = {**os.environ, "ARCHIVE_LANG": "en"}

    tokens = {name: env_as(archive_env["database_url"], name, env) for name in ("arch", "staff1")}

    def archive(*args: str, as_: str = "arch") -> subprocess.CompletedProcess:
        return subprocess.run([ARCHIVE, *args], capture_output=True, text=True, env=tokens[as_], timeout=120)

    done = archive("transfer", "create", "--title", "1995年进馆", "--to", STATE_ARCHIVE, "--date", "2020-03-01", "--json")
    assert done.returncode == 0, done.stderr
    batch = json.loads(done.stdout)
    assert batch["records"] == 3
    bid = str(batch["id"])
    refused = archive("transfer", "package", bid, as_="staff1")
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1
    out = tmp_path / "package.zip"
    done = archive("transfer", "package", bid, "--files", "--output", str(out))
    assert done.returncode == 0, done.stderr

    _tamper_external_file(out.read_bytes(), tmp_path / "bad")
    done = archive("transfer", "check", bid, "--path", str(tmp_path / "bad"))
    assert done.returncode != 0 and "file_digests_match" in done.stdout

    done = archive("transfer", "check", bid, "--json")  # the stored package is intact
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["passed"]
    done = archive("transfer", "complete", bid, "--received-by", "李四", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "completed"
    with world["catalog"].session() as s:
        assert {r.status for r in s.query(Record)} == {"transferred"}


def test_transfer_through_the_web_pages(world, archive_env):
    """The pages: the due list and form, create, package, check, the register, complete."""
    import re

    from archive import users
    from archive.config import load_settings
    from web.app import create_app

    store = LocalObjectStore(archive_env["home"] / "objects")
    ids = add_due_records(world["catalog"], store, world["fonds_id"])
    world["clock"].now = dt.datetime.now(dt.UTC)
    with world["catalog"].session() as s:
        users.add_user(s, actor="test", username="webarch", role="archivist", password="correct-horse-battery")
    settings = load_settings({"ARCHIVE_HOME": str(archive_env["home"]), "ARCHIVE_DATABASE_URL": archive_env["database_url"]})
    app = create_app(settings, testing=True)
    try:
        client = app.test_client()

        def token(path: str) -> str:
            return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

        client.post("/login", data={"username": "webarch", "password": "correct-horse-battery",
                                    "csrf_token": token("/login")})
        page = client.get("/state-transfers")
        assert page.status_code == 200 and 'id="transfer-create-form"' in page.get_data(as_text=True)
        made = client.post("/state-transfers", data={"csrf_token": token("/state-transfers"), "title": "网页进馆",
                                                     "to_archive": STATE_ARCHIVE})
        assert made.status_code == 302, made.get_data(as_text=True)[:300]
        path = made.headers["Location"]
        batch_id = int(path.rstrip("/").rsplit("/", 1)[1])
        assert client.post(f"/state-transfers/{batch_id}/package", data={"csrf_token": token(path)}).status_code == 302
        assert client.post(f"/state-transfers/{batch_id}/check", data={"csrf_token": token(path)}).status_code == 302
        shown = client.get(path).get_data(as_text=True)
        assert 'data-property="integrity" data-status="passed"' in shown and 'id="transfer-complete-form"' in shown
        register = client.get(f"/state-transfers/{batch_id}/register.pdf")
        assert register.status_code == 200 and register.data.startswith(b"%PDF-")
        done = client.post(f"/state-transfers/{batch_id}/complete",
                           data={"csrf_token": token(path), "received_by": "李四"})
        assert done.status_code == 302
        assert 'id="transfer-completed"' in client.get(path).get_data(as_text=True)
        with world["catalog"].session() as s:
            assert {s.get(Record, i).status for i in ids} == {"transferred"}
    finally:
        app.extensions["archive"].close()
