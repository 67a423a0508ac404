"""Declared identities and family relations, for the rule that nobody reads their own or a
relative's personnel file (archive.lending.requests refuses such a consultation).

A user declares their own; the security officer may declare for any user, and read anyone's
declarations. The identity number is personal data: the trail keeps who declared which relation,
never the number.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import Role
from archive.errors import Forbidden, ValidationError
from archive.lending.access import Actor, Who, acting, user_of
from archive.lending.models import FamilyRelation

RELATIONS = ("self", "spouse", "parent", "child", "sibling", "in_law", "other_close")


def _subject(me: Actor, username: str | None) -> str:
    """Whose declarations: one's own, or (the security officer) anyone's."""
    if username is None or username == me.username:
        return me.username
    if me.viewer.role is not Role.SECURITY_OFFICER:
        raise Forbidden("relations are declared and read by the user or the security officer")
    return username


def declare(session: Session, who: Who, relation: str, person_id_number: str, person_name: str = "", *,
            username: str | None = None) -> FamilyRelation:
    """Declare a relation of `username` (default: oneself) to the person with this identity number."""
    me = acting(session, who)
    subject = _subject(me, username)
    if relation not in RELATIONS:
        raise ValidationError(f"relation must be one of {', '.join(RELATIONS)}")
    number = person_id_number.strip().upper()
    if len(number) != 18:
        raise ValidationError("an identity number has 18 characters")
    user_of(session, subject)  # an active account
    row = FamilyRelation(username=subject, relation=relation, person_name=person_name.strip(),
                         person_id_number=number)
    session.add(row)
    session.flush()
    audit.record(session, me.username, "relation.declare", f"user:{subject}", {"relation": relation, "id": row.id})
    return row


def relations_of(session: Session, who: Who, username: str | None = None) -> list[FamilyRelation]:
    """The declarations of `username` (default: oneself)."""
    me = acting(session, who)
    subject = _subject(me, username)
    rows = list(session.execute(select(FamilyRelation).where(FamilyRelation.username == subject)
                                .order_by(FamilyRelation.id)).scalars())
    if subject != me.username:  # the security officer reading someone's personal data leaves a trace
        audit.record(session, me.username, "relation.list", f"user:{subject}", {"count": len(rows)})
    return rows
