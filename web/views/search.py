"""Search: facets, highlights, filters, paging; a hit opens its record at the matching page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, render_template, request

from archive.errors import ValidationError
from archive.policy import READER_ROLES, Action, may
from web.auth import login_required, services
from web.exports import export_search
from web.search_params import build_query, run_search

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def page():  # noqa: ANN201
    result, error, query = None, None, None
    if g.viewer.role in READER_ROLES and (request.args.get("q") or any(k != "page" for k in request.args)):
        try:
            query = build_query(g.viewer, request.args, multi=request.args.getlist)
            with services().catalog.session() as db:
                result = run_search(services(), db, query)
        except ValidationError as exc:
            error = str(exc)
    template = "_search_results.html" if request.headers.get("HX-Request") else "search.html"
    return render_template(template, result=result, error=error, query=query, args=request.args,
                           can_export=may(g.viewer, Action.EXPORT))


@bp.get("/search/export.csv")
@login_required
def export():  # noqa: ANN201
    if not may(g.viewer, Action.EXPORT):
        abort(403)
    query = build_query(g.viewer, request.args, multi=request.args.getlist)
    with services().catalog.session() as db:
        body = export_search(services(), db, g.viewer, query)
    # BOM: Excel on Chinese Windows then reads the file as UTF-8.
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="search-export.csv"'})
