"""Structured logs for every process (web, CLI, worker): one JSON object a line on stderr, each
carrying the request id (web) or task id (worker) of the work it belongs to.

What goes into a log line is ids and event codes, never a title, a name or an ID number: those
sit under the clearance model, logs do not. Two defences besides writing messages that way:
- the HTTP client loggers (urllib3, elastic_transport, elasticsearch, opensearch) stay at WARNING,
  so the worker does not log every index request (their URLs and bodies carry record text);
- access lines of /search and /records drop their query string (`?q=<ID number>`), see
  `scrub_path`, used by the werkzeug filter below and by web.observability for gunicorn.

ARCHIVE_LOG_FORMAT=text gives plain lines for a terminal; the default is json (the CLI's default
is text, at WARNING: its own output is for a person; each run gets a `cli-` id).
ARCHIVE_LOG_LEVEL sets the level of the app loggers (default INFO).
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("archive_request_id", default="")
TASK_ID: contextvars.ContextVar[str] = contextvars.ContextVar("archive_task_id", default="")

QUIET_LOGGERS = ("urllib3", "elastic_transport", "elasticsearch", "opensearch", "opensearchpy", "minio", "kombu")
# Paths whose query strings hold what a person searched for or which record they opened.
_PRIVATE_QUERY = re.compile(r"^(/search|/records|/api/v1/search|/api/v1/records)")
_REQUEST_LINE = re.compile(r'(?P<method>"[A-Z]+ )(?P<path>/[^ ?"]*)\?[^ "]*')
_configured = False


def scrub_path(path: str) -> str:
    """`path?query` without the query for search and record URLs (ID numbers, names, text)."""
    base, sep, _query = path.partition("?")
    return base if sep and _PRIVATE_QUERY.match(base) else path


def scrub_line(line: str) -> str:
    """An access-log line with the request line's query string dropped for private paths."""

    def one(match: re.Match) -> str:
        path = match["path"]
        return match.group(0) if not _PRIVATE_QUERY.match(path) else match["method"] + path

    return _REQUEST_LINE.sub(one, line)


class ContextFilter(logging.Filter):
    """Adds request_id and task_id to every record, and scrubs werkzeug/gunicorn access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        record.task_id = getattr(record, "task_id", None) or TASK_ID.get()
        if record.name in ("werkzeug", "gunicorn.access"):
            record.msg = scrub_line(record.getMessage())
            record.args = ()
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners and daemons swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def formatter(kind: str | None = None) -> logging.Formatter:
    kind = (kind or os.environ.get("ARCHIVE_LOG_FORMAT", "json")).lower()
    if kind == "text":
        return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] %(message)s")
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,  # Chinese messages stay readable
    )


def configure(level: str | int | None = None, *, kind: str | None = None, force: bool = False) -> None:
    """Route every logger to one stderr handler with the context filter; idempotent per process."""
    global _configured
    if _configured and not force:
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_archive", False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler._archive = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter(kind))
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("ARCHIVE_LOG_LEVEL", "INFO").upper())
    quiet()
    _configured = True


def quiet() -> None:
    """HTTP client loggers at WARNING: their request lines carry index URLs and record text."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def install_filter(logger: logging.Logger) -> None:
    """Put the context filter on a logger's handlers too (gunicorn and Flask bring their own)."""
    for handler in logger.handlers:
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())


def start_cli_run() -> str:
    """A CLI invocation: an id for its log lines, and logging at WARNING unless told otherwise."""
    import uuid

    run_id = "cli-" + uuid.uuid4().hex[:12]
    REQUEST_ID.set(run_id)
    configure(os.environ.get("ARCHIVE_LOG_LEVEL", "WARNING").upper(), kind=os.environ.get("ARCHIVE_LOG_FORMAT", "text"))
    return run_id
