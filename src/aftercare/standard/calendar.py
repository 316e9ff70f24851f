"""The moment N days or hours after T on a calendar (STANDARD.md, "Time conventions").

Pure Python (no Django) so deadline arithmetic can be tested and reused anywhere.

Day rules work on *local dates*: the event's date in the organisation's zone, shifted by N
calendar or working days; the window opens at 00:00 and falls due at 23:59:59.999999 of that
date. Hour rules consume elapsed service time on a ``ServiceHours`` calendar, pausing outside
its intervals.

All arithmetic on instants is done in UTC: Python compares and subtracts two datetimes that
share a tzinfo by wall clock, which is wrong across DST transitions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "MIDNIGHT",
    "CalendarDays",
    "HolidayDays",
    "ServiceHours",
    "WorkingDays",
    "add_service_hours",
    "due_after_days",
    "end_of_day",
    "local_date",
    "opens_after_days",
    "start_of_day",
]

ONE_DAY = timedelta(days=1)
ONE_MICROSECOND = timedelta(microseconds=1)

#: As an interval *end*, ``MIDNIGHT`` (``time(0, 0)``) means 24:00 — the end of that day.
#: ``time.max`` (23:59:59.999999) is accepted as a synonym so no microsecond is lost.
MIDNIGHT = time(0, 0)

# No region closes for this long; hitting it means the calendar can never be satisfied.
_MAX_IDLE_DAYS = 3 * 366


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: a moment needs a time zone")


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The date of ``moment`` on the wall clock of ``tz`` — what "date(E)" means in the rules."""
    _require_aware(moment)
    return moment.astimezone(tz).date()


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """First instant of ``day`` in ``tz`` (01:00 where a DST gap swallows midnight)."""
    naive_midnight = datetime.combine(day, MIDNIGHT)
    return naive_midnight.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def days_span(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``): local dates, both included, as
    the half-open range of moments every period filter and register uses."""
    return start_of_day(first, tz), start_of_day(last + ONE_DAY, tz)


def month_span(day: date) -> tuple[date, date]:
    """The first and last date of ``day``'s month (28 Feb, 29 Feb in a leap year, 31 Dec)."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - ONE_DAY


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """Last microsecond of ``day`` in ``tz``; derived from the next midnight so DST is exact."""
    next_start = start_of_day(day + ONE_DAY, tz).astimezone(UTC)
    return (next_start - ONE_MICROSECOND).astimezone(tz)


@dataclass(frozen=True)
class CalendarDays:
    """Every day counts: the default for day rules."""

    tz: ZoneInfo

    def is_working_day(self, day: date) -> bool:
        return True

    def shift(self, day: date, n: int) -> date:
        return day + timedelta(days=n)


@functools.lru_cache(maxsize=256)
def _holidays(region: str, year: int) -> holidays.HolidayBase:
    """One holidays object per (region, year); ``expand=False`` keeps it immutable once cached."""
    return holidays.country_holidays(region, years=year, expand=False)


def _frozen_dates(values: Iterable[date]) -> frozenset[date]:
    result = frozenset(values)
    for value in result:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise TypeError(f"expected dates, got {value!r}")
    return result


