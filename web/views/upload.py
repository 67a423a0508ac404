"""Upload scans: several files, drag and drop, progress per file, live pipeline status (htmx)."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from archive.policy import Action
from web.auth import requires
from web.uploads import accept, ids_of, statuses

bp = Blueprint("upload", __name__)


@bp.get("/upload")
@requires(Action.FILE)
def page():
    return render_template("upload.html")


@bp.post("/upload")
@requires(Action.FILE)
def receive():
    rows = accept(request.files.getlist("files"), category=request.form.get("category"))
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"files": rows})
    ids = ",".join(str(r["record_id"]) for r in rows if "record_id" in r)
    return redirect(url_for("upload.status_page", ids=ids))


@bp.get("/upload/status")
@requires(Action.FILE)
def status_page():
    ids = ids_of(request.args.get("ids"))
    return render_template("upload_status.html", ids=",".join(map(str, ids)), rows=statuses(ids))


@bp.get("/upload/status/rows")
@requires(Action.FILE)
def status_rows():
    # Polled by htmx every two seconds until every record is finished.
    ids = ids_of(request.args.get("ids"))
    return render_template("_upload_rows.html", ids=",".join(map(str, ids)), rows=statuses(ids))
