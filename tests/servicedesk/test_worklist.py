"""A paused ticket's clocks on the engineer's My work and calendar feed: no moment, "stopped",
and back with the moved moment once resumed."""

import pytest
from icalendar import Calendar

from aftercare.messaging.feeds import render_feed
from aftercare.servicedesk import actions
from tests.servicedesk.helpers import at, clocks, hotline

pytestmark = pytest.mark.django_db


def _feed_ids(user, now):
    feed = Calendar.from_ical(render_feed(user, base_url="https://desk.example", now=now))
    return {str(event["UID"]) for event in feed.walk("VEVENT")}


def test_a_paused_clock_shows_stopped_and_leaves_the_feed(client, settings):
    settings.LANGUAGE_CODE = "en"
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 10, 0), system=h.fire)
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 10, 5))
    actions.pause(ticket, by=h.eve, reason="parts", at=at(2026, 6, 2, 11, 0))
    fix = clocks(ticket)["BS-8"]
    client.force_login(h.eve)
    page = client.get("/work/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stopped (paused)" in page
    assert "2999" not in page
    assert f"obligation-{fix.pk}@aftercare" not in _feed_ids(h.eve, at(2026, 6, 2, 11, 5))

    actions.resume(ticket, by=h.eve, at=at(2026, 6, 2, 12, 30))
    assert f"obligation-{fix.pk}@aftercare" in _feed_ids(h.eve, at(2026, 6, 2, 12, 35))
    page = client.get("/work/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stopped (paused)" not in page
    assert "2026-06-02 15:30" in page
