"""Issue 6's invariants attempted through the JSON API with tokens: no destruction without
appraisal, approval and two witnesses; none under a hold; none before the due date; the
requester never approves; no approver witnesses. Then a complete, reported destruction."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.models import Fonds, Page, Record, StoredObject
from tests.web.site import text_png

DUE = dt.date(2020, 1, 1)
APPRAISERS = ["appraiser1", "appraiser2", "appraiser3"]


@pytest.fixture(scope="module")
def due(app):
    """Three records past their retention date and one not yet due, each with its own page image."""
    services = app.extensions["archive"]
    ids = {}
    with services.catalog.session() as db:
        fonds = db.query(Fonds).filter_by(code="J001").one()
        # Due dates follow from year and retention (archive.unit_of_work): 2009 + D10 -> 2020-01-01.
        for name, year in (("a", 2009), ("b", 2009), ("c", 2009), ("late", 2039)):
            record = Record(fonds_id=fonds.id, category_code="WS", year=year, retention="D10", status="filed",
                            secrecy="internal", title=f"到期文书{name}", doc_date=dt.date(year, 3, 1), pages=1,
                            filed_at=dt.datetime.now(dt.UTC))
            db.add(record)
            db.flush()
            record.archival_code = f"J001-WS·{year}-D10-{record.id:04d}"
            assert record.retention_due == (DUE if year == 2009 else dt.date(2050, 1, 1))
            key = services.store.put(text_png(f"到期文书 {name}"), media_type="image/png")
            db.add(Page(record_id=record.id, page_no=1, ocr_text=f"到期文书 {name}"))
            db.add(StoredObject(sha256=key, size=1, media_type="image/png", role="page_image", record_id=record.id,
                                page_no=1))
            ids[name] = record.id
    return ids


def post(client, path, headers, body=None):
    return client.post(path, json=body or {}, headers=headers)


def status_of(app, record_id: int) -> str:
    with app.extensions["archive"].catalog.session() as db:
        return db.get(Record, record_id).status


def set_due(app, record_id: int, when: dt.date) -> None:
    with app.extensions["archive"].catalog.session() as db:
        db.get(Record, record_id).retention_due = when


def test_destruction_invariants_through_the_api(app, client, token_of, due):
    archivist, director = token_of("archivist"), token_of("director")
    a, b, c = due["a"], due["b"], due["c"]

    listed = client.get("/api/v1/retention/due", headers=archivist).get_json()
    assert {a, b, c} <= {r["id"] for r in listed["lists"]["due_for_appraisal"]["items"]}
    assert client.get("/api/v1/retention/due", headers=token_of("staff")).status_code == 403

    # Not before the due date: a record not yet due cannot even be appraised.
    body = {"title": "2009年到期文书鉴定", "members": APPRAISERS, "record_ids": [a, b, c, due["late"]]}
    assert post(client, "/api/v1/retention/appraisals", archivist, body).status_code == 409
    # An appraisal group has at least three members.
    short = {**body, "members": APPRAISERS[:2], "record_ids": [a, b, c]}
    assert post(client, "/api/v1/retention/appraisals", archivist, short).status_code == 400
    created = post(client, "/api/v1/retention/appraisals", archivist, {**body, "record_ids": [a, b, c]})
    assert created.status_code == 201, created.get_json()
    batch = created.get_json()["id"]

    # No destruction without a concluded appraisal.
    assert post(client, "/api/v1/retention/registers", archivist, {"batch_id": batch}).status_code == 409
    for rid, decision in ((a, "destroy"), (b, "destroy"), (c, "keep_permanent")):
        decided = post(client, f"/api/v1/retention/appraisals/{batch}/decisions", token_of("appraiser1"),
                       {"record_id": rid, "decision": decision, "reason": "已无查考利用价值"})
        assert decided.status_code == 200, decided.get_json()
    assert post(client, f"/api/v1/retention/appraisals/{batch}/conclude", archivist,
                {"opinion": "同意"}).status_code == 409  # members have not signed
    for member in APPRAISERS:
        assert post(client, f"/api/v1/retention/appraisals/{batch}/sign", token_of(member)).status_code == 200
    concluded = post(client, f"/api/v1/retention/appraisals/{batch}/conclude", archivist, {"opinion": "同意销毁两件"})
    assert concluded.status_code == 200 and concluded.get_json()["status"] == "concluded"

    drafted = post(client, "/api/v1/retention/registers", archivist, {"batch_id": batch})
    assert drafted.status_code == 201, drafted.get_json()
    register = drafted.get_json()
    assert [e["id"] for e in register["entries"]] == [a, b] and register["required_roles"] == ["director"]
    rid = register["id"]
    execute = f"/api/v1/retention/registers/{rid}/execute"
    how = {"method": "粉碎", "place": "档案室"}

    # No destruction without approval.
    assert post(client, execute, archivist, how).status_code == 409
    # The requester never approves; the approver never witnesses.
    assert post(client, f"/api/v1/retention/registers/{rid}/approve", archivist).status_code == 403
    assert post(client, f"/api/v1/retention/registers/{rid}/approve", director, {"opinion": "同意"}).status_code == 200
    assert post(client, f"/api/v1/retention/registers/{rid}/witness", director).status_code == 403
    assert post(client, f"/api/v1/retention/registers/{rid}/witness", archivist).status_code == 403

    # No destruction with one witness.
    assert post(client, f"/api/v1/retention/registers/{rid}/witness", token_of("witness1")).status_code == 200
    assert post(client, execute, archivist, how).status_code == 403
    assert post(client, f"/api/v1/retention/registers/{rid}/witness", token_of("witness1")).status_code == 409
    assert post(client, f"/api/v1/retention/registers/{rid}/witness", token_of("witness2")).status_code == 200

    # No destruction under a hold.
    held = post(client, "/api/v1/retention/holds", archivist, {"reason": "诉讼", "scope": "record", "target": str(a)})
    assert held.status_code == 201, held.get_json()
    assert post(client, execute, archivist, how).status_code == 409
    assert post(client, f"/api/v1/retention/holds/{held.get_json()['id']}/release", archivist,
                {"reason": "诉讼结束"}).status_code == 200
    # No destruction before the due date, re-checked at execution.
    set_due(app, b, dt.date(2099, 1, 1))
    assert post(client, execute, archivist, how).status_code == 409
    set_due(app, b, DUE)
    assert {status_of(app, x) for x in (a, b, c)} == {"filed"}
    # Only the archivist executes, with method and place.
    assert post(client, execute, director, how).status_code == 403
    assert post(client, execute, archivist, {"method": "", "place": ""}).status_code == 400

    done = post(client, execute, archivist, how)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "executed"
    assert [status_of(app, x) for x in (a, b, c)] == ["destroyed", "destroyed", "filed"]
    pdf = client.get(f"/api/v1/retention/registers/{rid}/pdf", query_string={"certificate": "1"}, headers=archivist)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    report = client.get("/api/v1/retention/report", headers=token_of("auditor"))
    assert report.status_code == 200, report.get_json()
    assert report.get_json()["destroyed_chain_complete"] is True
    destroyed = {r.get("record_id") or r.get("id") for r in report.get_json()["sections"]["destroyed"]}
    assert {a, b} <= destroyed
    assert client.get("/api/v1/retention/report", headers=archivist).status_code == 403
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        got = client.get("/api/v1/retention/report", query_string={"format": fmt}, headers=token_of("auditor"))
        assert got.status_code == 200 and got.data.startswith(magic)


def test_retention_pages_render(client, as_user, token_of):
    batch = client.get("/api/v1/retention/appraisals", headers=token_of("archivist")).get_json()["appraisals"][0]
    register = client.get("/api/v1/retention/registers", headers=token_of("archivist")).get_json()["registers"][0]
    for user in ("archivist", "auditor", "director", "witness1", "appraiser1"):
        browser = as_user(user)
        for path in ("/retention", f"/retention/appraisals/{batch['id']}", f"/retention/registers/{register['id']}"):
            assert browser.get(path).status_code == 200, (user, path)
    page = as_user("archivist").get(f"/retention/registers/{register['id']}").get_data(as_text=True)
    assert 'data-status="executed"' in page and "witness2" in page
    english = as_user("auditor").get("/retention", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Compliance report" in english and "Destruction registers" in english
    report = as_user("auditor").get("/retention/report", query_string={"format": "csv"})
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert as_user("staff").get("/retention").status_code == 403


def test_settings_extension_and_secrecy_review_through_the_api(app, client, token_of, due):
    path = "/api/v1/retention/settings"
    assert client.get(path, headers=token_of("archivist")).get_json()["settings"]["witness_min"] == 2
    assert client.get(path, headers=token_of("staff")).status_code == 403
    assert client.post(f"{path}/witness_min", json={"value": 3}, headers=token_of("archivist")).status_code == 403
    assert client.post(f"{path}/witness_min", json={"value": 1}, headers=token_of("admin")).status_code == 400
    stricter = client.post(f"{path}/witness_min", json={"value": 3}, headers=token_of("admin"))
    assert stricter.status_code == 200 and stricter.get_json() == {"key": "witness_min", "value": 3}
    assert client.post(f"{path}/witness_min", json={"value": 2}, headers=token_of("admin")).status_code == 200

    late = due["late"]  # due 2050-01-01
    extend = f"/api/v1/retention/records/{late}/extend"
    assert client.post(extend, json={"years": 5, "reason": "仍需参考"}, headers=token_of("archivist")).status_code == 403
    assert client.post(extend, json={"years": 0, "reason": "r"}, headers=token_of("appraiser1")).status_code == 400
    done = client.post(extend, json={"years": 5, "reason": "仍需参考"}, headers=token_of("appraiser1"))
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["old_due"], done.get_json()["new_due"]) == ("2050-01-01", "2055-01-01")

    review = f"/api/v1/retention/records/{late}/secrecy-review"
    assert client.post(review, json={"outcome": "keep"}, headers=token_of("archivist")).status_code == 403
    assert client.post(review, json={"outcome": "keep"}, headers=token_of("secofficer")).status_code == 400  # not secret
