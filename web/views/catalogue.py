"""Catalogue import from the web (issue 14): upload the old catalogue, see the dry run as a
preview table with every bad row and its reason, then confirm; and the catalogue export.

The uploaded files wait in a staging folder under ARCHIVE_HOME named by a random token that only
this person's session holds, so a confirmation imports exactly what was previewed.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from flask import Blueprint, Response, abort, g, redirect, render_template, request, session, url_for
from werkzeug.utils import secure_filename

from archive.catalogue import export as catalogue_export
from archive.catalogue.service import import_catalogue
from archive.errors import ValidationError
from archive.policy import Action
from web.auth import requires, services
from web.templating import page_language

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
STAGED = "catalogue_import"  # session key: the token of the staged upload
SUFFIXES = (".xlsx", ".xlsm", ".csv")



def _staging(token: str) -> Path:
    if not token.isalnum():
        abort(400)
    return services().settings.home / "catalogue-imports" / token


@bp.get("/import")
@requires(Action.FILE)
def import_page():
    return render_template("catalogue/import.html")


@bp.post("/import")
@requires(Action.FILE)
def preview():
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        raise ValidationError("choose at least one catalogue file (.xlsx or .csv)")
    _discard()
    token = secrets.token_hex(16)
    folder = _staging(token)
    folder.mkdir(parents=True)
    for n, upload in enumerate(files):
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in SUFFIXES:
            shutil.rmtree(folder, ignore_errors=True)
            raise ValidationError("only .xlsx or .csv files can be imported")
        # Keep a readable name (the report names files); secure_filename drops Chinese, so number it.
        stem = secure_filename(Path(upload.filename or "").stem) or f"catalogue-{n + 1}"
        upload.save(folder / f"{n + 1:02d}-{stem}{suffix}")
    session[STAGED] = token
    report = import_catalogue(services().catalog, g.identity, _files(folder), dry_run=True)
    return render_template("catalogue/preview.html", report=report.as_dict(page_language()))


@bp.post("/import/confirm")
@requires(Action.FILE)
def confirm():
    token = session.pop(STAGED, None)
    if not token or not _staging(token).is_dir():
        return redirect(url_for("catalogue.import_page"))
    folder = _staging(token)
    try:
        report = import_catalogue(services().catalog, g.identity, _files(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return render_template("catalogue/done.html", report=report.as_dict(page_language()))


@bp.post("/import/cancel")
@requires(Action.FILE)
def cancel():
    _discard()
    return redirect(url_for("catalogue.import_page"))


def _discard() -> None:
    token = session.pop(STAGED, None)
    if token:
        shutil.rmtree(_staging(token), ignore_errors=True)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)


@bp.get("/export")
@requires(Action.EXPORT)
def export_page():
    return render_template("catalogue/export.html", layouts=catalogue_export.LAYOUT_ORDER)


@bp.get("/export/download")
@requires(Action.EXPORT)
def download():
    layouts = [name for name in request.args.getlist("layout") if name] or list(catalogue_export.LAYOUT_ORDER)
    year = request.args.get("year", "").strip()
    if year and not year.isdigit():
        raise ValidationError("year must be four digits")
    selection = catalogue_export.Selection(request.args.get("fonds") or None, int(year) if year else None,
                                           request.args.get("category") or None,
                                           request.args.get("retention") or None)
    as_csv = request.args.get("format") == "csv"
    if as_csv and len(layouts) != 1:
        raise ValidationError("a CSV holds one layout: choose one")
    with services().unit_of_work(g.identity) as db:
        tables = catalogue_export.export_catalogue(db, g.identity, layouts=layouts, selection=selection)
    if as_csv:
        body = catalogue_export.to_csv(tables[0], gb18030=request.args.get("encoding") == "gb18030")
        return Response(body, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="catalogue-{layouts[0]}.csv"'})
    return Response(catalogue_export.to_xlsx(tables),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="catalogue.xlsx"'})
