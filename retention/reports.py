"""Compliance reports for auditors (DOMAIN.md §6, issue 6), reproducible as of a date: every
section is computed from history (retention changes, decision, approval, signature, hold and
review timestamps, destruction times), not from today's state, so running the report for the
same date again gives the same rows and the same digest.

Sections owned by other packages (overdue loans, fixity failures) plug in through
`register_section`; until one is registered the section says it is not available.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive import audit, paper, tabular
from archive.clock import CHINA, today
from archive.codes import STATE_SECRET_LEVELS
from archive.lifecycle_models import (
    AppraisalItem,
    DestructionApproval,
    DestructionEntry,
    DestructionRegister,
    DestructionWitness,
    Hold,
    RetentionChange,
    SecrecyReview,
)
from archive.models import Record, StoredObject
from archive.policy import Viewer
from archive.visibility import can_see_record_id, can_see_volume_ref
from retention import holds, report_sections, rules, schedule
from retention.rows import get as existing

Section = Callable[[Session, dt.date], list[dict[str, Any]]]
TITLES = {
    "due_not_appraised": "到期未鉴定档案",
    "destroyed": "已销毁档案及其鉴定、审批、监销链",
    "active_holds": "有效冻结",
    "overdue_declassification": "逾期未审核的解密",
    "overdue_loans": "逾期未还借阅",
    "fixity_failures": "完整性校验失败",
    "audit_chain": "审计链校验",
}
# Sections other engineers' packages provide (lending, fixity): name -> function(session, as_of).
EXTERNAL_SECTIONS: dict[str, Section | None] = {
    "overdue_loans": report_sections.overdue_loans,
    "fixity_failures": report_sections.fixity_failures,
}


def register_section(name: str, provider: Section) -> None:
    """Plug in a section computed elsewhere, e.g. register_section('overdue_loans', lending.overdue_as_of)."""
    EXTERNAL_SECTIONS[name] = provider


def cutoff(as_of: dt.date) -> dt.datetime:
    """The end of the day `as_of` in China time: everything that happened on or before it counts."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), CHINA).astimezone(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _before(value: dt.datetime | None, end: dt.datetime) -> bool:
    return value is not None and _aware(value) < end


