"""Administration of configuration (categories, retention schedule, classifier) and shelving volumes."""

from __future__ import annotations

from sqlalchemy import select

from archive.models import AuditEvent, Category, RetentionRule
from tests.web.conftest import csrf_token


def _actions(app, action: str) -> list:
    with app.extensions["archive"].catalog.session() as db:
        return db.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


def test_navigation_offers_configuration_by_role(as_user, client):
    body = as_user("admin").get("/dashboard").get_data(as_text=True)
    assert "/admin/categories" in body and "/admin/schedule" in body and "/admin/classifier" in body
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    body = as_user("archivist").get("/dashboard").get_data(as_text=True)
    assert "/admin/classifier" in body and "/admin/categories" not in body


def test_only_the_administrator_configures(as_user, client, token_of):
    staff = as_user("archivist")
    assert staff.get("/admin/categories").status_code == 403
    assert staff.get("/admin/schedule").status_code == 403
    token = csrf_token(staff, "/dashboard")
    assert staff.post("/admin/categories", data={"code": "ZZ", "name_zh": "测", "name_en": "t",
                                                 "csrf_token": token}).status_code == 403
    assert client.get("/api/v1/admin/categories", headers=token_of("archivist")).status_code == 403
    assert client.get("/api/v1/admin/schedule", headers=token_of("staff")).status_code == 403


def test_category_add_rename_deactivate_audited(as_user, app):
    admin = as_user("admin")
    assert "文书档案" in admin.get("/admin/categories").get_data(as_text=True)
    token = csrf_token(admin, "/admin/categories")
    response = admin.post("/admin/categories", data={"code": "dz", "name_zh": "电子档案", "name_en": "electronic",
                                                     "csrf_token": token})
    assert response.status_code == 302
    admin.post("/admin/categories/DZ", data={"name_zh": "电子文件", "name_en": "e-records", "csrf_token": token})
    admin.post("/admin/categories/DZ", data={"active": "0", "csrf_token": token})
    with app.extensions["archive"].catalog.session() as db:
        row = db.get(Category, "DZ")
        assert (row.name_zh, row.name_en, row.active) == ("电子文件", "e-records", False)
    assert _actions(app, "category.add") and _actions(app, "category.change") and _actions(app, "category.deactivate")
    duplicate = admin.post("/admin/categories", data={"code": "DZ", "name_zh": "x", "name_en": "x", "csrf_token": token})
    assert duplicate.status_code == 409
    bad = admin.post("/admin/categories", data={"code": "电子", "name_zh": "x", "name_en": "x", "csrf_token": token})
    assert bad.status_code == 400


def test_category_api(client, token_of):
    headers = token_of("admin")
    made = client.post("/api/v1/admin/categories", json={"code": "QT", "name_zh": "其他", "name_en": "other"},
                       headers=headers)
    assert made.status_code == 201 and made.get_json()["active"] is True
    changed = client.post("/api/v1/admin/categories/QT", json={"active": False}, headers=headers).get_json()
    assert changed == {"code": "QT", "name_zh": "其他", "name_en": "other", "active": False}
    codes = [c["code"] for c in client.get("/api/v1/admin/categories", headers=headers).get_json()["categories"]]
    assert "QT" in codes and "WS" in codes
    assert client.post("/api/v1/admin/categories/NO", json={"active": False}, headers=headers).status_code == 404


