"""Archivists' corrections: a person fixes what ingest read, the record leaves the review queue,
and the corrected record becomes a labelled example for the classifier."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, record_retention
from archive.codes import (
    BUSINESS_STEPS,
    PERSONNEL_CLASSES,
    STATE_SECRET_LEVELS,
    RecordStatus,
    Retention,
    Secrecy,
)
from archive.declassification import classification, lowering_authority
from archive.errors import Conflict, Forbidden, ValidationError
from archive.holds import assert_not_held
from archive.identity import Identity
from archive.models import Category, Fonds, Record
from archive.policy import Action, allowed_actions, rank, require
from archive.unit_of_work import BUREAU_LEVEL
from archive.visibility import record_for, visible

EDITABLE = ("category_code", "personnel_class", "business_step", "doc_type", "title", "doc_no", "issuer",
            "retention", "secrecy", "person_name", "person_id_number")
# The fields of the record page's correction form (and of the API's corrections).
FORM_FIELDS = ("title", "category_code", "doc_no", "issuer", "doc_type", "retention", "secrecy")
REVIEW_QUEUE_LIMIT = 200


def correct(session: Session, identity: Identity, record_id: int, changes: dict, *, authority: str = "",
            reason: str = "", classifier: str = "") -> Record:
    """Apply a person's corrections (audited with before and after) and confirm the record.

    A field set to the value it has is no change. Catalogue fields are the archivist's (EDIT);
    the secrecy level may also be changed by the security officer (CHANGE_SECRECY), and only
    the security officer lowers it, on the authority archive.declassification asks for (held
    records are refused before). The unit of work re-indexes the record and recomputes its
    dates (retention due, declassification) from what changed.

    A filed record's retention is a change with a `reason` (archive.record_retention): a longer
    period applies at once, a shorter one waits for an approver of the schedule and the record
    keeps its period until then.

    A state-secret level set here records who set it (archive.declassification.classification): the
    bureau originally, only at a level its ARCHIVE_BUREAU_LEVEL allows, or derived from another
    organ (`classifier`, else the issuer).
    """
    viewer = identity.viewer
    record = record_for(session, viewer, record_id)  # above clearance or scope: does not exist
    actions = allowed_actions(viewer, record)
    if not actions & {Action.EDIT, Action.CHANGE_SECRECY}:
        raise Forbidden(f"{viewer.username} may not edit record {record.id}")
    if record.status not in (RecordStatus.FILED.value, RecordStatus.NEEDS_REVIEW.value):
        raise Conflict(f"record {record.id} is {record.status}: only filed records can be corrected")
    assert_not_held(session, record, "edit")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"cannot correct {', '.join(sorted(unknown))}")
    changes = {k: str(v).strip() for k, v in changes.items() if str(v).strip() != (getattr(record, k) or "")}
    _validate(session, changes)
    changes = {k: v for k, v in changes.items() if v != (getattr(record, k) or "")}
    if set(changes) - {"secrecy"} and Action.EDIT not in actions:
        raise Forbidden(f"{viewer.username} may change this record's secrecy level, not its catalogue fields")
    decided_by = ""
    if "secrecy" in changes and rank(changes["secrecy"]) < rank(record.secrecy):
        # The same rule as the secrecy review: the organ that set the level decides (DOMAIN.md §4).
        fonds = session.get(Fonds, record.fonds_id)
        decided_by = lowering_authority(viewer, record, changes["secrecy"], held=False, authority=authority,
                                        fonds_name=fonds.name if fonds else "",
                                        bureau_level=session.info.get(BUREAU_LEVEL, "prefecture")).authority
    origin = None
    if "secrecy" in changes and Secrecy(changes["secrecy"]) in STATE_SECRET_LEVELS \
            and rank(changes["secrecy"]) > rank(record.secrecy):
        # Who sets the level, checked before anything changes (DOMAIN.md §4, ARCHIVE_BUREAU_LEVEL).
        fonds = session.get(Fonds, record.fonds_id)
        origin = classification(changes["secrecy"], issuer=changes.get("issuer", record.issuer or ""),
                                fonds_name=fonds.name if fonds else "",
                                bureau_level=session.info.get(BUREAU_LEVEL, "prefecture"), classifier=classifier)
    before = {k: getattr(record, k) for k in changes}
    # In review the period is the pipeline's proposal, which the archivist confirms or corrects;
    # a filed record's period is a decision, changed only as archive.record_retention says.
    retention = changes.pop("retention", None) if record.status == RecordStatus.FILED.value else None
    proposed: dict = {}
    if retention is not None:  # first: a refused change leaves the record as it was
        change = record_retention.request(session, viewer.username, record, retention, reason)
        if change.status == "applied":
            changes["retention"] = retention
        else:  # the record keeps its period until an approver decides
            before.pop("retention")
            proposed = {"retention_proposed": {"change": change.id, "retention": retention, "reason": reason}}
    for key, value in changes.items():
        setattr(record, key, value)
    if origin is not None:
        record.secrecy_origin, record.secrecy_classifier = origin
        proposed["secrecy_origin"] = {"origin": origin[0], "organ": origin[1]}
    record.review_reasons = []
    record.status = RecordStatus.FILED.value
    record.extra = {**(record.extra or {}), "reviewed_by": viewer.username}
    audit.record(session, viewer.username, "record.corrected", f"record:{record.id}",
                 {"before": before, "after": changes, **({"authority": decided_by} if decided_by else {}), **proposed})
    return record


def review_queue(session: Session, identity: Identity, limit: int = REVIEW_QUEUE_LIMIT) -> list[dict]:
    """Records the pipeline could not file with confidence, that this person may see."""
    require(identity.viewer, Action.FILE)
    rows = session.execute(
        select(Record).where(visible(identity.viewer), Record.status == RecordStatus.NEEDS_REVIEW.value)
        .order_by(Record.id).limit(limit)
    ).scalars()
    return [{"id": r.id, "title": r.title, "category": r.category_code, "secrecy": r.secrecy,
             "review_reasons": list(r.review_reasons or [])} for r in rows]


def _validate(session: Session, changes: dict) -> None:
    try:
        if "secrecy" in changes:
            changes["secrecy"] = Secrecy.parse(changes["secrecy"]).value
        if "retention" in changes:
            changes["retention"] = Retention.parse(changes["retention"]).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if "category_code" in changes and session.get(Category, changes["category_code"]) is None:
        raise ValidationError(f"unknown category {changes['category_code']!r}")
    if changes.get("personnel_class") and changes["personnel_class"] not in PERSONNEL_CLASSES:
        raise ValidationError(f"personnel class must be one of {', '.join(PERSONNEL_CLASSES)}")
    if changes.get("business_step") and changes["business_step"] not in BUSINESS_STEPS:
        raise ValidationError(f"business step must be one of {'、'.join(BUSINESS_STEPS)}")


def labelled_examples(session: Session) -> list[tuple[str, dict]]:
    """(text, labels) for every record a person confirmed: the classifier's training corrections."""
    rows = session.execute(
        select(Record).where(Record.status == RecordStatus.FILED.value).order_by(Record.id)
    ).scalars()
    out = []
    for record in rows:
        if not (record.extra or {}).get("reviewed_by"):
            continue
        labels = {"category": record.category_code}
        if record.category_code == "RS" and record.personnel_class:
            labels["personnel_class"] = record.personnel_class.split("-")[0]
        if record.category_code == "SB" and record.business_step:
            labels["business_step"] = record.business_step
        out.append(("\n".join(p.ocr_text for p in record.page_list), labels))
    return out
