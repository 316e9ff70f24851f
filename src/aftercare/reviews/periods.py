"""Periods of the dashboard and the reviews: local dates of the organisation, inclusive.

A period runs from 00:00 local on its first day to 00:00 local after its last day, so an
obligation due at 23:59:59.999999 local on the last day belongs to it and one due at 00:00 the
next day to the next period.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from aftercare.errors import InvalidInput
from aftercare.reviews.choices import ReviewKind
from aftercare.standard.calendar import end_of_day, local_date, start_of_day

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
YEAR_RE = re.compile(r"^(\d{4})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return start_of_day(self.first, self.tz)

    @property
    def end(self) -> datetime:
        """Exclusive: the first moment after the period."""
        return start_of_day(self.last + timedelta(days=1), self.tz)

    @property
    def last_moment(self) -> datetime:
        return end_of_day(self.last, self.tz)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def month(year: int, month_: int, tz: ZoneInfo) -> Period:
    last = calendar.monthrange(year, month_)[1]
    return Period(date(year, month_, 1), date(year, month_, last), tz)


def year(year_: int, tz: ZoneInfo) -> Period:
    return Period(date(year_, 1, 1), date(year_, 12, 31), tz)


def week_of(day: date, tz: ZoneInfo) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6), tz)


def month_of(day: date, tz: ZoneInfo) -> Period:
    return month(day.year, day.month, tz)


def months_in(period: Period) -> list[Period]:
    """The calendar months a period touches, clipped to it."""
    out, cursor = [], period.first.replace(day=1)
    while cursor <= period.last:
        whole = month(cursor.year, cursor.month, period.tz)
        out.append(Period(max(whole.first, period.first), min(whole.last, period.last), period.tz))
        cursor = whole.last + timedelta(days=1)
    return out


def review_period(kind: str, text: str, tz: ZoneInfo) -> Period:
    """The period a review covers: "2026-07" for a monthly review, "2026" for a yearly one."""
    text = (text or "").strip()
    if kind == ReviewKind.MONTHLY and (found := MONTH_RE.match(text)):
        y, m = int(found[1]), int(found[2])
        if FIRST_YEAR <= y <= LAST_YEAR:
            return month(y, m, tz)
    if kind == ReviewKind.YEARLY and (found := YEAR_RE.match(text)):
        y = int(found[1])
        if FIRST_YEAR <= y <= LAST_YEAR:
            return year(y, tz)
    if kind == ReviewKind.MONTHLY:
        message = _("Write the month as YYYY-MM, e.g. 2026-07.")
    else:
        message = _("Write the year as YYYY, e.g. 2026.")
    raise InvalidInput(message, fields={"period": [message]})


def label(kind: str, period: Period) -> str:
    if kind == ReviewKind.YEARLY:
        return f"{period.first.year:04d}"
    return f"{period.first.year:04d}-{period.first.month:02d}"


def ended_before(now: datetime, tz: ZoneInfo) -> list[tuple[str, Period]]:
    """The month and the year that ended last before `now` (local): what tick drafts."""
    today = local_date(now, tz)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return [
        (ReviewKind.MONTHLY, month_of(last_month_end, tz)),
        (ReviewKind.YEARLY, year(today.year - 1, tz)),
    ]