def test_a_schedule_change_is_proposed_then_approved_in_the_approvers_own_session(as_user, app, client, token_of):
    admin = as_user("admin")
    body = admin.get("/admin/schedule").get_data(as_text=True)
    assert 'id="schedule"' in body and 'name="approved_by"' not in body  # nobody types an approver's name
    rules = client.get("/api/v1/admin/schedule", headers=token_of("admin")).get_json()["rules"]
    rule = next(r for r in rules if r["retention"] != "D10")
    token = csrf_token(admin, "/admin/schedule")
    assert admin.post(f"/admin/schedule/{rule['id']}", data={
        "retention": "D10", "reason": " ", "csrf_token": token}).status_code == 400
    proposed = admin.post(f"/admin/schedule/{rule['id']}", data={
        "retention": "D10", "reason": "依新规调整", "csrf_token": token})
    assert proposed.status_code == 302
    with app.extensions["archive"].catalog.session() as db:
        assert db.get(RetentionRule, rule["id"]).active is True  # nothing changes before the approval
    pending = client.get("/api/v1/admin/schedule", headers=token_of("admin")).get_json()["pending"]
    change = next(c for c in pending if c["old_rule"] == rule["id"])
    assert (change["proposed_by"], change["status"], change["new_retention"]) == ("admin", "proposed", "D10")
    approve = f"/admin/schedule/changes/{change['id']}/approve"
    assert admin.post(approve, data={"csrf_token": token}).status_code == 403  # the proposer never approves
    client.post("/logout", data={"csrf_token": token})

    director = as_user("director")
    page = director.get("/admin/schedule").get_data(as_text=True)
    assert f'id="change-{change["id"]}"' in page and "依新规调整" in page
    token = csrf_token(director, "/admin/schedule")
    assert director.post(approve, data={"csrf_token": token}).status_code == 302
    assert director.post(approve, data={"csrf_token": token}).status_code == 409  # decided once
    client.post("/logout", data={"csrf_token": token})
    with app.extensions["archive"].catalog.session() as db:
        assert db.get(RetentionRule, rule["id"]).active is False
    events = _actions(app, "retention.schedule.change")
    assert events[-1].actor == "director" and events[-1].details["proposed_by"] == "admin"
    assert events[-1].details["channel"] == "web"
    after = client.get("/api/v1/admin/schedule", headers=token_of("admin")).get_json()["rules"]
    new = next(r for r in after if r["kind"] == rule["kind"] and r["category"] == rule["category"])
    assert new["retention"] == "D10" and new["version"] == rule["version"] + 1

    # Through the API: a director proposes; they cannot approve it themselves, a leader does.
    api = client.post(f"/api/v1/admin/schedule/{new['id']}", json={"retention": "D30", "reason": "恢复"},
                      headers=token_of("director"))
    assert api.status_code == 201 and api.get_json()["status"] == "proposed"
    decide = f"/api/v1/admin/schedule/changes/{api.get_json()['id']}"
    assert client.post(f"{decide}/approve", headers=token_of("director")).status_code == 403
    assert client.post(f"{decide}/approve", headers=token_of("staff")).status_code == 403
    done = client.post(f"{decide}/approve", headers=token_of("leader"))
    assert done.status_code == 200 and done.get_json()["new_retention"] == "D30"
    assert done.get_json()["decided_by"] == "leader" and done.get_json()["status"] == "approved"

    # A new entry, rejected with a reason.
    entry = client.post("/api/v1/admin/schedule", json={"category": "WS", "kind": "信访材料", "keywords": ["信访"],
                                                        "retention": "D10", "reason": "新增"}, headers=token_of("admin"))
    assert entry.status_code == 201, entry.get_json()
    reject = f"/api/v1/admin/schedule/changes/{entry.get_json()['id']}/reject"
    assert client.post(reject, json={"reason": ""}, headers=token_of("leader")).status_code == 400
    rejected = client.post(reject, json={"reason": "依据不足"}, headers=token_of("leader"))
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert _actions(app, "retention.schedule.reject")


