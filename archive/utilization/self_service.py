"""Self-service proof for citizens (optional; ARCHIVE_SELF_SERVICE, off by default).

No SMS gateway exists here, so the person proves who they are with their identity number, their
name and a one-time code the archivist hands over at the desk after seeing their ID card. Codes
are kept only as salted scrypt hashes, expire after CODE_MINUTES, are used once, and a code dies
after MAX_FAILURES wrong tries. The person receives a certified copy of their own social-insurance
(SB) records of the kinds they choose — free of charge (经办条例 第三十二条) — and the use is
registered and audited like any other.

A failed try must be counted even though nothing is issued, so `obtain` reports refusals in its
result instead of raising (an exception would roll the count back with the unit of work).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import utcnow
from archive.codes import BUSINESS_STEPS, RecordStatus, Secrecy
from archive.errors import NotFound, ValidationError
from archive.identity import Identity
from archive.models import Page, Record
from archive.utilization import certify, id_card, purposes
from archive.utilization.messages import msg
from archive.utilization.models import SelfServiceCode
from archive.utilization.requests import beijing, desk, new_request

CODE_MINUTES = 30
MAX_FAILURES = 5
CODE_DIGITS = 8
OPEN_LEVELS = (Secrecy.PUBLIC.value, Secrecy.INTERNAL.value)  # never a state secret through this page


@dataclasses.dataclass(frozen=True)
class Result:
    ok: bool
    error: str = ""
    issued: certify.Issued | None = None
    records: int = 0


def _hash(code: str, salt: str, id_number: str) -> str:
    return hashlib.scrypt(code.encode(), salt=(salt + id_number).encode(), n=2**14, r=8, p=1).hex()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def issue_code(session: Session, identity: Identity, *, id_number: str, name: str) -> dict[str, Any]:
    """The archivist, having seen the person's ID card, hands over a one-time code (shown once);
    any earlier unused code of that person stops working."""
    viewer = desk(session, identity)
    number = id_card.checked(id_number)
    person = (name or "").strip()[:50]
    if not person:
        raise ValidationError(msg("name_needed"))
    now = utcnow()
    for old in _unused(session, number):
        old.used_at = now
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    salt = secrets.token_hex(16)
    row = SelfServiceCode(id_number=number, person_name=person, code_hash=_hash(code, salt, number), salt=salt,
                          expires_at=now + dt.timedelta(minutes=CODE_MINUTES), issued_by=viewer.username,
                          created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, viewer.username, "self_service.code", f"self_service:{row.id}",
                 {"person": id_card.masked(number)})
    return {"code": code, "expires_at": beijing(row.expires_at), "id_number": id_card.masked(number)}


def _unused(session: Session, number: str) -> list[SelfServiceCode]:
    return list(session.execute(select(SelfServiceCode).where(
        SelfServiceCode.id_number == number, SelfServiceCode.used_at.is_(None))
        .order_by(SelfServiceCode.id.desc())).scalars())


def kinds() -> list[str]:
    """The kinds a person may choose: the business steps of social-insurance files."""
    return list(BUSINESS_STEPS)


def obtain(session: Session, identity: Identity, *, enabled: bool, id_number: str, name: str, code: str,
           types: Sequence[str], store: certify.Store, seal_path: str = "", verify_url: str = "/verify/") -> Result:
    """A person proves who they are and receives a certified copy of their own SB records of
    `types`. `identity` is the page's process identity (no person is logged in)."""
    if not enabled:
        raise NotFound(msg("self_off"))
    number = id_card.checked(id_number)
    chosen = [t for t in dict.fromkeys(types) if t in BUSINESS_STEPS]
    if not chosen:
        raise ValidationError(msg("choose_types"))
    row = _check_code(session, identity, number, (name or "").strip(), (code or "").strip())
    if isinstance(row, str):
        return Result(False, row)
    records = own_records(session, number, row.person_name, chosen)
    if not records:
        audit.record(session, identity.username, "self_service.none", f"self_service:{row.id}",
                     {"person": id_card.masked(number), "types": chosen})
        return Result(False, msg("self_none"))
    row.used_at = utcnow()
    request = new_request(session, identity.username, kind="self_service", name=row.person_name, id_number=number,
                          purpose=purposes.SELF_QUERY, purpose_note="、".join(chosen), found=records)
    parts = [certify.Part(r, list(range(1, _pages(session, r) + 1))) for r in records]
    issued = certify.make_copy(session, identity.username, parts, copies=1, requester=row.person_name, store=store,
                               request=request, form="electronic", purpose=purposes.SELF_QUERY,
                               seal_path=seal_path, verify_url=verify_url)
    request.outcome, request.closed_by, request.closed_at = "certified", identity.username, utcnow()
    audit.record(session, identity.username, "self_service.issue", f"utilization:{request.id}", {
        "person": id_card.masked(number), "types": chosen, "records": [r.id for r in records],
        "serial": issued.copy["serial"]})
    return Result(True, issued=issued, records=len(records))


def _check_code(session: Session, identity: Identity, number: str, name: str, code: str) -> SelfServiceCode | str:
    """The live code of this person if `name` and `code` fit, else the message to show (counted)."""
    live = next(iter(_unused(session, number)), None)
    now = utcnow()
    refused = msg("self_refused")
    if live is None or _aware(live.expires_at) <= now:
        audit.record(session, identity.username, "self_service.refused", "", {"person": id_card.masked(number),
                                                                              "why": "no live code"})
        return refused
    if live.failures >= MAX_FAILURES:
        return msg("self_locked")
    if name != live.person_name or not hmac.compare_digest(_hash(code, live.salt, number), live.code_hash):
        live.failures += 1
        if live.failures >= MAX_FAILURES:
            live.used_at = now  # dead: a new code comes from the archivist
        audit.record(session, identity.username, "self_service.refused", f"self_service:{live.id}",
                     {"person": id_card.masked(number), "failures": live.failures})
        return msg("self_locked") if live.failures >= MAX_FAILURES else refused
    return live


def own_records(session: Session, number: str, name: str, types: Sequence[str]) -> list[Record]:
    """The person's own filed SB records of `types`: their identity number, their name (or none
    recorded), never a state secret, never a personnel file."""
    rows = session.execute(select(Record).where(
        Record.category_code == "SB", Record.person_id_number == number, Record.business_step.in_(list(types)),
        Record.status == RecordStatus.FILED.value, Record.secrecy.in_(OPEN_LEVELS))
        .order_by(Record.doc_date, Record.id)).scalars()
    return [r for r in rows if r.person_name in ("", name) and _pages(session, r) > 0]


def _pages(session: Session, record: Record) -> int:
    numbers = session.execute(select(Page.page_no).where(Page.record_id == record.id)).scalars().all()
    return max([record.pages or 0, *numbers]) if numbers else 0
