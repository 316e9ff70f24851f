"""The follow-up pages over HTTP: log a call, close DS-3 as unreachable, a call record with its
amendments, the call register and the next-service plan — as the named users of `desk`."""

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from aftercare.cases.models import RaisedItem
from aftercare.customers import actions as customers
from aftercare.followups import actions as followups
from aftercare.followups import queries
from aftercare.followups.models import Call, CallAmendment, NextServicePlan
from aftercare.obligations.models import Obligation
from aftercare.workshop import actions as workshop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NEW = "/calls/new/"
PLATES = itertools.count(12345)


def visit(branch, advisor, *, name="張三", days_ago=5):
    """A customer whose car was picked up `days_ago` days ago: DS-3 is pending."""
    customer = customers.create_customer(
        branch=branch, by=advisor, name=name, phones=["13800138000"], followup_advisor=advisor
    )
    # A plate is on file once per branch: every visit brings its own car.
    vehicle = customers.add_vehicle(
        customer, by=advisor, plate=f"京A{next(PLATES)}", model="凱美瑞"
    )
    picked_up = timezone.now() - timedelta(days=days_ago)
    order = workshop.check_in(vehicle, by=advisor, at=picked_up - timedelta(hours=3))
    workshop.record_pickup(order, by=advisor, at=picked_up)
    return customer


def pending(customer, rule):
    return Obligation.objects.pending().filter(customer=customer, rule=rule).first()


def local(dt) -> str:
    return timezone.localtime(dt, SH).strftime("%Y-%m-%dT%H:%M")


