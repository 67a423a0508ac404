"""Filing rules: manifests group pages, markings are never under-filed, a crashed run resumes
into exactly one record with no orphan objects, and the watch folder takes what a scanner drops."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from archive import audit
from archive.models import AuditEvent, IndexOutbox, Record, StoredObject
from ingest import stages
from tests.pipeline.conftest import archivist_env, small_scan


def test_manifest_groups_files_into_one_record_in_page_order(service, tmp_path):
    from ingest.manifest import read_manifest

    (tmp_path / "p1.png").write_bytes(small_scan(["第一页 社会保险待遇核定表"]))
    (tmp_path / "p2.png").write_bytes(small_scan(["第二页 申请材料"]))
    manifest = tmp_path / "batch.csv"
    manifest.write_text("文件,件,门类,年度,保管期限,密级,题名\np1.png,A,SB,2020,D100,internal,[养老待遇核定]\n"
                        "p2.png,A,,,,,\n", encoding="utf-8")
    (files, meta), = read_manifest(manifest)
    assert [f.name for f in files] == ["p1.png", "p2.png"]
    result = service.ingest_files(files, meta)
    assert result["pages"] == 2 and result["category"] == "SB" and result["retention"] == "D100"
    assert result["title"] == "[养老待遇核定]" and result["archival_code"].startswith("J001-SB·2020-D100-")
    with service.catalog.session() as s:
        pages = s.get(Record, result["id"]).page_list
        assert "第一页" in pages[0].ocr_text and "第二页" in pages[1].ocr_text


def test_a_marking_on_the_page_beats_a_lower_manifest_level(service, tmp_path):
    scan = tmp_path / "s.png"
    scan.write_bytes(small_scan(["秘密★5年", "关于人事档案保密管理的意见", "2019年3月1日"]))
    result = service.ingest_files([scan], {"secrecy": "public"})
    assert result["secrecy"] == "secret", result
    assert result["secrecy_term_months"] == 60
    assert result["status"] == "needs_review"  # a state-secret marking is always reviewed


def test_a_crash_mid_record_resumes_into_one_record_without_orphans(service, tmp_path, monkeypatch):
    scan = tmp_path / "c.png"
    scan.write_bytes(small_scan(["关于印发档案管理办法的通知", "2018年8月15日"]))
    real = stages.searchable_pdf

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")  # not an ordinary error: the process dies here

    monkeypatch.setattr(stages, "searchable_pdf", crash)
    try:
        service.ingest_files([scan])
    except KeyboardInterrupt:
        pass
    with service.catalog.session() as s:
        record = s.execute(select(Record)).scalar_one()
        assert record.status == "processing" and not record.page_list
    monkeypatch.setattr(stages, "searchable_pdf", real)
    result = service.ingest_files([scan])  # the same bytes again: the interrupted record is finished
    assert result["status"] in ("filed", "needs_review") and result["id"] == record.id
    with service.catalog.session() as s:
        assert s.scalar(select(func.count(Record.id))) == 1
        referenced = set(s.execute(select(StoredObject.sha256)).scalars())
        # Every transaction that changed the record queued it for the index (the unit of work).
        assert set(s.execute(select(IndexOutbox.record_id)).scalars()) == {record.id}
        actions = [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()]
        assert actions.count("record.received") == 1 and actions[-1] in ("record.filed", "record.needs_review")
        assert audit.verify(s).ok
    stored = set(service.store.iter_keys())
    assert stored == referenced, f"orphans: {stored - referenced}"


def test_watch_folder_takes_finished_files(tmp_path):
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    (inbox / "page.png").write_bytes(small_scan(["劳动保障监察 行政处罚决定书"]))
    (inbox / "readme.txt").write_text("not a scan", encoding="utf-8")
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path / "home"))
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL"):
        env.pop(var, None)
    archive = str(Path(sys.executable).parent / "archive")
    subprocess.run([archive, "init"], env=env, check=True, capture_output=True)
    clerk = archivist_env(env, role="staff")
    refused = subprocess.run([archive, "watch", str(inbox), "--once"], env=clerk, capture_output=True, text=True)
    assert refused.returncode != 0 and "file" in refused.stderr  # only an archivist files records
    assert (inbox / "page.png").exists()
    out = subprocess.run([archive, "watch", str(inbox), "--once", "--json"], env=archivist_env(env),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (inbox / "done" / "page.png").exists() and (inbox / "failed" / "readme.txt").exists()
    assert not (inbox / "page.png").exists()


def test_pages_lying_sideways_or_upside_down_are_turned_and_read(service, tmp_path):
    import io

    from PIL import Image

    text = ["关于做好失业保险金申领工作的通知", "各县区人力资源和社会保障局：", "现将有关事项通知如下。"]
    upright = Image.open(io.BytesIO(small_scan(text)))
    for angle in (90, 180):
        path = tmp_path / f"turned{angle}.png"
        upright.rotate(angle, expand=True).save(path, dpi=(300, 300))
        result = service.ingest_files([path])
        with service.catalog.session() as s:
            page = s.get(Record, result["id"]).page_list[0]
            assert page.rotation in (angle, 360 - angle), (angle, page.rotation)
            assert "失业保险金" in page.ocr_text, page.ocr_text


def test_ingest_proposes_retention_from_the_catalogs_schedule(service, tmp_path):
    """The schedule administrators edit (the catalog's retention_rules) is the one ingest uses:
    考勤 is D10 there, and an edited rule reaches the next record filed."""
    from archive.models import RetentionRule
    from archive.retention_rules import active_rules, governing_rule

    first = tmp_path / "first.png"
    first.write_bytes(small_scan(["关于加强机关考勤管理的通知", "2020年3月2日"]))
    result = service.ingest_files([first])
    assert result["category"] == "WS" and result["retention"] == "D10", result
    with service.catalog.session() as s:
        record = s.get(Record, result["id"])
        assert record.retention_due is not None and 10 <= record.retention_due.year - record.year <= 11
        governing = governing_rule(active_rules(s), "WS", record.title, record.doc_type)
        assert governing is not None and "考勤" in governing.rule.keywords
        rule = governing.rule
        s.get(RetentionRule, rule.id).retention = "D50"  # the administrator's edit
    second = tmp_path / "second.png"
    second.write_bytes(small_scan(["关于加强机关考勤管理的通知", "2021年4月6日"]))
    assert service.ingest_files([second])["retention"] == "D50"
