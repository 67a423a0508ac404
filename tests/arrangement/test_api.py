"""The arrangement API (/api/v1/volumes, /boxes, /dossiers, /arrange, /print): the same services
as the CLI and the pages, as the token's person, checked against the OpenAPI document on the way
in. A person's identity number is sent in a POST body, never in a URL, on the API and the pages."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from archive.models import Fonds, Record
from tests.web.conftest import CSRF

ID_NUMBER = "22010219800101001X"


def _volume(client, headers, **fields) -> dict:
    body = {"fonds": "J001", "category": "WS", "year": 2019, "retention": "D30", "title": "2019年文书 接口卷"} | fields
    made = client.post("/api/v1/volumes", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_an_archivist_arranges_a_volume_through_the_api(client, site, token_of):
    me, ids = token_of("archivist"), site["ids"]
    made = _volume(client, me)
    vid, code = made["volume"]["id"], made["volume"]["archival_code"]
    assert code.startswith("J001-WS·2019-D30-") and made["items"] == []
    added = client.post(f"/api/v1/volumes/{vid}/items", json={"record_ids": [ids["public"], ids["secret"]]},
                        headers=me).get_json()
    assert [i["id"] for i in added["items"]] == [ids["public"], ids["secret"]]
    assert added["volume"]["secrecy"] == "secret" and added["volume"]["pages"] == 4
    reordered = client.put(f"/api/v1/volumes/{vid}/items", json={"record_ids": [ids["secret"], ids["public"]]},
                           headers=me).get_json()
    assert [(i["id"], i["item_code"]) for i in reordered["items"]] == [(ids["secret"], f"{code}-001"),
                                                                       (ids["public"], f"{code}-002")]
    shown = client.get(f"/api/v1/volumes/{vid}/items", headers=me).get_json()
    assert [i["sequence"] for i in shown["items"]] == [1, 2]
    # Taking an item out needs a reason; the document says so before the service does.
    assert client.post(f"/api/v1/volumes/{vid}/items/remove", json={"record_ids": [ids["public"]]},
                       headers=me).status_code == 400
    assert client.post(f"/api/v1/volumes/{vid}/check", json={"note": "已检查"}, headers=me).status_code == 200
    split = client.post(f"/api/v1/volumes/{vid}/split", json={"at": 2, "title": "接口卷（二）", "reason": "分卷"},
                        headers=me)
    assert split.status_code == 201 and [i["id"] for i in split.get_json()["items"]] == [ids["public"]]
    new_id = split.get_json()["volume"]["id"]
    assert split.get_json()["volume"]["secrecy"] == "secret"  # never below the volume it came from
    merged = client.post(f"/api/v1/volumes/{vid}/merge", json={"source_id": new_id, "reason": "并回"}, headers=me)
    assert [i["id"] for i in merged.get_json()["items"]] == [ids["secret"], ids["public"]]
    moved_to = _volume(client, me, title="接口卷（三）")["volume"]["id"]
    moved = client.post(f"/api/v1/volumes/{vid}/items/move",
                        json={"record_id": ids["public"], "to_volume_id": moved_to, "reason": "归入他卷"}, headers=me)
    assert moved.status_code == 200 and [i["id"] for i in moved.get_json()["items"]] == [ids["public"]]

    pdf = client.post("/api/v1/print", json={"kind": "contents", "target": code}, headers=me)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xlsx = client.post("/api/v1/print", json={"kind": "backsheet", "target": code, "format": "xlsx"}, headers=me)
    rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert any(r[1] and r[1].startswith("分卷") for r in rows[1:])


def test_refusals_are_the_services_and_the_documents(client, site, token_of):
    me, ids = token_of("archivist"), site["ids"]
    body = {"fonds": "J001", "category": "WS", "year": 2019, "retention": "D30", "title": "x"}
    assert client.post("/api/v1/volumes", json=body, headers=token_of("staff")).status_code == 403
    assert client.post("/api/v1/volumes", json={**body, "approved_by": "director"}, headers=me).status_code == 400
    assert client.post("/api/v1/volumes", json={**body, "year": 99999}, headers=me).status_code == 400
    vid = _volume(client, me)["volume"]["id"]
    # Above the archivist's clearance a record does not exist, not even to be arranged.
    hidden = client.post(f"/api/v1/volumes/{vid}/items", json={"record_ids": [ids["top_secret"]]}, headers=me)
    assert hidden.status_code == 404
    assert client.get(f"/api/v1/volumes/{site['ids']['volume_secret']}/items",
                      headers=token_of("staff")).status_code == 404
    assert client.post("/api/v1/print", json={"kind": "stamp", "target": "²"}, headers=me).status_code == 404
    assert client.post("/api/v1/print", json={"kind": "stamp", "target": "x", "format": "xlsx"},
                       headers=me).status_code == 400
    assert client.post("/api/v1/print", json={"kind": "catalogue", "target": "2019/WS"},
                       headers=token_of("staff")).status_code == 403


def test_boxes_and_arranging_a_year(client, site, token_of):
    me, ids = token_of("archivist"), site["ids"]
    made = client.post("/api/v1/boxes", json={"fonds": "J001", "category": "WS", "year": 2019, "retention": "D30"},
                       headers=me)
    assert made.status_code == 201
    box = made.get_json()
    filled = client.post(f"/api/v1/boxes/{box['id']}/items", json={"record_ids": [ids["internal"]]}, headers=me)
    assert [i["id"] for i in filled.get_json()["items"]] == [ids["internal"]]
    assert client.get(f"/api/v1/boxes/{box['id']}", headers=me).get_json()["code"] == box["code"]
    label = client.post("/api/v1/print", json={"kind": "box-label", "target": box["code"]}, headers=me)
    assert label.status_code == 200 and label.data.startswith(b"%PDF")
    proposal = client.post("/api/v1/arrange", json={"year": 2019, "category": "WS"}, headers=me).get_json()
    assert proposal["applied"] is False and ids["internal"] not in {r for u in proposal["units"] for r in u["records"]}


@pytest.fixture
def dossier(app):
    with app.extensions["archive"].catalog.session() as s:
        fonds = s.query(Fonds).filter_by(code="J001").one()
        made = []
        for klass, title in (("9-2", "任免审批表"), ("1", "干部履历表")):
            record = Record(fonds_id=fonds.id, category_code="RS", year=2015, retention="Y", status="filed",
                            secrecy="internal", title=title, personnel_class=klass, person_id_number=ID_NUMBER,
                            person_name="张三", doc_date=dt.date(2015, 1, 1), pages=1)
            s.add(record)
            s.flush()
            made.append(record.id)
    return made


def test_a_dossier_is_looked_up_by_post_on_the_api_and_the_pages(client, token_of, as_user, dossier):
    me = token_of("archivist")
    slotted = client.post("/api/v1/dossiers/slot", json={"record_ids": dossier}, headers=me).get_json()
    assert [i["title"] for i in slotted["dossiers"][0]["catalogue"]] == ["干部履历表", "任免审批表"]
    found = client.post("/api/v1/dossiers/lookup", json={"id_number": ID_NUMBER.lower()}, headers=me)
    assert found.status_code == 200 and found.get_json()["volume"]["person_name"] == "张三"
    assert client.get(f"/api/v1/dossiers/lookup?id_number={ID_NUMBER}", headers=me).status_code == 405
    assert client.post("/api/v1/dossiers/lookup", json={"id_number": "110101199001011234"},
                       headers=me).status_code == 404

    web = as_user("archivist")
    assert "干部履历表" not in web.get(f"/holdings/dossiers?id_number={ID_NUMBER}").get_data(as_text=True)
    page = web.get("/holdings/dossiers").get_data(as_text=True)
    assert 'method="post"' in page
    token = CSRF.search(page)[1]
    shown = web.post("/holdings/dossiers", data={"csrf_token": token, "id_number": ID_NUMBER}).get_data(as_text=True)
    assert "干部履历表" in shown and "任免审批表" in shown
    assert web.get(f"/holdings/print/dossier?target={ID_NUMBER}").status_code == 400  # never by a URL
    pdf = web.post("/holdings/print/dossier", data={"csrf_token": token, "target": ID_NUMBER, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
