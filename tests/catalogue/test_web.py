"""The import page: upload, preview table of the dry run (nothing written), confirm; the export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from archive.models import Record
from tests.web.conftest import csrf_token

CATALOGUE = ("档号,题名,保管期限,日期,密级\n"
             "J001-WS·1997-C-0001,关于社保经办规程修订的通知,长期,一九九七年五月,\n"
             "J001-WS·1997-C-0002,,长期,19970501,\n"
             "J001-WS·1997-C-0003,关于机密事项的函,长期,19970501,机密★10年\n").encode("gbk")


def test_preview_then_confirm(as_user, app):
    client = as_user("archivist")
    token = csrf_token(client, "/catalogue/import")
    page = client.post("/catalogue/import", data={"csrf_token": token,
                                                   "files": [(io.BytesIO(CATALOGUE), "归档文件目录.csv")]})
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body[:500]
    assert "关于社保经办规程修订的通知" in body and "（原长期）" in body  # the preview row, old term beside
    assert "缺少题名" in body  # the bad row, with its reason and row number
    with app.extensions["archive"].catalog.session() as db:
        assert db.query(Record).filter(Record.archival_code.like("J001-WS·1997-C-%")).count() == 0  # dry run

    token = csrf_token(client, "/catalogue/import")
    done = client.post("/catalogue/import/confirm", data={"csrf_token": token})
    assert done.status_code == 200
    with app.extensions["archive"].catalog.session() as db:
        codes = {r.archival_code for r in db.query(Record).filter(Record.archival_code.like("J001-WS·1997-C-%"))}
    # The archivist's clearance is below 机密: that row is refused, not filed out of their sight.
    assert codes == {"J001-WS·1997-C-0001"}
    # A second confirmation without a new preview imports nothing again.
    again = client.post("/catalogue/import/confirm", data={"csrf_token": token})
    assert again.status_code == 302


def test_export_download(as_user):
    client = as_user("archivist")
    response = client.get("/catalogue/export/download?layout=items&year=1997")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("件号", "序号", "档号")


def test_staff_cannot_import(as_user):
    client = as_user("staff")
    assert client.get("/catalogue/import").status_code == 403
