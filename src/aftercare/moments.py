"""Every event takes the moment it happened: default now, never naive, never in the future.

Paper records are entered after the fact, so deadlines are computed from the event's moment,
not from when it was typed in.

This module is also the one place that says which moments and dates are plausible at all
(years 2000 to 2100): the API's `Moment` type, the pages' moment and filter-date fields and
`event_moment` all ask it, so a year-0001 call or a 9999-12-31 filter is refused at the door
instead of overflowing date arithmetic or being stored with a local-mean-time offset.
"""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftercare.errors import InvalidInput

# Clocks of phones and PCs drift; a minute of tolerance avoids refusing "now" from a browser.
CLOCK_SKEW = timedelta(minutes=1)

# Aftercare records after-sales work as it happens: nothing before 2000, and a filter beyond
# 2100 has nothing to find. Both ends stay far from the calendar's edges (years 1 and 9999),
# where adding a day or a time zone offset overflows.
FIRST_YEAR, LAST_YEAR = 2000, 2100

OFFSET_REQUIRED = _("Give the moment with its offset, e.g. 2026-05-01T09:00:00+08:00.")
MOMENT_OUT_OF_RANGE = _("Choose a moment between the years 2000 and 2100.")
DATE_OUT_OF_RANGE = _("Choose dates between 2000 and 2100.")


def plausible_year(value: date) -> bool:
    """Whether a date or moment lies in the years Aftercare accepts (2000 to 2100)."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def moment_problem(at: datetime) -> str | None:
    """Why a moment cannot be accepted (translated), or None when it can."""
    if timezone.is_naive(at):
        return str(OFFSET_REQUIRED)
    # Judged in UTC too: 2000-01-01T00:30+01:00 is still 1999 there.
    if not (plausible_year(at) and plausible_year(at.astimezone(UTC))):
        return str(MOMENT_OUT_OF_RANGE)
    return None


def event_moment(
    at: datetime | None, *, field: str = "at", now: datetime | None = None
) -> datetime:
    now = now or timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise InvalidInput(
            _("The moment must include a time zone offset."),
            fields={field: [str(_("The moment must include a time zone offset."))]},
        )
    problem = moment_problem(at)
    if problem:
        raise InvalidInput(problem, fields={field: [problem]})
    if at > now + CLOCK_SKEW:
        message = _("A moment in the future cannot be recorded.")
        raise InvalidInput(message, code="future_moment", fields={field: [str(message)]})
    return at
