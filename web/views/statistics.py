"""The annual statistics report (档案统计年报, retention.annual_statistics): the page with its charts
for auditors, archivists and approvers, its PDF/A and spreadsheet, and the API. Each route parses
the year and format, calls one service, presents."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, jsonify, render_template, request
from flask_babel import gettext as _

from archive.clock import today
from archive.errors import ValidationError
from retention import annual_statistics
from web.auth import login_required, services
from web.charts import bar_chart
from web.templating import code_label
from web.views.api import bp as api_bp
from web.views.api import token_required

bp = Blueprint("statistics", __name__)


def _year() -> int:
    raw = request.args.get("year") or str(today().year - 1)  # the report is made for the year just ended
    if not raw.isdigit() or len(raw) != 4:
        raise ValidationError(_("年度须为四位数字"))
    return int(raw)


def _file(year: int, fmt: str) -> Response:
    with services().unit_of_work(g.identity) as db:
        body, media_type, _data = annual_statistics.render(db, g.identity, year=year, fmt=fmt)
    name = f"annual-statistics-{year}.{fmt}"
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/statistics/annual", endpoint="annual")
@login_required
def annual_page():
    year, fmt = _year(), request.args.get("format", "")
    if fmt in ("pdf", "xlsx"):
        return _file(year, fmt)
    if fmt:
        abort(400)
    with services().unit_of_work(g.identity) as db:
        report = annual_statistics.annual(db, g.identity, year=year)
    totals = {}
    for row in report["holdings"]:
        totals[row["category"]] = totals.get(row["category"], 0) + row["items"]
    charts = [
        (_("各门类馆藏件数"), bar_chart([(code_label("category", c), n) for c, n in totals.items()],
                                   title=_("各门类馆藏件数"))),
        (_("本年度新增件数"), bar_chart([(code_label("category", r["category"]), r["items"]) for r in report["additions"]],
                                   title=_("本年度新增件数"))),
        (_("利用方式（次）"), bar_chart([(r["form_name"], r["requests"]) for r in report["uses"]["by_form"]],
                                  title=_("利用方式（次）"))),
        (_("本年度销毁件数"), bar_chart([(code_label("category", r["category"]), r["items"])
                                    for r in report["destructions"]], title=_("本年度销毁件数"))),
    ]
    return render_template("statistics/annual.html", r=report, charts=charts, tables=annual_statistics.tables(report))


@api_bp.get("/statistics/annual")
@token_required
def annual_api():
    year, fmt = _year(), request.args.get("format", "json")
    if fmt in ("pdf", "xlsx"):
        return _file(year, fmt)
    if fmt != "json":
        raise ValidationError("format is json, pdf or xlsx")
    with services().unit_of_work(g.identity) as db:
        return jsonify(annual_statistics.annual(db, g.identity, year=year))