@dataclass(frozen=True)
class WorkingDays:
    """Weekends and the region's public holidays off, make-up working days on.

    ``region`` is a ``holidays.country_holidays`` code ("CN", "TW", "HK") with its default
    categories. For "HK" that is the statutory holidays only: general holidays such as Good
    Friday are not skipped unless listed in ``closures``.

    Precedence: closures (off) > extra_working_days and the region's ``weekend_workdays``
    (on) > Saturday/Sunday and public holidays (off) > everything else (on).
    """

    tz: ZoneInfo
    region: str = "CN"
    closures: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable of dates but store frozensets so instances stay hashable.
        object.__setattr__(self, "closures", _frozen_dates(self.closures))
        object.__setattr__(self, "extra_working_days", _frozen_dates(self.extra_working_days))
        try:
            _holidays(self.region, 2000)
        except NotImplementedError as exc:  # fail at configuration time, not at first deadline
            raise ValueError(f"unknown holiday region {self.region!r}") from exc

    def is_make_up_day(self, day: date) -> bool:
        """A weekend day worked instead of a holiday (调休); it has no weekend hours of its own."""
        if day.weekday() < 5 or day in self.closures:
            return False
        if day in self.extra_working_days:
            return True
        return day in getattr(_holidays(self.region, day.year), "weekend_workdays", ())

    def is_working_day(self, day: date) -> bool:
        if day in self.closures:
            return False
        if day in self.extra_working_days:
            return True
        regional = _holidays(self.region, day.year)
        if day in getattr(regional, "weekend_workdays", ()):
            return True
        return day.weekday() < 5 and day not in regional

    def shift(self, day: date, n: int) -> date:
        """The n-th working day after (n > 0) or before (n < 0) ``day``; ``day`` itself for 0."""
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        idle = 0
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
                idle = 0
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError("no working day within three years: check the closures")
        return day


@dataclass(frozen=True)
class HolidayDays(WorkingDays):
    """The days of a service calendar that follows the organisation's calendar: holidays and
    closures off, make-up working days on (with Monday's hours, see ``ServiceHours``), and
    every other day, Saturdays and Sundays included, left to the calendar's own week — a
    Mon–Sat calendar works ordinary Saturdays (DESIGN.md, "Service calendars").
    """

    def is_working_day(self, day: date) -> bool:
        if day in self.closures:
            return False
        if self.is_make_up_day(day):
            return True
        return day not in _holidays(self.region, day.year)


DayCalendar = CalendarDays | WorkingDays


def opens_after_days(moment: datetime, n: int, cal: DayCalendar) -> datetime:
    """Start of the local day N (calendar or working) days after ``moment``'s local date."""
    return start_of_day(cal.shift(local_date(moment, cal.tz), n), cal.tz)


def due_after_days(moment: datetime, n: int, cal: DayCalendar) -> datetime:
    """End of the local day N days after ``moment``'s local date: "within N days of E"."""
    return end_of_day(cal.shift(local_date(moment, cal.tz), n), cal.tz)


Interval = tuple[time, time]


def _end_is_midnight(end: time) -> bool:
    return end in (MIDNIGHT, time.max)


def _normalise_day(intervals: Iterable[Interval], weekday: int) -> tuple[Interval, ...]:
    result = tuple(sorted((start, end) for start, end in intervals))
    previous_end: time | None = None
    for start, end in result:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"weekday {weekday}: interval times must be naive wall-clock times")
        if not _end_is_midnight(end) and end <= start:
            raise ValueError(f"weekday {weekday}: interval {start}-{end} must end after it starts")
        if previous_end is not None and (_end_is_midnight(previous_end) or start < previous_end):
            raise ValueError(f"weekday {weekday}: intervals overlap")
        previous_end = end
    return result


