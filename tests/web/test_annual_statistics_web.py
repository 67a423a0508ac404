"""Issue 19 item 18 in the web: the annual statistics page with its charts for the auditor, its
PDF/A and spreadsheet downloads, the API operation (checked against the OpenAPI document)."""

from __future__ import annotations

import datetime as dt

YEAR = dt.datetime.now(dt.UTC).year  # the site's records are filed now


def test_the_auditor_reads_the_annual_report_with_charts_and_downloads(as_user):
    auditor = as_user("auditor")
    page = auditor.get(f"/statistics/annual?year={YEAR}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"{YEAR} 年度档案统计年报" in text and '<svg class="chart"' in text
    assert 'data-total="items">2<' in text  # the public and internal records: the auditor is cleared for internal
    assert "各门类馆藏件数" in text and "一、馆（室）藏档案" in text
    pdf = auditor.get("/statistics/annual?year=2019&format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xlsx = auditor.get("/statistics/annual?year=2019&format=xlsx")
    assert xlsx.data.startswith(b"PK") and "attachment" in xlsx.headers["Content-Disposition"]
    assert auditor.get("/statistics/annual?year=19").status_code == 400


def test_others_may_not_and_the_api_answers(as_user, client, token_of):
    assert as_user("staff").get("/statistics/annual").status_code == 403
    out = client.get("/api/v1/statistics/annual?year=2019", headers=token_of("auditor"))
    assert out.status_code == 200 and out.get_json()["year"] == 2019 and "holdings" in out.get_json()
    assert client.get("/api/v1/statistics/annual?year=2019&format=pdf",
                      headers=token_of("auditor")).mimetype == "application/pdf"
    assert client.get("/api/v1/statistics/annual", headers=token_of("staff")).status_code == 403
