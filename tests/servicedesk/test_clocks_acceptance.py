"""Issue 12's acceptance with exact moments: organisation in Asia/Shanghai, mainland holidays
(1–5 May 2026 off, Saturday 9 May a make-up working day)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from aftercare.contracts import actions as contracts
from aftercare.obligations.models import Notification, Obligation
from aftercare.servicedesk import actions
from aftercare.servicedesk import clocks as ticket_clocks
from aftercare.servicedesk.models import EscalationNotice, Ticket, TicketEvent
from aftercare.standard import actions as standard
from aftercare.tick import run as tick
from tests.factories import UserFactory
from tests.servicedesk.helpers import WITH_LUNCH, at, clocks, hotline

pytestmark = pytest.mark.django_db


def test_a_line_fault_before_may_day_is_due_after_the_holidays():
    h = hotline()
    ticket = h.call(at(2026, 4, 30, 16, 30))
    assert ticket.number == "BS-H-2026-000001"
    assert (ticket.coverage, ticket.contract_id) == ("contract", h.contract.pk)
    found = clocks(ticket)
    assert found["BS-7"].due_at == at(2026, 5, 6, 9, 30)
    assert found["BS-8"].due_at == at(2026, 5, 6, 11, 30)
    # Until dispatched the clocks are the branch supervisor's.
    assert {o.owner for o in found.values()} == {h.sam}
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(2026, 5, 6, 9, 30)


def test_a_make_up_saturday_is_a_working_day():
    h = hotline()
    ticket = h.call(at(2026, 5, 8, 17, 0))
    assert clocks(ticket)["BS-7"].due_at == at(2026, 5, 9, 10, 0)


def test_a_pause_on_24x7_moves_the_fix_by_its_length():
    h = hotline()
    # The fire alarm has no contract and no warranty: the organisation's 24×7, BS-8's 4 hours.
    ticket = h.call(at(2026, 6, 2, 10, 0), system=h.fire)
    assert ticket.coverage == "none"
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 2, 14, 0)
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 10, 5))
    actions.pause(ticket, by=h.eve, reason="owner_access", at=at(2026, 6, 2, 11, 0))
    stopped = clocks(ticket)["BS-8"]
    assert stopped.clock_stopped  # paused: no due moment, no breach
    assert Obligation.objects.overdue(at(2026, 6, 2, 23, 0)).filter(pk=stopped.pk).count() == 0
    actions.resume(ticket, by=h.eve, at=at(2026, 6, 2, 12, 30))
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 2, 15, 30)


def test_an_overnight_pause_on_office_hours_and_a_later_change_of_category_keeps_it():
    h = hotline(targets=[contracts.Target("equipment_fault", Decimal(3), Decimal(6))])
    ticket = h.call(at(2026, 6, 2, 16, 0))
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 16, 10))
    actions.pause(ticket, by=h.eve, reason="owner_request", at=at(2026, 6, 2, 17, 0))
    actions.resume(ticket, by=h.eve, at=at(2026, 6, 3, 10, 0))
    found = clocks(ticket)
    assert found["BS-8"].due_at == at(2026, 6, 3, 13, 0)
    assert found["BS-7"].due_at == at(2026, 6, 3, 11, 0)
    # Recomputing from the log again changes nothing.
    ticket_clocks.recompute(Ticket.objects.get(pk=ticket.pk))
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 3, 13, 0)

    # An equipment fault has 6 h to fix under this contract; the overnight pause still counts:
    # 1 h on Tuesday, then Wednesday from 10:00 → 15:00.
    actions.change(ticket, by=h.sam, category="equipment_fault", at=at(2026, 6, 3, 10, 30))
    found = clocks(ticket)
    assert found["BS-8"].due_at == at(2026, 6, 3, 15, 0)
    assert found["BS-7"].due_at == at(2026, 6, 3, 12, 0)
    # And back: the same moments as before the change.
    actions.change(ticket, by=h.sam, category="line_fault", at=at(2026, 6, 3, 10, 40))
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 3, 13, 0)
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == ["reported", "dispatched", "paused", "resumed", "category_changed",
                     "category_changed"]  # fmt: skip


def test_a_category_without_a_fix_target_cancels_the_fix_clock_with_the_reason():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 16, 0))
    actions.change(ticket, by=h.sam, category="software_fault", at=at(2026, 6, 2, 16, 5))
    fix = clocks(ticket)["BS-8"]
    assert fix.cancelled_at == at(2026, 6, 2, 16, 5)
    assert fix.cancel_reason_text == "No fix target applies after the ticket's category changed."
    # The contract has no software target: the standard's 2 h arrival on the office calendar.
    assert clocks(ticket)["BS-7"].due_at == at(2026, 6, 2, 18, 0)
    actions.change(ticket, by=h.sam, category="line_fault", at=at(2026, 6, 2, 16, 10))
    pending = Obligation.objects.pending().filter(rule="BS-8", subject_id=ticket.pk)
    assert [o.due_at for o in pending] == [at(2026, 6, 3, 11, 0)]


def test_a_lunch_break_does_not_count():
    h = hotline(WITH_LUNCH)
    ticket = h.call(at(2026, 6, 1, 11, 0))
    found = clocks(ticket)
    assert found["BS-7"].due_at == at(2026, 6, 1, 14, 30)
    assert found["BS-8"].due_at == at(2026, 6, 1, 16, 30)


def test_a_declared_suspension_stops_the_branch_clocks_and_no_other():
    h = hotline()
    ours = h.call(at(2026, 6, 2, 10, 0), system=h.fire)
    other_site = h.b.other_site
    theirs_system = None
    from aftercare.sites import actions as sites

    sue_site = sites.create_site(by=h.sue, customer=_owner_of(h.b.other_branch), name="南區大樓")
    theirs_system = sites.add_system(by=h.sue, site=sue_site, kind="cctv", name="監控")
    theirs = actions.report(
        by=h.sue, site=sue_site, system=theirs_system, caller_name="李", category="line_fault",
        description="斷線", reported_at=at(2026, 6, 2, 10, 0),
    )  # fmt: skip
    assert other_site is not None
    typhoon = actions.declare_suspension(
        by=h.sam, branch=h.branch, reason="typhoon_8",
        starts_at=at(2026, 6, 2, 11, 0), ends_at=at(2026, 6, 2, 14, 0),
    )  # fmt: skip
    assert clocks(ours)["BS-8"].due_at == at(2026, 6, 2, 17, 0)
    assert clocks(ours)["BS-7"].due_at == at(2026, 6, 2, 15, 0)  # 1 h before, 1 h after
    assert clocks(theirs)["BS-8"].due_at == at(2026, 6, 2, 14, 0)
    assert typhoon.declared_by == h.sam

    # An open-ended black rainstorm stops the clock until it is ended.
    rain = actions.declare_suspension(
        by=h.sam, branch=h.branch, reason="black_rainstorm", starts_at=at(2026, 6, 2, 15, 0)
    )
    assert clocks(ours)["BS-8"].clock_stopped
    actions.end_suspension(rain, by=h.sam, ends_at=at(2026, 6, 2, 16, 30))
    assert clocks(ours)["BS-8"].due_at == at(2026, 6, 2, 18, 30)
    with pytest.raises(Exception) as refused:
        actions.end_suspension(rain, by=h.sam, ends_at=at(2026, 6, 2, 17, 0))
    assert getattr(refused.value, "status", None) == 409


def _owner_of(branch):
    from aftercare.customers.models import Customer

    return Customer.objects.create(branch=branch, name="南區業主", kind="company")


def test_a_closure_added_later_moves_the_open_clocks():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 17, 0))
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 3, 12, 0)
    standard.set_calendar_day(h.org, date(2026, 6, 3), kind="closure", by=h.ada, reason="搬遷")
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 4, 12, 0)
    assert clocks(ticket)["BS-7"].due_at == at(2026, 6, 4, 10, 0)
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(2026, 6, 4, 10, 0)
    standard.remove_calendar_day(h.org, date(2026, 6, 3), by=h.ada)
    assert clocks(ticket)["BS-8"].due_at == at(2026, 6, 3, 12, 0)


def test_an_emergency_runs_on_24x7_and_escalates_each_step_exactly_once():
    def chain(b, kim):
        return [(30, b.sam), (90, UserFactory(username="sid", branch=b.branch,
                                              roles=["supervisor"]))]  # fmt: skip

    h = hotline(escalation=chain)
    # Saturday night: the office calendar is closed, the emergency clauses are not.
    ticket = h.call(at(2026, 6, 6, 22, 0), emergency=True)
    found = clocks(ticket)
    assert found["BS-7"].due_at == at(2026, 6, 6, 23, 0)
    assert found["BS-8"].due_at == at(2026, 6, 7, 2, 0)
    steps = list(EscalationNotice.objects.filter(ticket=ticket).order_by("order"))
    assert [s.due_at for s in steps] == [at(2026, 6, 6, 22, 30), at(2026, 6, 6, 23, 30)]

    def told():
        return sorted(
            Notification.objects.filter(kind="emergency").values_list("recipient__username",
                                                                       flat=True)
        )  # fmt: skip

    tick(at(2026, 6, 6, 22, 29))
    assert told() == []
    tick(at(2026, 6, 6, 22, 30))
    tick(at(2026, 6, 6, 22, 30))  # a second tick at the same minute
    tick(at(2026, 6, 6, 22, 45))
    assert told() == ["sam"]
    # A pause moves the steps not yet sent.
    actions.pause(ticket, by=h.sam, reason="owner_access", at=at(2026, 6, 6, 22, 50))
    actions.resume(ticket, by=h.sam, at=at(2026, 6, 6, 23, 0))
    assert EscalationNotice.objects.get(ticket=ticket, order=2).due_at == at(2026, 6, 6, 23, 40)
    tick(at(2026, 6, 6, 23, 39))
    assert told() == ["sam"]
    tick(at(2026, 6, 6, 23, 40))
    tick(at(2026, 6, 7, 1, 0))
    assert told() == ["sam", "sid"]


def test_an_emergency_without_a_contract_uses_the_organisation_defaults():
    h = hotline()
    ticket = h.call(at(2026, 6, 6, 22, 0), system=h.fire, emergency=True)
    found = clocks(ticket)
    assert found["BS-7"].due_at == at(2026, 6, 7, 0, 0)  # 2 h on 24×7
    assert found["BS-8"].due_at == at(2026, 6, 7, 2, 0)
    assert not EscalationNotice.objects.filter(ticket=ticket).exists()


def test_a_breached_arrival_tells_the_supervisor_once():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 10, 0))
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 10, 1))
    tick(at(2026, 6, 2, 12, 1))
    tick(at(2026, 6, 2, 12, 2))
    arrival = clocks(ticket)["BS-7"]
    assert arrival.owner == h.eve
    assert list(
        Notification.objects.filter(obligation=arrival, kind="overdue").values_list(
            "recipient__username", flat=True
        )
    ) == ["sam"]


def test_dispatch_arrival_and_resolution_meet_the_clocks_and_close_the_record():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 10, 0))
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 10, 5))
    actions.dispatch(ticket, engineer=h.kim, by=h.sam, at=at(2026, 6, 2, 10, 20))
    assert {o.owner for o in clocks(ticket).values()} == {h.kim}
    dispatched = TicketEvent.objects.filter(ticket=ticket, kind="dispatched")
    assert [e.data["engineer_id"] for e in dispatched] == [h.eve.pk, h.kim.pk]
    with pytest.raises(Exception) as refused:
        actions.arrive(ticket, by=h.eve, at=at(2026, 6, 2, 11, 0))
    assert getattr(refused.value, "status", None) == 403
    actions.arrive(ticket, by=h.kim, at=at(2026, 6, 2, 11, 30), latitude="31.2304",
                   longitude="121.4737")  # fmt: skip
    from tests.servicedesk.helpers import png

    actions.resolve(
        ticket, by=h.kim, at=at(2026, 6, 2, 14, 30), work_done="更換交換機電源", cause="電源老化",
        labour_minutes=150, signed_by="王先生", signature_png=png(),
    )  # fmt: skip
    found = clocks(ticket)
    assert found["BS-7"].status_at() == "done_on_time"
    assert found["BS-8"].done_at == at(2026, 6, 2, 14, 30)
    assert found["BS-8"].status_at() == "done_late"  # due 14:00
    ticket.refresh_from_db()
    assert (ticket.state, ticket.latitude, ticket.next_due_at) == (
        "resolved", Decimal("31.230400"), None)  # fmt: skip
    assert ticket.signature.read().startswith(b"\x89PNG")
    with pytest.raises(Exception) as refused:
        actions.pause(ticket, by=h.kim, reason="parts", at=at(2026, 6, 2, 15, 0))
    assert getattr(refused.value, "status", None) == 409
    ticket.work_done = "改寫"
    with pytest.raises(ValueError):
        ticket.save()


def test_moments_must_follow_the_log_and_bad_input_changes_nothing():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 10, 0))
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 10, 30))
    with pytest.raises(Exception) as refused:
        actions.pause(ticket, by=h.eve, reason="owner_access", at=at(2026, 6, 2, 10, 10))
    assert refused.value.status == 422 and "at" in refused.value.fields
    with pytest.raises(Exception) as refused:
        actions.pause(ticket, by=h.eve, reason="coffee", at=at(2026, 6, 2, 11, 0))
    assert "reason" in refused.value.fields
    with pytest.raises(Exception) as refused:
        actions.resolve(ticket, by=h.eve, work_done="", labour_minutes="x", signed_by="",
                        signature_png="bm90IGEgcG5n")  # fmt: skip
    assert set(refused.value.fields) == {"work_done", "labour_minutes", "signed_by",
                                         "signature_png"}  # fmt: skip
    assert TicketEvent.objects.filter(ticket=ticket).count() == 2
    with pytest.raises(Exception) as refused:
        h.call(at(2026, 6, 2, 10, 0), system=h.b.other_site and h.fire, equipment=h.camera)
    assert "equipment_id" in refused.value.fields
    assert Ticket.objects.count() == 1


def test_the_register_is_gap_free_per_branch_and_year():
    h = hotline()
    numbers = [h.call(at(2026, 6, 2, 10, n)).number for n in range(3)]
    assert numbers == ["BS-H-2026-000001", "BS-H-2026-000002", "BS-H-2026-000003"]
    assert h.call(at(2026, 6, 2, 10, 0) + timedelta(days=0)).number == "BS-H-2026-000004"


def test_two_ticks_that_see_the_same_step_notify_it_once():
    from aftercare.servicedesk import escalation

    def chain(b, kim):
        return [(30, b.sam), (30, kim)]

    h = hotline(escalation=chain)
    h.call(at(2026, 6, 6, 22, 0), emergency=True)
    now = at(2026, 6, 6, 22, 31)
    first, second = escalation.due_steps(now), escalation.due_steps(now)
    assert len(first) == len(second) == 2
    won = escalation.claim(first, now)
    lost = escalation.claim(second, now)
    assert (len(won), lost) == (2, [])
    for pk in won:
        escalation.notify(pk)
        escalation.notify(pk)  # a retried task
    assert sorted(
        Notification.objects.filter(kind="emergency").values_list("recipient__username",
                                                                   flat=True)
    ) == ["kim", "sam"]  # fmt: skip
