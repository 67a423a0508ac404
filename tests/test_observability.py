"""Issue 16 #7: request ids, JSON logs, /healthz, /readyz, /metrics, Celery events."""

from __future__ import annotations

import dataclasses
import io
import json
import logging

import pytest

from archive import logging_setup
from archive.celery_app import celery_config
from archive.config import load_settings
from tests.servers.common import free_port
from tests.web.conftest import app, client, site  # noqa: F401 - the web suite's fixtures
from web.app import create_app


def test_healthz_is_liveness_only(client):  # noqa: F811
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"ok": True}


def test_readyz_checks_every_backend(client):  # noqa: F811
    response = client.get("/readyz")
    payload = response.get_json()
    assert response.status_code == 200, payload
    assert payload["checks"] == {"catalog": "ok", "store": "ok", "index": "ok", "broker": "ok"}


def _app_with(site, **changes):  # noqa: F811
    return create_app(dataclasses.replace(site["settings"], **changes), testing=True)


def test_readyz_names_the_index_and_the_broker_when_down_without_hosts(site):  # noqa: F811
    port = free_port()
    application = _app_with(site, search_url=f"http://127.0.0.1:{port}",
                            broker_url=f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    try:
        response = application.test_client().get("/readyz")
        body = response.get_data(as_text=True)
        assert response.status_code == 503
        checks = response.get_json()["checks"]
        assert checks["index"] == "unavailable" and checks["broker"] == "unavailable"
        assert checks["catalog"] == "ok" and checks["store"] == "ok"
        assert "127.0.0.1" not in body and "hunter2" not in body and str(port) not in body
    finally:
        application.extensions["archive"].close()


def test_request_id_is_echoed_or_made(client):  # noqa: F811
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "<script>" + "x" * 100})
    assert made.headers["X-Request-ID"] and "<" not in made.headers["X-Request-ID"]
    assert made.headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_log_lines_are_json_with_the_request_id(app):  # noqa: F811
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging_setup.formatter("json"))
    handler.addFilter(logging_setup.ContextFilter())
    logger = logging.getLogger("web.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with app.test_request_context("/"):
            app.preprocess_request()
            from flask import g

            rid = g.request_id
            logger.info("record.viewed %s", 42)
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip())
    assert line["request_id"] == rid and line["message"] == "record.viewed 42" and line["level"] == "INFO"


def test_task_id_is_on_worker_log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging_setup.formatter("json"))
    handler.addFilter(logging_setup.ContextFilter())
    logger = logging.getLogger("ingest.test")
    logger.addHandler(handler)
    from archive import celery_app

    celery_app._task_id_in_logs(task_id="t-1")
    try:
        logger.warning("x")
    finally:
        celery_app._task_done()
        logger.removeHandler(handler)
    assert json.loads(stream.getvalue())["task_id"] == "t-1"


def test_metrics_report_latency_backlog_pages_fixity_and_anchors(client):  # noqa: F811
    client.get("/healthz")
    response = client.get("/metrics")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("archive_http_request_duration_seconds_bucket", "archive_outbox_backlog",
                 "archive_outbox_oldest_age_seconds", "archive_ingest_pages_total", "archive_audit_unanchored_events",
                 "archive_metrics_up 1.0"):
        assert name in text, name
    assert 'endpoint="/healthz"' in text


def test_metrics_need_the_token_when_one_is_set(client, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ARCHIVE_METRICS_TOKEN", "s3cret-token")
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_metrics_refuse_other_machines_without_a_token(client, monkeypatch):  # noqa: F811
    monkeypatch.delenv("ARCHIVE_METRICS_TOKEN", raising=False)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403


@pytest.mark.timeout(120)
def test_queue_depth_on_redis(site, redis_server):  # noqa: F811
    application = _app_with(site, broker_url=redis_server.url)
    try:
        from archive.celery_app import make_celery

        settings = application.extensions["archive"].settings
        make_celery(settings).send_task("search.drain_outbox")  # waits: no worker consumes this broker
        client = application.test_client()
        assert client.get("/readyz").get_json()["checks"]["broker"] == "ok"
        text = client.get("/metrics").get_data(as_text=True)
        depth = [ln for ln in text.splitlines() if ln.startswith('archive_queue_depth{queue="celery"}')]
        assert depth and float(depth[0].split()[-1]) >= 1
    finally:
        application.extensions["archive"].close()
        import redis

        redis.Redis.from_url(redis_server.url).delete("celery")  # leave no task for other tests' workers


def test_celery_events_on_and_results_not_kept():
    conf = celery_config(load_settings({"ARCHIVE_BROKER_URL": "memory://"}))
    assert conf["worker_send_task_events"] and conf["task_send_sent_event"]
    assert conf["task_ignore_result"] is True
    from archive.celery_app import app as celery

    celery.loader.import_default_modules()
    retrying = [t for n, t in celery.tasks.items() if not n.startswith("celery.")]
    assert retrying and all(
        getattr(t, "autoretry_for", ()) and t.autoretry_for[0].__name__ == "TransientError" for t in retrying
    ), [t.name for t in retrying if not getattr(t, "autoretry_for", ())]
