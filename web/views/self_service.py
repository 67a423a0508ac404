"""/self-service: a citizen obtains a certified copy of their own social-insurance records
(optional; ARCHIVE_SELF_SERVICE, off by default, and then the page does not exist). No account:
identity number, name and the one-time code the archivist handed over; the service counts wrong
tries per code and this face per address."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file

from archive.identity import system
from archive.utilization import self_service
from web.auth import services
from web.security import RateLimiter

bp = Blueprint("self_service", __name__, url_prefix="/self-service")
_tries = RateLimiter(limit=10, window=600.0)  # refused tries per address per ten minutes


def _enabled() -> None:
    if not services().settings.self_service:
        abort(404)


@bp.get("/")
def page():
    _enabled()
    return render_template("utilization/self_service.html", kinds=self_service.kinds(), error="", chosen=[])


@bp.post("/")
def obtain():
    _enabled()
    address = request.remote_addr or ""
    if _tries.blocked(address):
        abort(429)
    form = request.form
    who = system("self-service", channel="web", origin=address)
    with services().unit_of_work(who) as db:
        result = self_service.obtain(
            db, who, enabled=True, id_number=form.get("id_number", ""), name=form.get("name", ""),
            code=form.get("code", ""), types=form.getlist("kind"), store=services().store,
            seal_path=services().settings.seal_image, verify_url=request.host_url.rstrip("/") + "/verify/")
    if not result.ok or result.issued is None:
        _tries.failed(address)
        return render_template("utilization/self_service.html", kinds=self_service.kinds(), error=result.error,
                               chosen=form.getlist("kind")), 403
    copy = result.issued.copy
    return send_file(io.BytesIO(result.issued.pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{copy['serial']}.pdf")