def test_the_schedule_page_shows_each_rules_conditions_in_words(as_user, client, token_of):
    """文种, excluded title words, business steps and rules for every category, as people read
    them; the JSON API gives the same fields."""
    body = as_user("admin").get("/admin/schedule").get_data(as_text=True)
    assert "全部门类" in body and "题名含：销毁清册" in body  # the archive's own registers, every category
    assert "文种：意见、决定" in body and "题名不含：征求意见、草案、有关问题" in body
    assert "业务环节：养老待遇、工伤待遇、关系转移" in body and "优先于更具体的条目" in body
    assert "本门类其余各件" in body and "75%" in body
    assert 'name="doc_types"' not in body  # a change edits retention (and keywords) only
    rules = client.get("/api/v1/admin/schedule", headers=token_of("admin")).get_json()["rules"]
    opinion = next(r for r in rules if r["kind"] == "本机关政策性意见与决定")
    assert (opinion["category"], opinion["doc_types"], opinion["keywords"], opinion["retention"]) == (
        "WS", ["意见", "决定"], [], "Y")
    assert next(r for r in rules if r["kind"] == "销毁清册与鉴定报告")["category"] == "*"
    english = as_user("admin").get("/admin/schedule", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "All categories" in english and "Title does not contain" in english and "Business step" in english


def test_classifier_status_and_retrain(as_user, app, client, token_of, monkeypatch):
    import ingest.classify as classify

    status = client.get("/api/v1/admin/classifier", headers=token_of("archivist")).get_json()
    assert status["model_path"].startswith(str(app.extensions["archive"].settings.home / "models"))
    assert status["trained_at"] is None and isinstance(status["corrections"], int)
    assert client.get("/api/v1/admin/classifier", headers=token_of("staff")).status_code == 403
    assert client.post("/api/v1/admin/classifier/train", headers=token_of("admin")).status_code == 403

    seen = {}

    def fake_train(corrections):
        seen["n"] = len(corrections)
        return {"fake": "model"}, {"accuracy": {"category": 0.9, "business_step": 0.8},
                                   "train_examples": 30, "test_examples": 10}

    monkeypatch.setattr(classify, "train_and_report", fake_train)
    archivist = as_user("archivist")
    page = archivist.get("/admin/classifier").get_data(as_text=True)
    assert 'id="classifier-status"' in page
    body = archivist.post("/admin/classifier/train",
                          data={"csrf_token": csrf_token(archivist, "/admin/classifier")}).get_data(as_text=True)
    assert 'id="training-report"' in body and "90.0%" in body and "business_step" in body
    assert "n" in seen
    events = _actions(app, "classifier.trained")
    assert events and events[-1].actor == "archivist"
    report = client.post("/api/v1/admin/classifier/train", headers=token_of("archivist")).get_json()
    assert report["accuracy"] == {"category": 0.9, "business_step": 0.8}
    assert client.get("/api/v1/admin/classifier", headers=token_of("archivist")).get_json()["trained_at"]


def test_archivist_shelves_a_volume_with_history(as_user, app, client, site, token_of):
    vid = site["ids"]["volume_internal"]
    archivist = as_user("archivist")
    page = archivist.get(f"/volumes/{vid}").get_data(as_text=True)
    assert 'id="shelving"' in page and 'id="labels"' in page
    token = csrf_token(archivist, f"/volumes/{vid}")
    response = archivist.post(f"/volumes/{vid}/shelve", data={"path": "2-03-04-1-2", "reason": "调整库位",
                                                               "csrf_token": token})
    assert response.status_code == 302
    page = archivist.get(f"/volumes/{vid}").get_data(as_text=True)
    assert "2-03-04-1-2" in page and "调整库位" in page
    assert archivist.post(f"/volumes/{vid}/shelve", data={"path": "--", "csrf_token": token}).status_code == 400
    assert _actions(app, "volume.shelve")
    history = client.get(f"/api/v1/volumes/{vid}/locations", headers=token_of("archivist")).get_json()["history"]
    assert history[-1]["to"] == "2-03-04-1-2"
    moved = client.post(f"/api/v1/volumes/{vid}/shelve", json={"path": "2-03-04-1-3"}, headers=token_of("archivist"))
    assert moved.status_code == 200 and moved.get_json()["location"] == "2-03-04-1-3"


def test_staff_cannot_shelve_or_print_labels(as_user, client, site, token_of):
    vid = site["ids"]["volume_internal"]
    staff = as_user("staff")
    page = staff.get(f"/volumes/{vid}").get_data(as_text=True)
    assert 'id="shelving"' not in page and 'id="labels"' not in page
    token = csrf_token(staff, f"/volumes/{vid}")
    assert staff.post(f"/volumes/{vid}/shelve", data={"path": "9-01", "csrf_token": token}).status_code == 403
    assert staff.post("/volumes/labels", data={"volume_id": vid, "csrf_token": token}).status_code == 403
    assert client.post("/api/v1/volumes/labels", json={"volume_ids": [vid]}, headers=token_of("staff")).status_code == 403
    assert client.get(f"/api/v1/volumes/{vid}/locations", headers=token_of("staff")).status_code == 403


def test_labels_download_as_pdf(as_user, app, client, site, token_of):
    vid = site["ids"]["volume_internal"]
    archivist = as_user("archivist")
    response = archivist.post("/volumes/labels", data={"volume_id": vid,
                                                       "csrf_token": csrf_token(archivist, f"/volumes/{vid}")})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    api = client.post("/api/v1/volumes/labels", json={"volume_ids": [vid]}, headers=token_of("archivist"))
    assert api.status_code == 200 and api.data.startswith(b"%PDF")
    assert client.post("/api/v1/volumes/labels", json={"volume_ids": [99999]},
                       headers=token_of("archivist")).status_code == 404
    assert _actions(app, "labels.print")


def test_labels_of_several_volumes_from_the_list(as_user, site):
    archivist = as_user("archivist")
    page = archivist.get("/volumes").get_data(as_text=True)
    assert 'type="checkbox" name="volume_id"' in page
    response = archivist.post("/volumes/labels", data={
        "volume_id": [site["ids"]["volume_internal"], site["ids"]["volume_secret"]],
        "csrf_token": csrf_token(archivist, "/volumes")})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert archivist.post("/volumes/labels", data={"csrf_token": csrf_token(archivist, "/volumes")}).status_code == 400


def test_real_retrain_saves_the_active_model(app, client, token_of):
    from ingest.classify import active_model_path, load

    report = client.post("/api/v1/admin/classifier/train", headers=token_of("archivist")).get_json()
    assert {"category"} <= set(report["accuracy"]) and all(0 <= v <= 1 for v in report["accuracy"].values())
    assert report["test_examples"] > 0
    path = active_model_path(app.extensions["archive"].settings.home / "models")
    assert report["model_path"] == str(path) and load(path).pipelines


def test_configuration_pages_in_english(as_user):
    admin = as_user("admin")
    body = admin.get("/admin/schedule", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Retention schedule" in body and "Changes waiting for approval" in body
    body = admin.get("/admin/categories", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Add category" in body
