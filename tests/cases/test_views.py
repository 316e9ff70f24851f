"""Raised-item pages over HTTP: the list, the supervisor's queue, one item and its moves
(DS-4, DS-5). Refused moves show why and change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare.cases import actions as cases
from aftercare.cases.models import ItemEvent, RaisedItem
from aftercare.followups import actions as followups
from aftercare.followups.models import Call
from aftercare.obligations.models import Obligation
from tests.followups.test_views import visit

pytestmark = pytest.mark.django_db


def raise_items(customer, by, *items, hours_ago=5):
    call = followups.record_call(
        customer, by=by, direction="in", purpose="complaint",
        at=timezone.now() - timedelta(hours=hours_ago),
        raised_items=[{"kind": kind, "text": text} for kind, text in items],
    )  # fmt: skip
    return list(call.raised_items.order_by("id"))


@pytest.fixture
def items(desk):
    zhang = visit(desk.branch_a, desk.alice)
    li = visit(desk.branch_b, desk.carol, name="李四")
    complaint, request = raise_items(
        zhang, desk.alice, ("complaint", "保養後異響"), ("request", "預約下次保養")
    )
    [other] = raise_items(li, desk.carol, ("complaint", "南區的抱怨"))
    return {"complaint": complaint, "request": request, "other": other}


def state(item) -> str:
    return RaisedItem.objects.get(pk=item.pk).state


def events(item) -> int:
    return ItemEvent.objects.filter(item=item).count()


def ds(item, rule):
    return Obligation.objects.get(rule=rule, subject_id=item.pk, customer=item.customer)


# --- the list -------------------------------------------------------------------------------


def test_list_shows_the_branchs_items_with_filters(client, desk, items):
    cases.start_research(items["request"], by=desk.alice)
    client.force_login(desk.bob)
    page = client.get("/items/").content.decode()
    assert "保養後異響" in page and "預約下次保養" in page and "南區的抱怨" not in page
    page = client.get("/items/", {"kind": "complaint"}).content.decode()
    assert "保養後異響" in page and "預約下次保養" not in page
    page = client.get("/items/", {"state": "researching"}).content.decode()
    assert "保養後異響" not in page and "預約下次保養" in page


def test_list_narrows_to_raised_dates_open_items_and_branch(client, desk, items):
    """The dashboard's raised-item figures link here: local dates both included, open only."""
    today = timezone.localtime(timezone.now(), desk.org.tz).date()
    client.force_login(desk.ada)
    mine = {"from": today - timedelta(days=1), "to": today, "branch": desk.branch_a.pk}
    page = client.get("/items/", mine).content.decode()
    assert "保養後異響" in page and "預約下次保養" in page and "南區的抱怨" not in page
    page = client.get("/items/", {"to": today - timedelta(days=2)}).content.decode()
    assert "保養後異響" not in page and "南區的抱怨" not in page

    cases.start_research(items["request"], by=desk.alice)
    cases.record_solution(items["request"], by=desk.alice, text="已預約")
    cases.inform_customer(items["request"], by=desk.alice, satisfied=True)
    page = client.get("/items/", {"open": "on", "branch": desk.branch_a.pk}).content.decode()
    assert "保養後異響" in page and "預約下次保養" not in page


def test_administrator_lists_every_branch(client, desk, items):
    client.force_login(desk.ada)
    page = client.get("/items/").content.decode()
    assert "保養後異響" in page and "南區的抱怨" in page


# --- the supervisor's queue -----------------------------------------------------------------


def test_queue_lists_escalated_items_oldest_first_with_waiting_time(client, desk, items):
    cases.escalate(items["request"], by=desk.alice, at=timezone.now() - timedelta(hours=4))
    cases.escalate(items["complaint"], by=desk.alice, at=timezone.now() - timedelta(hours=1))
    cases.escalate(items["other"], by=desk.carol)
    client.force_login(desk.sam)
    page = client.get("/items/queue/").content.decode()
    assert page.index("預約下次保養") < page.index("保養後異響")
    assert "南區的抱怨" not in page
    assert "4\xa0hours" in page  # how long the oldest has waited


def test_queue_is_for_supervisors(client, desk, items):
    cases.escalate(items["complaint"], by=desk.alice)
    client.force_login(desk.alice)
    assert client.get("/items/queue/").status_code == 403
    client.force_login(desk.ada)
    assert "保養後異響" in client.get("/items/queue/").content.decode()


# --- one item and its moves -----------------------------------------------------------------


def test_detail_offers_the_moves_of_the_state(client, desk, items):
    item = items["complaint"]
    client.force_login(desk.alice)
    page = client.get(f"/items/{item.pk}/").content.decode()
    for move in ("research", "escalate", "solve"):
        assert f'action="/items/{item.pk}/{move}/"' in page
    assert f'action="/items/{item.pk}/inform/"' not in page
    assert f'href="/calls/{item.call_id}/"' in page


def test_advisor_escalates_and_the_timeline_shows_it(client, desk, items):
    item = items["complaint"]
    client.force_login(desk.alice)
    response = client.post(f"/items/{item.pk}/escalate/", {"note": "客戶很生氣"})
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/"
    assert state(item) == "escalated"
    assert ds(item, "DS-4").done_by == desk.alice
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "客戶很生氣" in page and 'id="waiting-for-supervisor"' in page
    assert f'action="/items/{item.pk}/solve/"' not in page  # the supervisor's to solve


def test_advisor_may_not_solve_an_escalated_item(client, desk, items):
    item = items["complaint"]
    cases.escalate(item, by=desk.alice)
    before = events(item)
    client.force_login(desk.alice)
    response = client.post(f"/items/{item.pk}/solve/", {"text": "更換襯套"})
    assert response.status_code == 403
    assert "An escalated item is solved by the supervisor." in response.content.decode()
    assert state(item) == "escalated" and events(item) == before
    assert not Obligation.objects.filter(rule="DS-5").exists()


