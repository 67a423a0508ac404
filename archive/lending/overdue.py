"""Overdue loans are chased (催还): an in-app notification per borrower and loan, at most once a
day, and an e-mail hook that does nothing unless a sender is configured."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.clock import today
from archive.lending.messages import msg
from archive.lending.models import Loan, LoanRequest, Notification
from archive.models import User, Volume

EmailSender = Callable[[str, str, str], None]  # (user name, subject, body)
_email_sender: EmailSender | None = None


def configure_email(sender: EmailSender | None) -> None:
    """Install (or remove, with None) the function that delivers reminder e-mails."""
    global _email_sender
    _email_sender = sender


def send_email(username: str, subject: str, body: str) -> bool:
    """The e-mail hook: a no-op returning False until configure_email installed a sender."""
    if _email_sender is None:
        return False
    _email_sender(username, subject, body)
    return True


def overdue_loans(session: Session) -> list[Loan]:
    return list(session.execute(
        select(Loan).where(Loan.active.is_(True), Loan.due_on < today()).order_by(Loan.due_on)
    ).scalars())


def remind(session: Session, actor: str = "system:remind-overdue") -> int:
    """Notify each borrower of each overdue loan once per day; returns how many reminders went out.
    A periodic task (it acts on the system, as `actor`); borrowers are notified whatever their
    account's state, outside borrowers through the archivist who lent the volume."""
    sent = 0
    for loan in overdue_loans(session):
        if loan.last_reminded_on == today():
            continue
        number = session.get_one(LoanRequest, loan.request_id).number
        code = session.get_one(Volume, loan.volume_id).archival_code  # codes only: never a title in a message
        text = msg("overdue_reminder", code=code, number=number, due=loan.due_on.isoformat())
        recipients = {loan.borrower}
        if session.execute(select(User.id).where(User.username == loan.borrower)).first() is None:
            recipients = {loan.issued_by}  # outside borrower: the archivist who lent it chases it
        for username in sorted(recipients):
            session.add(Notification(username=username, kind="loan.overdue", target=f"loan:{number}", message=text))
            send_email(username, "借阅到期催还 / overdue loan", text)
        loan.last_reminded_on = today()
        audit.record(session, actor, "loan.remind", f"loan:{number}",
                     {"loan": loan.id, "due_on": loan.due_on.isoformat(), "to": sorted(recipients)})
        sent += 1
    return sent


def notifications(session: Session, username: str, *, unread: bool = False) -> list[Notification]:
    query = select(Notification).where(Notification.username == username).order_by(Notification.id.desc())
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return list(session.execute(query).scalars())
