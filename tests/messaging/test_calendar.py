"""The staff calendar feed: the right events, parsed with icalendar; tokens revocable."""

import re
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from aftercare.customers import actions as customers
from aftercare.messaging import tick
from aftercare.messaging.feeds import render_feed
from aftercare.messaging.models import CalendarFeed
from aftercare.obligations.actions import fulfil, open_obligation
from aftercare.org.models import Absence
from aftercare.outreach.models import Campaign
from tests.obligations.helpers import SH, at

pytestmark = pytest.mark.django_db

NOW = at(2026, 2, 16, 10, 0)


def events(ics: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(ics)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def campaign(desk, branch, name, *, scheduled=True, **kw):
    return Campaign.objects.create(
        organisation=desk.org, branch=branch, name=name, kind="club_event",
        starts_at=kw.get("starts_at", at(2026, 5, 20, 10, 0)),
        ends_at=kw.get("ends_at", at(2026, 5, 20, 16, 0)), address="北京市朝陽區建國路 88 號",
        content="車友會", scheduled_at=at(2026, 2, 1, 9, 0) if scheduled else None,
        created_by=desk.sam,
    )  # fmt: skip


@pytest.fixture
def work(desk, zhang, django_capture_on_commit_callbacks):
    """alice: a maintenance reminder, a first follow-up, an on-site visit, a done one;
    bob (away, alice stands in): a follow-up; carol (branch B): a follow-up."""
    car = customers.add_vehicle(
        zhang, by=desk.alice, plate="京A12345", next_maintenance_on=date(2026, 3, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tick.run(at(2026, 2, 15, 10, 0))
    li = customers.create_customer(branch=desk.branch_a, by=desk.bob, name="李四")
    wu = customers.create_customer(branch=desk.branch_b, by=desk.carol, name="吳六")

    def ob(rule, owner, customer, event_at):
        branch = desk.branch_b if owner == desk.carol else desk.branch_a
        return open_obligation(
            rule, branch=branch, owner=owner, event_at=event_at, customer=customer, title=rule
        )

    absence = Absence.objects.create(
        user=desk.bob, stand_in=desk.alice, starts_at=at(2026, 2, 14, 0, 0),
        ends_at=at(2026, 2, 21, 0, 0), recorded_by=desk.sam,
    )  # fmt: skip
    done = ob("DS-3", desk.alice, zhang, at(2026, 2, 1, 18, 0))
    fulfil(done, by=desk.alice, at=at(2026, 2, 5, 10, 0))
    return {
        "ds2m": car.pk,
        "alice_ds3": ob("DS-3", desk.alice, zhang, at(2026, 2, 10, 18, 0)),
        "alice_bs7": ob("BS-7", desk.alice, zhang, at(2026, 2, 16, 9, 0)),
        "bob_ds3": ob("DS-3", desk.bob, li, at(2026, 2, 12, 18, 0)),
        "carol_ds3": ob("DS-3", desk.carol, wu, at(2026, 2, 12, 18, 0)),
        "done": done,
        "absence": absence,
    }


def test_feed_holds_exactly_the_users_work_and_branch_campaigns(desk, work):
    from aftercare.obligations.models import Obligation

    club = campaign(desk, desk.branch_a, "春季車友會")
    campaign(desk, desk.branch_b, "南區促銷")
    campaign(desk, desk.branch_a, "草稿活動", scheduled=False)
    ds2m = Obligation.objects.get(rule="DS-2M")

    found = events(render_feed(desk.alice, base_url="https://desk.example", now=NOW))

    assert set(found) == {
        f"obligation-{ds2m.pk}@aftercare",
        f"obligation-{work['alice_ds3'].pk}@aftercare",
        f"obligation-{work['alice_bs7'].pk}@aftercare",
        f"obligation-{work['bob_ds3'].pk}@aftercare",  # alice stands in for bob
        f"campaign-{club.pk}@aftercare",
    }
    reminder = found[f"obligation-{ds2m.pk}@aftercare"]
    # Day rules are all-day events on the due date.
    assert reminder.decoded("DTSTART") == date(2026, 2, 22)
    assert reminder.decoded("DTEND") == date(2026, 2, 23)
    assert str(reminder["SUMMARY"]).startswith("DS-2M 張三")
    # The link is My work's next step: the call form that fulfils the reminder.
    assert str(reminder["URL"]) == (
        f"https://desk.example/calls/new/?customer={ds2m.customer_id}&obligation={ds2m.pk}"
    )
    first = found[f"obligation-{work['alice_ds3'].pk}@aftercare"]
    assert first.decoded("DTSTART") == date(2026, 2, 17)
    # Hour rules are timed: the half hour before the deadline (09:00 + 2 h).
    visit = found[f"obligation-{work['alice_bs7'].pk}@aftercare"]
    assert visit.decoded("DTSTART") == at(2026, 2, 16, 10, 30)
    assert visit.decoded("DTEND") == at(2026, 2, 16, 11, 0)
    event = found[f"campaign-{club.pk}@aftercare"]
    assert str(event["SUMMARY"]) == "春季車友會"
    assert str(event["LOCATION"]) == "北京市朝陽區建國路 88 號"
    assert event.decoded("DTSTART") == at(2026, 5, 20, 10, 0)
    assert event.decoded("DTEND") == at(2026, 5, 20, 16, 0)


def test_stand_in_work_leaves_the_feed_when_the_absence_ends(desk, work):
    later = at(2026, 2, 21, 10, 0)
    found = events(render_feed(desk.alice, base_url="https://desk.example", now=later))
    assert f"obligation-{work['bob_ds3'].pk}@aftercare" not in found
    bob = events(render_feed(desk.bob, base_url="https://desk.example", now=later))
    assert f"obligation-{work['bob_ds3'].pk}@aftercare" in bob


def feed_url(response) -> str:
    match = re.search(r'value="(http://testserver/messages/calendar/[^"]+\.ics)"', response.text)
    assert match, response.text
    return match.group(1).removeprefix("http://testserver")


def test_feed_url_is_shown_once_and_works_without_login(client, desk, zhang):
    from django.utils import timezone

    upcoming = open_obligation(
        "DS-3", branch=desk.branch_a, owner=desk.alice, customer=zhang,
        event_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    client.force_login(desk.alice)
    assert "feed-url" not in client.get("/messages/calendar/").text
    url = feed_url(client.post("/messages/calendar/", {"action": "create"}, follow=True))
    assert "feed-url" not in client.get("/messages/calendar/").text  # shown once only
    client.logout()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    assert set(found) == {f"obligation-{upcoming.pk}@aftercare"}
    due_day = upcoming.due_at.astimezone(SH).date()
    assert found[f"obligation-{upcoming.pk}@aftercare"].decoded("DTSTART") == due_day
    # Only the hash is stored.
    feed = CalendarFeed.objects.get(user=desk.alice)
    assert url.split("/")[-1].removesuffix(".ics") not in {feed.digest, feed.prefix}
    assert feed.last_used_at is not None


def test_revoked_and_replaced_tokens_answer_404(client, desk):
    client.force_login(desk.alice)
    old = feed_url(client.post("/messages/calendar/", {"action": "create"}, follow=True))
    new = feed_url(client.post("/messages/calendar/", {"action": "create"}, follow=True))
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    client.post("/messages/calendar/", {"action": "revoke"})
    assert client.get(new).status_code == 404
    assert client.get("/messages/calendar/cal_not-a-token.ics").status_code == 404


def test_a_deactivated_user_has_no_feed(client, desk):
    client.force_login(desk.alice)
    url = feed_url(client.post("/messages/calendar/", {"action": "create"}, follow=True))
    desk.alice.is_active = False
    desk.alice.save()
    assert client.get(url).status_code == 404


def test_calendar_page_needs_a_login(client):
    response = client.get("/messages/calendar/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_feed_stamp_is_aware(desk, work):
    calendar = Calendar.from_ical(render_feed(desk.alice, base_url="http://x", now=NOW))
    for event in calendar.walk("VEVENT"):
        assert isinstance(event.decoded("DTSTAMP"), datetime)
