"""Retention as the pages and the API show it: thin calls into retention/, which checks roles,
separation of duties, holds and due dates, and audits every step.

The retention services filter for the viewer themselves (sweep.run(viewer=...),
holds.visible_holds, appraisal.visible_items, destruction.visible_entries, reports.build(viewer=...)),
all through archive.visibility, so nothing above the viewer's clearance appears here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from archive import audit
from archive.errors import Forbidden, ValidationError
from archive.lifecycle_models import AppraisalBatch, DestructionRegister
from archive.models import Record
from archive.policy import Action, Viewer, can_see, may
from retention import appraisal, destruction, holds, reports, sweep
from web.access import record_for

# Who works with retention at all: archivists (file), appraisers, approvers, witnesses, auditors.
RETENTION_ACTIONS = (Action.FILE, Action.APPRAISE, Action.APPROVE, Action.WITNESS, Action.READ_AUDIT)
LISTS = ("due_for_appraisal", "declassification_review", "yearly_secrecy_review", "due_for_transfer",
         "filing_overdue")
LIMIT = 200


def require_retention(viewer: Viewer) -> None:
    if not any(may(viewer, a) for a in RETENTION_ACTIONS):
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not work with retention")


def due_lists(db, viewer: Viewer, settings) -> dict:  # noqa: ANN001
    """The sweep's lists, only the rows the viewer may see (counts are of those rows)."""
    require_retention(viewer)
    result = sweep.run(db, settings, limit=LIMIT, viewer=viewer)
    out: dict = {"date": result["date"], "lists": {}}
    for name in LISTS:
        out["lists"][name] = {"count": result[name]["count"], "items": result[name]["items"]}
    audit.record(db, viewer.username, "retention.due.view", "retention", {"date": result["date"]})
    return out


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def hold_row(h) -> dict:  # noqa: ANN001
    return {"id": h.id, "reason": h.reason, "scope": h.scope, "target": h.target, "query": h.query or {},
            "placed_by": h.placed_by, "placed_at": _iso(h.placed_at), "released_at": _iso(h.released_at)}


def hold_list(db, viewer: Viewer) -> list[dict]:  # noqa: ANN001
    require_retention(viewer)
    return [hold_row(h) for h in holds.visible_holds(db, viewer)]


def hold_place(db, viewer: Viewer, data: dict, store) -> dict:  # noqa: ANN001
    query = data.get("query") or None
    if query is not None and not isinstance(query, dict):
        raise ValidationError("query must be an object")
    scope = _text(data.get("scope"), "scope")
    target = _text(data.get("target"), "target")
    return hold_row(holds.place(db, actor=viewer.username, reason=_text(data.get("reason"), "reason"), scope=scope,
                                target=target, query=query, store=store))


def hold_release(db, viewer: Viewer, hold_id: int, reason: str, store) -> dict:  # noqa: ANN001
    return hold_row(holds.release(db, hold_id=hold_id, actor=viewer.username, reason=_text(reason, "reason"),
                                  store=store))


def _text(value: object, name: str, limit: int = 1000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    return value.strip()[:limit]


def _ids(value: object, name: str) -> list[int]:
    from web.lending_views import _ids as ids

    return ids(value, name)


def _names(value: object, name: str) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= 50 for v in value):
        raise ValidationError(f"{name} must be a list of user names")
    return value


def _record_cell(db, viewer: Viewer, record_id: int) -> dict:  # noqa: ANN001
    record = db.get(Record, record_id)
    if record is None or not can_see(viewer, record):  # a destroyed record keeps its catalogue entry
        return {"id": None, "archival_code": "", "title": ""}
    return {"id": record.id, "archival_code": record.archival_code or "", "title": record.title}


def batch_row(db, viewer: Viewer, batch: AppraisalBatch, *, full: bool = False) -> dict:  # noqa: ANN001
    out = {"id": batch.id, "title": batch.title, "status": batch.status, "created_by": batch.created_by,
           "created_at": _iso(batch.created_at), "opinion": batch.opinion,
           "report_record_id": batch.report_record_id}
    if full:
        out["members"] = [{"username": m.username, "signed": m.signed_at is not None}
                          for m in appraisal.members(db, batch.id)]
        out["items"] = [{**_record_cell(db, viewer, i.record_id), "due_on": i.due_on.isoformat() if i.due_on else None,
                         "decision": i.decision, "reason": i.reason, "decided_by": i.decided_by,
                         "extend_years": i.extend_years}
                        for i in appraisal.visible_items(db, viewer, batch.id)]
    return out


def batches(db, viewer: Viewer) -> list[dict]:  # noqa: ANN001
    require_retention(viewer)
    rows = db.execute(select(AppraisalBatch).order_by(AppraisalBatch.id.desc()).limit(200)).scalars()
    return [batch_row(db, viewer, b) for b in rows]


def batch(db, viewer: Viewer, batch_id: int) -> dict:  # noqa: ANN001
    require_retention(viewer)
    return batch_row(db, viewer, appraisal.get_batch(db, batch_id), full=True)


def batch_create(db, viewer: Viewer, data: dict) -> dict:  # noqa: ANN001
    record_ids = _ids(data.get("record_ids"), "record_ids")
    for rid in record_ids:  # a record the viewer may not see does not exist for them
        record_for(db, viewer, rid)
    created = appraisal.create_batch(db, actor=viewer.username, title=_text(data.get("title"), "title", 200),
                                     members=_names(data.get("members"), "members"), record_ids=record_ids)
    return batch_row(db, viewer, created, full=True)


