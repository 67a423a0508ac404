"""Declared identities and family relations, for the rule that nobody reads their own or a
relative's personnel file. A user declares their own; the security officer may declare any."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.codes import Role
from archive.errors import Forbidden, ValidationError
from archive.lending.access import user_of, viewer_of
from archive.lending.models import FamilyRelation

RELATIONS = ("self", "spouse", "parent", "child", "sibling", "in_law", "other_close")


def declare(session: Session, actor: str, username: str, relation: str, person_id_number: str,
            person_name: str = "") -> FamilyRelation:
    if relation not in RELATIONS:
        raise ValidationError(f"relation must be one of {', '.join(RELATIONS)}")
    if len(person_id_number.strip()) != 18:
        raise ValidationError("an identity number has 18 characters")
    if actor != username and viewer_of(session, actor).role is not Role.SECURITY_OFFICER:
        raise Forbidden("relations are declared by the user or the security officer")
    user_of(session, username)
    row = FamilyRelation(username=username, relation=relation, person_name=person_name,
                         person_id_number=person_id_number.strip().upper())
    session.add(row)
    session.flush()
    # The identity number is personal data: the trail keeps who declared what relation, not the number.
    audit.record(session, actor, "relation.declare", f"user:{username}", {"relation": relation, "id": row.id})
    return row


def relations_of(session: Session, username: str) -> list[FamilyRelation]:
    return list(session.execute(select(FamilyRelation).where(FamilyRelation.username == username)
                                .order_by(FamilyRelation.id)).scalars())
