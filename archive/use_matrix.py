"""The use matrix (DOMAIN.md §5, §15): whose content is read only through an approved consultation.

By default the content (page images, OCR text, the PDF) of every record of categories RS and SB,
and of every record from which an identity number was read (records.person_id_number), is served
to the bureau's staff only through a current viewing grant of an approved consultation request
(electronic with a watermark and an expiry, or the reading room); the archivist who keeps the
store is exempt. Catalogue entries stay searchable within clearance. The relation rule
(archive.relations) applies to the categories in `relation_categories`.

The setting lives in `lifecycle_settings` under `use_matrix`; the system administrator changes
it (`set_matrix`, audited), here or as five keys of archive.settings_registry (`settings`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.codes import DEFAULT_CATEGORIES, Role
from archive.errors import ValidationError
from archive.identity import Identity
from archive.lifecycle_models import LifecycleSetting
from archive.policy import Action, UseRule, Viewer, require
from archive.settings_registry import Setting

KEY = "use_matrix"
CATEGORY_CODES = tuple(code for code, _, _ in DEFAULT_CATEGORIES)


@dataclasses.dataclass(frozen=True)
class UseMatrix:
    categories: tuple[str, ...] = ("RS", "SB")  # content needs an approved consultation
    personal_data: bool = True  # ... and so does any record with an identity number
    exempt_roles: tuple[str, ...] = (Role.ARCHIVIST.value,)  # read without one (keep the store)
    days: int = 3  # default period of an electronic consultation
    relation_categories: tuple[str, ...] = ("RS",)  # never one's own or a relative's (archive.relations)

    @property
    def rule(self) -> UseRule:
        return UseRule(frozenset(self.categories), self.personal_data, frozenset(Role(r) for r in self.exempt_roles))

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


DEFAULT = UseMatrix()

def from_dict(data: dict) -> UseMatrix:
    """Validated; unknown keys are refused, missing ones keep their defaults."""
    if not isinstance(data, dict):
        raise ValidationError("the use matrix is an object")
    unknown = set(data) - {f.name for f in dataclasses.fields(UseMatrix)}
    if unknown:
        raise ValidationError(f"unknown keys of the use matrix: {', '.join(sorted(unknown))}")
    values = DEFAULT.as_dict() | data
    for name in ("categories", "relation_categories"):
        codes = values[name]
        if not isinstance(codes, list) or not all(isinstance(c, str) and c in CATEGORY_CODES for c in codes):
            raise ValidationError(f"{name} is a list of category codes ({', '.join(CATEGORY_CODES)})")
    roles = values["exempt_roles"]
    if not isinstance(roles, list) or not all(isinstance(r, str) and r in {x.value for x in Role} for r in roles):
        raise ValidationError("exempt_roles is a list of roles")
    if not isinstance(values["personal_data"], bool):
        raise ValidationError("personal_data is true or false")
    days = values["days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise ValidationError("days is a whole number from 1 to 90")
    return UseMatrix(tuple(values["categories"]), values["personal_data"], tuple(roles), days,
                     tuple(values["relation_categories"]))


def load(session: Session) -> UseMatrix:
    """The matrix in force (the defaults when none was set)."""
    row = session.get(LifecycleSetting, KEY)
    stored = (row.value or {}).get("value") if row is not None else None
    if not isinstance(stored, dict):
        return DEFAULT
    try:
        return from_dict(stored)
    except ValidationError:  # a hand-edited row never opens content: fall back to the defaults
        return DEFAULT


def rule(session: Session) -> UseRule:
    return load(session).rule


def set_matrix(session: Session, viewer: Viewer, data: dict) -> UseMatrix:
    """Replace the matrix (the system administrator; audited with the old and new values)."""
    require(viewer, Action.ADMINISTER)
    new = from_dict(data)
    old = load(session)
    row = session.get(LifecycleSetting, KEY)
    if row is None:
        session.add(LifecycleSetting(key=KEY, value={"value": new.as_dict()}))
    else:
        row.value = {"value": new.as_dict()}
    session.flush()
    audit.record(session, viewer.username, "use_matrix.set", KEY, {"old": old.as_dict(), "new": new.as_dict()})
    return new


# -- the five keys in the registry of administrable settings (archive.settings_registry) ----------
def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def _field(name: str, as_text: bool = False):
    def read(session: Session) -> Any:
        value = getattr(load(session), name)
        return ",".join(value) if as_text else (list(value) if isinstance(value, tuple) else value)

    def write(session: Session, who: Identity, value: Any) -> Any:
        set_matrix(session, who.viewer, load(session).as_dict() | {name: _codes(value) if as_text else value})
        return read(session)

    return read, write


def settings() -> list[Setting]:
    """The use matrix as registry settings (entry point `archive.settings`: use_matrix)."""
    codes = ", ".join(CATEGORY_CODES)
    out = []
    for name, kind, zh, en, help_zh, help_en in (
        ("categories", "text", "查阅须经审批的档案门类", "Categories whose content needs an approved consultation",
         f"门类代码，逗号分隔（{codes}）；默认 RS,SB。目录仍可在密级范围内检索。",
         f"Category codes, comma-separated ({codes}); default RS,SB. Catalogue entries stay searchable."),
        ("personal_data", "bool", "含身份证号的档案须经审批", "Records with an identity number need one too",
         "读取到身份证号的档案，内容须经批准的查阅申请方可查阅。",
         "Content of any record from which an identity number was read needs an approved consultation."),
        ("exempt_roles", "roles", "无须审批即可查阅的角色", "Roles exempt from consultation approval",
         "默认为保管档案的档案员。", "Default: the archivist who keeps the store."),
        ("days", "int", "在线查阅默认期限（天）", "Default period of electronic viewing (days)",
         "查阅申请未填期限时使用（1–90 天）。", "Used when a request names no period (1–90 days)."),
        ("relation_categories", "text", "回避本人及亲属档案的门类", "Categories never served to the person or relatives",
         "本人或已申报亲属的这些门类档案，不通过工作人员账户提供；默认 RS。",
         "These categories of one's own or a declared relative's files are never served through staff accounts; "
         "default RS."),
    ):
        read, write = _field(name, as_text=kind == "text")
        default = getattr(DEFAULT, name)
        out.append(Setting(f"{KEY}.{name}", zh, en, kind, ",".join(default) if kind == "text" else
                           (list(default) if isinstance(default, tuple) else default),
                           minimum=1 if kind == "int" else None, read=read, write=write, group="lending",
                           help_zh=help_zh, help_en=help_en))
    return out
