"""The life cycle as every face offers it (web pages, the JSON API, `archive retention …`):
identity-first service functions that check the policy, do the work through the domain
modules (sweep, holds, appraisal, destruction, secrecy, schedule, reports, rules), audit it,
and answer with plain rows, the same for every face.

Each function runs in the caller's unit of work (`runtime.unit_of_work(who)`), whose audit
events carry the identity's channel; `execute_register` commits step by step and opens its
own. The person is re-read in every unit of work (retention.people), so a disabled account
does nothing anywhere. Lists hold only what the person may see (archive.visibility): a
record above their clearance is left out, titles, codes and counts alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.config import Settings
from archive.errors import Forbidden, ValidationError
from archive.identity import Identity
from archive.lifecycle_models import AppraisalBatch, DestructionRegister, Hold
from archive.models import Record
from archive.policy import Action, Viewer, can_see, may
from archive.visibility import MAX_ID
from retention import appraisal, destruction, holds, people, reports, rules, schedule, secrecy, sweep
from retention.authority_filing import state as authority_filing_state
from retention.rows import get as existing

# Who works with retention at all: archivists (file), appraisers, approvers, witnesses, auditors.
RETENTION_ACTIONS = (Action.FILE, Action.APPRAISE, Action.APPROVE, Action.WITNESS, Action.READ_AUDIT)
LISTS = ("due_for_appraisal", "declassification_review", "yearly_secrecy_review", "due_for_transfer",
         "filing_overdue", "secrecy_term_open")
LIMIT = 200
MAX_ITEMS = 500
REPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf", "json": "application/json"}


# -- input, checked here so every face gets the same answer --------------------------------------
def text(value: object, name: str, limit: int = 1000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    return value.strip()[:limit]


def whole(value: object, name: str, *, low: int = 1, high: int = MAX_ID, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise ValidationError(f"{name} must be a whole number")
    number = int(value)
    if not low <= number <= high:
        raise ValidationError(f"{name} must be between {low} and {high}")
    return number


def required(value: object, name: str) -> int:
    found = whole(value, name)
    if found is None:
        raise ValidationError(f"{name} is required")
    return found


def ids(value: object, name: str) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str):  # a form field: "12, 13"
        value = [x for x in value.replace("，", ",").split(",") if x.strip()]
    if not isinstance(value, list | tuple) or len(value) > MAX_ITEMS:
        raise ValidationError(f"{name} must be a list of at most {MAX_ITEMS} ids")
    return [required(x, name) for x in value]


def names(value: object, name: str) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and 0 < len(v) <= 50 for v in value):
        raise ValidationError(f"{name} must be a list of user names")
    return list(value)


def day(value: object, name: str = "date") -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        found = dt.date.fromisoformat(text(value, name, 10))
    except ValueError:
        raise ValidationError(f"{name} must be a date (YYYY-MM-DD)") from None
    if not dt.date(1900, 1, 1) <= found <= dt.date(2200, 12, 31):
        raise ValidationError(f"{name} is out of range")
    return found


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


# -- who works with retention ------------------------------------------------------------------
def require_retention(session: Session, who: Identity) -> Viewer:
    """The person's current viewer, if their role works with retention at all."""
    viewer = people.viewer(session, who)
    if not any(may(viewer, a) for a in RETENTION_ACTIONS):
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not work with retention")
    return viewer


# -- due lists -----------------------------------------------------------------------------------
def due_lists(session: Session, who: Identity, settings: Settings | None = None, *, on: dt.date | None = None,
              limit: int = LIMIT) -> dict[str, Any]:
    """The sweep's lists, only the rows the person may see (counts are of those rows)."""
    viewer = require_retention(session, who)
    result = sweep.run(session, settings, day=on, limit=limit, viewer=viewer)
    out: dict[str, Any] = {"date": result["date"], "lists": {}}
    for name in LISTS:
        out["lists"][name] = {"count": result[name]["count"], "items": result[name]["items"]}
    audit.record(session, viewer.username, "retention.due.view", "retention", {"date": result["date"]})
    return out


def overview(session: Session, who: Identity, settings: Settings | None = None) -> dict[str, Any]:
    """The retention page: due lists, holds, appraisals and registers, as the person may see them."""
    return {"due": due_lists(session, who, settings), "holds": hold_list(session, who),
            "batches": appraisals(session, who), "registers": registers(session, who)}


