"""Issue 13, deliverable 4, in the browser: the physical side end to end from the web, without
touching the database. An archivist lays out a store room, creates a volume, adds items, prints
its 卷内文件目录, shelves it at a position picked from the location tree and prints its QR label;
a staff member requests it as a physical loan, the department head approves, the archivist
issues it and takes it back with the page count checked against the volume's contents, then runs
a stock check that finds the volume on its shelf.

Screenshots are kept in tests/web/artifacts/ (ignored by git: tests/web/artifacts/.gitignore).
"""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import CHROMIUM, browser, log_in, server, shot, user_page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium missing: run scripts/bootstrap.sh")

ROOM = "B9"
TITLE = "2019年文书 综合类 实物流程卷"


def _download(tab, click) -> bytes:
    with tab.expect_download() as info:
        click()
    return open(info.value.path(), "rb").read()


def test_the_physical_side_end_to_end(user_page, server, site):  # noqa: F811
    ids = site["ids"]
    archivist = user_page("archivist")

    # The store's location tree: room B9, 1 row, 2 columns, 1 section, 2 layers.
    archivist.goto(f"{server}/holdings/")
    form = archivist.locator("#lay-out-room")
    form.locator("input[name=room]").fill(ROOM)
    form.locator("input[name=columns]").fill("2")
    form.locator("input[name=layers]").fill("2")
    form.locator("button[type=submit]").click()
    archivist.wait_for_selector(f"#location-tree >> text={ROOM}")
    assert "4" in archivist.locator("#location-tree").inner_text()

    # A volume, from lists only.
    new = archivist.locator("#new-volume")
    new.locator("select[name=fonds]").select_option("J001")
    new.locator("select[name=category]").select_option("WS")
    new.locator("input[name=year]").fill("2019")
    new.locator("select[name=retention]").select_option("D30")
    new.locator("input[name=title]").fill(TITLE)
    shot(archivist, "holdings-new-volume")
    new.locator("button[type=submit]").click()
    archivist.wait_for_url(re.compile(r".*/holdings/volumes/\d+$"))
    volume_id = int(archivist.url.rsplit("/", 1)[1])
    code = re.search(r"J001-WS·2019-D30-\d{4}", archivist.locator("h1").inner_text())[0]

    archivist.locator("#add-items select[name=record_id]").select_option([str(ids["public"]), str(ids["internal"])])
    archivist.locator("#add-items button[type=submit]").click()
    archivist.wait_for_selector(f"#items >> text={code}-002")
    assert archivist.locator("#items tbody tr").count() == 2
    shot(archivist, "holdings-volume-items")
    contents = _download(archivist, lambda: archivist.click("#printouts >> text=卷内文件目录 (PDF)"))
    assert contents.startswith(b"%PDF")

    # Shelve it at a place picked from the tree (no typing), then print its QR label.
    archivist.click("text=库位与标签")
    archivist.wait_for_selector("#location-picker")
    place = f"{ROOM}-01-02-01-02"
    archivist.select_option("#location-picker", label=place)
    archivist.fill("#shelving input[name=reason]", "新卷上架")
    archivist.click("#shelve")
    archivist.wait_for_selector(f"#location-history >> text={place}")
    shot(archivist, "volume-shelved")
    label = _download(archivist, lambda: archivist.click("#labels button[type=submit]"))
    assert label.startswith(b"%PDF")

    # Staff request the volume as a physical loan; the department head approves.
    staff = user_page("staff")
    staff.goto(f"{server}/volumes/{volume_id}")
    staff.click("#request-volume")
    assert staff.input_value("#volume_ids") == str(volume_id)
    assert staff.input_value("#loan-kind") == "loan"
    staff.fill("#purpose", "核对2019年文书原件")
    staff.click("#loan-form button[type=submit]")
    staff.wait_for_selector("#loan-number")
    number = staff.locator("#loan-number").inner_text().split()[-1]
    loan_url = staff.url

    head = user_page("depthead")
    head.goto(f"{server}/loans")
    head.click(f"#approvals-inbox >> text={number}")
    head.fill("#approve-form input[name=note]", "同意")
    head.click("#approve")
    head.wait_for_selector("#loan-status[data-status=approved]")

    # The archivist issues it; the volume leaves the store.
    archivist.goto(f"{server}/loans")
    archivist.click(f"#to-issue >> text={number}")
    archivist.fill("#issue-form input[name=carriers]", "archivist")
    archivist.click("#issue")
    archivist.wait_for_selector("#loan-status[data-status=issued]")
    shot(archivist, "volume-issued")

    # The return: the page count is checked against the contents list (2 items of 2 pages).
    archivist.goto(loan_url)
    back = archivist.locator("#loan-volumes form").first
    back.locator("input[name=pages_returned]").fill("4")
    back.locator("button[type=submit]").click()
    archivist.wait_for_selector(".flash.ok >> text=页数相符")
    assert "已归还" in archivist.locator("#loan-volumes").inner_text()
    shot(archivist, "volume-returned")

    # The stock check of the room finds the volume on its shelf, nothing missing.
    archivist.goto(f"{server}/inventory")
    archivist.fill("#open-check input[name=room]", ROOM)
    archivist.click("#open-check button[type=submit]")
    archivist.wait_for_selector("#scan-form")
    archivist.fill("#scan-form input[name=shelf]", place)
    archivist.fill("#scan-form textarea[name=codes]", code)
    archivist.click("#scan-form button[type=submit]")
    archivist.wait_for_selector(".flash.ok")
    archivist.click("#close-check")
    archivist.wait_for_selector("#check-result")
    result = archivist.locator("#check-result").inner_text()
    assert "缺失 (0)" in result and "错架 (0)" in result, result
    shot(archivist, "stock-check")
