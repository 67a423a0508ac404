"""The access policy: pure functions, and the only place that decides who may see or do what.

Everything else (catalog queries, search backends, web pages, downloads, exports, the CLI)
asks here. `can_see` decides for one record; `record_filter` produces the same decision as
data that queries translate into SQL or a search filter, so a list never shows what a
single look-up would refuse. Above a viewer's clearance a record does not exist for them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol

from archive.codes import SECRECY_ORDER, RecordStatus, Role, Secrecy
from archive.errors import Forbidden


class Action(StrEnum):
    VIEW_METADATA = "view_metadata"  # catalogue fields, title
    VIEW_CONTENT = "view_content"  # OCR text, page images, snippets
    DOWNLOAD = "download"  # originals and PDFs leave the system
    EXPORT = "export"  # lists and registers leave the system
    EDIT = "edit"  # catalogue fields
    FILE = "file"  # ingest, receive, arrange
    LEND = "lend"  # issue and take back loans
    CHANGE_SECRECY = "change_secrecy"  # lowering needs the security officer
    APPRAISE = "appraise"
    APPROVE = "approve"  # loans, extracts, destruction registers
    WITNESS = "witness"
    READ_AUDIT = "read_audit"
    MANAGE_ACCOUNTS = "manage_accounts"  # create, disable users (system administrator)
    MANAGE_CLEARANCES = "manage_clearances"  # clearance, scope (security officer)
    ADMINISTER = "administer"  # configuration, tasks, backups


class RecordLike(Protocol):
    secrecy: str
    category_code: str
    department: str
    status: str


class UserLike(Protocol):
    username: str
    role: str
    clearance: str
    departments: list
    categories: list


@dataclasses.dataclass(frozen=True)
class Viewer:
    """Who is asking. Built from a user row, or a named system process."""

    username: str
    role: Role
    clearance: Secrecy
    departments: frozenset[str] = frozenset()  # empty: every department
    categories: frozenset[str] = frozenset()  # empty: every category
    system: bool = False  # internal processes (indexer, fixity): never a person

    @classmethod
    def of(cls, user: UserLike) -> Viewer:
        return cls(
            username=user.username,
            role=Role(user.role),
            clearance=Secrecy(user.clearance),
            departments=frozenset(user.departments or ()),
            categories=frozenset(user.categories or ()),
        )

    @classmethod
    def process(cls, name: str) -> Viewer:
        """A system process that handles every record (the indexer, the fixity audit)."""
        return cls(username=f"system:{name}", role=Role.ARCHIVIST, clearance=Secrecy.TOP_SECRET, system=True)


# Roles that may work with record content at all; the system administrator, the auditor and
# the security officer manage the system, its trail and its clearances, not the holdings.
READER_ROLES = frozenset(
    {Role.ARCHIVIST, Role.STAFF, Role.DEPT_HEAD, Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR, Role.APPRAISER}
)
METADATA_ROLES = READER_ROLES | {Role.AUDITOR, Role.SECURITY_OFFICER, Role.WITNESS}
APPROVER_ROLES = frozenset({Role.DEPT_HEAD, Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR})

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ARCHIVIST: frozenset({Action.FILE, Action.LEND, Action.EDIT, Action.EXPORT}),
    Role.STAFF: frozenset(),
    Role.DEPT_HEAD: frozenset({Action.APPROVE}),
    Role.OFFICE_DIRECTOR: frozenset({Action.APPROVE, Action.EXPORT}),
    Role.LEADER: frozenset({Action.APPROVE, Action.EXPORT}),
    Role.DIRECTOR: frozenset({Action.APPROVE, Action.EXPORT}),
    Role.APPRAISER: frozenset({Action.APPRAISE}),
    Role.WITNESS: frozenset({Action.WITNESS}),
    Role.AUDITOR: frozenset({Action.READ_AUDIT, Action.EXPORT}),
    Role.SECURITY_OFFICER: frozenset({Action.MANAGE_CLEARANCES, Action.CHANGE_SECRECY}),
    Role.SYSADMIN: frozenset({Action.MANAGE_ACCOUNTS, Action.ADMINISTER}),
}


def rank(level: str | Secrecy) -> int:
    return SECRECY_ORDER.index(Secrecy(level))


def cleared_for(viewer: Viewer, level: str | Secrecy) -> bool:
    return rank(viewer.clearance) >= rank(level)


def in_scope(viewer: Viewer, category: str, department: str) -> bool:
    # A record with no owning department belongs to the whole bureau.
    if viewer.categories and category not in viewer.categories:
        return False
    return not viewer.departments or not department or department in viewer.departments


def can_see(viewer: Viewer, record: RecordLike) -> bool:
    """May the viewer learn that this record exists (its code, title, any count including it)?"""
    if viewer.system:
        return True
    if viewer.role not in METADATA_ROLES:
        return False
    return cleared_for(viewer, record.secrecy) and in_scope(viewer, record.category_code, record.department)


@dataclasses.dataclass(frozen=True)
class UseRule:
    """Whose content is read only through an approved consultation (DOMAIN.md §5, §15): records of
    `categories`, and (`personal_data`) any record from which an identity number was read. Roles in
    `exempt` (the archivist, who keeps the store) read them without one. archive.use_matrix keeps
    the configured rule; callers that do not pass one get these defaults."""

    categories: frozenset[str] = frozenset({"RS", "SB"})
    personal_data: bool = True
    exempt: frozenset[Role] = frozenset({Role.ARCHIVIST})

    def needs_consultation(self, viewer: Viewer, record: RecordLike) -> bool:
        if viewer.system or viewer.role in self.exempt:
            return False
        if record.category_code in self.categories:
            return True
        # Catalog rows carry person_id_number; search documents keep their own rule (OWN_RULE_CATEGORIES).
        return self.personal_data and bool(getattr(record, "person_id_number", ""))


DEFAULT_USE_RULE = UseRule()


def allowed_actions(viewer: Viewer, record: RecordLike, *, viewing_grant: bool = False,
                    use_rule: UseRule = DEFAULT_USE_RULE) -> frozenset[Action]:
    """Everything the viewer may do with this record. Empty when they may not see it.

    `viewing_grant` is an approved, current loan or viewing grant for this viewer and record;
    state secrets are read only through one, and so is what `use_rule` reserves to consultations.
    """
    if not can_see(viewer, record):
        return frozenset()
    if viewer.system:
        return frozenset({Action.VIEW_METADATA, Action.VIEW_CONTENT})
    actions = {Action.VIEW_METADATA}
    secrecy = Secrecy(record.secrecy)
    destroyed = record.status == RecordStatus.DESTROYED
    role_actions = ROLE_ACTIONS[viewer.role]
    # Personnel files are read only through an approved consultation (DOMAIN.md §5), except by the
    # archivist who keeps them; search may find them by name, but shows no content.
    personnel = record.category_code == "RS" and viewer.role is not Role.ARCHIVIST
    personnel = personnel or use_rule.needs_consultation(viewer, record)
    if viewer.role in READER_ROLES and not destroyed and (viewing_grant or not personnel):
        if secrecy in (Secrecy.PUBLIC, Secrecy.INTERNAL) or viewing_grant or viewer.role is Role.ARCHIVIST:
            # The archivist holds the store; top-secret content is shown only in the reading room.
            if secrecy is not Secrecy.TOP_SECRET or viewing_grant:
                actions.add(Action.VIEW_CONTENT)
        if Action.VIEW_CONTENT in actions and rank(secrecy) < rank(Secrecy.SECRET):
            actions.add(Action.DOWNLOAD)
    # A record handed to the state archive is a read-only tombstone here: nothing changes it.
    if not destroyed and record.status != RecordStatus.TRANSFERRED:
        actions |= role_actions & {Action.EDIT, Action.LEND, Action.FILE, Action.APPRAISE, Action.CHANGE_SECRECY}
    if Action.EXPORT in role_actions and secrecy is not Secrecy.TOP_SECRET:
        actions.add(Action.EXPORT)
    # 合议 and 信访 records have a rule of their own (DOMAIN.md §15); imported here: it uses this module.
    from archive.special_access import restrict

    return restrict(viewer, record, frozenset(actions), viewing_grant=viewing_grant)


def may(viewer: Viewer, action: Action) -> bool:
    """Role-level permission, for actions not tied to one record (reading the audit trail, managing users)."""
    return viewer.system or action in ROLE_ACTIONS.get(viewer.role, frozenset())


def require(viewer: Viewer, action: Action, record: RecordLike | None = None) -> None:
    """Raise Forbidden unless the viewer may do `action` (to `record`, when given)."""
    if record is None:
        if not may(viewer, action):
            raise Forbidden(f"{viewer.username} ({viewer.role}) may not {action}")
    elif action not in allowed_actions(viewer, record):
        raise Forbidden(f"{viewer.username} ({viewer.role}) may not {action} this record")


def may_lower_secrecy(viewer: Viewer) -> bool:
    """Raising a level is free; lowering one needs the security officer (DOMAIN.md §4)."""
    return viewer.role is Role.SECURITY_OFFICER


def distinct_people(*groups: Iterable[str], what: str) -> None:
    """Separation of duties: nobody holds two of these parts (requester, approver, witness...)."""
    seen: dict[str, int] = {}
    for index, group in enumerate(groups):
        for name in group:
            if name in seen and seen[name] != index:
                raise Forbidden(f"{name} cannot act twice in {what}")
            seen[name] = index


@dataclasses.dataclass(frozen=True)
class AccessFilter:
    """`can_see` as data, for queries. Backends translate it; `matches` is its reference meaning."""

    deny_all: bool
    secrecy: frozenset[str]  # levels the viewer may see
    categories: frozenset[str] | None  # None: every category
    departments: frozenset[str] | None  # None: every department; records with no department always match
    include_destroyed: bool = False

    def matches(self, record: RecordLike) -> bool:
        if self.deny_all:
            return False
        if record.status == RecordStatus.DESTROYED and not self.include_destroyed:
            return False
        if record.secrecy not in self.secrecy:
            return False
        if self.categories is not None and record.category_code not in self.categories:
            return False
        return self.departments is None or not record.department or record.department in self.departments


def record_filter(viewer: Viewer, *, include_destroyed: bool = False) -> AccessFilter:
    allowed = frozenset(s.value for s in SECRECY_ORDER if rank(s) <= rank(viewer.clearance))
    if viewer.system:
        return AccessFilter(False, allowed, None, None, include_destroyed)
    return AccessFilter(
        deny_all=viewer.role not in METADATA_ROLES,
        secrecy=allowed,
        categories=frozenset(viewer.categories) if viewer.categories else None,
        departments=frozenset(viewer.departments) if viewer.departments else None,
        include_destroyed=include_destroyed,
    )


# Categories whose content `allowed_actions` decides by a rule of their own (personnel files are
# read through a consultation, DOMAIN.md §5); `content_filter` asks about them apart.
OWN_RULE_CATEGORIES = frozenset({"RS"}) | DEFAULT_USE_RULE.categories


@dataclasses.dataclass(frozen=True)
class ContentFilter:
    """`Action.VIEW_CONTENT` (without a viewing grant) as data, for search: among the records
    `record_filter` lets through, those whose content (page text, identity number) may match the
    viewer's queries; on the others only catalogue fields match. `matches` is its reference meaning."""

    levels: frozenset[str]  # levels whose content the viewer reads, in every other category
    own_rule: frozenset[str]  # OWN_RULE_CATEGORIES
    own_rule_levels: frozenset[str]  # levels whose content the viewer reads in those categories
    destroyed: bool = False  # also of destroyed records (system processes only)

    def matches(self, record: RecordLike) -> bool:
        if record.status == RecordStatus.DESTROYED and not self.destroyed:
            return False
        levels = self.own_rule_levels if record.category_code in self.own_rule else self.levels
        return record.secrecy in levels

    @property
    def everything(self) -> bool:
        every = {s.value for s in SECRECY_ORDER}
        return self.destroyed and self.levels == every and self.own_rule_levels == every

    @property
    def nothing(self) -> bool:
        return not self.levels and not self.own_rule_levels


@dataclasses.dataclass
class _Probe:  # a record as `allowed_actions` reads it
    secrecy: str
    category_code: str
    status: str = RecordStatus.FILED.value
    department: str = ""


@functools.lru_cache(maxsize=1024)  # asked once per search; a viewer is a frozen value
def content_filter(viewer: Viewer) -> ContentFilter:
    """Asks `allowed_actions` itself, per level and kind of category, about a record inside the
    viewer's scope (clearance and scope are `record_filter`'s part); a test holds the two equal."""
    unscoped = dataclasses.replace(viewer, departments=frozenset(), categories=frozenset())

    def reads(category: str, status: str = RecordStatus.FILED.value) -> frozenset[str]:
        return frozenset(
            s.value for s in SECRECY_ORDER
            if Action.VIEW_CONTENT in allowed_actions(unscoped, _Probe(s.value, category, status))
        )

    own = min(OWN_RULE_CATEGORIES)  # they all follow the same rule: one stands for them
    levels = reads("")
    destroyed = bool(levels) and reads("", RecordStatus.DESTROYED.value) == levels
    return ContentFilter(levels, OWN_RULE_CATEGORIES, reads(own), destroyed)
