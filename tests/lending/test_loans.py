"""Physical loans end to end, one active loan per volume under concurrency, overdue reminders."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from archive.clock import set_clock, utcnow
from archive.errors import Conflict, Forbidden, ValidationError
from archive.lending import overdue, requests, store, viewing
from archive.lending.models import Loan, Notification, StoreMovement
from archive.models import AuditEvent, Volume
from tests.lending.helpers import who, world


def approved_loan(s, w, requester="wang", level="internal"):
    req = requests.create_request(s, who(s, requester), purpose="查考", form="loan", volume_ids=[w["volumes"][level]])
    approver = {"internal": "head_ylk", "public": "head_ylk", "secret": "leader", "confidential": "leader"}[level]
    return requests.approve(s, who(s, approver), req.id)


def test_request_issue_renew_return_closed(catalog):
    with catalog.session() as s:
        w = world(s)
        store.shelve(s, who(s, "arch"), w["volumes"]["internal"], "A-01-02-03-04")
        req = approved_loan(s, w)
        with pytest.raises(ValidationError):
            requests.create_request(s, who(s, "wang"), purpose="x", form="loan", record_ids=[w["records"]["internal"]])
        [loan] = requests.issue_loans(s, who(s, "arch"), req.id, loan_days=7)
        assert s.get(Volume, loan.volume_id).status == "on_loan"
        assert (loan.due_on - utcnow().date()).days in (7, 8)
        due = loan.due_on
        assert requests.renew(s, who(s, "arch"), loan.id, days=7).due_on == due + dt.timedelta(days=7)
        result = requests.return_loan(s, who(s, "arch"), loan.id, pages_returned=19, damage="第3页破损")
        assert not result.pages_ok and "第3页破损" in result.damage and "19" in result.damage
        assert requests.get_request(s, req.id).status == "closed"
        moves = s.execute(select(StoreMovement.direction).order_by(StoreMovement.id)).scalars().all()
        assert moves == ["out", "in"]
        actions = set(s.execute(select(AuditEvent.action)).scalars())
        assert {"loan.request", "loan.approve", "loan.issue", "loan.renew", "loan.return", "volume.shelve"} <= actions


def test_location_history_is_kept(catalog):
    with catalog.session() as s:
        w = world(s)
        vid = w["volumes"]["internal"]
        store.shelve(s, who(s, "arch"), vid, "A-01-01-01-01")
        store.shelve(s, who(s, "arch"), vid, "B-02-01-01-03", reason="调整")
        assert [h["to"] for h in store.history(s, who(s, "arch"), vid)] == ["A-01-01-01-01", "B-02-01-01-03"]
        with pytest.raises(ValidationError):
            store.parse_path("A--1")


def test_second_loan_of_a_volume_is_refused(catalog):
    with catalog.session() as s:
        w = world(s)
        first, second = approved_loan(s, w), approved_loan(s, w, requester="li")
        requests.issue_loans(s, who(s, "arch"), first.id)
        with pytest.raises(Conflict):
            requests.issue_loans(s, who(s, "arch2"), second.id)


def test_concurrent_issues_yield_one_loan(catalog):
    """Two archivists issue two approved requests for one volume at the same moment."""
    with catalog.session() as s:
        w = world(s)
        ids = [approved_loan(s, w).id, approved_loan(s, w, requester="li").id]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(actor, request_id):
        try:
            with catalog.session() as session:
                barrier.wait(timeout=10)
                requests.issue_loans(session, who(session, actor), request_id)
            outcomes.append("issued")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:
            outcomes.append(f"error: {exc!r}")

    threads = [threading.Thread(target=issue, args=a) for a in (("arch", ids[0]), ("arch2", ids[1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "issued"], outcomes
    with catalog.session() as s:
        assert s.execute(select(func.count()).select_from(Loan).where(Loan.active.is_(True))).scalar_one() == 1


def test_overdue_loans_are_reminded_once_a_day(catalog):
    sent_mail = []
    try:
        with catalog.session() as s:
            w = world(s)
            req = approved_loan(s, w)
            requests.issue_loans(s, who(s, "arch"), req.id, loan_days=7)
            assert overdue.remind(s) == 0
            later = utcnow() + dt.timedelta(days=10)
            set_clock(lambda: later)
            assert overdue.send_email("wang", "x", "y") is False  # the hook is a no-op until configured
            overdue.configure_email(lambda *a: sent_mail.append(a))
            assert overdue.remind(s) == 1
            assert overdue.remind(s) == 0  # once a day
            [note] = s.execute(select(Notification)).scalars().all()
            assert note.username == "wang" and "J001" in note.message and "VOLTITLE" not in note.message
            assert len(sent_mail) == 1
    finally:
        set_clock(None)
        overdue.configure_email(None)


def test_celery_task_is_registered():
    import archive.tasks  # noqa: F401
    from archive.celery_app import app

    assert "archive.lending.remind_overdue" in app.tasks


def test_a_returned_volume_can_be_lent_again_and_renewals_are_capped(catalog):
    """The unique index covers active loans only (it is partial), so history does not block lending."""
    with catalog.session() as s:
        w = world(s)
        [loan] = requests.issue_loans(s, who(s, "arch"), approved_loan(s, w).id)
        for _ in range(requests.MAX_RENEWALS):
            requests.renew(s, who(s, "arch"), loan.id)
        with pytest.raises(Conflict):
            requests.renew(s, who(s, "arch"), loan.id)
        requests.return_loan(s, who(s, "arch"), loan.id, pages_returned=20)
        with pytest.raises(Conflict):
            requests.return_loan(s, who(s, "arch"), loan.id, pages_returned=20)
        [again] = requests.issue_loans(s, who(s, "arch"), approved_loan(s, w, requester="li").id)
        assert again.active and again.id != loan.id


def test_concurrent_approvals_of_one_step_record_one_approval(catalog):
    from archive.lending.models import Approval
    from archive.models import User

    with catalog.session() as s:
        w = world(s)
        s.add(User(username="leader2", role="leader", clearance="confidential", departments=[], categories=[]))
        req_id = requests.create_request(s, who(s, "zhao"), purpose="查考", form="loan", volume_ids=[w["volumes"]["secret"]]).id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor):
        try:
            with catalog.session() as session:
                barrier.wait(timeout=10)
                requests.approve(session, who(session, actor), req_id)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:
            outcomes.append(f"error: {exc!r}")

    threads = [threading.Thread(target=approve, args=(a,)) for a in ("leader", "leader2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["approved", "conflict"], outcomes
    with catalog.session() as s:
        assert s.execute(select(func.count()).select_from(Approval)).scalar_one() == 1


def test_outside_borrower_overdue_is_chased_by_the_lending_archivist(catalog):
    try:
        with catalog.session() as s:
            w = world(s)
            papers = requests.OutsideBorrower("张某", "某市人社局", "介绍信〔2026〕3号", "110101199003071234")
            req = requests.create_request(s, who(s, "arch2"), purpose="查证", form="loan", volume_ids=[w["volumes"]["internal"]],
                                          outside=papers)
            requests.approve(s, who(s, "office"), req.id)
            requests.issue_loans(s, who(s, "arch"), req.id)
            later = utcnow() + dt.timedelta(days=9)
            set_clock(lambda: later)
            assert overdue.remind(s) == 1
            assert [n.username for n in s.execute(select(Notification)).scalars()] == ["arch"]
    finally:
        set_clock(None)


def test_separation_of_duties_and_states_at_the_desk(sqlite_catalog):
    """Each refusal of the desk, shown on its own: who may issue, renew and cancel, and when."""
    with sqlite_catalog.session() as s:
        w = world(s)
        pending = requests.create_request(s, who(s, "wang"), purpose="查考", form="loan",
                                          volume_ids=[w["volumes"]["internal"]])
        with pytest.raises(Conflict):  # not approved yet
            requests.issue_loans(s, who(s, "arch"), pending.id)
        requests.approve(s, who(s, "head_ylk"), pending.id)
        with pytest.raises(Forbidden):  # staff do not issue
            requests.issue_loans(s, who(s, "wang"), pending.id)
        with pytest.raises(Forbidden):  # nor do approvers
            requests.issue_loans(s, who(s, "head_ylk"), pending.id)
        second = approved_loan(s, w, requester="li")
        [loan] = requests.issue_loans(s, who(s, "arch"), pending.id)
        with pytest.raises(Conflict):  # cancelled only before it is issued
            requests.cancel(s, who(s, "wang"), pending.id)
        third = requests.create_request(s, who(s, "li"), purpose="查考", form="loan",
                                        volume_ids=[w["volumes"]["internal"]])
        with pytest.raises(Conflict):  # the last approval of a loan of a volume that is out is refused
            requests.approve(s, who(s, "head_ylk"), third.id)
        with pytest.raises(Conflict):
            requests.issue_loans(s, who(s, "arch"), second.id)
        requests.return_loan(s, who(s, "arch"), loan.id, pages_returned=20)
        with pytest.raises(Conflict):  # a returned loan is not renewed
            requests.renew(s, who(s, "arch"), loan.id)

        own = requests.create_request(s, who(s, "arch"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]])
        requests.approve(s, who(s, "office"), own.id)
        with pytest.raises(Forbidden):  # nobody issues their own request
            viewing.issue_grants(s, who(s, "arch"), own.id)
        assert viewing.issue_grants(s, who(s, "arch2"), own.id)


def test_readers_do_not_approve_and_nobody_approves_two_steps(sqlite_catalog):
    from archive.lending import approvals

    with sqlite_catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]], readers=["wang", "head_ylk"])
        with pytest.raises(Forbidden):  # head_ylk reads this request, so does not approve it
            requests.approve(s, who(s, "head_ylk"), req.id)
        approvals.set_matrix(s, who(s, "admin"), [approvals.Rule("twice", (("leader", "office_director"),
                                                                            ("leader", "director")))])
        with pytest.raises(Forbidden):  # the approval matrix is the administrator's
            approvals.set_matrix(s, who(s, "arch"), [approvals.Rule("any", (("leader",),))])
        two = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]])
        requests.approve(s, who(s, "leader"), two.id)
        with pytest.raises(Forbidden):  # the second step needs a second person
            requests.approve(s, who(s, "leader"), two.id)
        assert requests.approve(s, who(s, "director"), two.id).status == "approved"
