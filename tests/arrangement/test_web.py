"""The holdings pages: an archivist makes a volume by picking from lists, adds items, prints the
卷内文件目录 and 备考表; staff cannot arrange; a printout lists only what its viewer may see."""

import re

from tests.web.conftest import CSRF


def _token(page: str) -> str:
    return CSRF.search(page)[1]


def test_an_archivist_arranges_a_volume_on_the_web_and_prints_it(site, as_user):
    web = as_user("archivist")
    page = web.get("/holdings/").get_data(as_text=True)
    assert '<select name="fonds"' in page and 'value="J001"' in page
    made = web.post("/holdings/volumes", data={"csrf_token": _token(page), "fonds": "J001", "category": "WS",
                                               "year": "2019", "retention": "D30", "title": "2019年综合类第一卷"})
    assert made.status_code == 302, made.get_data(as_text=True)[:300]
    volume_url = made.headers["Location"]
    page = web.get(volume_url).get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)">', page)
    ids = site["ids"]
    assert str(ids["public"]) in options and str(ids["secret"]) in options  # picked from a list
    added = web.post(volume_url + "/add", data={"csrf_token": _token(page),
                                                "record_id": [str(ids["public"]), str(ids["secret"])]})
    assert added.status_code == 302
    page = web.get(volume_url).get_data(as_text=True)
    assert "关于养老保险待遇调整的通知" in page and "秘密" in page
    code = re.search(r"J001-WS·2019-D30-\d{4}", page)[0]
    pdf = web.get(f"/holdings/print/contents?target={code}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    back = web.get(f"/holdings/print/backsheet?target={code}&format=xlsx")
    assert back.status_code == 200 and back.data[:2] == b"PK"


def test_staff_cannot_arrange_and_a_volume_above_clearance_does_not_exist(site, as_user):
    web = as_user("staff")
    assert web.get("/holdings/").status_code == 403
    page = web.get("/volumes").get_data(as_text=True)
    token = _token(page) if CSRF.search(page) else ""
    refused = web.post("/holdings/volumes", data={"csrf_token": token, "fonds": "J001", "category": "WS",
                                                  "year": "2019", "retention": "D30", "title": "x"})
    assert refused.status_code in (400, 403)
    hidden = web.get(f"/holdings/volumes/{site['ids']['volume_secret']}")
    assert hidden.status_code == 404
