"""The classifier as people manage it, identity-first for every face (the configuration page,
the JSON API): its status, and retraining from the synthetic pages plus the archivists'
corrections (ingest.corrections), saved as the active model and audited with its held-out
accuracy. Archivists retrain (policy FILE); the system administrator may look (ADMINISTER)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.config import Settings
from archive.errors import Forbidden
from archive.identity import Identity, active_user
from archive.policy import Action, Viewer, may, require


def _viewer(session: Session, who: Identity) -> Viewer:
    return who.viewer if who.is_system else Viewer.of(active_user(session, who.username))


def may_view(viewer: Viewer) -> bool:
    return may(viewer, Action.FILE) or may(viewer, Action.ADMINISTER)


def status(session: Session, who: Identity, settings: Settings) -> dict[str, Any]:
    from ingest.classify import active_model_path
    from ingest.corrections import labelled_examples

    viewer = _viewer(session, who)
    if not may_view(viewer):
        raise Forbidden(f"{viewer.username} ({viewer.role}) does not manage the classifier")
    path = active_model_path(settings.home / "models")
    trained_at = None
    if path is not None and path.exists():
        trained_at = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
    return {"model_path": str(path) if path is not None else "", "trained_at": trained_at,
            "corrections": len(labelled_examples(session))}


def retrain(session: Session, who: Identity, settings: Settings) -> dict[str, Any]:
    """Train on the synthetic pages plus the corrections, save as the active model, report held-out accuracy."""
    from ingest.classify import forget_loaded_models, save, train_and_report
    from ingest.classify.model import ACTIVE_MODEL_NAME
    from ingest.corrections import labelled_examples

    viewer = _viewer(session, who)
    require(viewer, Action.FILE)
    corrections = labelled_examples(session)
    model, report = train_and_report(corrections)
    path = save(model, settings.home / "models" / ACTIVE_MODEL_NAME)
    forget_loaded_models()
    accuracy = {str(k): float(v) for k, v in (report.get("accuracy") or {}).items()}
    audit.record(session, viewer.username, "classifier.trained", "classifier", {
        "path": str(path), "corrections": len(corrections), "accuracy": accuracy,
        "train_examples": report.get("train_examples"), "test_examples": report.get("test_examples"),
    })
    return {"model_path": str(path), "corrections": len(corrections), "accuracy": accuracy,
            "train_examples": int(report.get("train_examples") or 0),
            "test_examples": int(report.get("test_examples") or 0)}
