"""The issue's reproduction through the search page (issue 12, finding 7): `q=<ID number>&id=<record>`
answered 1 for the right identity number and 0 for a wrong one, for a personnel file whose pages
return 403 to the person asking."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from archive import tokens
from archive.models import Fonds, Page, Record
from archive.runtime import Runtime
from tests.web.conftest import login
from tests.web.site import build_site
from web.app import create_app

ID_NUMBER = "532621198703150028"
WRONG = "532621198703150010"


@pytest.fixture(scope="module")
def api(sqlite_template, tmp_path_factory):
    site = build_site(tmp_path_factory.mktemp("oracle-home"), sqlite_template)
    runtime = Runtime(site["settings"], nudge="inline")  # indexed after commit, as in production
    with runtime.unit_of_work() as s:
        fonds = s.query(Fonds).filter_by(code="J001").one()
        record = Record(fonds_id=fonds.id, category_code="RS", year=2019, retention="Y", status="filed",
                        secrecy="internal", title="张建华干部人事档案", person_name="张建华",
                        person_id_number=ID_NUMBER, doc_date=dt.date(2019, 6, 1), pages=1,
                        filed_at=dt.datetime.now(dt.UTC))
        s.add(record)
        s.flush()
        record.archival_code = f"J001-RS·2019-Y-{record.id:04d}"
        s.add(Page(record_id=record.id, page_no=1,
                   ocr_text=f"公民身份号码：{ID_NUMBER} 出生年月：1987年3月 政治面貌：中共党员"))
        rid = record.id
    runtime.close()
    app = create_app(site["settings"], testing=True)
    with app.extensions["archive"].catalog.session() as db:
        _row, plain = tokens.create(db, actor="test", username="staff", name="tests")
    yield app, {"Authorization": f"Bearer {plain}"}, rid
    app.extensions["archive"].close()


TOTAL = re.compile(r'<p class="total">\D*(\d+)')


def total(client, **args) -> int:
    response = client.get("/search", query_string=args, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    match = TOTAL.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:300]
    return int(match.group(1))


def signed_in(app, username: str):
    app.extensions["login_limiter"].reset()
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_the_id_number_of_a_personnel_file_is_not_confirmed(api):
    app, staff_token, rid = api
    # The person asking may not read the file's pages.
    assert app.test_client().get(f"/api/v1/records/{rid}/pages/1/image", headers=staff_token).status_code == 403
    staff = signed_in(app, "staff")
    for text in (ID_NUMBER, WRONG, "中共党员", "1987年3月"):
        assert total(staff, q=text, id=rid) == 0, text
    assert total(staff, person_id=ID_NUMBER) == 0
    assert total(staff, q="张建华", id=rid) == 1  # the catalogue card still finds it
    keeper = signed_in(app, "archivist")  # keeps personnel files: reads them, finds them by their content
    assert (total(keeper, q=ID_NUMBER, id=rid), total(keeper, q=WRONG, id=rid)) == (1, 0)