def call_data(**extra):
    """What the browser posts for a reached outbound call, with three empty item rows."""
    data = {
        "direction": "out",
        "purpose": "first_followup",
        "moment": local(timezone.now() - timedelta(hours=1)),
        "reached": "on",
        "topics": ["usage_and_opinion", "new_needs"],
        "other_topics": "",
        "notes": "客戶對服務滿意",
        "vehicle": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def zhang(desk):
    return visit(desk.branch_a, desk.alice)


@pytest.fixture
def li(desk):
    return visit(desk.branch_b, desk.carol, name="李四")


# --- Log a call ---------------------------------------------------------------------------


def test_form_preselects_the_purpose_of_the_obligation(client, desk, zhang):
    ds3 = pending(zhang, "DS-3")
    client.force_login(desk.alice)
    page = client.get(NEW, {"customer": zhang.pk, "obligation": ds3.pk}).content.decode()
    assert '<option value="first_followup" selected>' in page
    assert "張三" in page and 'id="close-unreachable"' not in page
    # The seven topics of the standard, in its order, as a checklist.
    positions = [page.index(f'name="topics" value="{code}"') for code in followups.Topic.values]
    assert positions == sorted(positions)
    assert 'name="items-0-text"' in page and 'hx-get="/calls/new/item-row/"' in page


def test_log_a_call_on_the_customer_page_preselects_the_pending_duty(client, desk, zhang):
    """Issue 10: "Log a call" defaulted to "other" though a first follow-up was due."""
    client.force_login(desk.alice)
    customer_page = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert f'href="/calls/new/?customer={zhang.pk}"' in customer_page
    page = client.get(NEW, {"customer": zhang.pk}).content.decode()
    assert '<option value="first_followup" selected>' in page
    assert '<option value="other" selected>' not in page


def test_the_most_urgent_pending_duty_sets_the_purpose(client, desk, zhang):
    from aftercare.obligations.actions import open_obligation

    now = timezone.now()
    ds3 = pending(zhang, "DS-3")
    # A maintenance reminder due before the first follow-up wins; once done, DS-3 is next.
    reminder = open_obligation(
        "DS-2M", branch=desk.branch_a, owner=desk.alice, event_at=ds3.due_at - timedelta(days=5),
        customer=zhang, triggered_at=now - timedelta(days=1),
    )  # fmt: skip
    assert reminder.due_at < ds3.due_at
    client.force_login(desk.alice)
    page = client.get(NEW, {"customer": zhang.pk}).content.decode()
    assert '<option value="maintenance_reminder" selected>' in page
    Obligation.objects.filter(pk=reminder.pk).update(done_at=now, done_by=desk.alice)
    page = client.get(NEW, {"customer": zhang.pk}).content.decode()
    assert '<option value="first_followup" selected>' in page
    Obligation.objects.filter(pk=ds3.pk).update(done_at=now, done_by=desk.alice)
    page = client.get(NEW, {"customer": zhang.pk}).content.decode()
    assert '<option value="other" selected>' in page  # nothing pending: "other"


def test_a_pending_second_follow_up_preselects_it(client, desk, zhang):
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="first_followup",
        at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    assert pending(zhang, "DS-6") is not None and pending(zhang, "DS-3") is None
    client.force_login(desk.alice)
    page = client.get(NEW, {"customer": zhang.pk}).content.decode()
    assert '<option value="second_followup" selected>' in page


def test_logging_a_first_follow_up_fulfils_ds3_and_opens_ds6_and_ds4(client, desk, zhang):
    ds3 = pending(zhang, "DS-3")
    client.force_login(desk.bob)  # any advisor of the branch may take the call
    moment = timezone.now().astimezone(SH).replace(second=0, microsecond=0) - timedelta(hours=2)
    response = client.post(
        f"{NEW}?customer={zhang.pk}&obligation={ds3.pk}",
        call_data(
            moment=moment.strftime("%Y-%m-%dT%H:%M"),
            vehicle=str(zhang.vehicles.get().pk),
            **{"items-0-kind": "complaint", "items-0-text": "保養後異響",
               "items-1-kind": "wish", "items-1-text": "希望提供代步車",
               "items-1-answered_in_call": "on"},
        ),
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{zhang.pk}/"
    call = Call.objects.get(customer=zhang)
    assert call.register_number in " ".join(texts(response))
    assert call.occurred_at == moment  # read in the organisation's time zone
    assert (call.advisor, call.vehicle, call.reached) == (desk.bob, zhang.vehicles.get(), True)
    assert call.topics == ["usage_and_opinion", "new_needs"]
    ds3.refresh_from_db()
    assert ds3.done_at == moment and ds3.outcome == call.register_number
    assert pending(zhang, "DS-6") is not None
    complaint, wish = RaisedItem.objects.filter(call=call).order_by("id")
    assert (complaint.kind, complaint.state) == ("complaint", "open")
    assert (wish.kind, wish.state) == ("wish", "closed")
    assert Obligation.objects.filter(customer=zhang, rule="DS-4").count() == 1


def test_a_row_error_is_shown_on_its_row_and_nothing_is_saved(client, desk, zhang):
    client.force_login(desk.alice)
    response = client.post(
        f"{NEW}?customer={zhang.pk}",
        call_data(**{"items-0-kind": "wish", "items-0-text": "代步車", "items-2-text": "異響"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The call cannot be recorded." in page
    row = page[page.index('data-index="2"') : page.index('id="add-item"')]
    assert "Choose request, wish or complaint." in row
    assert "Choose request, wish or complaint." not in page[: page.index('data-index="2"')]
    assert 'value="代步車"' in page  # what was typed stays
    assert not Call.objects.exists() and not RaisedItem.objects.exists()


def test_an_unanswered_call_cannot_raise_items(client, desk, zhang):
    client.force_login(desk.alice)
    data = call_data(**{"items-0-kind": "complaint", "items-0-text": "異響"})
    del data["reached"]
    response = client.post(f"{NEW}?customer={zhang.pk}", data)
    assert response.status_code == 200
    assert "An unanswered call cannot raise items." in response.content.decode()
    assert not Call.objects.exists()


def test_a_moment_in_the_future_is_refused_on_its_field(client, desk, zhang):
    client.force_login(desk.alice)
    later = local(timezone.now() + timedelta(hours=3))
    response = client.post(f"{NEW}?customer={zhang.pk}", call_data(moment=later))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A moment in the future cannot be recorded." in page
    assert not Call.objects.exists()


def test_another_branchs_customer_is_not_found(client, desk, li):
    client.force_login(desk.alice)
    assert client.get(NEW, {"customer": li.pk}).status_code == 404
    assert client.post(f"{NEW}?customer={li.pk}", call_data()).status_code == 404
    assert not Call.objects.exists()


def test_an_obligation_of_another_customer_is_not_found(client, desk, zhang):
    other = visit(desk.branch_a, desk.alice, name="王五")
    client.force_login(desk.alice)
    ds3 = pending(other, "DS-3")
    assert client.get(NEW, {"customer": zhang.pk, "obligation": ds3.pk}).status_code == 404


def test_staff_outside_the_desk_may_not_log_calls(client, desk, zhang):
    engineer = UserFactory(username="erin", branch=desk.branch_a, roles=["engineer"])
    client.force_login(engineer)
    assert client.get(NEW, {"customer": zhang.pk}).status_code == 403
    assert client.post(f"{NEW}?customer={zhang.pk}", call_data()).status_code == 403
    assert not Call.objects.exists()


def test_anonymous_is_sent_to_login(client, zhang):
    response = client.get(NEW, {"customer": zhang.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_add_item_returns_the_next_row_and_the_new_total(client, desk):
    client.force_login(desk.alice)
    page = client.get("/calls/new/item-row/", {"items-TOTAL_FORMS": "3"}).content.decode()
    assert 'name="items-3-text"' in page and 'name="items-3-kind"' in page
    assert 'name="items-TOTAL_FORMS" value="4"' in page and 'hx-swap-oob="true"' in page


# --- DS-6: the second call must not repeat the first ---------------------------------------


@pytest.fixture
def after_first_call(desk, zhang):
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="first_followup",
        at=timezone.now() - timedelta(days=1), topics=["usage_and_opinion", "new_needs"],
        raised_items=[{"kind": "complaint", "text": "保養後異響"}],
    )  # fmt: skip
    return pending(zhang, "DS-6")


def test_second_follow_up_shows_the_first_and_warns_when_nothing_is_new(
    client, desk, zhang, after_first_call
):
    client.force_login(desk.alice)
    page = client.get(NEW, {"customer": zhang.pk, "obligation": after_first_call.pk})
    page = page.content.decode()
    assert '<option value="second_followup" selected>' in page
    first = page[page.index('id="first-followup"') :]
    assert "New service needs" in first and "保養後異響" in first
    assert 'id="nothing-new"' in page  # nothing ticked yet: nothing new


def test_the_warning_follows_what_is_ticked(client, desk, zhang, after_first_call):
    client.force_login(desk.alice)
    url = f"/calls/new/check/?customer={zhang.pk}"
    base = call_data(purpose="second_followup", topics=["new_needs"])
    assert 'id="nothing-new"' in client.post(url, base).content.decode()
    new_topic = {**base, "topics": ["new_needs", "car_care_tips"]}
    assert 'id="nothing-new"' not in client.post(url, new_topic).content.decode()
    new_item = {**base, "items-0-kind": "request", "items-0-text": "預約保養"}
    assert 'id="nothing-new"' not in client.post(url, new_item).content.decode()
    first_call = {**base, "purpose": "first_followup"}
    assert 'id="first-followup"' not in client.post(url, first_call).content.decode()


def test_saving_a_repeat_second_call_warns_but_saves(client, desk, zhang, after_first_call):
    client.force_login(desk.alice)
    response = client.post(
        f"{NEW}?customer={zhang.pk}&obligation={after_first_call.pk}",
        call_data(purpose="second_followup", topics=["usage_and_opinion"]),
    )
    assert response.status_code == 302
    assert any("nothing new" in text for text in texts(response))
    after_first_call.refresh_from_db()
    assert after_first_call.done_at is not None


def test_nothing_new_compares_with_the_first_call(desk, zhang, after_first_call):
    summary = queries.first_followup_summary(zhang)
    assert summary.topics == ["usage_and_opinion", "new_needs"]
    assert [item.text for item in summary.raised_items] == ["保養後異響"]
    assert queries.nothing_new(summary, [], [])
    assert queries.nothing_new(summary.call, ["new_needs"], [])
    assert not queries.nothing_new(summary, ["new_needs", "visit"], [])
    assert not queries.nothing_new(summary, ["new_needs"], [{"kind": "wish", "text": "x"}])
    assert not queries.nothing_new(None, [], [])


def test_the_summary_takes_the_latest_reached_call_as_amended(desk, zhang, after_first_call):
    followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="first_followup", reached=False,
        at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    first = Call.objects.get(customer=zhang, reached=True)
    followups.amend_call(first, by=desk.sam, field="topics", value=["visit"], reason="記錯")
    summary = queries.first_followup_summary(zhang)
    assert summary.call == first and summary.topics == ["visit"]
    assert queries.nothing_new(summary, ["visit"], [])
    assert not queries.nothing_new(summary, ["usage_and_opinion"], [])
    assert queries.first_followup_summary(visit(desk.branch_a, desk.bob, name="王五")) is None


# --- DS-3: unreachable after three failed attempts ----------------------------------------


def fail(customer, user, n):
    for hour in range(n):
        followups.record_call(
            customer, by=user, direction="out", purpose="first_followup", reached=False,
            at=timezone.now() - timedelta(hours=10 - hour),
        )  # fmt: skip


def test_unreachable_button_appears_after_three_failed_attempts(client, desk, zhang):
    ds3 = pending(zhang, "DS-3")
    client.force_login(desk.alice)
    fail(zhang, desk.alice, 2)
    page = client.get(NEW, {"customer": zhang.pk, "obligation": ds3.pk}).content.decode()
    assert "2 failed attempts" in page and 'id="close-unreachable"' not in page
    fail(zhang, desk.alice, 1)
    page = client.get(NEW, {"customer": zhang.pk, "obligation": ds3.pk}).content.decode()
    assert f'action="/calls/obligations/{ds3.pk}/unreachable/"' in page

    response = client.post(f"/calls/obligations/{ds3.pk}/unreachable/")
    assert response.status_code == 302 and response["Location"] == f"/customers/{zhang.pk}/"
    ds3.refresh_from_db()
    assert ds3.done_at is not None and ds3.outcome == "unreachable"


def test_closing_too_early_is_refused_and_changes_nothing(client, desk, zhang):
    ds3 = pending(zhang, "DS-3")
    fail(zhang, desk.alice, 2)
    client.force_login(desk.alice)
    response = client.post(f"/calls/obligations/{ds3.pk}/unreachable/", follow=True)
    assert "Only 2 of 3 attempts were made" in response.content.decode()
    ds3.refresh_from_db()
    assert ds3.done_at is None


def test_closing_another_branchs_obligation_is_not_found(client, desk, li):
    ds3 = pending(li, "DS-3")
    fail(li, desk.carol, 3)
    client.force_login(desk.sam)
    assert client.post(f"/calls/obligations/{ds3.pk}/unreachable/").status_code == 404
    ds3.refresh_from_db()
    assert ds3.done_at is None


# --- One call record and its amendments (DS-8) ---------------------------------------------


@pytest.fixture
def call(desk, zhang):
    return followups.record_call(
        zhang, by=desk.alice, direction="out", purpose="first_followup",
        at=timezone.now() - timedelta(hours=3), topics=["usage_and_opinion"], notes="滿意",
        raised_items=[{"kind": "complaint", "text": "保養後異響"}],
    )  # fmt: skip


def test_call_record_shows_what_was_recorded(client, desk, call):
    client.force_login(desk.bob)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    item = call.raised_items.get()
    assert call.register_number in page and "張三" in page
    assert "How the car is doing; opinion of our service" in page and "滿意" in page
    assert f'href="/items/{item.pk}/"' in page and f'href="/customers/{call.customer_id}/"' in page


def test_amending_keeps_the_original_beside_the_correction(client, desk, call):
    client.force_login(desk.alice)
    response = client.post(
        f"/calls/{call.pk}/amend/",
        {"field": "notes", "value_text": "不滿意，要求回電", "reason": "聽錯"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.notes == "滿意"  # the record itself is never overwritten
    amendment = CallAmendment.objects.get(call=call)
    assert (amendment.old_value, amendment.new_value) == ("滿意", "不滿意，要求回電")
    page = client.get(f"/calls/{call.pk}/").content.decode()
    notes = page[page.index('id="record-notes"') :]
    notes = notes[: notes.index("</dd>")]
    assert "滿意" in notes and "不滿意，要求回電" in notes and "amended" in notes
    assert "聽錯" in page


def test_amending_topics_and_reached(client, desk, call):
    client.force_login(desk.sam)
    client.post(
        f"/calls/{call.pk}/amend/",
        {"field": "topics", "value_topics": ["visit", "new_needs"], "reason": "補記"},
    )
    client.post(f"/calls/{call.pk}/amend/", {"field": "reached", "value_reached": "no",
                                            "reason": "撥錯號"})  # fmt: skip
    topics, reached = CallAmendment.objects.filter(call=call).order_by("id")
    assert topics.new_value == ["new_needs", "visit"] and topics.old_value == ["usage_and_opinion"]
    assert (reached.old_value, reached.new_value) == (True, False)
    assert followups.effective_value(call, "reached") is False
    call.refresh_from_db()
    assert call.reached is True and call.topics == ["usage_and_opinion"]


def test_an_amendment_needs_a_reason(client, desk, call):
    client.force_login(desk.alice)
    response = client.post(f"/calls/{call.pk}/amend/", {"field": "notes", "value_text": "x"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not CallAmendment.objects.exists()


def test_another_branch_neither_sees_nor_amends_a_call(client, desk, call):
    client.force_login(desk.carol)
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    response = client.post(
        f"/calls/{call.pk}/amend/", {"field": "notes", "value_text": "x", "reason": "y"}
    )
    assert response.status_code == 404
    assert not CallAmendment.objects.exists()


# --- The call register ----------------------------------------------------------------------


def test_register_lists_the_branchs_calls_of_the_period(client, desk, call, li):
    other = followups.record_call(
        li, by=desk.carol, direction="in", purpose="complaint",
        at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    client.force_login(desk.alice)
    page = client.get("/calls/register/").content.decode()
    assert call.register_number in page and other.register_number not in page
    client.force_login(desk.ada)
    page = client.get("/calls/register/").content.decode()
    assert call.register_number in page and other.register_number in page

    client.force_login(desk.alice)
    long_ago = {"from": "2020-01-01", "to": "2020-01-31"}
    page = client.get("/calls/register/", long_ago).content.decode()
    assert call.register_number not in page and "No calls in this period." in page


def test_register_narrows_to_the_dashboards_purpose_direction_and_branch(client, desk, call, li):
    """The dashboard's "calls by purpose and direction" figures link here with those filters."""
    inbound = followups.record_call(
        call.customer, by=desk.alice, direction="in", purpose="complaint",
        at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    south = followups.record_call(
        li, by=desk.carol, direction="in", purpose="complaint",
        at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    client.force_login(desk.ada)
    narrowed = {"purpose": "complaint", "direction": "in", "branch": desk.branch_a.pk}
    page = client.get("/calls/register/", narrowed).content.decode()
    assert inbound.register_number in page
    assert call.register_number not in page and south.register_number not in page
    page = client.get("/calls/register/", {"direction": "in"}).content.decode()
    assert inbound.register_number in page and south.register_number in page


def test_register_pages_by_fifty(client, desk, zhang):
    start = timezone.now() - timedelta(hours=60)
    for n in range(51):
        followups.record_call(
            zhang, by=desk.alice, direction="out", purpose="other", reached=False,
            at=start + timedelta(minutes=n),
        )  # fmt: skip
    today = timezone.localtime(timezone.now(), SH).date()
    period = {"from": (today - timedelta(days=5)).isoformat(), "to": today.isoformat()}
    client.force_login(desk.alice)
    first = client.get("/calls/register/", period).content.decode()
    second = client.get("/calls/register/", {**period, "page": 2}).content.decode()
    assert first.count('class="register-line"') == 50
    assert second.count('class="register-line"') == 1
    assert "A-T-" in second


# --- The next-service plan (DS-2) -----------------------------------------------------------


def test_confirming_the_plan_fulfils_ds2(client, desk, zhang):
    plan = NextServicePlan.objects.get(customer=zhang)
    client.force_login(desk.alice)
    contact = (timezone.now() + timedelta(days=3)).astimezone(SH).replace(second=0, microsecond=0)
    response = client.post(
        f"/calls/plans/{plan.pk}/confirm/",
        {"topics": ["maintenance_due", "campaign"], "note": "週末聯絡",
         "planned_contact_at": contact.strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/customers/{zhang.pk}/"
    plan.refresh_from_db()
    assert plan.topics == ["maintenance_due", "campaign"] and plan.planned_contact_at == contact
    assert plan.confirmed_by == desk.alice and plan.note == "週末聯絡"
    assert pending(zhang, "DS-2") is None


def test_an_unknown_plan_topic_is_refused(client, desk, zhang):
    plan = NextServicePlan.objects.get(customer=zhang)
    client.force_login(desk.alice)
    response = client.post(f"/calls/plans/{plan.pk}/confirm/", {"topics": ["bogus"]})
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.confirmed_at is None and pending(zhang, "DS-2") is not None


def test_another_branchs_plan_is_not_found(client, desk, li):
    plan = NextServicePlan.objects.get(customer=li)
    client.force_login(desk.sam)
    assert client.get(f"/calls/plans/{plan.pk}/confirm/").status_code == 404
    assert client.post(f"/calls/plans/{plan.pk}/confirm/", {"note": "x"}).status_code == 404
    plan.refresh_from_db()
    assert plan.confirmed_at is None
