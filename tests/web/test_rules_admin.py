"""Issue 19 item 19: every configurable rule — the life-cycle rules (witnesses, appraisers, approvers,
transfer years) and the approval matrix — is administered from the web (forms with drop-downs and
words, not codes), the API and the command line (`archive config`); each change is validated and
audited with its old and new value; only the system administrator changes, the auditor reads."""

from __future__ import annotations

import json

import pytest

from archive import audit
from archive.cli import _load_plugins, main
from tests.cli_auth import token_for
from tests.web.conftest import csrf_token

PAGE = "/admin/settings"


def _events(app, key):
    with app.extensions["archive"].catalog.session() as s:
        return [{k: e.details[k] for k in ("old", "new")}
                for e in audit.events(s, action="setting.change", target=f"setting:{key}", limit=10)]


def _value(client, headers, key):
    rows = client.get("/api/v1/config", headers=headers).get_json()["settings"]
    return next(r for r in rows if r["key"] == key)


def test_the_administrator_changes_a_number_rule_in_the_web_and_it_is_audited(app, as_user):
    admin = as_user("admin")
    page = admin.get(PAGE).get_data(as_text=True)
    assert "监销人最少人数" in page and "可任监销人的角色" in page and "借阅与查阅审批矩阵" in page
    assert "监销人</option>" in page or "监销人" in page  # roles offered by name
    token = csrf_token(admin, PAGE)
    refused = admin.post(f"{PAGE}/retention.witness_min", data={"value": "1", "csrf_token": token},
                         follow_redirects=True)
    assert "cannot be lower than 2" in refused.get_data(as_text=True)
    assert _events(app, "retention.witness_min") == []
    done = admin.post(f"{PAGE}/retention.witness_min", data={"value": "3", "csrf_token": token}, follow_redirects=True)
    assert done.status_code == 200
    assert _events(app, "retention.witness_min") == [{"old": 2, "new": 3}]
    row = done.get_data(as_text=True).split('data-key="retention.witness_min"')[1].split("</tr>")[0]
    assert 'class="words">3<' in row


def test_role_rules_are_chosen_from_a_list_and_shown_in_words(app, as_user):
    admin = as_user("admin")
    token = csrf_token(admin, PAGE)
    admin.post(f"{PAGE}/retention.witness_roles", data={"value": ["witness", "director"], "csrf_token": token})
    assert _events(app, "retention.witness_roles")[0] == {"old": ["witness"], "new": ["witness", "director"]}
    page = admin.get(PAGE).get_data(as_text=True)
    row = page.split('data-key="retention.witness_roles"')[1].split("</tr>")[0]
    assert "监销人、局长" in row and '<option value="director" selected' in row
    admin.post(f"{PAGE}/retention.witness_roles", data={"value": ["nobody"], "csrf_token": token})
    assert len(_events(app, "retention.witness_roles")) == 1  # an unknown role is refused
    admin.post(f"{PAGE}/retention.transfer_years", data={"value": "10", "csrf_token": token})
    assert _events(app, "retention.transfer_years")[0] == {"old": "auto", "new": "10"}
    admin.post(f"{PAGE}/retention.transfer_years", data={"value": "15", "csrf_token": token})
    assert len(_events(app, "retention.transfer_years")) == 1  # not one of the choices


