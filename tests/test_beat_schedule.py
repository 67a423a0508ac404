"""Every periodic task in the beat schedule exists under its name once the task modules load."""

from archive.celery_app import make_celery
from archive.config import load_settings


def test_beat_schedule_names_registered_tasks(tmp_path):
    app = make_celery(load_settings({"ARCHIVE_HOME": str(tmp_path)}))
    app.loader.import_default_modules()
    for module in ("archive.tasks", "storage.tasks", "ingest.tasks", "search.tasks", "retention.tasks"):
        __import__(module)
    from archive.celery_app import app as default_app

    names = set(default_app.tasks)
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= names, scheduled - names
    assert {"ingest.process_record", "archive.verify_audit_chain"} <= names
