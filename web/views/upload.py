"""Upload scans: several files, drag and drop, progress per file, live pipeline status (htmx)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for

from archive.policy import Action
from web.auth import requires, services
from web.uploads import accept, status_of

bp = Blueprint("upload", __name__)


@bp.get("/upload")
@requires(Action.FILE)
def page():  # noqa: ANN201
    return render_template("upload.html")


@bp.post("/upload")
@requires(Action.FILE)
def receive():  # noqa: ANN201
    rows = accept(services(), g.viewer, request.files.getlist("files"), category=request.form.get("category"))
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"files": rows})
    ids = ",".join(str(r["record_id"]) for r in rows if "record_id" in r)
    return redirect(url_for("upload.status_page", ids=ids))


def _ids() -> list[int]:
    raw = request.args.get("ids", "")
    return [int(x) for x in raw.split(",") if x.isdigit()][:50]


@bp.get("/upload/status")
@requires(Action.FILE)
def status_page():  # noqa: ANN201
    return render_template("upload_status.html", ids=",".join(map(str, _ids())), rows=_rows())


@bp.get("/upload/status/rows")
@requires(Action.FILE)
def status_rows():  # noqa: ANN201
    # Polled by htmx every two seconds until every record is finished.
    return render_template("_upload_rows.html", ids=",".join(map(str, _ids())), rows=_rows())


def _rows() -> list[dict]:
    with services().catalog.session() as db:
        found = status_of(db, g.viewer, _ids())
    return [found[i] for i in _ids() if i in found]