def test_the_approval_matrix_is_edited_row_by_row_with_drop_downs(app, as_user, client, token_of):
    admin = as_user("admin")
    page = admin.get(PAGE).get_data(as_text=True)
    row = page.split('data-key="lending.approval_matrix"')[1].split("</tr>\n  {% endfor %}")[0]
    assert '<option value="top_secret" selected>绝密</option>' in row and "局长" in row
    token = csrf_token(admin, PAGE)
    form = {"csrf_token": token, "rows": "3",
            "r0.name": "涉密", "r0.min_level": "secret", "r0.step1": ["leader"], "r0.step2": ["director"],
            "r1.name": "其他", "r1.step1": ["office_director", "leader"],
            "r2.name": ""}  # a blank row is dropped
    admin.post(f"{PAGE}/lending.approval_matrix", data=form)
    matrix = client.get("/api/v1/loans/matrix", headers=token_of("admin")).get_json()["rules"]
    assert [(r["name"], r["min_level"], r["steps"]) for r in matrix] == [
        ("涉密", "secret", [["leader"], ["director"]]), ("其他", None, [["office_director", "leader"]])]
    old_new = _events(app, "lending.approval_matrix")[0]
    assert old_new["old"][0]["name"] == "top_secret" and [r["name"] for r in old_new["new"]] == ["涉密", "其他"]
    words = admin.get(PAGE).get_data(as_text=True).split('data-key="lending.approval_matrix"')[1]
    assert "第一步审批: 分管局领导" in words and "最低密级: 秘密" in words
    # the last row must match every request: refused, nothing changed
    bad = dict(form, **{"r1.extract": "true"})
    assert "must match every request" in admin.post(f"{PAGE}/lending.approval_matrix", data=bad,
                                                    follow_redirects=True).get_data(as_text=True)
    assert len(_events(app, "lending.approval_matrix")) == 1


def test_only_the_administrator_changes_and_the_auditor_reads(app, as_user, client, token_of):
    assert as_user("staff").get(PAGE).status_code == 403
    auditor = as_user("auditor")
    page = auditor.get(PAGE).get_data(as_text=True)
    assert "监销人最少人数" in page and "setting-form" not in page
    assert auditor.post(f"{PAGE}/retention.witness_min",
                        data={"value": "4", "csrf_token": csrf_token(auditor, PAGE)}).status_code in (302, 403)
    assert _value(client, token_of("auditor"), "retention.witness_min")["value"] != 4
    assert client.post("/api/v1/config/retention.witness_min", json={"value": 4},
                       headers=token_of("auditor")).status_code == 403
    assert client.get("/api/v1/config", headers=token_of("staff")).status_code == 403


def test_the_api_validates_and_audits(app, client, token_of):
    admin = token_of("admin")
    assert client.post("/api/v1/config/retention.appraisal_min_members", json={"value": 2},
                       headers=admin).status_code == 400
    assert client.post("/api/v1/config/no.such", json={"value": 2}, headers=admin).status_code == 404
    done = client.post("/api/v1/config/retention.appraisal_min_members", json={"value": 4}, headers=admin)
    assert done.status_code == 200 and done.get_json()["value"] == 4
    assert _events(app, "retention.appraisal_min_members") == [{"old": 3, "new": 4}]
    assert _value(client, admin, "retention.appraisal_min_members")["words_zh"] == "4"


@pytest.fixture
def cli_env(app, monkeypatch):
    settings = app.extensions["archive"].settings
    monkeypatch.setenv("ARCHIVE_HOME", str(settings.home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARCHIVE_LANG", "zh")
    return settings.database_url


def test_the_command_line_shows_and_sets_rules(app, cli_env, capsys, monkeypatch):
    _load_plugins()

    def run(*args, as_):
        monkeypatch.setenv("ARCHIVE_TOKEN", token_for(cli_env, as_))
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run("config", "rules", as_="auditor")
    assert code == 0 and "retention.witness_min  监销人最少人数：" in out, err
    code, _, err = run("config", "set", "retention.declassify_window_days", "60", as_="auditor")
    assert code != 0
    code, out, err = run("config", "set", "retention.appraiser_roles", "appraiser,archivist", as_="admin")
    assert code == 0 and "鉴定小组成员、档案员" in out, err
    code, _, err = run("config", "set", "retention.declassify_window_days", "zero", as_="admin")
    assert code != 0 and "whole number" in err
    matrix = [{"name": "全部", "step1": ["leader"]}]
    code, out, err = run("config", "set", "lending.approval_matrix", json.dumps(matrix), "--json", as_="admin")
    assert code == 0, err
    assert json.loads(out)["value"][0]["step1"] == ["leader"]
    assert _events(app, "retention.appraiser_roles")[0]["new"] == ["appraiser", "archivist"]
