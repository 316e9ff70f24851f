"""Raised items follow one transition map (DS-4, DS-5); refused moves change nothing."""

import pytest

from aftercare.cases import actions
from aftercare.cases.models import RaisedItem
from aftercare.customers import actions as customers
from aftercare.errors import Conflict, NotAllowed
from aftercare.followups import actions as followups
from aftercare.obligations.models import Obligation
from tests.obligations.helpers import at, end

pytestmark = pytest.mark.django_db


def call_with(desk, *items):
    customer = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    return followups.record_call(
        customer, by=desk.alice, direction="in", purpose="complaint", at=at(2026, 3, 2, 10),
        raised_items=list(items),
    )  # fmt: skip


def test_item_answered_in_the_call_closes_at_once_without_ds4(desk):
    call = call_with(desk, {"kind": "wish", "text": "希望有代步車", "answered_in_call": True})
    item = call.raised_items.get()
    assert (item.state, item.closed_at) == ("closed", at(2026, 3, 2, 10))
    assert not Obligation.objects.filter(rule="DS-4").exists()


def test_research_then_solution_fulfils_ds4_and_opens_ds5(desk):
    call = call_with(desk, {"kind": "request", "text": "查詢保固範圍"})
    item = call.raised_items.get()
    actions.start_research(item, by=desk.alice, at=at(2026, 3, 2, 11))
    actions.record_solution(item, by=desk.alice, text="保固兩年", at=at(2026, 3, 4, 23, 0))
    ds4 = Obligation.objects.get(rule="DS-4")
    assert ds4.done_at == at(2026, 3, 4, 23, 0)
    assert ds4.status_at(at(2026, 4, 1)) == "done_on_time"
    assert Obligation.objects.get(rule="DS-5").due_at == end(2026, 3, 4)


def test_escalated_item_is_solved_by_the_supervisor_only(desk):
    item = call_with(desk, {"kind": "complaint", "text": "等太久"}).raised_items.get()
    actions.escalate(item, by=desk.alice, at=at(2026, 3, 3, 9))
    with pytest.raises(NotAllowed):
        actions.record_solution(item, by=desk.alice, text="道歉", at=at(2026, 3, 3, 10))
    item.refresh_from_db()
    assert item.state == "escalated"
    actions.record_solution(item, by=desk.sam, text="致電道歉並贈送保養", at=at(2026, 3, 3, 10))


@pytest.mark.parametrize(
    ("move", "kwargs"),
    [
        (actions.inform_customer, {"satisfied": True}),
        (actions.start_research, {}),
    ],
)
def test_moves_not_in_the_map_are_refused(desk, move, kwargs):
    item = call_with(desk, {"kind": "complaint", "text": "等太久"}).raised_items.get()
    actions.escalate(item, by=desk.alice, at=at(2026, 3, 3, 9))
    with pytest.raises(Conflict):
        move(item, by=desk.alice, at=at(2026, 3, 3, 10), **kwargs)
    assert RaisedItem.objects.get().state == "escalated"
    assert list(item.events.values_list("to_state", flat=True)) == ["open", "escalated"]


def test_unreached_call_cannot_raise_items(desk):
    from aftercare.errors import InvalidInput

    customer = customers.create_customer(branch=desk.branch_a, by=desk.alice, name="張三")
    with pytest.raises(InvalidInput):
        followups.record_call(
            customer, by=desk.alice, direction="out", purpose="other", at=at(2026, 3, 2, 10),
            reached=False, raised_items=[{"kind": "wish", "text": "x"}],
        )  # fmt: skip
