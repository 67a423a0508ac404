"""Holdings as the archive room arranges them: a volume's items in order, boxes, personnel
dossiers, and the printouts of each (归档章, 卷内文件目录, 备考表, 盒封面与盒脊, 人事档案目录, ...).

Each view parses the form, calls one service of archive.arrangement as the signed-in person and
presents the result; people pick volumes, items and series from lists, never by typing an id.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.arrangement import boxes, case_files, choices, dossiers, printouts, shelves, volumes
from archive.errors import ValidationError
from archive.policy import Action, may
from web.auth import login_required, services

bp = Blueprint("holdings", __name__, url_prefix="/holdings")


def unit_of_work():
    return services().unit_of_work(g.identity)


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        raise ValidationError(_("请选择年度")) from None
    if not 1900 <= year <= 2999:
        raise ValidationError(_("请选择年度"))
    return year


@bp.get("/")
@login_required
def index():
    with unit_of_work() as db:
        options = choices.series_options(db, g.identity)
        places = shelves.tree(db, g.identity)
    return render_template("holdings/index.html", options=options, places=places)


def _count(value: str | None, label: str) -> int:
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationError(_("%(label)s须为数字", label=label))
    return int(text)


@bp.post("/locations")
@login_required
def lay_out_room():
    form = request.form
    with unit_of_work() as db:
        done = shelves.lay_out(db, g.identity, room=form.get("room", ""), rows=_count(form.get("rows"), _("排数")),
                               columns=_count(form.get("columns"), _("列数")),
                               sections=_count(form.get("sections"), _("节数")),
                               layers=_count(form.get("layers"), _("层数")))
    flash(_("库房 %(room)s 已设置，新增库位 %(n)s 个", room=done["room"], n=done["created"]), "ok")
    return redirect(url_for("holdings.index") + "#locations")


@bp.post("/volumes")
@login_required
def create_volume():
    form = request.form
    with unit_of_work() as db:
        if form.get("kind") == "case_file":
            data = case_files.open_case(db, g.identity, fonds=form.get("fonds", ""), year=_year(form.get("year")),
                                        retention=form.get("retention", ""), case_no=form.get("case_no", ""),
                                        title=form.get("title", ""))
        else:
            data = volumes.create(db, g.identity, fonds=form.get("fonds", ""), category=form.get("category", ""),
                                  year=_year(form.get("year")), retention=form.get("retention", ""),
                                  title=form.get("title", ""))
    flash(_("案卷已建立：%(code)s", code=data["volume"]["archival_code"]), "ok")
    return redirect(url_for("holdings.volume", volume_id=data["volume"]["id"]))


@bp.get("/volumes/<int:volume_id>")
@login_required
def volume(volume_id: int):
    with unit_of_work() as db:
        data = volumes.detail(db, g.identity, volume_id)
        may_arrange = may(g.viewer, Action.FILE)
        candidates = choices.volume_candidates(db, g.identity, volume_id) if may_arrange else []
    return render_template("holdings/volume.html", data=data, v=data["volume"], candidates=candidates,
                           may_arrange=may_arrange, may_print=may(g.viewer, Action.EXPORT))


@bp.post("/volumes/<int:volume_id>/add")
@login_required
def add_to_volume(volume_id: int):
    with unit_of_work() as db:
        volumes.add(db, g.identity, volume_id, request.form.getlist("record_id"), reason=request.form.get("reason", ""))
    flash(_("文件已加入案卷"), "ok")
    return redirect(url_for("holdings.volume", volume_id=volume_id))


@bp.post("/volumes/<int:volume_id>/remove")
@login_required
def remove_from_volume(volume_id: int):
    with unit_of_work() as db:
        volumes.remove(db, g.identity, volume_id, request.form.getlist("record_id"), reason=request.form.get("reason", ""))
    flash(_("文件已移出案卷"), "ok")
    return redirect(url_for("holdings.volume", volume_id=volume_id))


@bp.post("/volumes/<int:volume_id>/close")
@login_required
def close_case(volume_id: int):
    with unit_of_work() as db:
        case_files.close_case(db, g.identity, volume_id)
    flash(_("案件卷宗已结案"), "ok")
    return redirect(url_for("holdings.volume", volume_id=volume_id))


@bp.post("/boxes")
@login_required
def create_box():
    form = request.form
    with unit_of_work() as db:
        data = boxes.create(db, g.identity, fonds=form.get("fonds", ""), category=form.get("category", ""),
                            year=_year(form.get("year")), retention=form.get("retention", ""),
                            title=form.get("title", ""))
    flash(_("档案盒已建立：%(code)s", code=data["code"]), "ok")
    return redirect(url_for("holdings.box", box_id=data["id"]))


@bp.get("/boxes/<int:box_id>")
@login_required
def box(box_id: int):
    with unit_of_work() as db:
        data = boxes.show(db, g.identity, box_id)
        may_arrange = may(g.viewer, Action.FILE)
        candidates = choices.box_candidates(db, g.identity, box_id) if may_arrange else []
    return render_template("holdings/box.html", b=data, candidates=candidates, may_arrange=may_arrange,
                           may_print=may(g.viewer, Action.EXPORT))


@bp.post("/boxes/<int:box_id>/add")
@login_required
def add_to_box(box_id: int):
    with unit_of_work() as db:
        boxes.add(db, g.identity, box_id, request.form.getlist("record_id"))
    flash(_("文件已装盒"), "ok")
    return redirect(url_for("holdings.box", box_id=box_id))


@bp.route("/dossiers", methods=["GET", "POST"])
@login_required
def dossier():
    """The lookup is a POST: an identity number never goes into a URL (and so into access logs)."""
    id_number = (request.form.get("id_number") or "").strip() if request.method == "POST" else ""
    data = None
    if id_number:
        with unit_of_work() as db:
            data = dossiers.show(db, g.identity, id_number)
    return render_template("holdings/dossier.html", data=data, id_number=id_number,
                           may_print=may(g.viewer, Action.EXPORT))


PERSONAL_TARGETS = frozenset({"dossier"})  # printouts named by an identity number: POST only


@bp.route("/print/<kind>", methods=["GET", "POST"])
@login_required
def print_out(kind: str):
    if kind in PERSONAL_TARGETS and request.method != "POST":
        raise ValidationError(_("请从人事档案页面打印"))
    values = request.form if request.method == "POST" else request.args
    fmt = values.get("format", "pdf")
    target = values.get("target", "")
    with unit_of_work() as db:
        body = printouts.render(db, g.identity, kind, target, fmt)
    name = f"{kind}.{fmt if fmt in printouts.MEDIA else 'pdf'}"
    return Response(body, mimetype=printouts.MEDIA.get(fmt, "application/pdf"),
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
