"""Pages: login, CSRF, security headers, escaping, clearance on every path, errors without traces."""

from __future__ import annotations

import re

from tests.web.conftest import csrf_token, login
from tests.web.site import XSS


def test_login_page_is_chinese_first_and_secure(client):
    response = client.get("/login")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "登录" in body and 'lang="zh-CN"' in body
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline script found"


def test_english_through_accept_language(client):
    body = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Log in" in body and 'lang="en"' in body


def test_login_and_logout(client):
    assert client.get("/dashboard").status_code == 302
    response = login(client, "staff")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/dashboard").status_code == 200
    token = csrf_token(client, "/dashboard")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_is_refused(client):
    response = login(client, "staff", "wrong-password-123")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def test_login_is_rate_limited(client):
    codes = [login(client, "nobody", "wrong-password-123").status_code for _ in range(12)]
    assert codes[0] == 401 and codes[-1] == 429


def test_successful_logins_are_not_limited(client):
    # An office behind one address logs in every morning; only failures count.
    assert {login(client, "staff").status_code for _ in range(12)} == {302}


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "staff", "password": "x"})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)


def test_open_redirect_after_login_is_ignored(client):
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/", data={"username": "staff", "password": "correct-horse-battery",
                                                                  "csrf_token": token})
    assert response.headers["Location"].endswith("/dashboard")


def test_ocr_text_is_escaped(as_user, site):
    client = as_user("staff")
    body = client.get(f"/records/{site['ids']['internal']}").get_data(as_text=True)
    assert XSS not in body
    assert "&lt;script&gt;alert(" in body


def test_record_above_clearance_does_not_exist(as_user, site):
    client = as_user("staff")  # internal clearance
    for level in ("secret", "top_secret"):
        rid = site["ids"][level]
        assert client.get(f"/records/{rid}").status_code == 404
        assert client.get(f"/records/{rid}/pages/1/image").status_code == 404
        assert client.get(f"/records/{rid}/download").status_code == 404
    assert client.get(f"/records/{site['ids']['public']}").status_code == 200


def test_page_image_is_served_after_policy_check(as_user, site):
    client = as_user("staff")
    response = client.get(f"/records/{site['ids']['public']}/pages/1/image")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data[:4] == b"\x89PNG"


def test_secret_content_needs_a_grant_even_within_clearance(site, app):
    client = app.test_client()
    assert login(client, "archivist").status_code == 302  # archivist: holds the store, cleared to secret
    assert client.get(f"/records/{site['ids']['secret']}").status_code == 200
    assert client.get(f"/records/{site['ids']['top_secret']}").status_code == 404  # above clearance


def test_search_hides_records_above_clearance(as_user):
    client = as_user("staff")
    body = client.get("/search?q=调整").get_data(as_text=True)
    assert "养老保险待遇调整" in body
    assert "机密人事调整" not in body
    assert re.search(r"共 1 条", body), body[body.find("共"):body.find("共") + 20]


def test_dashboard_counts_only_visible_records(as_user):
    client = as_user("staff")
    body = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'id="total-records">2<', body)
    assert "<svg" in body


def test_search_hit_opens_record_at_matching_page(as_user, site):
    client = as_user("staff")
    body = client.get("/search?q=退休金").get_data(as_text=True)
    assert f"/records/{site['ids']['public']}?page=2" in body  # the match is on the second page
    assert "<em>" in body


def test_audit_is_for_auditors_only(client, as_user):
    assert as_user("staff").get("/audit").status_code == 403
    token = csrf_token(client, "/dashboard")
    client.post("/logout", data={"csrf_token": token})
    auditor = as_user("auditor")
    assert auditor.get("/audit?action=login").status_code == 200
    token = csrf_token(auditor, "/audit")
    body = auditor.post("/audit/verify", data={"csrf_token": token}).get_data(as_text=True)
    assert "审计链完整" in body


def test_views_are_audited(as_user, site, app):
    from archive import audit

    client = as_user("staff")
    client.get(f"/records/{site['ids']['public']}")
    client.get(f"/records/{site['ids']['public']}/pages/2/image")
    client.get("/search?q=仲裁")
    with app.extensions["archive"].catalog.session() as db:
        actions = {e.action for e in audit.events(db, actor="staff", limit=20)}
    assert {"record.view", "page.view", "search", "login"} <= actions


