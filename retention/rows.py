"""One catalog row that must exist: the same NotFound answer everywhere in retention."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from archive.errors import NotFound

T = TypeVar("T")


def get(session: Session, model: type[T], ident: Any, what: str | None = None, **options: Any) -> T:
    found = session.get(model, ident, **options)
    if found is None:
        raise NotFound(f"{what or model.__name__} {ident} does not exist")
    return found
