"""Browser tests: Playwright driving Debian's Chromium against the app served from a thread.

Screenshots go to tests/web/artifacts/.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.web.site import PASSWORD, text_png

DUE = "2020-01-01"

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium missing: run scripts/bootstrap.sh")


@pytest.fixture(scope="module")
def server(app):
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def log_in(page, server: str, username: str) -> None:
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{server}/dashboard")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_log_in_and_see_dashboard(page, server):
    log_in(page, server, "staff")
    assert page.locator("#total-records").inner_text() == "2"
    assert page.locator("svg.chart").count() >= 3
    shot(page, "dashboard")


def test_upload_a_scan_and_see_it_filed(page, server, tmp_path):
    scan = tmp_path / "scan.png"
    scan.write_bytes(text_png("人力资源和社会保障局\n关于开展失业保险稽核工作的通知\n2022年6月1日"))
    log_in(page, server, "archivist")
    page.goto(f"{server}/upload")
    page.set_input_files("#files", str(scan))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/upload/status?ids=*")
    page.wait_for_selector("tr.status-filed, tr.status-needs_review", timeout=120_000)
    shot(page, "upload-filed")
    page.click("#upload-rows a")
    page.wait_for_selector("#ocr-text")
    assert "失业保险" in page.locator("#ocr-text").inner_text()


def test_search_and_open_the_hit_at_its_page(page, server, site):
    log_in(page, server, "staff")
    page.goto(f"{server}/search")
    page.fill("#q", "退休金")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#hits .hit")
    shot(page, "search")
    page.click("#hits .hit-title >> nth=0")
    page.wait_for_selector("#page-image")
    assert page.locator("#page-image").get_attribute("data-page") == "2"
    assert "退休金" in page.locator("#ocr-text").inner_text()
    assert page.evaluate("document.querySelector('#page-image').naturalWidth") > 0  # the policy-checked image loaded
    shot(page, "record-page")


def test_auditor_verifies_the_chain(page, server):
    log_in(page, server, "auditor")
    page.goto(f"{server}/audit")
    page.click("#verify-chain")
    page.wait_for_selector("#verification")
    assert "审计链完整" in page.locator("#verification").inner_text()
    shot(page, "audit-verified")


def test_switch_to_english(page, server):
    log_in(page, server, "staff")
    page.click("text=English")
    page.wait_for_selector("#logout")
    assert page.locator("#logout").inner_text() == "Log out"
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "dashboard-en")


@pytest.fixture
def user_page(browser, server):
    """A fresh browser context per user, for flows that pass between people."""
    contexts = []
    errors: list[str] = []

    def open_as(username: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        tab = context.new_page()
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(tab, server, username)
        return tab

    yield open_as
    for context in contexts:
        context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_request_a_loan_approve_it_and_view_the_watermarked_page(user_page, server, site):
    record = site["ids"]["internal"]
    staff = user_page("staff")
    staff.goto(f"{server}/loans?record={record}")
    staff.select_option("#loan-kind", "electronic")
    staff.fill("#purpose", "核对劳动仲裁材料")
    staff.click("#loan-form button[type=submit]")
    staff.wait_for_selector("#loan-number")
    number = staff.locator("#loan-number").inner_text().split()[-1]
    assert staff.locator("#loan-status").get_attribute("data-status") == "pending"

    head = user_page("depthead")
    head.goto(f"{server}/loans")
    head.click(f"#approvals-inbox >> text={number}")
    head.fill("#approve-form input[name=note]", "同意")
    head.click("#approve")
    head.wait_for_selector("#loan-status[data-status=approved]")

    archivist = user_page("archivist")
    archivist.goto(f"{server}/loans")
    archivist.click(f"#to-issue >> text={number}")
    archivist.click("#issue")
    archivist.wait_for_selector("#loan-status[data-status=issued]")

    staff.goto(f"{server}/loans")
    staff.click(f"#my-requests >> text={number}")
    staff.click("#loan-items a.view-record")
    staff.wait_for_selector("#grant-notice")
    staff.wait_for_load_state("load")  # the page image (watermarked by the server) has loaded
    assert staff.evaluate("document.querySelector('#page-image').naturalWidth") > 0
    shot(staff, "loan-watermarked-page")


@pytest.fixture
def due_records(app):
    import datetime as dt

    from archive.models import Fonds, Page, Record, StoredObject

    services = app.extensions["archive"]
    ids = []
    with services.catalog.session() as db:
        fonds = db.query(Fonds).filter_by(code="J001").one()
        for n in (1, 2):
            record = Record(fonds_id=fonds.id, category_code="WS", year=2009, retention="D10", status="filed",
                            secrecy="internal", title=f"2009年到期文书{n}", doc_date=dt.date(2009, 3, 1), pages=1,
                            filed_at=dt.datetime.now(dt.UTC), retention_due=dt.date.fromisoformat(DUE))
            db.add(record)
            db.flush()
            record.archival_code = f"J001-WS·2009-D10-{record.id:04d}"
            key = services.store.put(text_png(f"到期文书 {n}"), media_type="image/png")
            db.add(Page(record_id=record.id, page_no=1, ocr_text=f"到期文书 {n}"))
            db.add(StoredObject(sha256=key, size=1, media_type="image/png", role="page_image", record_id=record.id,
                                page_no=1))
            ids.append(record.id)
    return ids


def test_appraise_and_destroy_with_two_witnesses(user_page, server, due_records):
    archivist = user_page("archivist")
    archivist.goto(f"{server}/retention")
    archivist.fill("#appraisal-title", "2009年到期文书鉴定")
    archivist.fill("#appraisal-members", "appraiser1, appraiser2, appraiser3")
    archivist.fill("#appraisal-records", ",".join(str(i) for i in due_records))
    archivist.click("#appraisal-form button[type=submit]")
    archivist.wait_for_selector("#batch-status[data-status=open]")
    batch_url = archivist.url

    for n, member in enumerate(("appraiser1", "appraiser2", "appraiser3")):
        tab = user_page(member)
        tab.goto(batch_url)
        if n == 0:
            for i in range(len(due_records)):
                form = tab.locator(".decide-form").nth(i)
                form.locator("select[name=decision]").select_option("destroy")
                form.locator("input[name=reason]").fill("已无查考利用价值")
                form.locator("button[type=submit]").click()
                tab.wait_for_load_state()
            assert tab.locator(".decide-form").count() == 2  # a decision can be revised until concluded
        tab.click("#sign-appraisal")
        tab.wait_for_selector(".flash")

    archivist.goto(batch_url)
    archivist.fill("#conclude-form input[name=opinion]", "同意销毁")
    archivist.click("#conclude-form button[type=submit]")
    archivist.wait_for_selector("#batch-status[data-status=concluded]")
    archivist.click("#register-form button[type=submit]")
    archivist.wait_for_selector("#register-status[data-status=draft]")
    register_url = archivist.url

    director = user_page("director")
    director.goto(register_url)
    director.click("#register-approve")
    director.wait_for_selector("#register-status[data-status=approved]")
    for witness in ("witness1", "witness2"):
        tab = user_page(witness)
        tab.goto(register_url)
        tab.click("#register-witness")
        tab.wait_for_selector(f"#register-witnesses >> text={witness}")

    archivist.goto(register_url)
    archivist.fill("#destroy-method", "粉碎")
    archivist.fill("#destroy-place", "档案室")
    archivist.click("#register-execute")
    archivist.wait_for_selector("#register-status[data-status=executed]")
    assert archivist.locator("#register-entries tr.entry-destroyed").count() == 2
    assert "witness1" in archivist.locator("#register-witnesses").inner_text()
    shot(archivist, "destruction-executed")
