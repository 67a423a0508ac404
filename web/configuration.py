"""Administration of configuration: the category code table, the retention schedule, the classifier.

Who may: the system administrator configures (Action.ADMINISTER); archivists retrain the
classifier from their corrections (Action.FILE). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.config import Settings
from archive.errors import Conflict, NotFound, ValidationError
from archive.models import Category, RetentionRule
from archive.policy import Action, Viewer, may, require
from retention import schedule

CODE = re.compile(r"^[A-Z0-9]{2}$")


def may_view_classifier(viewer: Viewer) -> bool:
    return may(viewer, Action.FILE) or may(viewer, Action.ADMINISTER)


# Categories -----------------------------------------------------------------------------------

def category_json(c: Category) -> dict:
    return {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "active": bool(c.active)}


def list_categories(db: Session, viewer: Viewer) -> list[dict]:
    require(viewer, Action.ADMINISTER)
    return [category_json(c) for c in db.execute(select(Category).order_by(Category.code)).scalars()]


def _name(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} is required")
    if len(value.strip()) > limit:
        raise ValidationError(f"{what} has at most {limit} characters")
    return value.strip()


def add_category(db: Session, viewer: Viewer, *, code: object, name_zh: object, name_en: object) -> dict:
    require(viewer, Action.ADMINISTER)
    code = code.strip().upper() if isinstance(code, str) else ""
    if not CODE.match(code):
        raise ValidationError("a category code is two letters or digits, e.g. WS")
    zh, en = _name(name_zh, "the Chinese name", 50), _name(name_en, "the English name", 80)
    if db.get(Category, code) is not None:
        raise Conflict(f"category {code} exists already")
    row = Category(code=code, name_zh=zh, name_en=en, active=True)
    db.add(row)
    db.flush()
    audit.record(db, viewer.username, "category.add", f"category:{code}", {"name_zh": zh, "name_en": en})
    return category_json(row)


def change_category(db: Session, viewer: Viewer, code: str, *, name_zh: object = None, name_en: object = None,
                    active: object = None) -> dict:
    """Rename and/or (de)activate. A deactivated category stays for the records filed under it."""
    require(viewer, Action.ADMINISTER)
    row = db.get(Category, code)
    if row is None:
        raise NotFound(f"category {code} does not exist")
    changes: dict = {}
    if name_zh is not None:
        zh = _name(name_zh, "the Chinese name", 50)
        if zh != row.name_zh:
            changes["name_zh"] = [row.name_zh, zh]
            row.name_zh = zh
    if name_en is not None:
        en = _name(name_en, "the English name", 80)
        if en != row.name_en:
            changes["name_en"] = [row.name_en, en]
            row.name_en = en
    if active is not None:
        if not isinstance(active, bool):
            raise ValidationError("active must be true or false")
        if active != bool(row.active):
            changes["active"] = [bool(row.active), active]
            row.active = active
    if changes:
        db.flush()
        action = "category.deactivate" if changes.get("active") == [True, False] else "category.change"
        audit.record(db, viewer.username, action, f"category:{code}", changes)
    return category_json(row)


# Retention schedule -----------------------------------------------------------------------------

def rule_json(r: RetentionRule) -> dict:
    return {"id": r.id, "scheme": r.scheme, "category": r.category_code, "kind": r.kind,
            "keywords": list(r.keywords or []), "retention": r.retention, "note": r.note or "",
            "version": r.version}


def list_rules(db: Session, viewer: Viewer) -> list[dict]:
    require(viewer, Action.ADMINISTER)
    return [rule_json(r) for r in schedule.active_rules(db)]


def change_rule(db: Session, viewer: Viewer, rule_id: int, *, retention: object, reason: object,
                approved_by: object, settings: Settings | None = None) -> dict:
    """A new version of one schedule entry; the approver is a director, leader or office director."""
    require(viewer, Action.ADMINISTER)
    for name, value in (("retention", retention), ("reason", reason), ("approved_by", approved_by)):
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{name} is required")
        if len(value) > 500:
            raise ValidationError(f"{name} is too long")
    change = schedule.change_rule(db, rule_id=rule_id, retention=retention.strip(), reason=reason.strip(),
                                  changed_by=viewer.username, approved_by=approved_by.strip(), settings=settings)
    return {"version": change.version, "old_rule": change.old_rule_id, "new_rule": change.new_rule_id,
            "old_retention": change.old_retention or "", "new_retention": change.new_retention,
            "recomputed": int(change.recomputed or 0)}


# Classifier ---------------------------------------------------------------------------------------

def classifier_status(db: Session, viewer: Viewer, settings: Settings) -> dict:
    from ingest.classify import active_model_path
    from ingest.corrections import labelled_examples

    if not may_view_classifier(viewer):
        require(viewer, Action.FILE)
    path = active_model_path(settings.home / "models")
    trained_at = None
    if path is not None and path.exists():
        trained_at = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
    return {"model_path": str(path) if path is not None else "", "trained_at": trained_at,
            "corrections": len(labelled_examples(db))}


def retrain(db: Session, viewer: Viewer, settings: Settings) -> dict:
    """Train on the synthetic pages plus the corrections, save as the active model, report held-out accuracy."""
    from ingest.classify import active_model_path, forget_loaded_models, save, train_and_report
    from ingest.corrections import labelled_examples

    require(viewer, Action.FILE)
    corrections = labelled_examples(db)
    model, report = train_and_report(corrections)
    path = save(model, active_model_path(settings.home / "models"))
    forget_loaded_models()
    accuracy = {str(k): float(v) for k, v in (report.get("accuracy") or {}).items()}
    audit.record(db, viewer.username, "classifier.trained", "classifier", {
        "path": str(path), "corrections": len(corrections), "accuracy": accuracy,
        "train_examples": report.get("train_examples"), "test_examples": report.get("test_examples"),
    })
    return {"model_path": str(path), "corrections": len(corrections), "accuracy": accuracy,
            "train_examples": int(report.get("train_examples") or 0),
            "test_examples": int(report.get("test_examples") or 0)}