# -- holds ---------------------------------------------------------------------------------------
def hold_row(h: Hold) -> dict[str, Any]:
    return {"id": h.id, "reason": h.reason, "scope": h.scope, "target": h.target, "query": h.query or {},
            "placed_by": h.placed_by, "placed_at": _iso(h.placed_at), "released_at": _iso(h.released_at)}


def hold_list(session: Session, who: Identity) -> list[dict[str, Any]]:
    viewer = require_retention(session, who)
    return [hold_row(h) for h in holds.visible_holds(session, viewer)]


def place_hold(session: Session, who: Identity, *, reason: object, scope: object, target: object = "",
               query: object = None, store: Any = None) -> dict[str, Any]:
    if query is not None and query != "" and not isinstance(query, dict):
        raise ValidationError("query must be an object")
    return hold_row(holds.place(session, who, reason=text(reason, "reason"), scope=text(scope, "scope"),
                                target=text(target, "target", 60), query=query if isinstance(query, dict) else None,
                                store=store))


def release_hold(session: Session, who: Identity, hold_id: int, *, reason: object, store: Any = None) -> dict[str, Any]:
    return hold_row(holds.release(session, who, hold_id=hold_id, reason=text(reason, "reason"), store=store))


# -- appraisal -----------------------------------------------------------------------------------
def _record_cell(session: Session, viewer: Viewer, record_id: int) -> dict[str, Any]:
    record = session.get(Record, record_id)
    if record is None or not can_see(viewer, record):  # a destroyed record keeps its catalogue entry
        return {"id": None, "archival_code": "", "title": ""}
    return {"id": record.id, "archival_code": record.archival_code or "", "title": record.title}


def batch_row(session: Session, viewer: Viewer, batch: AppraisalBatch, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": batch.id, "title": batch.title, "status": batch.status, "created_by": batch.created_by,
        "created_at": _iso(batch.created_at), "opinion": batch.opinion, "report_record_id": batch.report_record_id}
    if full:
        out["members"] = [{"username": m.username, "signed": m.signed_at is not None}
                          for m in appraisal.members(session, batch.id)]
        out["items"] = [{**_record_cell(session, viewer, i.record_id), "due_on": _iso(i.due_on),
                         "decision": i.decision, "reason": i.reason, "decided_by": i.decided_by,
                         "extend_years": i.extend_years}
                        for i in appraisal.visible_items(session, viewer, batch.id)]
    return out


def appraisals(session: Session, who: Identity) -> list[dict[str, Any]]:
    viewer = require_retention(session, who)
    return [batch_row(session, viewer, b) for b in appraisal.batches(session)]


def appraisal_detail(session: Session, who: Identity, batch_id: int) -> dict[str, Any]:
    viewer = require_retention(session, who)
    return batch_row(session, viewer, appraisal.get_batch(session, batch_id), full=True)


def open_appraisal(session: Session, who: Identity, *, title: object, members: object,
                   record_ids: object) -> dict[str, Any]:
    created = appraisal.create_batch(session, who, title=text(title, "title", 200),
                                     members=names(members, "members"), record_ids=ids(record_ids, "record_ids"))
    return appraisal_detail(session, who, created.id)


def decide(session: Session, who: Identity, batch_id: int, *, record_id: object, decision: object, reason: object,
           years: object = None) -> dict[str, Any]:
    appraisal.decide(session, who, batch_id=batch_id, record_id=required(record_id, "record_id"),
                     decision=text(decision, "decision"), reason=text(reason, "reason"),
                     years=whole(years, "years", low=0, high=100) or None)
    return appraisal_detail(session, who, batch_id)


def sign(session: Session, who: Identity, batch_id: int) -> dict[str, Any]:
    appraisal.sign(session, who, batch_id=batch_id)
    return appraisal_detail(session, who, batch_id)


def conclude(session: Session, who: Identity, batch_id: int, *, opinion: object, store: Any) -> dict[str, Any]:
    appraisal.conclude(session, who, store, batch_id=batch_id, opinion=text(opinion, "opinion"))
    return appraisal_detail(session, who, batch_id)


