"""A member of staff's work as iCalendar: what their phone's calendar subscribes to."""

from datetime import datetime, time, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar, Event

from aftercare.apps import next_step
from aftercare.messaging.queries import feed_campaigns, feed_obligations
from aftercare.standard.rules import RULES

DOMAIN = "aftercare"


def _is_end_of_day(moment: datetime, tz) -> bool:
    """Day rules fall due at 23:59:59.999999 local: those become all-day events."""
    return moment.astimezone(tz).time() == time.max


def obligation_url(obligation, user, base_url: str) -> str:
    """Where the work is done, as on *My work*; else the customer's page, else *My work*."""
    step = next_step(obligation, user)
    if step is not None:
        return base_url + step[1]
    if obligation.customer_id:
        return f"{base_url}/customers/{obligation.customer_id}/"
    return f"{base_url}/work/"


def obligation_event(obligation, user, base_url: str, stamp: datetime) -> Event:
    tz = obligation.organisation.tz
    event = Event()
    event.add("uid", f"obligation-{obligation.pk}@{DOMAIN}")
    event.add("dtstamp", stamp)
    rule = RULES.get(obligation.rule)
    who = obligation.customer.name if obligation.customer_id else obligation.title
    summary = f"{obligation.rule} {who}".strip()
    if rule is not None:
        summary = f"{summary} · {rule.title}"
    event.add("summary", summary)
    due = obligation.due_at.astimezone(tz)
    if _is_end_of_day(obligation.due_at, tz):
        event.add("dtstart", due.date())
        event.add("dtend", due.date() + timedelta(days=1))
    else:
        event.add("dtstart", due - timedelta(minutes=30))
        event.add("dtend", due)
    event.add("url", obligation_url(obligation, user, base_url))
    if obligation.title:
        event.add("description", obligation.title)
    if obligation.owner_id:
        event.add("categories", [obligation.rule])
    return event


def campaign_path(campaign) -> str:
    """The campaign's page when outreach/ has one, else the campaigns list."""
    try:
        return reverse("outreach:detail", args=[campaign.pk])
    except NoReverseMatch:
        return "/campaigns/"


def campaign_event(campaign, base_url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"campaign-{campaign.pk}@{DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", campaign.name)
    event.add("dtstart", campaign.starts_at)
    event.add("dtend", campaign.ends_at)
    if campaign.address:
        event.add("location", campaign.address)
    if campaign.content:
        event.add("description", campaign.content)
    event.add("url", base_url + campaign_path(campaign))
    return event


def render_feed(user, *, base_url: str, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Aftercare//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Aftercare · {user}")
    if user.organisation_id:
        calendar.add("x-wr-timezone", user.organisation.time_zone)
    for obligation in feed_obligations(user, now):
        calendar.add_component(obligation_event(obligation, user, base_url, now))
    for campaign in feed_campaigns(user, now):
        calendar.add_component(campaign_event(campaign, base_url, now))
    return calendar.to_ical()
