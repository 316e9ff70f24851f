"""Quiet hours: no message reaches a customer's phone at night (organisation's wall clock)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def parse_interval(text: str) -> tuple[time, time] | None:
    """ "21:00-08:00" → (21:00, 08:00); empty or equal ends → no quiet hours."""
    text = (text or "").strip()
    if not text:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
    return None if start == end else (start, end)


def quiet_hours() -> tuple[time, time] | None:
    return parse_interval(settings.AFTERCARE_QUIET_HOURS)


def quiet_until(moment: datetime, tz: ZoneInfo, interval=None) -> datetime | None:
    """The end of the quiet hours `moment` falls in, or None when it may go out now.

    An interval that wraps midnight (21:00-08:00) ends on the next local day when `moment` is
    in its evening part.
    """
    interval = interval if interval is not None else quiet_hours()
    if interval is None:
        return None
    start, end = interval
    local = moment.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        quiet, end_day = start <= clock < end, day
    elif clock >= start:
        quiet, end_day = True, day + timedelta(days=1)
    else:
        quiet, end_day = clock < end, day
    if not quiet:
        return None
    return datetime.combine(end_day, end, tzinfo=tz)
