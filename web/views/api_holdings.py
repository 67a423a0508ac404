"""/api/v1 routes for arrangement (issue 13): volumes (create, items in order, add, remove,
reorder, move, split, merge, check, close), boxes, personnel dossiers, arranging a year by rule
and the printouts.

Each handler takes the JSON body (checked against web/openapi.py on the way in), calls one
service of archive.arrangement as the token's person and answers with its result. A person's
identity number travels only in a POST body, never in a URL (URLs end up in logs).
"""

from __future__ import annotations

from flask import Response, g, jsonify

from archive.arrangement import auto_arrange, boxes, case_files, dossiers, printouts, volumes
from archive.errors import ValidationError
from web.auth import services
from web.views.api import _body, bp, token_required


def unit_of_work():
    return services().unit_of_work(g.identity)


def _ids(data: dict, name: str = "record_ids") -> list[int]:
    value = data.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationError(f"{name} must be a list of record ids")
    return value


def _text(data: dict, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    return value


# -- volumes ---------------------------------------------------------------------------------------
@bp.post("/volumes")
@token_required
def volume_create():
    data = _body(fonds=str, category=str, year=int, retention=str, title=str, org=str, department=str, kind=str,
                 case_no=str)
    with unit_of_work() as db:
        if data.get("kind") == "case_file":
            made = case_files.open_case(db, g.identity, fonds=_text(data, "fonds"), year=data.get("year", 0),
                                        retention=_text(data, "retention"), case_no=_text(data, "case_no"),
                                        title=_text(data, "title"), department=_text(data, "department"))
        else:
            made = volumes.create(db, g.identity, fonds=_text(data, "fonds"), category=_text(data, "category"),
                                  year=data.get("year", 0), retention=_text(data, "retention"),
                                  title=_text(data, "title"), org=_text(data, "org"),
                                  department=_text(data, "department"))
        return jsonify(made), 201


@bp.get("/volumes/<int:volume_id>/items")
@token_required
def volume_items(volume_id: int):
    with unit_of_work() as db:
        return jsonify(volumes.detail(db, g.identity, volume_id))


@bp.post("/volumes/<int:volume_id>/items")
@token_required
def volume_add(volume_id: int):
    data = _body(record_ids=list, reason=str)
    with unit_of_work() as db:
        return jsonify(volumes.add(db, g.identity, volume_id, _ids(data), reason=_text(data, "reason")))


@bp.put("/volumes/<int:volume_id>/items")
@token_required
def volume_reorder(volume_id: int):
    data = _body(record_ids=list)
    with unit_of_work() as db:
        return jsonify(volumes.reorder(db, g.identity, volume_id, _ids(data)))


@bp.post("/volumes/<int:volume_id>/items/remove")
@token_required
def volume_remove(volume_id: int):
    data = _body(record_ids=list, reason=str)
    with unit_of_work() as db:
        return jsonify(volumes.remove(db, g.identity, volume_id, _ids(data), reason=_text(data, "reason")))


@bp.post("/volumes/<int:volume_id>/items/move")
@token_required
def volume_move_item(volume_id: int):
    """Move one item of this volume into another, with a reason."""
    data = _body(record_id=int, to_volume_id=int, reason=str)
    with unit_of_work() as db:
        source = volumes.detail(db, g.identity, volume_id)
        if data.get("record_id") not in {i["id"] for i in source["items"]}:
            raise ValidationError("record_id is not an item of this volume")
        return jsonify(volumes.move_item(db, g.identity, data["record_id"], data.get("to_volume_id", 0),
                                         reason=_text(data, "reason")))


@bp.post("/volumes/<int:volume_id>/split")
@token_required
def volume_split(volume_id: int):
    data = _body(at=int, title=str, reason=str)
    with unit_of_work() as db:
        return jsonify(volumes.split(db, g.identity, volume_id, data.get("at", 0), title=_text(data, "title"),
                                     reason=_text(data, "reason"))), 201


@bp.post("/volumes/<int:volume_id>/merge")
@token_required
def volume_merge(volume_id: int):
    data = _body(source_id=int, reason=str)
    with unit_of_work() as db:
        return jsonify(volumes.merge(db, g.identity, volume_id, data.get("source_id", 0),
                                     reason=_text(data, "reason")))


@bp.post("/volumes/<int:volume_id>/check")
@token_required
def volume_check(volume_id: int):
    data = _body(note=str)
    with unit_of_work() as db:
        return jsonify(volumes.check(db, g.identity, volume_id, note=_text(data, "note")))


@bp.post("/volumes/<int:volume_id>/close")
@token_required
def volume_close(volume_id: int):
    with unit_of_work() as db:
        return jsonify(case_files.close_case(db, g.identity, volume_id))


# -- boxes -----------------------------------------------------------------------------------------
@bp.post("/boxes")
@token_required
def box_create():
    data = _body(fonds=str, category=str, year=int, retention=str, org=str, title=str, department=str)
    with unit_of_work() as db:
        return jsonify(boxes.create(db, g.identity, fonds=_text(data, "fonds"), category=_text(data, "category"),
                                    year=data.get("year", 0), retention=_text(data, "retention"),
                                    org=_text(data, "org"), title=_text(data, "title"),
                                    department=_text(data, "department"))), 201


@bp.get("/boxes/<int:box_id>")
@token_required
def box_show(box_id: int):
    with unit_of_work() as db:
        return jsonify(boxes.show(db, g.identity, box_id))


@bp.post("/boxes/<int:box_id>/items")
@token_required
def box_add(box_id: int):
    data = _body(record_ids=list)
    with unit_of_work() as db:
        return jsonify(boxes.add(db, g.identity, box_id, _ids(data)))


# -- personnel dossiers ------------------------------------------------------------------------------
@bp.post("/dossiers/lookup")
@token_required
def dossier_lookup():
    data = _body(id_number=str)
    with unit_of_work() as db:
        return jsonify(dossiers.show(db, g.identity, _text(data, "id_number")))


@bp.post("/dossiers/slot")
@token_required
def dossier_slot():
    data = _body(record_ids=list)
    with unit_of_work() as db:
        return jsonify({"dossiers": dossiers.slot(db, g.identity, _ids(data))})


# -- a year by rule, printouts -----------------------------------------------------------------------
@bp.post("/arrange")
@token_required
def arrange():
    data = _body(year=int, category=str, apply=bool, box_pages=int, volume_pages=int)
    with unit_of_work() as db:
        return jsonify(auto_arrange.arrange(
            db, g.identity, year=data.get("year", 0), category=_text(data, "category"), apply=bool(data.get("apply")),
            box_pages=data.get("box_pages", auto_arrange.BOX_PAGES),
            volume_pages=data.get("volume_pages", auto_arrange.VOLUME_PAGES)))


@bp.post("/print")
@token_required
def print_out():
    """A printout as PDF/A or XLSX; the target (a code, a series YEAR/CATEGORY[/RETENTION], an
    identity number) goes in the body."""
    data = _body(kind=str, target=str, format=str)
    fmt = _text(data, "format") or "pdf"
    kind = _text(data, "kind")
    with unit_of_work() as db:
        body = printouts.render(db, g.identity, kind, _text(data, "target"), fmt)
    return Response(body, mimetype=printouts.MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'})
