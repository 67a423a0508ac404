"""Upload → filed: a real pipeline run (OCR takes a few seconds), the only one in the web suite."""

from __future__ import annotations

import io
import time

from tests.web.conftest import csrf_token
from tests.web.site import text_png

FINISHED = {"filed", "needs_review", "failed"}


def wait_for(client, record_id: int, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(f"/upload/status/rows?ids={record_id}").get_data(as_text=True)
        for status in FINISHED:
            if f"status-{status}" in body:
                return {"status": status, "body": body}
        time.sleep(0.5)
    raise AssertionError(f"record {record_id} not finished after {seconds}s")


def test_upload_is_filed(as_user):
    client = as_user("archivist")
    token = csrf_token(client, "/upload")
    png = text_png("人力资源和社会保障局\n关于印发工伤保险经办规程的通知\n2021年3月5日")
    response = client.post(
        "/upload", data={"csrf_token": token, "category": "WS", "files": [(io.BytesIO(png), "工伤保险通知.png")]},
        content_type="multipart/form-data", headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    rows = response.get_json()["files"]
    assert rows[0]["status"] == "received"
    done = wait_for(client, rows[0]["record_id"])
    assert done["status"] in ("filed", "needs_review"), done["body"]
    page = client.get(f"/records/{rows[0]['record_id']}").get_data(as_text=True)
    assert "工伤保险" in page  # the OCR text beside the image
