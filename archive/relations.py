"""Nobody is served their own or a relative's file (DOMAIN.md §5; issue 17 item 3).

Declarations (user ↔ person name, identity number, relation; relation `self` for oneself) are kept
by archive.lending.relations in `family_relations`. Here the rule is applied: a record of the
use matrix's `relation_categories` (default RS, the personnel file) whose person is one of the
user's declared people is never served to that user through a staff account, with or without an
approved request (`related`). What declarations cannot catch is flagged for the archivist
(`cross_check`): the same surname as the reader, and the same surname with the same birthplace
code (the first six digits of the identity number) as the reader's own declared number.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import use_matrix
from archive.lending.models import FamilyRelation
from archive.models import Record, User

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# Two-character surnames common enough to matter; anything else is read as a one-character surname.
DOUBLE_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "宇文",
                             "夏侯", "轩辕", "端木", "司徒", "西门", "独孤", "南宫", "万俟", "闻人", "赫连", "澹台"})


def check_digit_ok(number: str) -> bool:
    """GB 11643: the 18th character is the check character over the first 17."""
    number = number.strip().upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return CHECK[sum(int(d) * w for d, w in zip(number[:17], WEIGHTS, strict=True)) % 11] == number[17]


def surname(name: str) -> str:
    name = (name or "").strip()
    if len(name) < 2:
        return ""
    return name[:2] if name[:2] in DOUBLE_SURNAMES and len(name) > 2 else name[:1]


def declared_numbers(session: Session, username: str) -> set[str]:
    return set(session.execute(select(FamilyRelation.person_id_number)
                               .where(FamilyRelation.username == username)).scalars()) - {""}


def related(session: Session, username: str, record: Record) -> bool:
    """Is the record's person the user or a declared relative, in a category the rule covers?"""
    number = (record.person_id_number or "").strip().upper()
    if not number or record.category_code not in use_matrix.load(session).relation_categories:
        return False
    return number in declared_numbers(session, username)


def related_any(session: Session, usernames: Iterable[str], records: Iterable[Record]) -> bool:
    covered = use_matrix.load(session).relation_categories
    people = {(r.person_id_number or "").strip().upper() for r in records if r.category_code in covered} - {""}
    if not people:
        return False
    return session.execute(select(FamilyRelation.id).where(
        FamilyRelation.username.in_(list(usernames)), FamilyRelation.person_id_number.in_(sorted(people))
    )).first() is not None


def cross_check(session: Session, usernames: Iterable[str], records: Iterable[Record]) -> list[dict[str, str]]:
    """Possible undeclared relations between readers and the people of the records, for the archivist.
    A flag names the reader, the record and why; never an identity number."""
    flags = []
    records = [r for r in records if (r.person_name or r.person_id_number)]
    for username in sorted(set(usernames)):
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        own = session.execute(select(FamilyRelation).where(FamilyRelation.username == username,
                                                           FamilyRelation.relation == "self")).scalars().first()
        names = {surname(user.display_name) if user is not None else "", surname(own.person_name) if own else ""} - {""}
        region = own.person_id_number[:6] if own is not None else ""
        for record in records:
            theirs = surname(record.person_name)
            if not theirs or theirs not in names:
                continue
            same_region = bool(region) and (record.person_id_number or "")[:6] == region
            flags.append({"reader": username, "record": str(record.id),
                          "reason": "same_surname_region" if same_region else "same_surname"})
    return flags
