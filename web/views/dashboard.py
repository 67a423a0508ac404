"""The dashboard: counts and charts over the records the viewer may see."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_babel import gettext as _

from archive.dashboard import stats
from web.auth import login_required, services
from web.charts import bar_chart
from web.templating import code_label

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@login_required
def home():
    with services().unit_of_work(g.identity) as db:
        numbers = stats(db, g.identity)
    charts = [
        (_("近两周每日入库页数"), bar_chart(numbers["pages_per_day"], title=_("近两周每日入库页数"))),
        (_("各门类档案数"), bar_chart([(code_label("category", c), n) for c, n in numbers["by_category"]],
                                    title=_("各门类档案数"))),
        (_("各年度档案数"), bar_chart(numbers["by_year"], title=_("各年度档案数"))),
        (_("各年度到期待鉴定数"), bar_chart(numbers["due_by_year"], title=_("各年度到期待鉴定数"))),
        (_("近一年每月借阅数"), bar_chart(numbers["loans_per_month"], title=_("近一年每月借阅数"))),
    ]
    return render_template("dashboard.html", numbers=numbers, charts=charts)
