"""The category code table (门类), as the system administrator keeps it: list, add, rename,
(de)activate. Identity-first, for every face; every change is audited. A deactivated category
stays for the records filed under it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.errors import Conflict, NotFound, ValidationError
from archive.identity import Identity, active_user
from archive.models import Category
from archive.policy import Action, Viewer, require

CODE = re.compile(r"^[A-Z0-9]{2}$")


def _administrator(session: Session, who: Identity) -> str:
    viewer = who.viewer if who.is_system else Viewer.of(active_user(session, who.username))
    require(viewer, Action.ADMINISTER)
    return viewer.username


def category_json(c: Category) -> dict[str, Any]:
    return {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "active": bool(c.active)}


def list_categories(session: Session, who: Identity) -> list[dict[str, Any]]:
    _administrator(session, who)
    return [category_json(c) for c in session.execute(select(Category).order_by(Category.code)).scalars()]


def _name(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} is required")
    if len(value.strip()) > limit:
        raise ValidationError(f"{what} has at most {limit} characters")
    return value.strip()


def add_category(session: Session, who: Identity, *, code: object, name_zh: object, name_en: object) -> dict[str, Any]:
    actor = _administrator(session, who)
    code = code.strip().upper() if isinstance(code, str) else ""
    if not CODE.match(code):
        raise ValidationError("a category code is two letters or digits, e.g. WS")
    zh, en = _name(name_zh, "the Chinese name", 50), _name(name_en, "the English name", 80)
    if session.get(Category, code) is not None:
        raise Conflict(f"category {code} exists already")
    row = Category(code=code, name_zh=zh, name_en=en, active=True)
    session.add(row)
    session.flush()
    audit.record(session, actor, "category.add", f"category:{code}", {"name_zh": zh, "name_en": en})
    return category_json(row)


def change_category(session: Session, who: Identity, code: str, *, name_zh: object = None, name_en: object = None,
                    active: object = None) -> dict[str, Any]:
    """Rename and/or (de)activate."""
    actor = _administrator(session, who)
    row = session.get(Category, code)
    if row is None:
        raise NotFound(f"category {code} does not exist")
    changes: dict[str, Any] = {}
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
        session.flush()
        action = "category.deactivate" if changes.get("active") == [True, False] else "category.change"
        audit.record(session, actor, action, f"category:{code}", changes)
    return category_json(row)
