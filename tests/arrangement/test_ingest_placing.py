"""Ingest and manifests place records into the volume or box the manifest's `卷`/`盒` columns name
(by code or by number in the record's series); a record that names none waits for `archive
arrange`; one that names a volume that cannot take it is filed and sent to review, never lost."""

from archive.arrangement import auto_arrange, boxes, volumes
from archive.identity import system
from archive.models import Record, Volume
from ingest.manifest import read_manifest
from tests.pipeline.conftest import small_scan

ME = system("test")


def _manifest(tmp_path, header: str, rows: list[tuple[str, str, str]]) -> list:
    lines = [header]
    for name, title, extra in rows:
        (tmp_path / name).write_bytes(small_scan([title, "2022年3月15日"]))
        lines.append(f"{name},{title},{extra}")
    path = tmp_path / "batch.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_manifest(path)


def test_the_manifest_names_the_volume_and_box_and_the_rest_wait_for_arrange(service, tmp_path):
    with service.catalog.session(ME) as s:
        volume = volumes.create(s, ME, fonds="J001", category="SB", year=2022, retention="D100", title="2022年3月 养老")
        box = boxes.create(s, ME, fonds="J001", category="WS", year=2022, retention="D30")
    code = volume["volume"]["archival_code"]
    groups = _manifest(tmp_path, "文件,题名,门类,年度,保管期限,卷,盒", [
        ("a.png", "关于养老待遇核定的通知", f"SB,2022,D100,{code},"),   # by the volume's code
        ("b.png", "关于养老金发放的通知", "SB,2022,D100,1,"),           # by its number in the series
        ("c.png", "关于印发考勤制度的通知", "WS,2022,D30,,1"),          # a box by its number
        ("d.png", "关于工伤认定的通知", "SB,2022,D100,,"),              # nothing named
    ])
    results = [service.ingest_files(files, meta) for files, meta in groups]
    assert all(r["status"] in ("filed", "needs_review") and r["archival_code"] for r in results), results
    assert not any("not_placed" in " ".join(r["review_reasons"]) for r in results), results
    with service.catalog.session(ME) as s:
        shown = volumes.detail(s, ME, code)
        assert [i["id"] for i in shown["items"]] == [results[0]["id"], results[1]["id"]]
        assert [i["sequence"] for i in shown["items"]] == [1, 2]
        assert shown["volume"]["pages"] == 2
        assert [i["id"] for i in boxes.show(s, ME, box["code"])["items"]] == [results[2]["id"]]
        waiting_record = s.get(Record, results[3]["id"])
        assert waiting_record.volume_id is None and waiting_record.box_id is None
        waiting_record.status = "filed"  # as a reviewer would confirm it
        waiting = auto_arrange.arrange(s, ME, year=2022, category="SB")
        assert waiting["items"] == 1 and waiting["units"][0]["records"] == [results[3]["id"]]


def test_a_volume_that_cannot_take_the_record_sends_it_to_review(service, tmp_path):
    with service.catalog.session(ME) as s:
        other_year = volumes.create(s, ME, fonds="J001", category="SB", year=2021, retention="D100", title="2021年")
    groups = _manifest(tmp_path, "文件,题名,门类,年度,保管期限,卷", [
        ("a.png", "关于养老待遇核定的通知", f"SB,2022,D100,{other_year['volume']['archival_code']}"),
        ("b.png", "关于养老金发放的通知", "SB,2022,D100,7"),  # no volume 7 in the series
    ])
    results = [service.ingest_files(files, meta) for files, meta in groups]
    assert [r["status"] for r in results] == ["needs_review", "needs_review"], results
    assert f"volume_not_placed:{other_year['volume']['archival_code']}" in results[0]["review_reasons"]
    assert "volume_not_placed:J001-SB·2022-D100-0007" in results[1]["review_reasons"]
    with service.catalog.session(ME) as s:
        assert s.get(Record, results[0]["id"]).volume_id is None
        assert s.get(Volume, other_year["volume"]["id"]).pages == 0


def test_the_manifest_reads_box_and_volume_columns_in_either_language(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    path = tmp_path / "m.csv"
    path.write_text("file,volume,box\na.png,0003,2\n", encoding="utf-8")
    ((_, meta),) = read_manifest(path)
    assert meta["volume"] == "0003" and meta["box"] == "2"
    path.write_text("文件,卷号,盒号\na.png,3,H002\n", encoding="utf-8")
    ((_, meta),) = read_manifest(path)
    assert meta["volume"] == "3" and meta["box"] == "H002"