# -- destruction ---------------------------------------------------------------------------------
def register_row(session: Session, viewer: Viewer, register: DestructionRegister, *,
                 full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": register.id, "batch_id": register.batch_id, "title": register.title, "status": register.status,
        "requested_by": register.requested_by, "required_roles": list(register.required_roles or []),
        "method": register.method, "place": register.place, "executed_at": _iso(register.executed_at),
        "register_record_id": register.register_record_id}
    if full:
        out["missing_roles"] = destruction.missing_roles(session, register)
        out["approvals"] = [{"approver": a.approver, "role": a.role, "opinion": a.opinion,
                             "approved_at": _iso(a.approved_at)} for a in destruction.approvals(session, register.id)]
        out["witnesses"] = [{"witness": w.witness, "signed_at": _iso(w.signed_at)}
                            for w in destruction.witnesses(session, register.id)]
        out["authority_filing"] = authority_filing_state(session, register)  # 备案 with the HRSS department
        out["entries"] = [{**_record_cell(session, viewer, e.record_id), "seq_no": e.seq_no, "state": e.state,
                           "pages": e.pages, "secrecy": e.secrecy, "reason": e.reason,
                           "destroyed_at": _iso(e.destroyed_at)}
                          for e in destruction.visible_entries(session, viewer, register.id)]
    return out


def registers(session: Session, who: Identity) -> list[dict[str, Any]]:
    viewer = require_retention(session, who)
    return [register_row(session, viewer, r) for r in destruction.registers(session)]


def register_detail(session: Session, who: Identity, register_id: int) -> dict[str, Any]:
    viewer = require_retention(session, who)
    return register_row(session, viewer, destruction.get_register(session, register_id), full=True)


def draft_register(session: Session, who: Identity, *, batch_id: object, title: object = "") -> dict[str, Any]:
    created = destruction.create_register(session, who, batch_id=required(batch_id, "batch_id"),
                                          title=text(title, "title", 200))
    return register_detail(session, who, created.id)


def approve_register(session: Session, who: Identity, register_id: int, *, opinion: object = "") -> dict[str, Any]:
    destruction.approve(session, who, register_id=register_id, opinion=text(opinion, "opinion"))
    return register_detail(session, who, register_id)


def witness_register(session: Session, who: Identity, register_id: int) -> dict[str, Any]:
    destruction.sign_witness(session, who, register_id=register_id)
    return register_detail(session, who, register_id)


def execute_register(runtime: Any, who: Identity, register_id: int, *, method: object = "", place: object = "",
                     hook: destruction.Hook | None = None) -> dict[str, Any]:
    """Run or resume a destruction (`runtime`: archive.runtime.Runtime). Its steps commit one by
    one, each in a unit of work acting for `who`; answers with the register as `who` sees it."""
    destruction.execute(runtime.catalog, who, runtime.store, register_id=register_id,
                        method=text(method, "method", 100), place=text(place, "place", 200), hook=hook)
    with runtime.unit_of_work(who) as session:
        return register_detail(session, who, register_id)


def register_pdf(session: Session, who: Identity, register_id: int, *, certificate: bool = False) -> bytes:
    viewer = require_retention(session, who)
    found = destruction.get_register(session, register_id)
    body = destruction.register_pdf(session, found, certificate=certificate, viewer=viewer)
    audit.record(session, viewer.username, "destruction.register.pdf", f"register:{found.id}",
                 {"certificate": certificate})
    return body


# -- one record: secrecy review, extension ---------------------------------------------------------
def review_secrecy(session: Session, who: Identity, record_id: int, *, outcome: object, note: object = "",
                   until: object = None, level: object = None, authority: object = "") -> dict[str, Any]:
    """Declassify, downgrade (to `level`), extend (`until`) or keep; a lowering cites the deciding
    organ's notice as `authority` unless the bureau set the level itself."""
    long_term = isinstance(until, str) and until.strip().lower() in secrecy.LONG_TERM_WORDS
    row = secrecy.review(session, who, record_id=record_id, outcome=text(outcome, "outcome"),
                         note=text(note, "note"), new_declassify_on=None if long_term else day(until, "until"),
                         level=text(level, "level", 15) or None, authority=text(authority, "authority", 300),
                         long_term=long_term)
    record = existing(session, Record, record_id, "record")
    return {"record_id": record_id, "outcome": row.outcome, "kind": row.kind, "secrecy": record.secrecy,
            "declassify_on": _iso(record.declassify_on), "reviewer": row.reviewer, "authority": row.authority}


def extend(session: Session, who: Identity, record_id: int, *, years: object, reason: object) -> dict[str, Any]:
    change = schedule.extend(session, who, record_id=record_id, years=required(whole(years, "years", high=100), "years"),
                             reason=text(reason, "reason"))
    return {"record_id": record_id, "years": change.years, "old_due": _iso(change.old_due),
            "new_due": _iso(change.new_due), "decided_by": change.decided_by}


