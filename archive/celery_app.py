"""The Celery application. Embedded default: Celery's file-system transport (no server);
production: Redis, chosen by ARCHIVE_BROKER_URL. Tasks live in each package's tasks module."""

from __future__ import annotations

from urllib.parse import urlsplit

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging, task_postrun, task_prerun

from archive import logging_setup
from archive.config import Settings, load_settings, local_path
from archive.errors import TransientError
from archive.identity import through

# Every task retries a TransientError (a backend down or busy) with growing, jittered waits
# (1 s, 2 s, 4 s ... at most 5 min) and fails at once on anything else, its reason in the log.
RETRY = {"autoretry_for": (TransientError,), "retry_backoff": True, "retry_backoff_max": 300,
         "retry_jitter": True, "max_retries": 8}
TASK_MODULES = ["archive.tasks", "storage.tasks", "ingest.tasks", "search.tasks", "retention.tasks"]


def celery_config(settings: Settings) -> dict:
    scheme = urlsplit(settings.broker_url).scheme
    conf: dict = {
        "task_acks_late": True,  # a task killed mid-way is redelivered, not lost
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "timezone": "Asia/Shanghai",
        "broker_connection_retry_on_startup": True,
        # Results are not kept: what a task returns (ids and counts) needs no store, and nothing
        # personal waits in Redis for a day. A task that callers wait on says ignore_result=False.
        "task_ignore_result": True,
        "result_expires": 3600,
        # Events for monitoring (flower, celery events): task sent, started, retried, failed.
        "worker_send_task_events": True,
        "task_send_sent_event": True,
    }
    if scheme == "filesystem":
        folder = local_path(settings.broker_url)
        for sub in ("messages", "processed", "results", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        conf.update(
            broker_url="filesystem://",
            broker_transport_options={
                "data_folder_in": str(folder / "messages"),
                "data_folder_out": str(folder / "messages"),
                "processed_folder": str(folder / "processed"),
                "control_folder": str(folder / "control"),  # else kombu writes ./control in the cwd
                "store_processed": False,
            },
            result_backend=f"file://{folder / 'results'}",
        )
    elif scheme == "memory":
        conf.update(broker_url="memory://", result_backend="cache+memory://")
    else:
        conf.update(
            broker_url=settings.broker_url,
            result_backend=settings.broker_url,
            # An unacknowledged task (its worker was killed) is handed out again after this long.
            # Issue 16: prefork workers look for such tasks every tenth of the timeout (1-60 s);
            # kombu's default (every 100 s) would leave a short timeout without effect.
            broker_transport_options={"visibility_timeout": settings.task_visibility_timeout,
                                      "unacked_restore_interval": max(1, min(60, settings.task_visibility_timeout // 10)),
                                      "unacked_restore_throttle": 1},
        )
    return conf


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or load_settings()
    application = Celery("archive")
    application.conf.update(celery_config(settings))
    # Times are Asia/Shanghai (the app's timezone). Tasks are named, so archive/ imports none of them.
    application.conf.beat_schedule = {
        "anchor-audit-chain": {"task": "archive.anchor_audit_chain", "schedule": 600.0},
        "retention-daily-sweep": {"task": "retention.daily_sweep", "schedule": crontab(hour=2, minute=0)},
        "fixity-nightly-slice": {"task": "storage.fixity_nightly", "schedule": crontab(hour=3, minute=0)},
        "remind-overdue-loans": {"task": "archive.lending.remind_overdue", "schedule": crontab(hour=8, minute=30)},
        "index-outbox-drain": {"task": "search.drain_outbox", "schedule": 60.0},
        # Issue 16: records whose ingest run died (lease lapsed) go back to the workers.
        "ingest-requeue-lapsed": {"task": "ingest.requeue_lapsed", "schedule": 60.0},
        # Issue 16: originals and PDFs of permanent and long-term records become write-once (archive.worm).
        "storage-retain-records": {"task": "storage.retain_records", "schedule": 900.0},
    }
    application.autodiscover_tasks(lambda: [m.rsplit(".", 1)[0] for m in TASK_MODULES], related_name="tasks")
    return application


app = make_celery()


@task_prerun.connect
def _mark_channel(task_id: str | None = None, task: object = None, **_kwargs: object) -> None:
    # Audit events written by a task name the channel "task" and the task (archive.identity).
    through("task", getattr(task, "name", "") or "")


@task_prerun.connect
def _task_id_in_logs(task_id: str | None = None, **_kwargs: object) -> None:
    logging_setup.TASK_ID.set(task_id or "")


@task_postrun.connect
def _task_done(**_kwargs: object) -> None:
    logging_setup.TASK_ID.set("")


@setup_logging.connect
def _logging(loglevel: object = None, **_kwargs: object) -> None:
    # The worker and beat log through archive.logging_setup (JSON lines with the task id), not Celery's own set-up.
    logging_setup.configure(loglevel if isinstance(loglevel, str | int) and loglevel else None, force=True)
