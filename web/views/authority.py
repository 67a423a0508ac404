"""备案 with the HRSS department (retention.authority_filing): the archivist records a destruction
register's filing on its page; the registers still to be filed after the deadline are listed, in
the web and the API. Each route parses, calls one service, presents."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.errors import ArchiveError, NotFound
from retention import authority_filing
from web.auth import login_required, services
from web.views.api import _body, token_required
from web.views.api import bp as api_bp

bp = Blueprint("authority", __name__)


@bp.post("/retention/registers/<int:register_id>/authority-filing", endpoint="file")
@login_required
def file_register(register_id: int):
    try:
        with services().unit_of_work(g.identity) as db:
            authority_filing.file(db, g.identity, register_id, on=request.form.get("on", ""),
                                  reference=request.form.get("reference", ""))
    except NotFound:
        raise
    except ArchiveError as exc:
        flash(str(exc), "error")
    else:
        flash(_("已登记向人社部门备案"), "ok")
    return redirect(url_for("retention.register", register_id=register_id))


@bp.get("/retention/authority-filing", endpoint="overdue")
@login_required
def overdue_page():
    with services().unit_of_work(g.identity) as db:
        rows = authority_filing.overdue(db, g.identity)
    return render_template("statistics/authority_overdue.html", rows=rows)


@api_bp.post("/retention/registers/<int:register_id>/authority-filing")
@token_required
def file_register_api(register_id: int):
    data = _body(on=str, reference=str)
    with services().unit_of_work(g.identity) as db:
        return jsonify(authority_filing.file(db, g.identity, register_id, on=data.get("on"),
                                             reference=data.get("reference")))


@api_bp.get("/retention/authority-filing/overdue")
@token_required
def overdue_api():
    with services().unit_of_work(g.identity) as db:
        return jsonify({"registers": authority_filing.overdue(db, g.identity, on=request.args.get("on"))})
