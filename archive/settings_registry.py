"""Every *configurable* rule of DOMAIN.md in one registry, administered the same way from every
face: `archive config show|set KEY VALUE`, the page /admin/settings and the API /api/v1/config.

A package describes its settings as `Setting`s (key, label in Chinese and English, kind, choices,
validator) and names a function returning them in the entry-point group `archive.settings`
(pyproject.toml), so archive/ names none of the packages that own them. A setting either reads
and writes its own storage (`read`/`write`: the approval matrix's table, the life-cycle rules)
or is kept here, by key, in `lifecycle_settings` under its default.

Reading is for the system administrator and the auditor (who checks the rules in force);
changing is the administrator's (policy ADMINISTER). Every change is validated by the setting
and audited here as `setting.change` with the old and the new value.

Kinds: `int` (a whole number, `minimum`), `text` (`max_length`), `bool`, `choice` (one of
`choices`), `roles` (one or more roles), `table` (rows of `columns`, each column a kind among
text, choice, flag — yes/no/either — and roles).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.codes import ROLE_ZH, Role
from archive.errors import NotFound, ValidationError
from archive.identity import Identity, active_user
from archive.lifecycle_models import LifecycleSetting
from archive.policy import Action, Viewer, may, require

GROUP = "archive.settings"
KINDS = ("int", "text", "bool", "choice", "roles", "table")
COLUMN_KINDS = ("text", "choice", "flag", "roles")
MAX_ROWS = 50


@dataclasses.dataclass(frozen=True)
class Choice:
    code: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a `table` setting (a row of the approval matrix: name, level, flags, steps)."""

    name: str
    label_zh: str
    label_en: str
    kind: str = "text"
    choices: tuple[Choice, ...] = ()
    required: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclasses.dataclass(frozen=True)
class Setting:
    key: str
    label_zh: str
    label_en: str
    kind: str
    default: Any = None
    choices: tuple[Choice, ...] = ()
    columns: tuple[Column, ...] = ()
    minimum: int | None = None
    max_length: int = 200
    validator: Callable[[Any], Any] | None = None  # the checked value to store; raises ValidationError
    read: Callable[[Session], Any] | None = None
    write: Callable[[Session, Identity, Any], Any] | None = None  # stores; answers the value in force
    help_zh: str = ""
    help_en: str = ""
    group: str = "general"

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    def help(self, lang: str) -> str:
        return self.help_en if lang == "en" else self.help_zh


def role_choices() -> tuple[Choice, ...]:
    return tuple(Choice(r.value, ROLE_ZH[r], r.value.replace("_", " ")) for r in Role)


# -- the registry ------------------------------------------------------------------------------
class Registry:
    def __init__(self, settings: Iterable[Setting] = ()) -> None:
        self._settings: dict[str, Setting] = {}
        for setting in settings:
            self.add(setting)

    def add(self, setting: Setting) -> None:
        if setting.kind not in KINDS:
            raise ValueError(f"setting {setting.key}: unknown kind {setting.kind!r}")
        if any(c.kind not in COLUMN_KINDS for c in setting.columns):
            raise ValueError(f"setting {setting.key}: unknown column kind")
        if setting.key in self._settings:
            raise ValueError(f"setting {setting.key} is registered twice")
        self._settings[setting.key] = setting

    def __iter__(self):
        return iter(self._settings.values())

    def get(self, key: str) -> Setting:
        try:
            return self._settings[key]
        except KeyError:
            raise NotFound(f"no setting {key!r}") from None


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The settings every installed package declares (entry points `archive.settings`)."""
    found: list[Setting] = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        found.extend(ep.load()())
    return Registry(found)


# -- reading and changing (identity first) ------------------------------------------------------
def _reader(session: Session, who: Identity) -> Viewer:
    viewer = who.viewer if who.is_system else Viewer.of(active_user(session, who.username))
    if not (may(viewer, Action.ADMINISTER) or may(viewer, Action.READ_AUDIT)):
        require(viewer, Action.ADMINISTER)  # raises Forbidden with the usual message
    return viewer


def current(session: Session, setting: Setting) -> Any:
    if setting.read is not None:
        return setting.read(session)
    row = session.get(LifecycleSetting, setting.key)
    return row.value.get("value") if row else setting.default


def stored(session: Session, key: str, default: Any = None) -> Any:
    """The value kept here for `key` (a setting without its own storage), or `default`."""
    row = session.get(LifecycleSetting, key)
    return row.value.get("value", default) if row else default


def show(session: Session, who: Identity, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every setting with its value in force, for the administrator and the auditor."""
    _reader(session, who)
    return [row(s, current(session, s)) for s in (registry or default_registry())]


def row(setting: Setting, value: Any) -> dict[str, Any]:
    """A setting as every face shows it: its labels, the value and the value in words, and what
    a form needs to offer (choices, columns, the lowest number)."""
    choices = role_choices() if setting.kind == "roles" else setting.choices
    return {"key": setting.key, "label_zh": setting.label_zh, "label_en": setting.label_en, "kind": setting.kind,
            "group": setting.group, "help_zh": setting.help_zh, "help_en": setting.help_en,
            "value": value, "default": setting.default, "minimum": setting.minimum,
            "choices": [dataclasses.asdict(c) for c in choices],
            "columns": [{"name": c.name, "label_zh": c.label_zh, "label_en": c.label_en, "kind": c.kind,
                         "required": c.required,
                         "choices": [dataclasses.asdict(x) for x in (role_choices() if c.kind == "roles" else c.choices)]}
                        for c in setting.columns],
            "words_zh": words(setting, value, "zh"), "words_en": words(setting, value, "en")}