def test_three_role_separation_on_accounts(as_user, client):
    admin = as_user("admin")
    assert admin.get("/admin/users").status_code == 200
    token = csrf_token(admin, "/admin/users")
    response = admin.post("/admin/users/staff/clearance", data={"csrf_token": token, "clearance": "top_secret"})
    assert response.status_code == 403  # the administrator does not set clearances
    response = admin.post("/admin/users", data={"csrf_token": token, "username": "newclerk", "role": "staff"})
    assert response.status_code == 302
    admin.post("/logout", data={"csrf_token": token})
    officer = as_user("secofficer")
    token = csrf_token(officer, "/admin/users")
    assert officer.post("/admin/users", data={"csrf_token": token, "username": "x2", "role": "staff"}).status_code == 403
    response = officer.post("/admin/users/newclerk/clearance", data={"csrf_token": token, "clearance": "secret"})
    assert response.status_code == 302


def test_errors_never_show_a_trace(site):
    from tests.web.conftest import login
    from web.app import create_app

    app = create_app(site["settings"], testing=True)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    login(client, "staff")
    response = client.get("/boom-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Traceback" not in body and "secret internals" not in body
    assert client.get("/no-such-page").status_code == 404


def test_upload_size_is_limited(app, as_user):
    client = as_user("archivist")
    token = csrf_token(client, "/upload")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        import io

        response = client.post("/upload", data={"csrf_token": token, "files": (io.BytesIO(b"x" * 5000), "a.png")},
                               content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413


def test_staff_cannot_upload(as_user):
    assert as_user("staff").get("/upload").status_code == 403


def test_metadata_only_roles_see_no_pages(as_user, site):
    client = as_user("auditor")  # may see catalogue entries, never content
    body = client.get(f"/records/{site['ids']['public']}").get_data(as_text=True)
    assert "page-image" not in body and "ocr-text" not in body
    assert client.get(f"/records/{site['ids']['public']}/pages/1/image").status_code == 403
    assert client.get(f"/records/{site['ids']['public']}/download").status_code == 403


def test_zoom_is_a_css_step(as_user, site):
    body = as_user("staff").get(f"/records/{site['ids']['public']}?page=2&zoom=137").get_data(as_text=True)
    assert 'class="zoom-125"' in body and "style=" not in body


def test_volumes_above_clearance_are_hidden(as_user, site):
    client = as_user("staff")
    body = client.get("/volumes").get_data(as_text=True)
    assert "2019年文书第1卷" in body and "1-01-02-3-4" in body
    assert "2019年文书第2卷" not in body
    assert client.get(f"/volumes/{site['ids']['volume_secret']}").status_code == 404
    assert client.get(f"/volumes/{site['ids']['volume_internal']}").status_code == 200


def test_archivist_corrects_a_record_and_staff_cannot(as_user, site, app):
    from archive import audit

    rid = site["ids"]["internal"]
    staff = as_user("staff")
    token = csrf_token(staff, f"/records/{rid}")
    assert staff.post(f"/records/{rid}/correct", data={"csrf_token": token, "doc_no": "X"}).status_code == 403
    staff.post("/logout", data={"csrf_token": token})
    archivist = as_user("archivist")
    token = csrf_token(archivist, f"/records/{rid}")
    response = archivist.post(f"/records/{rid}/correct", data={"csrf_token": token, "doc_no": "人社发〔2019〕7号"})
    assert response.status_code == 302
    assert "人社发〔2019〕7号" in archivist.get(f"/records/{rid}").get_data(as_text=True)
    with app.extensions["archive"].catalog.session() as db:
        assert audit.events(db, action="record.corrected", actor="archivist", limit=1)


def test_export_is_policy_checked_audited_and_formula_safe(as_user, app):
    from archive import audit
    from archive.tabular import neutralise

    assert as_user("staff").get("/search/export.csv?q=调整").status_code == 403
    client = as_user("archivist")
    response = client.get("/search/export.csv?q=调整")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "养老保险待遇调整" in text and "机密人事调整" in text  # archivist: cleared to secret
    with app.extensions["archive"].catalog.session() as db:
        assert audit.events(db, action="export", actor="archivist", limit=1)[0].details["rows"] == 2
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("通知") == "通知"


def test_static_files_are_cacheable_pages_are_not(client):
    assert client.get("/static/vendor/htmx.min.js").headers["Cache-Control"].startswith("public")
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_facets_and_charts_name_codes_in_words(as_user):
    client = as_user("staff")
    body = client.get("/search?q=退休金").get_data(as_text=True)
    assert "文书档案 (WS)" in body and "30年" in body
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "文书档案 (WS)" in dashboard
