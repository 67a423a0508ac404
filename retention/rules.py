"""Configurable life-cycle rules (DOMAIN.md: *configurable*), kept in the catalog so every
process sees the same values. Safety minimums cannot be lowered, only made stricter."""

from __future__ import annotations

import datetime
import functools
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
    "authority_filing_days": 30,  # a register to be filed (备案) with the HRSS department is chased after this
    "box_thickness_mm": 30,  # the spine of one 档案盒: boxes × thickness = the linear metres of the statistics
    # Filing campaign (DOMAIN.md §15, retention.campaign): departments hand over by, the archive room files by (MM-DD).
    "handover_deadline": "03-31",
    "filing_deadline": "06-30",
    "filing_departments": "",  # departments expected to hand over, comma-separated; "": every one the catalog knows
    # Stack-room limits (archive.stack_room; JGJ 25 档案馆建筑设计规范: 14–24 °C, 45–60 %RH).
    "stack_temperature_min": 14,
    "stack_temperature_max": 24,
    "stack_humidity_min": 45,
    "stack_humidity_max": 60,
}
MONTH_DAY_SETTINGS = ("handover_deadline", "filing_deadline")  # MM-DD of the year after the records' year
TEXT_LIST_SETTINGS = {"filing_departments": 50}  # comma-separated names and the longest name
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
    row = session.get(LifecycleSetting, key)
    old = row.value.get("value") if row else DEFAULTS[key]
    value = store(session, key, value)
    audit.record(session, actor.username, "retention.setting", key, {"old": old, "new": value})
    return value


def store(session: Session, key: str, value: Any) -> Any:
    """Check and keep a rule's value; the caller has checked the right to and audits the change."""
    value = _checked(key, value)
    row = session.get(LifecycleSetting, key)
    if row is None:
        session.add(LifecycleSetting(key=key, value={"value": value}))
    else:
        row.value = {"value": value}
    return value


def _checked(key: str, value: Any) -> Any:
    """The value in the type of its default: whole numbers, lists of role codes, text, or none."""
    if key in MONTH_DAY_SETTINGS:
        return _month_day(key, value)
    if key in TEXT_LIST_SETTINGS:
        return _names(key, value)
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


def _month_day(key: str, value: Any) -> str:
    text = str(value or "").strip()
    try:
        month, day = (int(x) for x in text.split("-"))
        datetime.date(2001, month, day)  # a day of every year (no 29 February)
    except ValueError:
        raise ValidationError(f"{key} reads MM-DD, e.g. 03-31") from None
    return f"{month:02d}-{day:02d}"


def _names(key: str, value: Any) -> str:
    """Names separated by commas (or the Chinese comma or 、), each once, kept as text."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    if not isinstance(value, str | None):
        raise ValidationError(f"{key} is a list of names separated by commas")
    parts = (value or "").replace("，", ",").replace("、", ",").split(",")
    names = list(dict.fromkeys(" ".join(v.split()) for v in parts if v.strip()))
    if any(len(n) > TEXT_LIST_SETTINGS[key] for n in names):
        raise ValidationError(f"{key}: a name has at most {TEXT_LIST_SETTINGS[key]} characters")
    return ",".join(names)


def transfer_years(session: Session, settings: Settings | None) -> int:
    """Years after which permanent records go to the state archive (DOMAIN.md §3)."""
    return transfer_years_for(get(session, "transfer_years"), settings.bureau_level if settings else "prefecture")


# -- the registry entry (archive.settings_registry; pyproject entry point `archive.settings`) ------
_LABELS: dict[str, tuple[str, str, str]] = {  # key: (kind, Chinese, English)
    "appraisal_min_members": ("int", "鉴定小组最少人数", "Appraisal group: fewest members"),
    "appraiser_roles": ("roles", "可任鉴定小组成员的角色", "Roles that may sit on an appraisal group"),
    "destruction_approver_roles": ("roles", "销毁清册审批角色", "Roles that approve a destruction register"),
    "secret_destruction_roles": ("roles", "涉密档案销毁加签角色", "Roles that also approve destroying secret records"),
    "witness_roles": ("roles", "可任监销人的角色", "Roles that may witness a destruction"),
    "witness_min": ("int", "监销人最少人数", "Destruction witnesses: fewest"),
    "declassify_window_days": ("int", "解密提醒提前天数", "Days ahead to list secrecy terms ending"),
    "transfer_years": ("choice", "永久档案进馆年限", "Years before permanent records go to the state archive"),
    "unit_name": ("text", "打印件署名单位", "Unit named on printouts"),
    "authority_filing_days": ("int", "向人社部门备案的期限（天）", "Days to file a register with the HRSS department"),
    "box_thickness_mm": ("int", "档案盒厚度（毫米，用于排架长度）", "Box thickness in mm (for shelf metres)"),
    "handover_deadline": ("text", "各部门移交上年度文件期限（月-日）", "Departments hand over last year's documents by (MM-DD)"),
    "filing_deadline": ("text", "档案室整理归档期限（月-日）", "The archive room files last year's documents by (MM-DD)"),
    "filing_departments": ("text", "应移交文件的部门（逗号分隔，空为全部）",
                           "Departments that hand over (comma-separated; empty: every one)"),
    "stack_temperature_min": ("int", "库房温度下限（℃）", "Stack room: lowest temperature (°C)"),
    "stack_temperature_max": ("int", "库房温度上限（℃）", "Stack room: highest temperature (°C)"),
    "stack_humidity_min": ("int", "库房相对湿度下限（%）", "Stack room: lowest relative humidity (%)"),
    "stack_humidity_max": ("int", "库房相对湿度上限（%）", "Stack room: highest relative humidity (%)"),
}
_TRANSFER_CHOICES = (("auto", "按局级别（地市20年、县10年）", "by bureau level (prefecture 20, county 10)"),
                     ("10", "10年", "10 years"), ("20", "20年", "20 years"), ("30", "30年", "30 years"))


def settings() -> list[Any]:
    """The life-cycle rules as administrable settings (`archive config`, /admin/settings)."""
    from archive.settings_registry import Choice, Setting

    out = []
    for key, (kind, zh, en) in _LABELS.items():
        extra: dict[str, Any] = {}
        if key == "transfer_years":
            extra["choices"] = tuple(Choice(*c) for c in _TRANSFER_CHOICES)
            extra["read"] = _read_transfer_years
            extra["write"] = _write_transfer_years
        else:
            extra["read"] = functools.partial(get, key=key)
            extra["write"] = functools.partial(_write, key)
        if key in MINIMUMS:
            extra["minimum"] = MINIMUMS[key]
        elif kind == "int":
            extra["minimum"] = 1
        if key in TEXT_SETTINGS:
            extra["max_length"] = TEXT_SETTINGS[key]
        default = "auto" if key == "transfer_years" else DEFAULTS[key]
        out.append(Setting(f"retention.{key}", zh, en, kind, default=default, group="retention", **extra))
    return out


def _write(key: str, session: Session, who: Identity, value: Any) -> Any:
    return store(session, key, value)


def _read_transfer_years(session: Session) -> str:
    value = get(session, "transfer_years")
    return "auto" if value in (None, "") else str(value)


def _write_transfer_years(session: Session, who: Identity, value: str) -> str:
    store(session, "transfer_years", None if value == "auto" else int(value))
    return value
