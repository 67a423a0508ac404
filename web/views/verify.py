"""/verify/<serial>: anyone (a receiving unit, no account) checks a certified copy. The page says
only whether a copy with this serial was issued, when and by which unit, and — given the file or
its SHA-256 — whether the digest matches; never a title or any content. Also POST
/api/v1/verify/<serial> for machines. Checks are audited (as the process `verify`) and an
address that keeps asking about unknown serials is slowed down."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from archive.identity import system
from archive.utilization import certify
from web.auth import services
from web.security import RateLimiter
from web.views.api import _body
from web.views.api import bp as api_bp

bp = Blueprint("verify", __name__, url_prefix="/verify")
MAX_FILE = 100 * 1024 * 1024
_misses = RateLimiter(limit=30, window=600.0)  # unknown serials per address per ten minutes


def _check(serial: str, *, digest: str = "", data: bytes | None = None) -> dict:
    address = request.remote_addr or ""
    if _misses.blocked(address):
        abort(429)
    who = system("verify", channel="api" if request.blueprint == "api" else "web", origin=address)
    with services().unit_of_work(who) as db:
        answer = certify.verify(db, who, serial, digest=digest, data=data)
    if not answer["issued"]:
        _misses.failed(address)
    return answer


@bp.get("/")
def start():
    serial = request.args.get("serial", "").strip()
    if serial:
        return redirect(url_for("verify.page", serial=serial[:40]))
    return render_template("utilization/verify.html", answer=None, serial="")


@bp.get("/<serial>")
def page(serial: str):
    return render_template("utilization/verify.html", answer=_check(serial), serial=serial)


@bp.post("/<serial>")
def check(serial: str):
    upload = request.files.get("file")
    data = upload.read(MAX_FILE + 1) if upload is not None and upload.filename else None
    if data is not None and len(data) > MAX_FILE:
        abort(413)
    answer = _check(serial, digest=request.form.get("digest", ""), data=data)
    return render_template("utilization/verify.html", answer=answer, serial=serial)


@api_bp.post("/verify/<serial>")
def api_verify(serial: str):
    data = _body(sha256=str) if request.content_length else {}
    return jsonify(_check(serial, digest=data.get("sha256", "")))
