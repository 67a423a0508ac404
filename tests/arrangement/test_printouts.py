"""The archive room's printouts (DOMAIN.md §14), on SQLite and PostgreSQL: 归档章, 归档文件目录,
案卷目录, 卷内文件目录, 备考表, box cover and spine, the personnel dossier's 目录; each a PDF/A-2b with
every font embedded, the tables also as XLSX with the same rows.

Clearance applies (§4): a printout lists only what its viewer may see, so an archivist cleared to
`internal` finds no trace (not even the code) of a secret item; and a top-secret title is printed
for nobody, not even a reader cleared to see it: paper leaves the system and may be read by anyone
who handles it, so its code stands alone with 〔绝密件，题名不登记〕 (§4, §15: 绝密 items are logged
without their title).
"""

import datetime as dt
import io
import re
import subprocess

import pikepdf
import pytest
from openpyxl import load_workbook

from archive import archival_code
from archive.arrangement import boxes, dossiers, printouts, volumes
from archive.errors import NotFound, ValidationError
from archive.models import Fonds
from tests.arrangement.conftest import as_person
from tests.catalog.helpers import make_record

MASK = printouts.TOP_SECRET_TITLE
TITLES = {"internal": "关于印发考勤管理制度的通知", "secret": "关于人事档案保密检查的报告",
          "top_secret": "关于重要事项的绝密请示"}


def pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "p.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def assert_filed_pdf(body: bytes, tmp_path) -> None:
    """PDF/A-2b, every font embedded (pdffonts: the `emb` column says yes)."""
    path = tmp_path / "f.pdf"
    path.write_bytes(body)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", f) for f in fonts), fonts
    with pikepdf.open(path) as doc:
        assert doc.open_metadata().pdfa_status == "2B"


