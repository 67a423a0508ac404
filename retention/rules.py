"""Configurable life-cycle rules (DOMAIN.md: *configurable*), kept in the catalog so every
process sees the same values. Safety minimums cannot be lowered, only made stricter."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.codes import Role
from archive.config import Settings
from archive.errors import ValidationError
from archive.lifecycle_models import LifecycleSetting
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
}
# Lower bounds the law sets; a configured value may only be stricter.
MINIMUMS = {"appraisal_min_members": 3, "witness_min": 2}


def get(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise ValidationError(f"unknown life-cycle setting {key!r}")
    row = session.get(LifecycleSetting, key)
    value = row.value.get("value") if row else DEFAULTS[key]
    return max(value, MINIMUMS[key]) if key in MINIMUMS else value


def put(session: Session, actor: str, key: str, value: Any) -> None:
    """Change a rule: the system administrator's job (policy: ADMINISTER), audited."""
    people.require_role(session, actor, (Role.SYSADMIN.value,), "change life-cycle settings")
    if key not in DEFAULTS:
        raise ValidationError(f"unknown life-cycle setting {key!r}")
    if key in MINIMUMS and int(value) < MINIMUMS[key]:
        raise ValidationError(f"{key} cannot be lower than {MINIMUMS[key]}")
    row = session.get(LifecycleSetting, key)
    old = row.value.get("value") if row else DEFAULTS[key]
    if row is None:
        session.add(LifecycleSetting(key=key, value={"value": value}))
    else:
        row.value = {"value": value}
    audit.record(session, actor, "retention.setting", key, {"old": old, "new": value})


def transfer_years(session: Session, settings: Settings | None) -> int:
    """Years after which permanent records go to the state archive (DOMAIN.md §3)."""
    return transfer_years_for(get(session, "transfer_years"), settings.bureau_level if settings else "prefecture")
