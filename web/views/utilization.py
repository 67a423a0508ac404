"""The archive-room desk (查档出证): walk-in and outside-unit requests with a record picker, the
outcome, certified copies, the 利用登记簿 and its statistics, and the self-service codes; plus
the same operations under /api/v1/utilization. Each view parses input, calls one service of
archive.utilization as the signed-in person (or the token's) and presents the result."""

from __future__ import annotations

import io

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from archive.errors import ValidationError
from archive.utilization import certify, purposes, register, requests, self_service
from archive.utilization.messages import FORMS, KINDS, OUTCOMES, label
from web.auth import login_required, services
from web.templating import page_language
from web.views.api import _body, token_required
from web.views.api import bp as api_bp

bp = Blueprint("utilization", __name__, url_prefix="/utilization")


def unit_of_work():
    return services().unit_of_work(g.identity)


def _year(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 1900 <= int(text) <= 2999:
        raise ValidationError(_("请选择年度"))
    return int(text)


def _copies(value: str | None) -> int:
    text = (value or "1").strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationError(_("份数须为数字"))
    return int(text)


def _verify_url() -> str:
    return request.host_url.rstrip("/") + "/verify/"


def words_of(known_purposes: dict[str, tuple[str, str]]) -> dict:
    """Labels of the codes in the page's language (the services' labels follow ARCHIVE_LANG)."""
    language = page_language()
    return {"outcome": lambda c: label(OUTCOMES, c, language), "kind": lambda c: label(KINDS, c, language),
            "form": lambda c: label(FORMS, c, language),
            "purpose": lambda c: label(known_purposes, c, language) if c in known_purposes else c}


def _send(body: bytes, media: str, name: str):
    return send_file(io.BytesIO(body), mimetype=media, as_attachment=True, download_name=name)


@bp.get("/")
@login_required
def index():
    year = _year(request.args.get("year"))
    words = request.args.get("q", "")
    with unit_of_work() as db:
        rows = requests.list_requests(db, g.identity, year=year)
        numbers = register.stats(db, g.identity, year=year)
        picked = requests.pick(db, g.identity, words) if words.strip() else []
        choices = purposes.purposes(db)
    return render_template("utilization/index.html", rows=rows, stats=numbers, picked=picked, q=words,
                           purposes=choices, year=year, self_service=services().settings.self_service,
                           L=words_of(choices))


@bp.post("/requests")
@login_required
def create():
    form = request.form
    with unit_of_work() as db:
        made = requests.register(db, g.identity, name=form.get("name", ""), id_number=form.get("id_number", ""),
                                 purpose=form.get("purpose", ""), unit=form.get("unit", ""),
                                 letter_no=form.get("letter_no", ""), purpose_note=form.get("note", ""),
                                 records=form.getlist("record"))
    flash(_("已登记：%(number)s", number=made["number"]), "ok")
    return redirect(url_for("utilization.detail", request_id=made["id"]))


@bp.get("/requests/<int:request_id>")
@login_required
def detail(request_id: int):
    words = request.args.get("q", "")
    with unit_of_work() as db:
        data = requests.detail(db, g.identity, request_id)
        picked = requests.pick(db, g.identity, words) if words.strip() else []
        people = certify.approvers(db, g.identity)
        choices = purposes.purposes(db)
    return render_template("utilization/detail.html", r=data, picked=picked, q=words, approvers=people,
                           outcomes=requests.CLOSING_OUTCOMES, forms=certify.FORM_CODES, L=words_of(choices))


@bp.post("/requests/<int:request_id>/records")
@login_required
def add_records(request_id: int):
    with unit_of_work() as db:
        requests.add_found(db, g.identity, request_id, request.form.getlist("record"))
    return redirect(url_for("utilization.detail", request_id=request_id))


@bp.post("/requests/<int:request_id>/close")
@login_required
def close(request_id: int):
    with unit_of_work() as db:
        requests.close(db, g.identity, request_id, outcome=request.form.get("outcome", ""),
                       note=request.form.get("note", ""))
    flash(_("已办结"), "ok")
    return redirect(url_for("utilization.detail", request_id=request_id))


@bp.post("/requests/<int:request_id>/copies")
@login_required
def issue_copy(request_id: int):
    form = request.form
    store, seal_path = services().store, services().settings.seal_image
    with unit_of_work() as db:
        issued = certify.issue(db, g.identity, form.get("record", ""), pages=form.get("pages", ""),
                               copies=_copies(form.get("copies")), requester=form.get("requester", ""), store=store,
                               request=request_id, form=form.get("form", "electronic"),
                               approved_by=form.get("approved_by", ""),
                               approval=form.get("issuing_organ_approval", ""), copying_organ=form.get("organ", ""),
                               seal_path=seal_path, verify_url=_verify_url())
    flash(_("复制件已出具：%(serial)s", serial=issued.copy["serial"]), "ok")
    return redirect(url_for("utilization.detail", request_id=request_id))


@bp.get("/copies/<serial>.pdf")
@login_required
def copy_file(serial: str):
    with unit_of_work() as db:
        body, name = certify.copy_file(db, g.identity, serial, services().store)
    return _send(body, "application/pdf", name)


@bp.get("/register.<fmt>")
@login_required
def register_file(fmt: str):
    with unit_of_work() as db:
        body, media, name = register.printout(db, g.identity, year=_year(request.args.get("year")), fmt=fmt)
    return _send(body, media, name)


@bp.post("/codes")
@login_required
def issue_code():
    with unit_of_work() as db:
        made = self_service.issue_code(db, g.identity, id_number=request.form.get("id_number", ""),
                                       name=request.form.get("name", ""))
    return render_template("utilization/code.html", made=made)


# -- /api/v1/utilization ---------------------------------------------------------------------------
def api_unit_of_work():
    return services().unit_of_work(g.identity)


def _text(data: dict, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    return value


@api_bp.get("/utilization/requests")
@token_required
def api_list():
    with api_unit_of_work() as db:
        return jsonify({"requests": requests.list_requests(
            db, g.identity, year=request.args.get("year", type=int), open_only=request.args.get("open") == "true")})


@api_bp.post("/utilization/requests")
@token_required
def api_register():
    data = _body(name=str, id_number=str, purpose=str, unit=str, letter_no=str, note=str, record_ids=list)
    with api_unit_of_work() as db:
        made = requests.register(db, g.identity, name=_text(data, "name"), id_number=_text(data, "id_number"),
                                 purpose=_text(data, "purpose"), unit=_text(data, "unit"),
                                 letter_no=_text(data, "letter_no"), purpose_note=_text(data, "note"),
                                 records=list(data.get("record_ids") or []))
    return jsonify(made), 201


@api_bp.get("/utilization/requests/<int:request_id>")
@token_required
def api_detail(request_id: int):
    with api_unit_of_work() as db:
        return jsonify(requests.detail(db, g.identity, request_id))


@api_bp.post("/utilization/requests/<int:request_id>/records")
@token_required
def api_add(request_id: int):
    data = _body(record_ids=list)
    with api_unit_of_work() as db:
        return jsonify(requests.add_found(db, g.identity, request_id, list(data.get("record_ids") or [])))


@api_bp.post("/utilization/requests/<int:request_id>/close")
@token_required
def api_close(request_id: int):
    data = _body(outcome=str, note=str)
    with api_unit_of_work() as db:
        return jsonify(requests.close(db, g.identity, request_id, outcome=_text(data, "outcome"),
                                      note=_text(data, "note")))


@api_bp.get("/utilization/records")
@token_required
def api_pick():
    with api_unit_of_work() as db:
        return jsonify({"records": requests.pick(db, g.identity, request.args.get("q", ""))})


@api_bp.get("/utilization/stats")
@token_required
def api_stats():
    with api_unit_of_work() as db:
        return jsonify(register.stats(db, g.identity, year=request.args.get("year", type=int)))


@api_bp.get("/utilization/register")
@token_required
def api_register_file():
    with api_unit_of_work() as db:
        body, media, name = register.printout(db, g.identity, year=request.args.get("year", type=int),
                                              fmt=request.args.get("format", "pdf"))
    return _send(body, media, name)


@api_bp.post("/utilization/copies")
@token_required
def api_certify():
    data = _body(record_id=int, pages=str, copies=int, requester=str, request_id=int, approved_by=str,
                 issuing_organ_approval=str, organ=str, form=str)
    store, seal_path = services().store, services().settings.seal_image
    with api_unit_of_work() as db:
        issued = certify.issue(db, g.identity, data.get("record_id", 0), pages=_text(data, "pages"),
                               copies=data.get("copies", 1), requester=_text(data, "requester"), store=store,
                               request=data.get("request_id"), approved_by=_text(data, "approved_by"),
                               approval=_text(data, "issuing_organ_approval"), copying_organ=_text(data, "organ"),
                               form=data.get("form", "electronic"), seal_path=seal_path, verify_url=_verify_url())
    return jsonify(issued.copy), 201


@api_bp.get("/utilization/copies/<serial>")
@token_required
def api_copy_file(serial: str):
    with api_unit_of_work() as db:
        body, name = certify.copy_file(db, g.identity, serial, services().store)
    return _send(body, "application/pdf", name)


@api_bp.post("/utilization/codes")
@token_required
def api_code():
    data = _body(id_number=str, name=str)
    with api_unit_of_work() as db:
        return jsonify(self_service.issue_code(db, g.identity, id_number=_text(data, "id_number"),
                                               name=_text(data, "name"))), 201
