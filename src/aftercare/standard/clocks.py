"""Service clocks that stop: a due moment from a start, a duration, a calendar and the spans in
which the clock did not run (BS-7, BS-8, BS-13; STANDARD.md, "Time conventions").

Pure Python (no Django), like ``calendar``: the hotline recomputes a ticket's due moments from
its whole event log (report, pauses, resumes, suspensions) every time one of them changes,
never by adjusting a stored moment, so a change of category or of emergency keeps the paused
time, and recomputing twice gives the same answer.

A *stop* is a span in which the clock does not run: an engineer's pause (owner not there,
owner's request, waiting for parts) or a suspension declared for the branch (typhoon signal
No. 8, black rainstorm). Stops may overlap; they are merged. A stop with no end is still going:
the clock is stopped, and the due moment is not known until it ends, unless the time ran out
before it began.

Every moment is compared in UTC (see ``calendar``); answers are given in the calendar's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aftercare.standard.calendar import ServiceHours, _require_aware, service_intervals

__all__ = ["Reading", "Stop", "Stretch", "read_clock", "service_time"]


@dataclass(frozen=True)
class Stop:
    """A span in which the clock does not run; ``ends_at`` None: it has not ended yet."""

    starts_at: datetime
    ends_at: datetime | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.starts_at)
        if self.ends_at is not None:
            _require_aware(self.ends_at)
            if self.ends_at < self.starts_at:
                raise ValueError("a stop cannot end before it starts")


@dataclass(frozen=True)
class Stretch:
    """An unbroken stretch of service time the clock counted (for the explanation)."""

    starts_at: datetime
    ends_at: datetime

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at


@dataclass(frozen=True)
class Reading:
    """What a clock says: when it falls due and how it got there.

    ``due_at`` is None while a stop with no end holds the clock before its time ran out
    (``stopped_since`` says since when); ``counted`` are the stretches of service time it
    counted, in order, which add up to the duration once ``due_at`` is known.
    """

    due_at: datetime | None
    counted: tuple[Stretch, ...]
    stopped_since: datetime | None = None

    @property
    def counted_time(self) -> timedelta:
        return sum((stretch.length for stretch in self.counted), timedelta(0))


Span = tuple[datetime, datetime | None]  # UTC; None: open-ended


def _merged(stops: Iterable[Stop]) -> list[Span]:
    """Stops as sorted, non-overlapping UTC spans; an open-ended stop swallows all after it."""
    spans = sorted(
        (
            stop.starts_at.astimezone(UTC),
            None if stop.ends_at is None else stop.ends_at.astimezone(UTC),
        )
        for stop in stops
    )
    merged: list[Span] = []
    for start, end in spans:
        if end is not None and end == start:
            continue  # a pause resumed the moment it began stops nothing
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def _free_pieces(
    opens: datetime, closes: datetime, stops: list[Span], first: int
) -> Iterator[tuple[datetime, datetime] | tuple[datetime, None]]:
    """[opens, closes) less the stops, in order: (start, end) pieces, and (start, None) where an
    open-ended stop begins (nothing after it is free). ``first`` skips stops already passed."""
    cursor = opens
    for stop_start, stop_end in stops[first:]:
        if stop_start >= closes:
            break
        if stop_end is not None and stop_end <= cursor:
            continue
        if stop_start > cursor:
            yield cursor, stop_start
        if stop_end is None:
            yield max(cursor, stop_start), None
            return
        cursor = max(cursor, stop_end)
        if cursor >= closes:
            return
    if cursor < closes:
        yield cursor, closes


def read_clock(
    start: datetime, duration: timedelta, cal: ServiceHours, stops: Iterable[Stop] = ()
) -> Reading:
    """The moment ``duration`` of service time has run from ``start`` on ``cal``, the clock
    not running during ``stops``.

    As ``calendar.add_service_hours``: starting outside service hours, the clock starts at the
    next interval, and time running out exactly at an interval's end (or a stop's start) falls
    due then, not when service resumes.
    """
    _require_aware(start)
    if duration < timedelta(0):
        raise ValueError("a clock's duration cannot be negative")
    begin = start.astimezone(UTC)
    spans = _merged(stop for stop in stops)
    remaining = duration
    counted: list[Stretch] = []
    if not remaining:
        return Reading(begin.astimezone(cal.tz), ())
    passed = 0  # stops wholly before the current interval
    for opens, closes in service_intervals(begin, cal):
        while passed < len(spans) and (end := spans[passed][1]) is not None and end <= opens:
            passed += 1
        for piece_start, piece_end in _free_pieces(opens, closes, spans, passed):
            if piece_end is None:
                return Reading(None, tuple(counted), piece_start.astimezone(cal.tz))
            available = piece_end - piece_start
            if remaining <= available:
                due = piece_start + remaining
                counted.append(Stretch(piece_start.astimezone(cal.tz), due.astimezone(cal.tz)))
                return Reading(due.astimezone(cal.tz), tuple(counted))
            remaining -= available
            counted.append(Stretch(piece_start.astimezone(cal.tz), piece_end.astimezone(cal.tz)))
    raise AssertionError("unreachable: _service_intervals never ends")  # pragma: no cover


def service_time(
    start: datetime, end: datetime, cal: ServiceHours, stops: Iterable[Stop] = ()
) -> timedelta:
    """Service time the clock ran between ``start`` and ``end`` (zero if ``end`` is earlier):
    what a pause cost, or how much of a target a ticket has used so far."""
    _require_aware(start)
    _require_aware(end)
    begin, finish = start.astimezone(UTC), end.astimezone(UTC)
    if finish <= begin:
        return timedelta(0)
    spans = _merged(stops)
    total = timedelta(0)
    passed = 0
    for opens, closes in service_intervals(begin, cal):
        if opens >= finish:
            return total
        while passed < len(spans) and (stop_end := spans[passed][1]) is not None:
            if stop_end > opens:
                break
            passed += 1
        for piece_start, piece_end in _free_pieces(opens, min(closes, finish), spans, passed):
            if piece_end is None:
                return total
            total += piece_end - piece_start
    raise AssertionError("unreachable: _service_intervals never ends")  # pragma: no cover