# -- the compliance report -----------------------------------------------------------------------
def compliance_report(session: Session, who: Identity, *, as_of: object = None, fmt: str = "json",
                      anchors: Any = None) -> tuple[dict | bytes, str]:
    """The auditors' compliance report: every section holds only rows the auditor may see."""
    viewer = people.viewer(session, who)
    if not may(viewer, Action.READ_AUDIT):
        raise Forbidden("the compliance report is for auditors")
    if fmt not in REPORT_TYPES:
        raise ValidationError("format must be json, csv, xlsx or pdf")
    data = reports.build(session, day(as_of, "as_of"), anchors=anchors, viewer=viewer)
    audit.record(session, viewer.username, "retention.report", "compliance", {"as_of": data["as_of"], "format": fmt})
    if fmt == "json":
        return data, REPORT_TYPES[fmt]
    writers = {"csv": lambda d: reports.to_csv(d).encode("utf-8-sig"), "xlsx": reports.to_xlsx,
               "pdf": reports.to_pdf}
    return writers[fmt](data), REPORT_TYPES[fmt]


# -- the schedule --------------------------------------------------------------------------------
def schedule_view(session: Session, who: Identity) -> dict[str, Any]:
    """The schedule with its pending changes, for its keepers (propose) and approvers (decide)."""
    schedule.require_schedule_reader(session, who)
    role = "" if who.is_system else people.acting(session, who).role
    return {"version": schedule.version(session), "rules": [schedule.rule_json(r) for r in schedule.active_rules(session)],
            "pending": [schedule.change_json(c) for c in schedule.pending(session)],
            "may_propose": schedule.may_propose(role), "may_approve": schedule.may_approve(role)}


def record_retention_changes(session: Session, who: Identity) -> list[dict[str, Any]]:
    """Shortenings of single records waiting for an approver (archive.record_retention)."""
    return [schedule.record_change_json(c) for c in schedule.pending_record_changes(session, who)]


def decide_record_retention_change(session: Session, who: Identity, change_id: int, *, approve: bool,
                                   reason: object = "") -> dict[str, Any]:
    if approve:
        change = schedule.approve_record_change(session, who, change_id=change_id)
    else:
        change = schedule.reject_record_change(session, who, change_id=change_id, reason=text(reason, "reason", 500))
    return schedule.record_change_json(change)


def schedule_rules(session: Session, who: Identity) -> list[dict[str, Any]]:
    schedule.require_schedule_reader(session, who)
    return [schedule.rule_json(r) for r in schedule.active_rules(session)]


def propose_schedule_change(session: Session, who: Identity, rule_id: int, *, retention: object,
                            reason: object, keywords: object = None) -> dict[str, Any]:
    change = schedule.propose_change(session, who, rule_id=rule_id, retention=text(retention, "retention", 5),
                                     reason=text(reason, "reason", 500),
                                     keywords=None if keywords is None else names(keywords, "keywords"))
    return schedule.change_json(change)


def propose_schedule_entry(session: Session, who: Identity, *, category: object, kind: object, keywords: object,
                           retention: object, reason: object, scheme: object = "") -> dict[str, Any]:
    change = schedule.propose_rule(session, who, category=text(category, "category", 2), kind=text(kind, "kind", 100),
                                   keywords=names(keywords or [], "keywords"), retention=text(retention, "retention", 5),
                                   reason=text(reason, "reason", 500), scheme=text(scheme, "scheme", 20))
    return schedule.change_json(change)


def decide_schedule_change(session: Session, who: Identity, change_id: int, *, approve: bool,
                           reason: object = "") -> dict[str, Any]:
    """An approver (not the proposer) approves, which applies the change, or rejects it with a reason."""
    if approve:
        change = schedule.approve(session, who, change_id=change_id)
    else:
        change = schedule.reject(session, who, change_id=change_id, reason=text(reason, "reason", 500))
    return schedule.change_json(change)


# -- life-cycle settings ---------------------------------------------------------------------------
def settings_view(session: Session, who: Identity) -> dict[str, Any]:
    viewer = people.viewer(session, who)
    if not (may(viewer, Action.ADMINISTER) or any(may(viewer, a) for a in RETENTION_ACTIONS)):
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not work with retention")
    return {"settings": rules.values(session), "defaults": dict(rules.DEFAULTS), "minimums": dict(rules.MINIMUMS)}


def put_setting(session: Session, who: Identity, key: object, value: object) -> dict[str, Any]:
    name = text(key, "key", 60)
    return {"key": name, "value": rules.put(session, who, name, value)}