def change(session: Session, who: Identity, key: str, value: Any, registry: Registry | None = None) -> dict[str, Any]:
    """Set one rule: the administrator's job; validated, then audited with old and new value."""
    viewer = Viewer.of(active_user(session, who.username)) if not who.is_system else who.viewer
    require(viewer, Action.ADMINISTER)
    setting = (registry or default_registry()).get(key)
    old = current(session, setting)
    new = check(setting, value)
    if setting.write is not None:
        new = setting.write(session, who, new)
    else:
        found = session.get(LifecycleSetting, key)
        if found is None:
            session.add(LifecycleSetting(key=key, value={"value": new}))
        else:
            found.value = {"value": new}
    audit.record(session, viewer.username, "setting.change", f"setting:{key}", {"old": old, "new": new})
    return row(setting, new)


# -- validation: from what a face sends (text or JSON) to the value to store ---------------------
def check(setting: Setting, value: Any) -> Any:
    if isinstance(value, str) and (setting.kind == "table" or (setting.kind == "roles" and value.lstrip()[:1] == "[")):
        value = _json(setting, value)
    checked = _CHECKS[setting.kind](setting, value)
    return setting.validator(checked) if setting.validator else checked


def _json(setting: Setting, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{setting.key}: not JSON ({exc.msg})") from None


def _int(setting: Setting, value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{setting.key} is a whole number")
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{setting.key} is a whole number") from None
    if setting.minimum is not None and number < setting.minimum:
        raise ValidationError(f"{setting.key} cannot be lower than {setting.minimum}")
    return number


def _text(setting: Setting, value: Any) -> str:
    text = " ".join(str(value if value is not None else "").split())
    if len(text) > setting.max_length:
        raise ValidationError(f"{setting.key} has at most {setting.max_length} characters")
    return text


def _bool(setting: Setting, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "是"):
        return True
    if text in ("0", "false", "no", "off", "否"):
        return False
    raise ValidationError(f"{setting.key} is yes or no")


def _choice(setting: Setting, value: Any, choices: tuple[Choice, ...] | None = None, name: str = "") -> str:
    allowed = {c.code for c in (choices if choices is not None else setting.choices)}
    text = str(value if value is not None else "").strip()
    if text not in allowed:
        raise ValidationError(f"{name or setting.key}: {text!r} is not one of {', '.join(sorted(allowed))}")
    return text


def _roles(setting: Setting, value: Any, name: str = "", required: bool = True) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{name or setting.key} is a list of roles")
    if required and not value:
        raise ValidationError(f"{name or setting.key} needs at least one role")
    unknown = [v for v in value if v not in {r.value for r in Role}]
    if unknown:
        raise ValidationError(f"{name or setting.key}: unknown roles {', '.join(unknown)}")
    return list(dict.fromkeys(value))


def _flag(name: str, value: Any) -> bool | None:
    if value is None or value == "" or value == "any":
        return None
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes"):
        return True
    if str(value).lower() in ("0", "false", "no"):
        return False
    raise ValidationError(f"{name} is yes, no or either")


def _table(setting: Setting, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or len(value) > MAX_ROWS:
        raise ValidationError(f"{setting.key} is a list of 1 to {MAX_ROWS} rows")
    rows = []
    for n, given in enumerate(value, 1):
        if not isinstance(given, dict):
            raise ValidationError(f"{setting.key}: row {n} is not an object")
        rows.append({c.name: _cell(setting, c, given.get(c.name), n) for c in setting.columns})
    return rows


def _cell(setting: Setting, column: Column, value: Any, n: int) -> Any:
    name = f"{setting.key}: row {n}, {column.name}"
    if column.kind == "flag":
        return _flag(name, value)
    if column.kind == "roles":
        return _roles(setting, value or [], name, required=column.required)
    if column.kind == "choice":
        if (value is None or value == "") and not column.required:
            return None
        return _choice(setting, value, column.choices, name)
    text = " ".join(str(value or "").split())
    if column.required and not text:
        raise ValidationError(f"{name} is required")
    if len(text) > 50:
        raise ValidationError(f"{name} has at most 50 characters")
    return text


_CHECKS: dict[str, Callable[[Setting, Any], Any]] = {
    "int": _int, "text": _text, "bool": _bool, "choice": _choice, "roles": _roles, "table": _table,
}


# -- words, not codes ---------------------------------------------------------------------------
def words(setting: Setting, value: Any, lang: str) -> str:
    """The value as a person reads it (role and choice names, 是/否), in `lang` (zh or en)."""
    if value is None or value == "" or value == []:
        return "—"
    if setting.kind == "table" and isinstance(value, list):
        return "；".join(_row_words(setting, r, lang) for r in value if isinstance(r, dict))
    return _value_words(setting.kind, value, setting.choices, lang)


def _value_words(kind: str, value: Any, choices: tuple[Choice, ...], lang: str) -> str:
    if kind == "roles" and isinstance(value, list):
        names = {c.code: c.label(lang) for c in role_choices()}
        return ("、" if lang == "zh" else ", ").join(names.get(str(v), str(v)) for v in value)
    if kind in ("bool", "flag"):
        if value is None:
            return "不限" if lang == "zh" else "either"
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if kind == "choice":
        return next((c.label(lang) for c in choices if c.code == value), str(value))
    return str(value)


def _row_words(setting: Setting, found: dict[str, Any], lang: str) -> str:
    parts = []
    for column in setting.columns:
        value = found.get(column.name)
        shown = "—" if value in (None, "", []) and column.kind != "flag" else \
            _value_words(column.kind, value, column.choices, lang)
        parts.append(f"{column.label(lang)}: {shown}")
    return ", ".join(parts)
