"""The record page: page viewer with zoom, OCR text beside the image, metadata, history."""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template, request, stream_with_context, url_for

from web.auth import login_required, services
from web.record_views import correct_record, download, page_image, view_record

bp = Blueprint("records", __name__)


@bp.get("/records/<int:record_id>")
@login_required
def show(record_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        data = view_record(db, g.viewer, record_id, channel="web")
    pages = data["pages"]
    wanted = request.args.get("page", type=int) or 1
    current = next((p for p in pages if p["page_no"] == wanted), pages[0] if pages else None)
    # Steps of 25%: each step is a CSS class (the CSP forbids inline styles).
    zoom = min(max(round((request.args.get("zoom", type=int) or 100) / 25) * 25, 50), 300)
    return render_template("record.html", data=data, current=current, zoom=zoom)


def _stream(key: str, media_type: str, **headers: str) -> Response:
    body = services().store.get(key)

    def chunks():  # noqa: ANN202
        with body:
            while chunk := body.read(1 << 16):
                yield chunk

    return Response(stream_with_context(chunks()), mimetype=media_type, headers=headers)


@bp.get("/records/<int:record_id>/pages/<int:page_no>/image")
@login_required
def image(record_id: int, page_no: int):  # noqa: ANN201
    with services().catalog.session() as db:
        key, media_type, body = page_image(db, g.viewer, record_id, page_no, channel="web", store=services().store)
    if body is not None:  # read through a viewing grant: watermarked, never cached
        return Response(body, mimetype=media_type, headers={"Cache-Control": "no-store"})
    return _stream(key, media_type)


@bp.get("/records/<int:record_id>/download")
@login_required
def pdf(record_id: int):  # noqa: ANN201
    with services().catalog.session() as db:
        key, media_type, name = download(db, g.viewer, record_id, channel="web")
    return _stream(key, media_type, **{"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/records/<int:record_id>/correct")
@login_required
def correct(record_id: int):  # noqa: ANN201
    # Corrections leave the review queue and become labelled examples for the classifier.
    with services().catalog.session() as db:
        correct_record(db, g.viewer, record_id, request.form.to_dict())
    return redirect(url_for("records.show", record_id=record_id, page=request.form.get("page", 1)))