def test_supervisor_solves_and_the_advisor_informs_the_customer(client, desk, items):
    item = items["complaint"]
    cases.escalate(item, by=desk.alice)
    client.force_login(desk.sam)
    assert client.post(f"/items/{item.pk}/solve/", {"text": "更換襯套"}).status_code == 302
    assert state(item) == "solved"
    assert ds(item, "DS-5").done_at is None
    client.force_login(desk.alice)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "更換襯套" in page and f'action="/items/{item.pk}/inform/"' in page
    response = client.post(
        f"/items/{item.pk}/inform/", {"told_by": "in_person", "satisfied": "no", "note": "仍有異響"}
    )
    assert response.status_code == 302
    done = RaisedItem.objects.get(pk=item.pk)
    assert (done.state, done.satisfied) == ("closed", False)
    assert ds(item, "DS-5").done_by == desk.alice
    assert not Call.objects.filter(purpose="item_reply").exists()  # told in person: no call


def test_telling_the_customer_by_phone_writes_a_call_register_line(client, desk, items):
    """Issue 10: telling a customer a solution by phone added no call-register line (DS-8)."""
    item = items["complaint"]
    cases.record_solution(item, by=desk.alice, text="更換襯套")
    calls_before = Call.objects.count()
    client.force_login(desk.alice)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert 'name="told_by" value="phone"' in page and 'name="told_by" value="in_person"' in page
    response = client.post(
        f"/items/{item.pk}/inform/", {"told_by": "phone", "satisfied": "yes", "note": "已告知"}
    )
    assert response.status_code == 302
    assert Call.objects.count() == calls_before + 1
    call = Call.objects.latest("id")
    assert (call.purpose, call.direction, call.reached, call.customer_id, call.notes) == (
        "item_reply", "out", True, item.customer_id, "已告知",
    )  # fmt: skip
    done = RaisedItem.objects.get(pk=item.pk)
    assert (done.state, done.satisfied, done.informed_at) == ("closed", True, call.occurred_at)
    event = ItemEvent.objects.filter(item=item).latest("id")
    assert (event.to_state, event.call_id) == ("closed", call.pk)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert f'href="/calls/{call.pk}/"' in page and call.register_number in page
    register = client.get("/calls/register/").content.decode()
    assert call.register_number in register and "Reply to a raised item" in register
    assert ds(item, "DS-5").done_at == call.occurred_at


def test_a_refused_call_leaves_the_item_open_and_writes_nothing(client, desk, items):
    """Whoever may close the item but not log calls is refused as a whole (one transaction)."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    item = items["complaint"]
    cases.record_solution(item, by=desk.alice, text="更換襯套")
    clerk = UserFactory(username="cas", branch=desk.branch_a, roles=[])
    clerk.user_permissions.set(Permission.objects.filter(
        content_type__app_label__in=["cases", "customers"],
        codename__in=["view_raiseditem", "change_raiseditem", "view_customer"],
    ))  # fmt: skip
    before = (Call.objects.count(), events(item))
    client.force_login(clerk)
    response = client.post(f"/items/{item.pk}/inform/", {"told_by": "phone", "satisfied": "yes"})
    assert response.status_code == 403
    assert (Call.objects.count(), events(item)) == before
    assert state(item) == "solved" and ds(item, "DS-5").done_at is None


def test_how_the_customer_was_told_is_asked(client, desk, items):
    item = items["complaint"]
    cases.record_solution(item, by=desk.alice, text="更換襯套")
    client.force_login(desk.alice)
    client.cookies["django_language"] = "zh-hant"
    response = client.post(f"/items/{item.pk}/inform/", {"satisfied": "yes"})
    assert response.status_code == 200
    assert "此欄位為必填。" in response.content.decode()
    assert state(item) == "solved"


def test_a_refused_transition_shows_why_and_changes_nothing(client, desk, items):
    item = items["complaint"]
    before = events(item)
    client.force_login(desk.alice)
    response = client.post(f"/items/{item.pk}/inform/", {"told_by": "phone", "satisfied": "yes"})
    assert response.status_code == 409
    assert "cannot be moved that way" in response.content.decode()
    assert state(item) == "open" and events(item) == before


def test_a_solution_needs_text(client, desk, items):
    item = items["request"]
    client.force_login(desk.alice)
    response = client.post(f"/items/{item.pk}/solve/", {"text": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert state(item) == "open"


def test_an_unknown_move_is_not_found(client, desk, items):
    client.force_login(desk.alice)
    assert client.post(f"/items/{items['complaint'].pk}/answer/").status_code == 404
    assert state(items["complaint"]) == "open"


def test_another_branch_neither_sees_nor_moves_an_item(client, desk, items):
    item = items["other"]
    client.force_login(desk.sam)
    assert client.get(f"/items/{item.pk}/").status_code == 404
    assert client.post(f"/items/{item.pk}/escalate/").status_code == 404
    assert client.post(f"/items/{item.pk}/solve/", {"text": "x"}).status_code == 404
    assert state(item) == "open" and events(item) == 1


def test_moves_need_a_desk_role(client, desk, items):
    from tests.factories import UserFactory

    clerk = UserFactory(username="pat", branch=desk.branch_a, roles=["parts_clerk"])
    client.force_login(clerk)
    assert client.get("/items/").status_code == 403
    assert client.post(f"/items/{items['complaint'].pk}/escalate/").status_code == 403
    assert state(items["complaint"]) == "open"
