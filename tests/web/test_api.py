"""The JSON API: token authentication, clearance, the OpenAPI document, and a schemathesis run."""

from __future__ import annotations

import json
import os

from openapi_spec_validator import validate

from archive import tokens


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


def test_api_needs_a_token(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer arc_forged"}).status_code == 401


def test_token_acts_as_its_user(client, token_of):
    me = client.get("/api/v1/me", headers=token_of("staff")).get_json()
    assert me == {"username": "staff", "role": "staff", "clearance": "internal", "departments": [], "categories": []}


def test_revoked_token_is_refused(app, client):
    with app.extensions["archive"].catalog.session() as db:
        row, plain = tokens.create(db, actor="test", username="staff")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.extensions["archive"].catalog.session() as db:
        tokens.revoke(db, actor="test", token_id=row.id)
        assert tokens.ApiToken.__tablename__ == "api_tokens"
        assert plain not in {t.digest for t in tokens.list_tokens(db, "staff")}  # stored hashed
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_api_respects_clearance(client, token_of, site):
    headers = token_of("staff")
    assert client.get(f"/api/v1/records/{site['ids']['secret']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/records/{site['ids']['top_secret']}/pages/1/image", headers=headers).status_code == 404
    record = client.get(f"/api/v1/records/{site['ids']['internal']}", headers=headers).get_json()
    assert record["record"]["secrecy"] == "internal" and "view_content" in record["actions"]
    result = client.get("/api/v1/search", query_string={"q": "调整"}, headers=headers).get_json()
    assert [h["id"] for h in result["hits"]] == [site["ids"]["public"]]
    assert result["total"] == 1
    assert all(v in ("public", "internal") for v, _n in result["facets"]["secrecy"])
    assert client.get("/api/v1/dashboard", headers=headers).get_json()["total"] == 2


def test_api_role_checks(client, token_of):
    assert client.get("/api/v1/audit/events", headers=token_of("staff")).status_code == 403
    events = client.get("/api/v1/audit/events", query_string={"limit": 5}, headers=token_of("auditor")).get_json()
    assert len(events["events"]) == 5
    verified = client.post("/api/v1/audit/verify", headers=token_of("auditor")).get_json()
    assert verified["ok"] is True
    assert client.get("/api/v1/users", headers=token_of("admin")).status_code == 200
    assert client.get("/api/v1/users", headers=token_of("staff")).status_code == 403


def test_api_is_csrf_exempt_but_cookie_session_is_not_accepted(client, as_user):
    logged_in = as_user("auditor")
    assert logged_in.post("/api/v1/audit/verify").status_code == 401  # cookies are not API credentials


def test_schemathesis_finds_no_server_error(app, token_of):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import checks as st_checks

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    def token_for(path: str) -> dict:
        # The role that may use the operation, so the run reaches past the permission check.
        for part, user in (("/audit", "auditor"), ("/clearance", "secofficer"), ("/users", "admin"), ("/corrections", "archivist"),
                           ("/review", "archivist"), ("/uploads/status", "archivist"), ("/export", "archivist"),
                           ("/retention/report", "auditor"), ("/retention", "archivist"), ("/admin/categories", "admin"),
                           ("/admin/schedule", "admin"), ("/shelve", "archivist"), ("/locations", "archivist"), ("/volumes/labels", "archivist"),
                           ("/loans/registers", "archivist"), ("/loans/items", "archivist"),
                           ("/inventory", "archivist")):
            if part in path:
                return token_of(user)
        return token_of("staff")

    wanted = [st_checks.not_a_server_error, st_checks.status_code_conformance,
              st_checks.content_type_conformance, st_checks.response_schema_conformance]
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/uploads":
            continue  # uploads run OCR: covered by test_upload; random bytes only test the refusal path

        def make_run(hdrs):
            @settings(max_examples=int(os.environ.get("WEB_SCHEMATHESIS_EXAMPLES", "8")), deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy())
            def run(case):
                case.call_and_validate(headers=hdrs, checks=wanted)

            return run

        try:
            make_run(token_for(operation.path))()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_a_record_reads_the_same_on_every_face(client, as_user, token_of, site, app, monkeypatch):
    """One records service (archive.records) behind the page, the API and `archive show`: the
    same answer above clearance, the same content rule, one `record.view` event per reading,
    each naming its channel."""
    from click.testing import CliRunner

    from archive import audit
    from archive.cli import _load_plugins, cli
    from archive.errors import NotFound
    from tests.cli_auth import token_for

    settings = site["settings"]
    monkeypatch.setenv("ARCHIVE_HOME", str(settings.home))
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL",
                "ARCHIVE_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ARCHIVE_TOKEN", token_for(settings.database_url, "staff"))
    _load_plugins()
    runner = CliRunner()
    secret, rid = site["ids"]["secret"], site["ids"]["internal"]

    web = as_user("staff")
    assert web.get(f"/records/{secret}").status_code == 404
    assert client.get(f"/api/v1/records/{secret}", headers=token_of("staff")).status_code == 404
    assert isinstance(runner.invoke(cli, ["show", str(secret), "--json"]).exception, NotFound)

    page = web.get(f"/records/{rid}").get_data(as_text=True)
    api = client.get(f"/api/v1/records/{rid}", headers=token_of("staff")).get_json()
    shown = runner.invoke(cli, ["show", str(rid), "--json"])
    assert shown.exit_code == 0, shown.output
    cli_json = json.loads(shown.output)
    assert api["record"]["title"] == cli_json["title"] and api["record"]["title"] in page
    assert "劳动仲裁" in cli_json["text"] and any("劳动仲裁" in (p["text"] or "") for p in api["pages"])
    with app.extensions["archive"].catalog.session() as db:
        views = audit.events(db, action="record.view", actor="staff", target=f"record:{rid}", limit=3)
    assert sorted(e.details["channel"] for e in views) == ["api", "cli", "web"]
    assert all(e.details["secrecy"] == "internal" and e.details["content"] is True for e in views)


def test_filing_routes_refuse_who_may_not_file(client, token_of):
    """Uploads, their status and the review queue are the archivist's (the services check it)."""
    import io

    staff = token_of("staff")
    sent = client.post("/api/v1/uploads", headers=staff, content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(b"\x89PNG"), "a.png")]})
    assert sent.status_code == 403
    assert client.get("/api/v1/uploads/status?ids=1", headers=staff).status_code == 403
    assert client.get("/api/v1/review", headers=staff).status_code == 403
    assert client.get("/api/v1/review", headers=token_of("archivist")).status_code == 200
    assert client.get("/api/v1/search?q=x", headers=token_of("auditor")).status_code == 403