def due_not_appraised(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    end = cutoff(as_of)
    changed_later = select(RetentionChange.record_id).where(RetentionChange.changed_at >= end)
    where = (Record.created_at < end, or_(Record.destroyed_at.is_(None), Record.destroyed_at >= end),
             or_(Record.retention_due <= as_of, Record.id.in_(changed_later)))
    candidate_ids = select(Record.id).where(*where)
    # Three queries in all, whatever the number of records: histories and decisions in bulk.
    changes: dict[int, list[RetentionChange]] = {}
    for c in session.execute(select(RetentionChange).where(RetentionChange.record_id.in_(candidate_ids))
                             .order_by(RetentionChange.id)).scalars():
        changes.setdefault(c.record_id, []).append(c)
    decided: set[tuple[int, dt.date]] = set()
    for item in session.execute(select(AppraisalItem).where(AppraisalItem.record_id.in_(candidate_ids),
                                                            AppraisalItem.decided_at.is_not(None))).scalars():
        if _before(item.decided_at, end) and item.due_on is not None:
            decided.add((item.record_id, item.due_on))
    out = []
    for record in session.execute(select(Record).where(*where).order_by(Record.id)).scalars():
        history = changes.get(record.id, [])
        due = schedule.due_as_of(record, history, end)
        if due is None or due > as_of or (record.id, due) in decided:
            continue
        later = [c for c in history if _aware(c.changed_at) >= end]
        retention = later[0].old_retention if later else record.retention  # as it stood then
        out.append({"record_id": record.id, "archival_code": record.archival_code, "title": record.title,
                    "category": record.category_code, "retention": retention, "due": due.isoformat()})
    return out


def destroyed(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    """Every record destroyed by the date, each with its whole chain; `chain_complete` says
    whether appraisal, every required approval and two witnesses preceded the destruction."""
    end = cutoff(as_of)
    minimum = int(rules.get(session, "witness_min"))
    out = []
    for record in session.execute(select(Record).where(Record.destroyed_at < end).order_by(Record.id)).scalars():
        if record.destroyed_at is None:  # not reached: the query selects destroyed records
            continue
        entry = session.execute(select(DestructionEntry).where(DestructionEntry.record_id == record.id)).scalar_one_or_none()
        row: dict[str, Any] = {"record_id": record.id, "archival_code": record.archival_code, "title": record.title,
                               "destroyed_at": _aware(record.destroyed_at).isoformat()}
        if entry is None:
            out.append({**row, "chain_complete": False, "problem": "no register entry"})
            continue
        register = existing(session, DestructionRegister, entry.register_id, "register")
        when = _aware(record.destroyed_at)
        item = session.execute(select(AppraisalItem).where(
            AppraisalItem.batch_id == register.batch_id, AppraisalItem.record_id == record.id)).scalar_one_or_none()
        approved = [a for a in session.execute(select(DestructionApproval).where(
            DestructionApproval.register_id == register.id)).scalars() if _before(a.approved_at, when + dt.timedelta(seconds=1))]
        signed = [w for w in session.execute(select(DestructionWitness).where(
            DestructionWitness.register_id == register.id)).scalars() if _before(w.signed_at, when + dt.timedelta(seconds=1))]
        problems = []
        if item is None or item.decision != "destroy":
            problems.append("no appraisal decision to destroy")
        missing = [r for r in register.required_roles if r not in {a.role for a in approved}]
        if missing:
            problems.append(f"missing approval: {','.join(missing)}")
        if len(signed) < minimum:
            problems.append(f"{len(signed)} witnesses")
        out.append({
            **row, "register_id": register.id, "entry_seq": entry.seq_no, "appraisal_batch": register.batch_id,
            "appraisal_decision": item.decision if item else None, "appraisal_reason": item.reason if item else None,
            "appraised_by": item.decided_by if item else None,
            "approvers": ";".join(f"{a.approver}({a.role})" for a in approved),
            "witnesses": ";".join(w.witness for w in signed), "method": register.method, "place": register.place,
            "register_record_id": register.register_record_id, "chain_complete": not problems,
            "problem": "; ".join(problems),
        })
    return out


def active_holds(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    return [{"hold_id": h.id, "reason": h.reason, "scope": h.scope, "target": h.target or json.dumps(h.query, ensure_ascii=False),
             "placed_by": h.placed_by, "placed_at": _aware(h.placed_at).isoformat()}
            for h in holds.active_holds(session, at=cutoff(as_of))]


def overdue_declassification(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    """State secrets whose term ended before the date with no review of that term by then."""
    end = cutoff(as_of)
    secret = sorted(s.value for s in STATE_SECRET_LEVELS)
    reviewed_later = select(SecrecyReview.record_id).where(SecrecyReview.reviewed_at >= end)
    where = (Record.created_at < end, or_(Record.destroyed_at.is_(None), Record.destroyed_at >= end),
             or_(Record.secrecy.in_(secret), Record.id.in_(reviewed_later)))
    reviews: dict[int, list[SecrecyReview]] = {}
    for r in session.execute(select(SecrecyReview).where(SecrecyReview.record_id.in_(select(Record.id).where(*where)))
                             .order_by(SecrecyReview.id)).scalars():
        reviews.setdefault(r.record_id, []).append(r)
    out = []
    for record in session.execute(select(Record).where(*where).order_by(Record.id)).scalars():
        mine = reviews.get(record.id, [])
        later = [r for r in mine if not _before(r.reviewed_at, end)]
        term_end = later[0].term_end if later else record.declassify_on  # the term as it stood then
        if term_end is None or term_end >= as_of:
            continue
        if any(r.term_end == term_end and _before(r.reviewed_at, end) for r in mine):
            continue
        out.append({"record_id": record.id, "archival_code": record.archival_code, "title": record.title,
                    "term_end": term_end.isoformat()})
    return out


def visible_rows(session: Session, viewer: Viewer, name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One section as the viewer may see it: a row about a record, volume, hold or object above
    their clearance or outside their scope is left out, so no title, code or count reveals it."""
    if viewer.system:
        return rows
    out = []
    for row in rows:
        if "record_id" in row and not can_see_record_id(session, viewer, row["record_id"]):
            continue
        if name == "active_holds" and not holds.hold_visible(session, viewer, existing(session, Hold, row["hold_id"])):
            continue
        if "volume_id" in row and not can_see_volume_ref(session, viewer, row["volume_id"]):
            continue
        if name == "fixity_failures" and not _object_visible(session, viewer, row.get("key")):
            continue
        if row.get("register_record_id") and not can_see_record_id(session, viewer, row["register_record_id"]):
            row = {**row, "register_record_id": None}
        out.append(row)
    return out


def _object_visible(session: Session, viewer: Viewer, key: str | None) -> bool:
    owners = set(session.execute(select(StoredObject.record_id).where(
        StoredObject.sha256 == key, StoredObject.record_id.is_not(None))).scalars()) if key else set()
    return not owners or any(can_see_record_id(session, viewer, rid) for rid in owners)


def build(session: Session, as_of: dt.date | None = None, anchors=None, *,
          viewer: Viewer | None = None) -> dict[str, Any]:
    """The report; with `viewer`, every section holds only the rows that viewer may see (the
    digest is then over those rows: the same viewer, date and history give the same digest)."""
    as_of = as_of or today()
    sections: dict[str, Any] = {
        "due_not_appraised": due_not_appraised(session, as_of),
        "destroyed": destroyed(session, as_of),
        "active_holds": active_holds(session, as_of),
        "overdue_declassification": overdue_declassification(session, as_of),
    }
    for name, provider in EXTERNAL_SECTIONS.items():
        sections[name] = provider(session, as_of) if provider else [{"available": False,
                                                                     "note": f"no provider registered for {name}"}]
    if viewer is not None:
        sections = {name: visible_rows(session, viewer, name, rows) for name, rows in sections.items()}
    verification = audit.verify(session, anchors)
    sections["audit_chain"] = [verification.to_dict()]
    body = json.dumps({k: v for k, v in sections.items() if k != "audit_chain"}, sort_keys=True, ensure_ascii=False,
                      default=str)
    return {
        "as_of": as_of.isoformat(), "sections": sections,
        "digest": hashlib.sha256(body.encode()).hexdigest(),  # same date, same history -> same digest
        "destroyed_chain_complete": all(r["chain_complete"] for r in sections["destroyed"]),
        "visible_to": None if viewer is None else {"username": viewer.username, "clearance": viewer.clearance.value},
    }


# -- writers --------------------------------------------------------------------------------
def _columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        cols += [k for k in row if k not in cols]
    return cols


def to_csv(report: dict[str, Any]) -> str:
    """Every section one after another, each after a '# name' line (archive.tabular: text stays text)."""
    lines: list[Sequence[object]] = []
    for name, rows in report["sections"].items():
        cols = _columns(rows)
        lines += [[], [f"# {name}", TITLES.get(name, name), f"{len(rows)} rows"], cols]
        lines += [[row.get(c, "") for c in cols] for row in rows]
    heading = ["report_as_of", report["as_of"], "digest", report["digest"]]
    return tabular.to_csv(heading, lines, encoding="utf-8").decode("utf-8")


def to_xlsx(report: dict[str, Any]) -> bytes:
    summary = [["digest", report["digest"]]]
    summary += [[name, TITLES.get(name, name), len(rows)] for name, rows in report["sections"].items()]
    sheets: list[tuple[str, list[str], list[list[object]]]] = [("summary", ["as_of", str(report["as_of"])], summary)]
    for name, rows in report["sections"].items():
        cols = _columns(rows)
        sheets.append((name, cols, [[_cell(row.get(c)) for c in cols] for row in rows]))
    return tabular.to_xlsx_sheets(sheets)


def _cell(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


def to_pdf(report: dict[str, Any]) -> bytes:
    tables = []
    for name, rows in report["sections"].items():
        cols = _columns(rows) or ["-"]
        tables.append((f"{TITLES.get(name, name)}（{len(rows)}）", cols, [[row.get(c, "") for c in cols] for row in rows]))
    return paper.document(f"档案合规报告（截至 {report['as_of']}）", [f"摘要校验值：{report['digest']}"], tables,
                          landscape=True)