@dataclass(frozen=True)
class ServiceHours:
    """A service calendar for hour rules: the clock only runs inside its intervals.

    ``weekly`` has 7 entries (Monday = 0), each a tuple of ``(start, end)`` wall-clock
    intervals within that day; an end of ``MIDNIGHT`` (or ``time.max``) means 24:00, so 24x7
    is ``(((MIDNIGHT, MIDNIGHT),),) * 7``. Intervals are sorted on construction and must not
    overlap.

    With ``days``, a non-working day has no hours, and a working day that falls on a weekend
    (a make-up day) uses Monday's hours, ``weekly[0]``, since it is worked as a weekday.
    Dates are taken in ``self.tz``; ``days.tz`` is not consulted.
    """

    tz: ZoneInfo
    weekly: tuple[tuple[Interval, ...], ...]
    days: WorkingDays | CalendarDays | None = None

    def __post_init__(self) -> None:
        weekly = tuple(self.weekly)
        if len(weekly) != 7:
            raise ValueError(f"weekly needs 7 entries (Monday first), got {len(weekly)}")
        normalised = tuple(_normalise_day(day, i) for i, day in enumerate(weekly))
        object.__setattr__(self, "weekly", normalised)

    @classmethod
    def business(
        cls,
        tz: ZoneInfo,
        start: time,
        end: time,
        weekdays: Iterable[int] = range(5),
        days: WorkingDays | CalendarDays | None = None,
    ) -> ServiceHours:
        """Same hours on each of ``weekdays`` (Monday = 0), e.g. Mon–Fri 09:00–18:00."""
        open_days = set(weekdays)
        weekly = tuple(((start, end),) if i in open_days else () for i in range(7))
        return cls(tz=tz, weekly=weekly, days=days)

    @classmethod
    def always(cls, tz: ZoneInfo) -> ServiceHours:
        """24x7: the standard's default service calendar."""
        return cls(tz=tz, weekly=(((MIDNIGHT, MIDNIGHT),),) * 7)

    def _hours_of(self, day: date) -> tuple[Interval, ...]:
        if self.days is not None:
            if not self.days.is_working_day(day):
                return ()
            if isinstance(self.days, WorkingDays) and self.days.is_make_up_day(day):
                return self.weekly[0]
        return self.weekly[day.weekday()]

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Service intervals of local ``day`` as UTC instants (UTC so comparisons are exact)."""
        result = []
        for start, end in self._hours_of(day):
            opens = datetime.combine(day, start).replace(tzinfo=self.tz).astimezone(UTC)
            if _end_is_midnight(end):
                closes = start_of_day(day + ONE_DAY, self.tz).astimezone(UTC)
            else:
                closes = datetime.combine(day, end).replace(tzinfo=self.tz).astimezone(UTC)
            if closes > opens:  # an interval inside a DST gap does not exist
                result.append((opens, closes))
        return result


def _as_timedelta(hours: float | int | timedelta) -> timedelta:
    if isinstance(hours, timedelta):
        return hours
    return timedelta(hours=hours)


def _is_24x7(cal: ServiceHours) -> bool:
    unrestricted = cal.days is None or isinstance(cal.days, CalendarDays)
    return unrestricted and all(day == ((MIDNIGHT, MIDNIGHT),) for day in cal.weekly)


def add_service_hours(
    moment: datetime, hours: float | int | timedelta, cal: ServiceHours
) -> datetime:
    """The instant after ``hours`` of in-service time from ``moment``, in ``cal.tz``.

    Starting outside service hours, the clock starts at the next interval. Time running out
    exactly at an interval's end returns that end (the deadline is tonight, not tomorrow 09:00).
    """
    _require_aware(moment)
    remaining = _as_timedelta(hours)
    if remaining < timedelta(0):
        raise ValueError("service hours cannot be negative")
    if not remaining:
        return moment.astimezone(cal.tz)
    cursor = moment.astimezone(UTC)
    if _is_24x7(cal):
        return (cursor + remaining).astimezone(cal.tz)
    for opens, closes in service_intervals(cursor, cal):
        available = closes - opens
        if remaining <= available:
            return (opens + remaining).astimezone(cal.tz)
        remaining -= available
    raise AssertionError("unreachable: service_intervals never ends")  # pragma: no cover


def service_intervals(start: datetime, cal: ServiceHours) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's intervals (UTC) from ``start`` on, the first one cut at ``start``; the
    one walk over service time that ``add_service_hours`` and ``clocks`` share. Endless: the
    caller stops; a calendar with no hours for three years is refused."""
    if not any(cal.weekly):
        raise ValueError("service calendar has no hours at all")
    begin = start.astimezone(UTC)
    day = local_date(start, cal.tz)
    idle = 0
    while True:
        spans = cal.intervals(day)
        for opens, closes in spans:
            if closes > begin:
                yield max(opens, begin), closes
        idle = 0 if spans else idle + 1
        if idle > _MAX_IDLE_DAYS:
            raise ValueError("service calendar has no hours within three years")
        day += ONE_DAY
