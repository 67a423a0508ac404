"""Configurable life-cycle rules (DOMAIN.md: *configurable*), kept in the catalog so every
process sees the same values. Safety minimums cannot be lowered, only made stricter."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive import audit, policy
from archive.codes import Role
from archive.config import Settings
from archive.errors import ValidationError
from archive.identity import Identity
from archive.lifecycle_models import LifecycleSetting
from archive.policy import Action, Viewer
from archive.retention_dates import transfer_years_for
from retention import people

DEFAULTS: dict[str, Any] = {
    "appraisal_min_members": 3,
    "appraiser_roles": ["appraiser"],
    "destruction_approver_roles": ["director"],  # the bureau director approves every register
    "secret_destruction_roles": ["leader"],  # plus the leader in charge when state secrets are listed
    "witness_roles": ["witness"],
    "witness_min": 2,
    "declassify_window_days": 90,  # list secrecy terms ending within this many days
    "transfer_years": None,  # None: 20 (prefecture) or 10 (county) by Settings.bureau_level
    "unit_name": "",  # the unit every printout names (archive.arrangement.common.unit_name); "": the fonds' name
}
TEXT_SETTINGS = {"unit_name": 100}  # free-text settings and their longest length
# Lower bounds the law sets; a configured value may only be stricter.
MINIMUMS = {"appraisal_min_members": 3, "witness_min": 2}


def get(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise ValidationError(f"unknown life-cycle setting {key!r}")
    row = session.get(LifecycleSetting, key)
    value = row.value.get("value") if row else DEFAULTS[key]
    return max(int(value or 0), MINIMUMS[key]) if key in MINIMUMS else value


def values(session: Session) -> dict[str, Any]:
    """Every rule's value in force (configured or default, never below the legal minimum)."""
    return {key: get(session, key) for key in DEFAULTS}


def put(session: Session, who: Identity, key: str, value: Any) -> Any:
    """Change a rule: the system administrator's job (policy: ADMINISTER), audited."""
    actor = people.acting(session, who)
    policy.require(Viewer.of(actor), Action.ADMINISTER)
    if key not in DEFAULTS:
        raise ValidationError(f"unknown life-cycle setting {key!r}")
    value = _checked(key, value)
    row = session.get(LifecycleSetting, key)
    old = row.value.get("value") if row else DEFAULTS[key]
    if row is None:
        session.add(LifecycleSetting(key=key, value={"value": value}))
    else:
        row.value = {"value": value}
    audit.record(session, actor.username, "retention.setting", key, {"old": old, "new": value})
    return value


def _checked(key: str, value: Any) -> Any:
    """The value in the type of its default: whole numbers, lists of role codes, text, or none."""
    if key in TEXT_SETTINGS:
        text = " ".join(str(value or "").split())
        if len(text) > TEXT_SETTINGS[key]:
            raise ValidationError(f"{key} has at most {TEXT_SETTINGS[key]} characters")
        return text
    if key.endswith("_roles"):
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{key} is a list of roles")
        unknown = [v for v in value if v not in {r.value for r in Role}]
        if unknown:
            raise ValidationError(f"{key}: unknown roles {', '.join(unknown)}")
        return value
    if value is None or value == "":
        if DEFAULTS[key] is None:
            return None
        raise ValidationError(f"{key} needs a value")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{key} is a whole number") from None
    if isinstance(value, bool) or number < 1:
        raise ValidationError(f"{key} is a whole number of at least 1")
    if key in MINIMUMS and number < MINIMUMS[key]:
        raise ValidationError(f"{key} cannot be lower than {MINIMUMS[key]}")
    return number


def transfer_years(session: Session, settings: Settings | None) -> int:
    """Years after which permanent records go to the state archive (DOMAIN.md §3)."""
    return transfer_years_for(get(session, "transfer_years"), settings.bureau_level if settings else "prefecture")