def xlsx_rows(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _filed(s, fonds, secrecy: str, **fields):
    values = {"category_code": "WS", "year": 2022, "retention": "D30", "title": TITLES.get(secrecy, "x"),
              "secrecy": secrecy, "pages": 2, "doc_date": dt.date(2022, 4, 1), "issuer": "市人社局"} | fields
    record = make_record(s, fonds, **values)
    parts = archival_code.CodeParts(fonds.code, record.category_code, record.year, record.retention)
    record.archival_code, record.item_no = archival_code.issue(s, parts)
    return record


@pytest.fixture
def holdings(room):
    """Three WS items of 2022 (internal, secret, top secret) and an SB volume with one of each."""
    with room["catalog"].session() as s:
        fonds = s.query(Fonds).filter_by(code="J001").one()
        ws = [_filed(s, fonds, level) for level in ("internal", "secret", "top_secret")]
        sb = [_filed(s, fonds, level, category_code="SB", retention="D100") for level in ("internal", "top_secret")]
        me = as_person(s, "arch")
        volume = volumes.create(s, me, fonds="J001", category="SB", year=2022, retention="D100", title="绝密卷的题名")
        volumes.add(s, me, volume["volume"]["id"], [r.id for r in sb])
        plain = volumes.create(s, me, fonds="J001", category="SB", year=2022, retention="D100", title="普通卷的题名")
        return {"ws": [(r.archival_code, r.item_no) for r in ws], "sb": [r.archival_code for r in sb],
                "volume": volume["volume"]["archival_code"], "plain": plain["volume"]["archival_code"]}


def _render(room, who: str, kind: str, target: str, fmt: str = "pdf") -> bytes:
    with room["catalog"].session() as s:
        return printouts.render(s, as_person(s, who), kind, target, fmt)


def test_the_catalogue_lists_the_year_in_item_order_as_its_reader_may_see_it(room, holdings, tmp_path):
    (internal, n1), (secret, n2), (top, n3) = holdings["ws"]
    body = _render(room, "arch", "catalogue", "2022/WS/D30")
    assert_filed_pdf(body, tmp_path)
    text = pdf_text(body, tmp_path)
    assert "归档文件目录" in text and "年度：2022" in text and "30年" in text and "共3件" in text
    assert text.index(internal) < text.index(secret) < text.index(top)
    assert TITLES["internal"] in text and TITLES["secret"] in text
    assert TITLES["top_secret"] not in text and re.sub(r"\s", "", MASK) in text
    rows = xlsx_rows(_render(room, "arch", "catalogue", "2022/WS/D30", "xlsx"))
    assert rows[0] == printouts.CATALOGUE_HEADERS
    assert [r[1] for r in rows[1:4]] == [internal, secret, top] and [r[0] for r in rows[1:4]] == [n1, n2, n3]
    assert rows[3][4] == MASK and TITLES["top_secret"] not in str(rows)
    # Cleared to `internal`: the secret and top-secret items do not exist on the page.
    low = pdf_text(_render(room, "low", "catalogue", "2022/WS"), tmp_path)
    assert internal in low and "共1件" in low
    assert secret not in low and top not in low and TITLES["secret"] not in low
    assert [r[1] for r in xlsx_rows(_render(room, "low", "catalogue", "2022/WS", "xlsx"))[1:2]] == [internal]
    with pytest.raises(ValidationError):
        _render(room, "arch", "catalogue", "WS 2022")


def test_the_volume_list_and_contents_mask_a_top_secret_volume_and_hide_it_below_clearance(room, holdings, tmp_path):
    code, plain = holdings["volume"], holdings["plain"]
    body = _render(room, "arch", "volume-list", "2022/SB")
    assert_filed_pdf(body, tmp_path)
    text = pdf_text(body, tmp_path)
    assert "案卷目录" in text and code in text and plain in text and "普通卷的题名" in text
    assert "绝密卷的题名" not in text  # the volume rose to top secret with its item
    rows = xlsx_rows(_render(room, "arch", "volume-list", "2022/SB/D100", "xlsx"))
    assert rows[0] == printouts.VOLUME_LIST_HEADERS
    listed = {r[1]: r for r in rows[1:3]}
    assert listed[code][2] == MASK and listed[code][4] == 2 and listed[code][7] == "绝密"
    low = pdf_text(_render(room, "low", "volume-list", "2022/SB"), tmp_path)
    assert plain in low and code not in low and "共1卷" in low

    contents = _render(room, "arch", "contents", code)
    assert_filed_pdf(contents, tmp_path)
    text = pdf_text(contents, tmp_path)
    assert text.count(f"{code}-001") == 2 and text.count(f"{code}-002") == 2  # two copies
    assert "第一份" in text and "第二份" in text
    assert TITLES["internal"] in text and TITLES["top_secret"] not in text
    sheets = load_workbook(io.BytesIO(_render(room, "arch", "contents", code, "xlsx")), read_only=True).worksheets
    assert len(sheets) == 2
    rows = [list(r) for r in sheets[0].iter_rows(values_only=True)]
    assert rows[0] == printouts.CONTENTS_HEADERS and [r[1] for r in rows[1:3]] == [f"{code}-001", f"{code}-002"]
    assert rows[2][4] == MASK
    with pytest.raises(NotFound):
        _render(room, "low", "contents", code)


def test_the_stamp_names_fonds_year_item_number_and_period(room, holdings, tmp_path):
    (internal, number), _, _ = holdings["ws"]
    body = _render(room, "arch", "stamp", internal)
    assert_filed_pdf(body, tmp_path)
    text = pdf_text(body, tmp_path)
    assert "归档章" in text and f"档号：{internal}" in text
    assert "全宗号年度件号J0012022" + str(number) in text and "30年" in text
    in_volume = pdf_text(_render(room, "arch", "stamp", holdings["sb"][0]), tmp_path)
    vol_no = holdings["volume"].rsplit("-", 1)[1]
    assert f"{vol_no}-001" in in_volume and "100年" in in_volume  # 卷号-卷内序号
    with pytest.raises(ValidationError):
        _render(room, "arch", "stamp", internal, "xlsx")
    _, (secret, _n), _ = holdings["ws"]
    with pytest.raises(NotFound):
        _render(room, "low", "stamp", secret)


def test_the_box_label_has_a_cover_and_a_spine_with_the_item_range(room, holdings, tmp_path):
    with room["catalog"].session() as s:
        me = as_person(s, "arch")
        box = boxes.create(s, me, fonds="J001", category="WS", year=2022, retention="D30")
        boxes.add(s, me, box["code"], [code for code, _ in holdings["ws"][:2]])
    body = _render(room, "arch", "box-label", box["code"])
    assert_filed_pdf(body, tmp_path)
    with pikepdf.open(io.BytesIO(body)) as doc:
        assert len(doc.pages) == 2  # cover, spine
    first, last = holdings["ws"][0][1], holdings["ws"][1][1]
    text = pdf_text(body, tmp_path)
    assert text.count(box["code"]) == 2 and text.count("盒号") == 2 and "001" in text
    assert f"起止件号{first}—{last}" in text and "30年" in text and "J001" in text
    with pytest.raises(ValidationError):
        _render(room, "arch", "box-label", box["code"], "xlsx")
    with pytest.raises(NotFound):  # the box holds a secret item: above `low`'s clearance
        _render(room, "low", "box-label", box["code"])


def test_the_dossier_catalogue_follows_the_classes_and_masks_top_secret(room, tmp_path):
    person = {"category_code": "RS", "person_id_number": "22010219800101001X", "person_name": "张三", "retention": "Y"}
    with room["catalog"].session() as s:
        fonds = s.query(Fonds).filter_by(code="J001").one()
        given = [("9-2", dt.date(2012, 1, 1), "任免审批表", "internal"), ("1", dt.date(1999, 3, 1), "干部履历表", "internal"),
                 ("4-1", dt.date(2005, 7, 1), "学位证明", "internal"), ("8", dt.date(2010, 1, 1), "处分决定", "top_secret")]
        records = [make_record(s, fonds, personnel_class=k, doc_date=d, title=t, secrecy=lvl, pages=1, **person)
                   for k, d, t, lvl in given]
        dossiers.slot(s, as_person(s, "arch"), [r.id for r in records])
    body = _render(room, "arch", "dossier", "22010219800101001x")
    assert_filed_pdf(body, tmp_path)
    text = pdf_text(body, tmp_path)
    assert "人事档案目录" in text and "张三" in text
    assert text.index("干部履历表") < text.index("学位证明") < text.index("任免审批表")
    assert "处分决定" not in text
    rows = xlsx_rows(_render(room, "arch", "dossier", "22010219800101001X", "xlsx"))
    assert rows[0] == printouts.DOSSIER_HEADERS
    assert [(r[0], r[3]) for r in rows[1:5]] == [("1", "干部履历表"), ("4-1", "学位证明"), ("8", MASK), ("9-2", "任免审批表")]
    with pytest.raises(NotFound):  # the dossier rose to top secret: `low` finds no dossier at all
        _render(room, "low", "dossier", "22010219800101001X")


def test_the_backsheet_names_people_and_every_later_change(room, holdings, tmp_path):
    code = holdings["volume"]
    with room["catalog"].session() as s:
        me = as_person(s, "arch")
        volumes.check(s, me, code, note="页数无误")
        first = volumes.detail(s, me, code)["items"][0]["archival_code"]
        volumes.remove(s, me, code, [first], reason="误归入本卷")
    body = _render(room, "arch", "backsheet", code)
    assert_filed_pdf(body, tmp_path)
    text = pdf_text(body, tmp_path)
    assert "备考表" in text and "立卷人：档案员甲" in text and "检查人：档案员甲" in text
    assert "arch" not in text.replace("archival", "")  # a name, not the user name
    assert "移出文件" in text and first in text and "误归入本卷" in text
    rows = xlsx_rows(_render(room, "arch", "backsheet", code, "xlsx"))
    assert rows[0] == ["时间（北京时间）", "事项", "经办人", "事由"]
    assert any(r[1].startswith("移出文件") and r[2] == "档案员甲" and r[3] == "误归入本卷" for r in rows[1:] if r[1])


def test_printing_is_for_those_who_may_export_and_is_audited(room, holdings):
    from sqlalchemy import select

    from archive.errors import Forbidden
    from archive.models import AuditEvent

    with pytest.raises(Forbidden):
        _render(room, "clerk", "catalogue", "2022/WS")
    with pytest.raises(ValidationError):
        _render(room, "arch", "poster", "2022/WS")
    _render(room, "arch", "catalogue", "2022/WS", "xlsx")
    with room["catalog"].session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "print.catalogue")).scalar_one()
        assert event.actor == "arch" and event.details == {"target": "2022/WS", "format": "xlsx"}
