"""Attaching scans (挂接): which file is which record's, and filing the pages without touching
the imported catalogue (the OCR run itself is shown end to end in test_cli.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from archive.catalogue.service import import_catalogue
from archive.models import Record
from ingest.attach import code_key, collect, file_scans
from ingest.filing import PageResult


def test_file_names_and_folders_name_records_and_pages(tmp_path):
    (tmp_path / "J001-SB·2001-D100-001").mkdir()
    (tmp_path / "J001-WS·1991-C-0001").mkdir()
    for name in ("J001-WS·1998-Y-0012.pdf", "J001-WS-1998-Y-0012-001.jpg", "J001-SB·2001-D100-001/0003.pdf",
                 "J001-SB·2001-D100-001/0003-002.png", "J001-WS·1991-C-0001/001.png", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "mapping.csv").write_text("档号,文件,页号\nJ001-WS·2005-Y-0001,J001-WS·1998-Y-0012.pdf,1\n",
                                          encoding="gbk")
    scans = {s.shown: s.candidates for s in collect([tmp_path])}
    root = tmp_path.name
    assert scans[f"{root}/J001-WS·1998-Y-0012.pdf"][0] == ("J001-WS-1998-Y-0012", None)
    assert ("J001-WS-1998-Y-0012", 1) in scans[f"{root}/J001-WS-1998-Y-0012-001.jpg"]
    assert ("J001-SB-2001-D100-001-0003", None) in scans[f"{root}/J001-SB·2001-D100-001/0003.pdf"]
    assert ("J001-SB-2001-D100-001-0003", 2) in scans[f"{root}/J001-SB·2001-D100-001/0003-002.png"]
    assert ("J001-WS-1991-C-0001", 1) in scans[f"{root}/J001-WS·1991-C-0001/001.png"]
    assert scans["J001-WS·1998-Y-0012.pdf"] == [("J001-WS-2005-Y-0001", 1)]  # the mapping's row
    assert not any(name.endswith("notes.txt") for name in scans)
    assert code_key("j001-ws・1998-y-0012") == "J001-WS-1998-Y-0012"


def test_mapping_cannot_reach_outside_its_folder(tmp_path):
    inner = tmp_path / "batch"
    inner.mkdir()
    (tmp_path / "secret.pdf").write_bytes(b"x")
    (inner / "map.csv").write_text("档号,文件\nJ001-WS·2005-Y-0001,../secret.pdf\n", encoding="utf-8")
    [scan] = collect([inner / "map.csv"])
    assert scan.candidates == []  # listed as unmatched, never read


def _page(n: int, text: str) -> PageResult:
    return PageResult(page_no=n, width=100, height=100, dpi=300, color_mode="gray", sha256="0" * 64,
                      ocr_engine="test", ocr_confidence=0.9, text=text, blank=False, rotation=0, skew_angle=0.0,
                      flags=[])


def test_pages_go_in_and_the_catalogue_stays(seeded, operator, tmp_path):
    sheet = tmp_path / "items.csv"
    sheet.write_text("档号,文号,题名,日期,保管期限,密级\n"
                     "J001-WS·1991-C-0001,人社发〔1991〕1号,关于社保经办的通知,19910301,长期,内部\n", encoding="utf-8")
    import_catalogue(seeded, operator, [sheet])
    read = {"doc_no": "人社发[1991]7号", "title": "关于社保经办的通知", "issuer": "", "doc_date": dt.date(1991, 3, 1),
            "secrecy": "secret", "secrecy_marking": "秘密★5年"}
    with seeded.session(operator) as s:
        record = s.execute(select(Record)).scalar_one()
        result = file_scans(s, record, [_page(1, "一"), _page(2, "二")], [], read, "test")
    assert set(result["differences"]) == {"doc_no", "secrecy"}  # same title and date: no difference
    with seeded.session() as s:
        record = s.execute(select(Record)).scalar_one()
        assert (record.doc_no, record.title, record.legacy_retention) == ("人社发〔1991〕1号", "关于社保经办的通知", "长期")
        assert record.extra["ocr_differences"]["doc_no"] == {"catalogue": "人社发〔1991〕1号", "read": "人社发[1991]7号"}
        assert record.status == "needs_review"
        assert record.review_reasons == ["ocr_differs:doc_no", "secrecy_marking_above_catalogue"]
        # Never under-classify: the printed marking raises the level even so.
        assert record.secrecy == "secret" and len(record.page_list) == 2
