"""Helpers for templates: labels for codes, the navigation a viewer gets, safe snippet markup."""

from __future__ import annotations

import re

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from archive.codes import ROLE_ZH, SECRECY_ZH, Role, Secrecy
from archive.policy import READER_ROLES, Action, may

_EM = re.compile(r"</?em>")


def secrecy_label(code: str) -> str:
    try:
        level = Secrecy(code)
    except ValueError:
        return code
    return SECRECY_ZH[level] if str(get_locale()).startswith("zh") else level.value


def role_label(code: str) -> str:
    try:
        role = Role(code)
    except ValueError:
        return code
    return ROLE_ZH[role] if str(get_locale()).startswith("zh") else role.value


def snippet(html: str) -> Markup:
    """Search snippets arrive escaped with <em> marks; anything else that looks like markup is escaped."""
    if "<" in _EM.sub("", html) or ">" in _EM.sub("", html):
        return escape(html)
    return Markup(html)  # noqa: S704 - checked above: only <em> tags, text already escaped


def navigation() -> list[tuple[str, str]]:
    viewer = g.get("viewer")
    if viewer is None:
        return []
    items = [("dashboard.home", _("首页"))]
    if viewer.role in READER_ROLES:
        items += [("search.page", _("检索")), ("volumes.index", _("案卷"))]
    if may(viewer, Action.FILE):
        items += [("upload.page", _("上传")), ("review.queue", _("待审核"))]
    if may(viewer, Action.READ_AUDIT):
        items.append(("audit.trail", _("审计")))
    if may(viewer, Action.MANAGE_ACCOUNTS) or may(viewer, Action.MANAGE_CLEARANCES):
        items.append(("admin.users", _("用户管理")))
    items.append(("admin.tokens", _("API 令牌")))
    return items


def template_helpers() -> dict:
    return {
        "secrecy_label": secrecy_label,
        "role_label": role_label,
        "snippet": snippet,
        "navigation": navigation,
        "current_locale": lambda: str(get_locale()),
    }
