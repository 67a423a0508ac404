"""Incoming personnel files at /dossier-reviews (人事档案审查): the 档案审查表, the return to the sender
with a reason, the person's 告知承诺, acceptance, and both forms as PDF/A. Each view parses the
form and calls one service of archive.personnel_review as the signed-in personnel archivist."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive import personnel_review
from archive.errors import ValidationError
from web.auth import login_required, services

bp = Blueprint("personnel_review", __name__)


def unit_of_work():
    return services().unit_of_work(g.identity)


def _date(value: str | None, *, required: bool = False) -> dt.date | None:
    if not value:
        if required:
            raise ValidationError(_("请选择日期"))
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD")) from None


@bp.get("/dossier-reviews")
@login_required
def index():
    with unit_of_work() as db:
        rows = personnel_review.reviews(db, g.identity, request.args.get("status") or None)
    return render_template("room/personnel_reviews.html", rows=rows, how_came=personnel_review.HOW_CAME)


@bp.post("/dossier-reviews")
@login_required
def create():
    form = request.form
    missing = [m for m in form.get("missing", "").replace("，", "\n").replace("、", "\n").splitlines() if m.strip()]
    with unit_of_work() as db:
        row = personnel_review.create(
            db, g.identity, person_id_number=form.get("id_number", ""), person_name=form.get("name", ""),
            from_unit=form.get("from_unit", ""), how_came=form.get("how_came", ""),
            arrived_on=_date(form.get("arrived_on")), alteration=form.get("alteration", ""),
            inconsistencies=form.get("inconsistencies", ""), missing=missing,
            wrong_key_data=form.get("wrong_key_data", ""))
    return redirect(url_for("personnel_review.show", review_id=row["id"]))


@bp.get("/dossier-reviews/<int:review_id>")
@login_required
def show(review_id: int):
    with unit_of_work() as db:
        row = personnel_review.show(db, g.identity, review_id)
    return render_template("room/personnel_review.html", r=row)


@bp.post("/dossier-reviews/<int:review_id>/return")
@login_required
def return_file(review_id: int):
    with unit_of_work() as db:
        personnel_review.return_file(db, g.identity, review_id, request.form.get("reason", ""))
    flash(_("档案已退回转出单位"), "ok")
    return redirect(url_for("personnel_review.show", review_id=review_id))


@bp.post("/dossier-reviews/<int:review_id>/commit")
@login_required
def commit(review_id: int):
    due = _date(request.form.get("due"), required=True)
    assert due is not None
    with unit_of_work() as db:
        personnel_review.commit(db, g.identity, review_id, due)
    flash(_("已登记本人签署的告知承诺书"), "ok")
    return redirect(url_for("personnel_review.show", review_id=review_id))


@bp.post("/dossier-reviews/<int:review_id>/accept")
@login_required
def accept(review_id: int):
    with unit_of_work() as db:
        personnel_review.accept(db, g.identity, review_id)
    flash(_("档案已接收"), "ok")
    return redirect(url_for("personnel_review.show", review_id=review_id))


@bp.post("/dossier-reviews/<int:review_id>/print")
@login_required
def print_out(review_id: int):
    form = request.form.get("form", "review")
    with unit_of_work() as db:
        body = personnel_review.print_pdf(db, g.identity, review_id, form)
    name = f"personnel-review-{review_id}-{form}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
