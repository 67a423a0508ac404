"""Issue 12's findings at the web and API faces: another person's loan request does not exist for
a staff member (#15), a backend failure tells the user nothing of hosts, ports or engine internals
(#19), and a 405 says which methods a path offers."""

from __future__ import annotations

import logging

from archive import users
from archive.config import load_settings
from tests.web.site import PASSWORD
from web.app import create_app


def _add_staff(app, name: str) -> None:
    with app.extensions["archive"].catalog.session() as db:
        if users.list_users(db) and name not in {u.username for u in users.list_users(db)}:
            users.add_user(db, actor="test", username=name, role="staff", clearance="internal", password=PASSWORD)


def test_a_loan_request_is_not_shown_to_another_staff_member(app, client, token_of, site):
    _add_staff(app, "staff_other")
    made = client.post("/api/v1/loans", headers=token_of("staff"), json={
        "purpose": "核对工龄（私人事项）", "form": "electronic", "days": 5, "record_ids": [site["ids"]["internal"]]})
    assert made.status_code == 201, made.get_json()
    request_id = made.get_json()["id"]
    assert client.get(f"/api/v1/loans/{request_id}", headers=token_of("staff")).status_code == 200
    other = client.get(f"/api/v1/loans/{request_id}", headers=token_of("staff_other"))
    assert other.status_code == 404
    assert "核对工龄" not in other.get_data(as_text=True)
    listed = client.get("/api/v1/loans", headers=token_of("staff_other")).get_json()["requests"]
    assert request_id not in {r["id"] for r in listed}


def test_a_backend_failure_names_no_host_and_gives_a_request_id(site, token_of, caplog):
    settings = load_settings({"ARCHIVE_HOME": str(site["settings"].home),
                              "ARCHIVE_SEARCH_URL": "http://127.0.0.1:9"})  # nothing listens there
    broken = create_app(settings, testing=True)
    try:
        client = broken.test_client()
        with caplog.at_level(logging.ERROR):
            response = client.get("/api/v1/search", query_string={"q": "养老"}, headers=token_of("staff"))
        body = response.get_data(as_text=True)
        assert response.status_code == 503, body
        assert "127.0.0.1" not in body and ":9" not in body and "Traceback" not in body
        message = response.get_json()["error"]["message"]
        request_id = message.rsplit(" ", 1)[-1].strip("（）() ")
        assert request_id and request_id in caplog.text  # the operator finds the details by the id
    finally:
        broken.extensions["archive"].close()


def test_405_names_the_methods_a_path_offers(client, token_of):
    response = client.delete("/api/v1/search", headers=token_of("staff"))
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    page = client.put("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
