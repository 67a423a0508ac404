"""The record page: page viewer with zoom, OCR text beside the image, metadata, history."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from archive import records
from ingest.corrections import correct as correct_record
from web.auth import login_required, services
from web.record_views import correction_values, send_download, send_page

bp = Blueprint("records", __name__)


@bp.get("/records/<int:record_id>")
@login_required
def show(record_id: int):
    with services().unit_of_work(g.identity) as db:
        data = records.view(db, g.identity, record_id).to_dict()
    pages = data["pages"]
    wanted = request.args.get("page", type=int) or 1
    current = next((p for p in pages if p["page_no"] == wanted), pages[0] if pages else None)
    # Steps of 25%: each step is a CSS class (the CSP forbids inline styles).
    zoom = min(max(round((request.args.get("zoom", type=int) or 100) / 25) * 25, 50), 300)
    return render_template("record.html", data=data, current=current, zoom=zoom)


@bp.get("/records/<int:record_id>/pages/<int:page_no>/image")
@login_required
def image(record_id: int, page_no: int):
    with services().unit_of_work(g.identity) as db:
        found = records.page_image(db, g.identity, record_id, page_no, services().store)
    return send_page(found)


@bp.get("/records/<int:record_id>/download")
@login_required
def pdf(record_id: int):
    with services().unit_of_work(g.identity) as db:
        found = records.download(db, g.identity, record_id)
    return send_download(found)


@bp.post("/records/<int:record_id>/correct")
@login_required
def correct(record_id: int):
    # Corrections leave the review queue and become labelled examples for the classifier.
    with services().unit_of_work(g.identity) as db:
        correct_record(db, g.identity, record_id, correction_values(request.form),
                       reason=request.form.get("reason", ""))
    return redirect(url_for("records.show", record_id=record_id, page=request.form.get("page", 1)))