def decide(db, viewer: Viewer, batch_id: int, data: dict) -> dict:  # noqa: ANN001
    from web.lending_views import _int

    record_id = _int(data.get("record_id"), "record_id", 0, 1, 2**31 - 1)
    years = _int(data.get("years"), "years", 0, 0, 100) or None
    appraisal.decide(db, batch_id=batch_id, record_id=record_id, decision=_text(data.get("decision"), "decision"),
                     reason=_text(data.get("reason"), "reason"), by=viewer.username, years=years)
    return batch(db, viewer, batch_id)


def sign(db, viewer: Viewer, batch_id: int) -> dict:  # noqa: ANN001
    appraisal.sign(db, batch_id=batch_id, member=viewer.username)
    return batch(db, viewer, batch_id)


def conclude(db, viewer: Viewer, batch_id: int, opinion: str, store) -> dict:  # noqa: ANN001
    appraisal.conclude(db, store, batch_id=batch_id, actor=viewer.username, opinion=_text(opinion, "opinion"))
    return batch(db, viewer, batch_id)


def register_row(db, viewer: Viewer, register: DestructionRegister, *, full: bool = False) -> dict:  # noqa: ANN001
    out = {"id": register.id, "batch_id": register.batch_id, "title": register.title, "status": register.status,
           "requested_by": register.requested_by, "required_roles": list(register.required_roles or []),
           "method": register.method, "place": register.place, "executed_at": _iso(register.executed_at),
           "register_record_id": register.register_record_id}
    if full:
        out["missing_roles"] = destruction.missing_roles(db, register)
        out["approvals"] = [{"approver": a.approver, "role": a.role, "opinion": a.opinion,
                             "approved_at": _iso(a.approved_at)} for a in destruction.approvals(db, register.id)]
        out["witnesses"] = [{"witness": w.witness, "signed_at": _iso(w.signed_at)}
                            for w in destruction.witnesses(db, register.id)]
        out["entries"] = [{**_record_cell(db, viewer, e.record_id), "seq_no": e.seq_no, "state": e.state,
                           "pages": e.pages, "secrecy": e.secrecy, "reason": e.reason,
                           "destroyed_at": _iso(e.destroyed_at)} for e in destruction.visible_entries(db, viewer, register.id)]
    return out


def registers(db, viewer: Viewer) -> list[dict]:  # noqa: ANN001
    require_retention(viewer)
    rows = db.execute(select(DestructionRegister).order_by(DestructionRegister.id.desc()).limit(200)).scalars()
    return [register_row(db, viewer, r) for r in rows]


def register(db, viewer: Viewer, register_id: int) -> dict:  # noqa: ANN001
    require_retention(viewer)
    return register_row(db, viewer, destruction.get_register(db, register_id), full=True)


def register_create(db, viewer: Viewer, data: dict) -> dict:  # noqa: ANN001
    from web.lending_views import _int

    batch_id = _int(data.get("batch_id"), "batch_id", 0, 1, 2**31 - 1)
    created = destruction.create_register(db, batch_id=batch_id, requested_by=viewer.username,
                                          title=_text(data.get("title"), "title", 200))
    return register_row(db, viewer, created, full=True)


def register_approve(db, viewer: Viewer, register_id: int, opinion: str) -> dict:  # noqa: ANN001
    destruction.approve(db, register_id=register_id, approver=viewer.username, opinion=_text(opinion, "opinion"))
    return register(db, viewer, register_id)


def register_witness(db, viewer: Viewer, register_id: int) -> dict:  # noqa: ANN001
    destruction.sign_witness(db, register_id=register_id, witness=viewer.username)
    return register(db, viewer, register_id)


def register_execute(services, viewer: Viewer, register_id: int, data: dict) -> dict:  # noqa: ANN001
    destruction.execute(services.catalog, services.store, register_id=register_id, actor=viewer.username,
                        method=_text(data.get("method"), "method", 100), place=_text(data.get("place"), "place", 200))
    with services.catalog.session() as db:
        return register(db, viewer, register_id)


def register_pdf(db, viewer: Viewer, register_id: int, *, certificate: bool = False) -> bytes:  # noqa: ANN001
    require_retention(viewer)
    found = destruction.get_register(db, register_id)
    body = destruction.register_pdf(db, found, certificate=certificate, viewer=viewer)
    audit.record(db, viewer.username, "destruction.register.pdf", f"register:{found.id}", {"certificate": certificate})
    return body


REPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf", "json": "application/json"}


def compliance_report(db, viewer: Viewer, as_of: str | None, fmt: str, anchors) -> tuple[bytes | dict, str]:  # noqa: ANN001
    """The auditors' compliance report: every section holds only rows the auditor may see."""
    if not may(viewer, Action.READ_AUDIT):
        raise Forbidden("the compliance report is for auditors")
    if fmt not in REPORT_TYPES:
        raise ValidationError("format must be json, csv, xlsx or pdf")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ValidationError("as_of must be a date (YYYY-MM-DD)") from None
    if day is not None and not dt.date(1900, 1, 1) <= day <= dt.date(2200, 12, 31):
        raise ValidationError("as_of is out of range")
    data = reports.build(db, day, anchors=anchors, viewer=viewer)
    audit.record(db, viewer.username, "retention.report", "compliance", {"as_of": data["as_of"], "format": fmt})
    if fmt == "json":
        return data, REPORT_TYPES[fmt]
    body = {"csv": lambda d: reports.to_csv(d).encode("utf-8-sig"), "xlsx": reports.to_xlsx,
            "pdf": reports.to_pdf}[fmt](data)
    return body, REPORT_TYPES[fmt]
