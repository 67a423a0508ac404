"""The list of purposes a request may name (configurable: catalog setting `utilization_purposes`).

Personal use of archives' content (extracting or quoting for private purposes) is refused
whatever the list says (DOMAIN.md §15): an administrator may add purposes, never that one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive import audit
from archive.errors import Forbidden, ValidationError
from archive.i18n import lang
from archive.identity import Identity
from archive.lifecycle_models import LifecycleSetting
from archive.policy import Action, require
from archive.utilization.messages import msg

SETTING = "utilization_purposes"
PERSONAL_USE = "personal_use"
SELF_QUERY = "self_query"  # the self-service page's purpose: a person's own SB records (第三十二条)
DEFAULTS: dict[str, tuple[str, str]] = {
    "pension_approval": ("养老待遇核定", "pension approval"),
    "work_years": ("工龄认定", "proof of working years"),
    "insurance_proof": ("参保证明", "proof of insurance"),
    "custody_proof": ("档案存档证明", "proof of file custody"),
    "job_change": ("就业、调动、录用", "employment or job change"),
    "legal": ("司法、仲裁、纪检监察取证", "courts, arbitration, inspection"),
    "official_business": ("单位工作查考", "official business"),
    "research": ("编史修志、学术研究", "history and research"),
    SELF_QUERY: ("本人查询社会保险记录", "own social-insurance records"),
}
# Never a valid purpose, in either language (the words a desk might type for it).
REFUSED = {PERSONAL_USE, "个人使用", "个人用途", "私人用途", "personal use"}


def purposes(session: Session) -> dict[str, tuple[str, str]]:
    """The purposes in force: code → (Chinese, English)."""
    row = session.get(LifecycleSetting, SETTING)
    configured = (row.value or {}).get("value") if row is not None else None
    if not isinstance(configured, dict) or not configured:
        return dict(DEFAULTS)
    out = {}
    for code, words in configured.items():
        if isinstance(words, list | tuple) and len(words) == 2 and code not in REFUSED:
            out[str(code)] = (str(words[0]), str(words[1]))
    return out or dict(DEFAULTS)


def purpose_label(session: Session, code: str, language: str | None = None) -> str:
    words = purposes(session).get(code) or DEFAULTS.get(code)
    if words is None:
        return code
    return words[1] if (language or lang()) == "en" else words[0]


def checked(session: Session, purpose: str) -> str:
    """The purpose's code; personal use is refused (Forbidden), anything not in the list is invalid."""
    text = (purpose or "").strip()
    if text.lower() in REFUSED or text in REFUSED:
        raise Forbidden(msg("purpose_personal"))
    known = purposes(session)
    if text in known:
        return text
    for code, words in known.items():  # a person may type the words instead of the code
        if text in words:
            return code
    raise ValidationError(msg("purpose_unknown", purpose=text[:40]))


def configure(session: Session, identity: Identity, entries: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """An administrator sets the list (code → Chinese, English); personal use cannot be added."""
    require(identity.viewer, Action.ADMINISTER)
    if any(code in REFUSED for code in entries):
        raise Forbidden(msg("purpose_personal"))
    if not entries:
        raise ValidationError(msg("purpose_unknown", purpose=""))
    row = session.get(LifecycleSetting, SETTING) or LifecycleSetting(key=SETTING)
    row.value = {"value": {code: list(words) for code, words in entries.items()}}
    session.add(row)
    audit.record(session, identity.username, "utilization.purposes", "", {"codes": sorted(entries)})
    return {"purposes": {code: list(words) for code, words in entries.items()}}
