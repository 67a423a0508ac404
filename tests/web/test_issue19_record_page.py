"""Issue 19 on the record page: the schedule rule that decided its retention, and who set a
state secret's level (原定密 / 派生定密)."""

from __future__ import annotations


def test_the_record_page_shows_the_deciding_rule_and_the_classifier(site, as_user):
    client = as_user("archivist")
    body = client.get(f"/records/{site['ids']['secret']}").get_data(as_text=True)
    # 关于机密人事调整的请示: a request to a superior, permanent by the schedule; the record says D30
    assert 'id="retention-rule"' in body and "请示" in body
    assert 'id="secrecy-origin"' in body and "原定密" in body  # the bureau's own 秘密
    public = client.get(f"/records/{site['ids']['public']}").get_data(as_text=True)
    assert 'id="retention-rule"' in public and 'id="secrecy-origin"' not in public
