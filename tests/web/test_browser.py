"""Browser tests: Playwright driving Debian's Chromium against the app served from a thread.

Screenshots go to tests/web/artifacts/. Loans and destruction flows come with issues 5 and 6.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.web.site import PASSWORD, text_png

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
