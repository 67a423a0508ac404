"""Request ids, liveness, readiness and Prometheus metrics for the web application.

- Every request gets an id: the caller's X-Request-ID when it is a plain token, else a new one.
  It is echoed in the X-Request-ID response header, put on every log line of the request
  (archive.logging_setup) and shown on error pages (web.errors).
- /healthz: the process answers (no backend is asked: a liveness probe must not restart the web
  because the search server is down). /readyz: catalog, store, index and broker each answer;
  503 naming the one that did not, without its host or error.
- /metrics: Prometheus text. Protected: with ARCHIVE_METRICS_TOKEN set, only a request bearing
  `Authorization: Bearer <token>`; without it, only requests from this machine (127.0.0.1, ::1).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from archive import logging_setup, monitoring

bp = Blueprint("observability", __name__)
log = logging.getLogger(__name__)
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
LOCAL = {"127.0.0.1", "::1", "localhost"}

REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY = Histogram(
    "archive_http_request_duration_seconds", "Time to answer a web or API request",
    ["method", "endpoint", "status"], registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def new_request_id() -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _TOKEN.match(given) else uuid.uuid4().hex[:16]


class ArchiveCollector(Collector):
    """Gauges computed at scrape time from the catalog and the broker (archive.monitoring)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        services = self.app.extensions["archive"]
        up = GaugeMetricFamily("archive_metrics_up", "1 when the catalog answered this scrape")
        try:
            values = monitoring.gauges(services.catalog)
        except Exception as exc:
            log.error("metrics: catalog unavailable: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        helps = {
            "outbox_backlog": "Changes waiting in the index outbox",
            "outbox_oldest_age_seconds": "Age of the oldest change waiting in the index outbox",
            "records_processing": "Records being processed by the pipeline",
            "records_failed": "Records whose processing failed",
            "fixity_last_run_timestamp_seconds": "When the last fixity run finished (Unix time)",
            "fixity_last_run_failures": "Objects the last fixity run found changed, missing or unexpected",
            "audit_unanchored_events": "Audit events written since the last anchor",
            "audit_last_anchor_timestamp_seconds": "When the audit chain was last anchored (Unix time)",
        }
        for key, text in helps.items():
            value = values.get(key)
            if value is not None:
                family = GaugeMetricFamily(f"archive_{key}", text)
                family.add_metric([], value)
                yield family
        # A counter (pages filed so far): rate(archive_ingest_pages_total[5m]) * 60 is pages/min.
        pages = CounterMetricFamily("archive_ingest_pages", "Pages processed and filed by the pipeline")
        pages.add_metric([], values["ingest_pages_total"] or 0)
        yield pages
        try:
            depth = monitoring.queue_depth(services.settings.broker_url)
        except Exception as exc:
            log.error("metrics: broker unavailable: %s", type(exc).__name__)
            depth = None
        if depth is not None:
            family = GaugeMetricFamily("archive_queue_depth", "Tasks waiting in the broker", labels=["queue"])
            for queue, n in depth.items():
                family.add_metric([queue], n)
            yield family


def _metrics_allowed() -> bool:
    token = os.environ.get("ARCHIVE_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return (request.remote_addr or "") in LOCAL


@bp.get("/healthz")
def healthz():
    return {"ok": True}


@bp.get("/readyz")
def readyz():
    checks = monitoring.readiness(current_app.extensions["archive"])
    ok = all(v == "ok" for v in checks.values())
    return jsonify({"ok": ok, "checks": checks, "request_id": g.get("request_id", "")}), (200 if ok else 503)


@bp.get("/metrics")
def metrics():
    if not _metrics_allowed():
        return Response("forbidden\n", status=403, mimetype="text/plain")
    registry: CollectorRegistry = current_app.extensions["archive_metrics"]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def install(app: Flask) -> None:
    """Request ids, the latency histogram and the three endpoints (exempt from log-in)."""
    logging_setup.quiet()
    registry = CollectorRegistry(auto_describe=False)  # describing would query the catalog at start-up
    registry.register(_Forward(REGISTRY))
    registry.register(ArchiveCollector(app))
    app.extensions["archive_metrics"] = registry

    @app.before_request
    def start_request() -> None:
        g.request_id = new_request_id()
        g.request_started = time.perf_counter()
        g.request_id_token = logging_setup.REQUEST_ID.set(g.request_id)

    @app.after_request
    def finish_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        started = g.get("request_started")
        if started is not None:
            endpoint = request.url_rule.rule if request.url_rule else "unmatched"  # the rule, not the path: no ids
            LATENCY.labels(request.method, endpoint, str(response.status_code)).observe(time.perf_counter() - started)
        return response

    @app.teardown_request
    def end_request(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            logging_setup.REQUEST_ID.reset(token)

    app.register_blueprint(bp)


class _Forward(Collector):
    """The process's own metrics (latency) inside the per-app registry."""

    def __init__(self, registry: CollectorRegistry):
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()
