"""The 利用登记簿 (utilization register) with its statistics by purpose and by outcome, as a page,
a PDF/A for filing and an XLSX. Only requests whose every record the reader may see are counted
or listed: numbers above a clearance would tell that such records exist."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, paper, tabular
from archive.arrangement.common import display_names, unit_name
from archive.errors import ValidationError
from archive.identity import Identity
from archive.policy import Action, require
from archive.utilization import id_card, purposes
from archive.utilization.messages import KINDS, OUTCOMES, label
from archive.utilization.models import CertifiedCopy
from archive.utilization.requests import beijing, desk, found_records, visible_requests

MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
COLUMNS = ["登记号", "日期", "利用者", "身份证号", "来查方式", "单位及介绍信", "利用目的", "利用档案", "利用结果",
           "复制件", "经办人"]


def stats(session: Session, identity: Identity, *, year: int | None = None) -> dict[str, Any]:
    viewer = desk(session, identity)
    rows = visible_requests(session, viewer, year=year)
    audit.record(session, viewer.username, "utilization.stats", "", {"year": year, "count": len(rows)})
    return _stats(session, rows, year)


def _stats(session: Session, rows: list, year: int | None) -> dict[str, Any]:
    by_purpose = Counter(r.purpose for r in rows)
    by_outcome = Counter(r.outcome for r in rows)
    by_kind = Counter(r.kind for r in rows)
    return {
        "year": year, "total": len(rows),
        "by_purpose": [{"code": c, "label": purposes.purpose_label(session, c), "count": n}
                       for c, n in by_purpose.most_common()],
        "by_outcome": [{"code": c, "label": label(OUTCOMES, c), "count": n} for c, n in by_outcome.most_common()],
        "by_kind": [{"code": c, "label": label(KINDS, c), "count": n} for c, n in by_kind.most_common()],
    }


def printout(session: Session, identity: Identity, *, year: int | None = None,
             fmt: str = "pdf") -> tuple[bytes, str, str]:
    """The register as (bytes, media type, file name); the export is audited."""
    viewer = desk(session, identity)
    require(viewer, Action.EXPORT)
    if fmt not in MEDIA:
        raise ValidationError("format must be pdf or xlsx")
    rows = visible_requests(session, viewer, year=year)
    numbers = _stats(session, rows, year)
    table = _rows(session, rows)
    title = f"{year}年利用登记簿" if year else "利用登记簿"
    if fmt == "pdf":
        counts = [("按利用目的统计", ["利用目的", "人次"], [[p["label"], p["count"]] for p in numbers["by_purpose"]]),
                  ("按利用结果统计", ["利用结果", "人次"], [[o["label"], o["count"]] for o in numbers["by_outcome"]])]
        body = paper.document(title, [f"共 {numbers['total']} 人次"], [("", COLUMNS, table), *counts],
                              landscape=True, signatures=["档案员"], unit=unit_name(session))
    else:
        body = tabular.to_xlsx_sheets([
            (title, COLUMNS, table),
            ("按利用目的统计", ["利用目的", "人次"], [[p["label"], p["count"]] for p in numbers["by_purpose"]]),
            ("按利用结果统计", ["利用结果", "人次"], [[o["label"], o["count"]] for o in numbers["by_outcome"]]),
        ])
    audit.record(session, viewer.username, "utilization.register.print", "",
                 {"year": year, "format": fmt, "count": len(rows)})
    return body, MEDIA[fmt], f"{title}.{fmt}"


def _rows(session: Session, rows: list) -> list[list[object]]:
    names = display_names(session, [r.registered_by for r in rows])
    out = []
    for r in rows:
        codes = "、".join(rec.archival_code or str(rec.id) for rec in found_records(session, r))
        serials = "、".join(session.execute(select(CertifiedCopy.serial)
                                           .where(CertifiedCopy.request_id == r.id)).scalars())
        papers = f"{r.unit}（介绍信 {r.letter_no}）" if r.unit else ""
        out.append([r.number, beijing(r.registered_at), r.requester_name, id_card.masked(r.requester_id_number),
                    label(KINDS, r.kind, "zh"), papers, purposes.purpose_label(session, r.purpose, "zh"), codes,
                    label(OUTCOMES, r.outcome, "zh"), serials, names.get(r.registered_by, r.registered_by)])
    return out
