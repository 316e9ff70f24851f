"""Dates of recurring visits (BS-9): a plan's dates from its start by month arithmetic, moved
off days that are not worked. Pure, like ``calendar.py``: the organisation's working days are
handed in (``deadlines.working_days``), so the rules are tested with fixed examples."""

from collections.abc import Iterable
from datetime import date, timedelta

from aftercare.standard.calendar import ONE_DAY, DayCalendar
from aftercare.standard.deadlines import add_months

PREVIOUS = "previous"
NEXT = "next"
KEEP = "keep"
SHIFTS = (PREVIOUS, NEXT, KEEP)

# No calendar closes for this long; hitting it means the closures leave no working day.
_MAX_IDLE_DAYS = 3 * 366


def previous_working_day(day: date, days: DayCalendar) -> date:
    """`day` itself when it is worked, else the last working day before it."""
    return _walk(day, days, -ONE_DAY)


def next_working_day(day: date, days: DayCalendar) -> date:
    """`day` itself when it is worked, else the first working day after it."""
    return _walk(day, days, ONE_DAY)


def _walk(day: date, days: DayCalendar, step: timedelta) -> date:
    for _ in range(_MAX_IDLE_DAYS):
        if days.is_working_day(day):
            return day
        day += step
    raise ValueError("no working day within three years: check the closures")


def shifted(day: date, days: DayCalendar, how: str) -> date:
    """A planned date moved per the plan's setting: to the previous or the next working day,
    or kept as it is."""
    if how == PREVIOUS:
        return previous_working_day(day, days)
    if how == NEXT:
        return next_working_day(day, days)
    if how == KEEP:
        return day
    raise ValueError(f"unknown shift {how!r}")


def every_months(starts_on: date, months: int, ends_on: date) -> list[date]:
    """`starts_on` + k·`months` months for k = 0, 1, … up to `ends_on`, each counted from the
    start and clamped to the month's end, so a plan from 31 January falls on 28 February, then
    31 March (no drift)."""
    if months < 1:
        raise ValueError("a frequency is at least one month")
    found: list[date] = []
    k = 0
    while (day := add_months(starts_on, k * months)) <= ends_on:
        found.append(day)
        k += 1
    return found


def visit_dates(
    planned: Iterable[date], days: DayCalendar, how: str, *, starts_on: date, ends_on: date
) -> list[date]:
    """The visit dates of planned dates within [starts_on, ends_on], each shifted per `how`;
    two dates shifting onto the same day make one visit. Sorted."""
    chosen = {shifted(day, days, how) for day in planned if starts_on <= day <= ends_on}
    return sorted(chosen)
