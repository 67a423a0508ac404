"""Search: facets, highlights, filters, paging; a hit opens its record at the matching page."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request

from archive.errors import ValidationError
from archive.policy import Action, may
from search.service import may_search
from web.auth import login_required, services
from web.exports import export_csv
from web.search_params import build_query

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def page():
    result, error, query = None, None, None
    # Roles that do not search the holdings (the service refuses them) get the form without results.
    if may_search(g.viewer) and (request.args.get("q") or any(k != "page" for k in request.args)):
        try:
            query = build_query(g.viewer, request.args, multi=request.args.getlist)
            result = services().search_service().search(g.identity, query)
        except ValidationError as exc:
            error = str(exc)
    template = "_search_results.html" if request.headers.get("HX-Request") else "search.html"
    return render_template(template, result=result, error=error, query=query, args=request.args,
                           can_export=may(g.viewer, Action.EXPORT) and may_search(g.viewer))


@bp.get("/search/export.csv")
@login_required
def export():
    body = export_csv(build_query(g.viewer, request.args, multi=request.args.getlist))
    # BOM: Excel on Chinese Windows then reads the file as UTF-8.
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="search-export.csv"'})
