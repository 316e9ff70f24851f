"""Service calendars as data: the stored weekly JSON, its checks, and the page's text form.

A calendar's week is stored as 7 lists (Monday first) of ``["HH:MM", "HH:MM"]`` intervals; an
end of ``"24:00"`` closes at midnight. ``standard.calendar.ServiceHours`` does the arithmetic;
this module checks the data first so that a person reads what is wrong, in their language and
naming the weekday, instead of ``standard``'s English ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from typing import Any

from django.utils.translation import gettext as _

from aftercare.contracts.choices import WEEKDAYS
from aftercare.errors import Errors
from aftercare.standard.calendar import MIDNIGHT

Interval = tuple[time, time]
Week = tuple[tuple[Interval, ...], ...]

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
#: The stored 24×7 week: every day from 00:00 to 24:00.
ALWAYS: list[list[list[str]]] = [[["00:00", "24:00"]] for _ in range(7)]


def _clock(text: Any, *, end: bool) -> time | None:
    if not isinstance(text, str):
        return None
    if end and text == "24:00":
        return MIDNIGHT
    match = _CLOCK.match(text)
    return time(int(match[1]), int(match[2])) if match else None


def _minutes(moment: time, *, end: bool) -> int:
    if end and moment == MIDNIGHT:
        return 24 * 60
    return moment.hour * 60 + moment.minute


def check_week(raw: Any, errors: Errors, field: str = "weekly") -> Week | None:
    """The week as ``ServiceHours.weekly``, or None with the problems added to `errors`.

    Refused: not exactly 7 lists; an interval that is not two "HH:MM" texts; an end at or
    before its start; intervals of one day that overlap; a week with no hours at all.
    """
    if not isinstance(raw, list | tuple) or len(raw) != 7:
        errors.add(field, _("Give exactly 7 days, Monday first."))
        return None
    found = Errors()
    week = _check_days(raw, found, field)
    for key, messages in found.items():
        for message in messages:
            errors.add(key, message)
    if found:
        return None
    if not any(week):
        errors.add(field, _("A service calendar needs some hours in the week."))
        return None
    return week


def _check_days(raw: Sequence[Any], errors: Errors, field: str) -> Week:
    week: list[tuple[Interval, ...]] = []
    for index, day in enumerate(raw):
        name = str(WEEKDAYS[index])
        key = f"{field}.{index}"
        if not isinstance(day, list | tuple):
            errors.add(key, _("%(day)s: give a list of intervals.") % {"day": name})
            continue
        intervals: list[Interval] = []
        for pair in day:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                errors.add(key, _("%(day)s: each interval is a start and an end.") % {"day": name})
                continue
            start, finish = _clock(pair[0], end=False), _clock(pair[1], end=True)
            if start is None or finish is None:
                errors.add(
                    key,
                    _("%(day)s: %(value)s is not a time of day (HH:MM, 00:00 to 24:00).")
                    % {"day": name, "value": "–".join(str(part) for part in pair)},
                )
                continue
            if _minutes(finish, end=True) <= _minutes(start, end=False):
                errors.add(
                    key,
                    _("%(day)s: the interval %(start)s–%(end)s ends before it starts.")
                    % {"day": name, "start": pair[0], "end": pair[1]},
                )
                continue
            intervals.append((start, finish))
        intervals.sort(key=lambda pair: _minutes(pair[0], end=False))
        for before, after in zip(intervals, intervals[1:], strict=False):
            if _minutes(after[0], end=False) < _minutes(before[1], end=True):
                errors.add(
                    key,
                    _("%(day)s: the intervals %(first)s and %(second)s overlap.")
                    % {"day": name, "first": span_text(before), "second": span_text(after)},
                )
        week.append(tuple(intervals))
    return tuple(week)


def clock_text(moment: time, *, end: bool = False) -> str:
    if end and moment == MIDNIGHT:
        return "24:00"
    return moment.strftime("%H:%M")


def span_text(interval: Interval) -> str:
    return f"{clock_text(interval[0])}–{clock_text(interval[1], end=True)}"


def stored(week: Week) -> list[list[list[str]]]:
    """The week as stored and answered by the API: sorted "HH:MM" pairs."""
    return [[[clock_text(a), clock_text(b, end=True)] for a, b in day] for day in week]


def day_text(day: Sequence[Sequence[str]]) -> str:
    """One stored day as the page's editor shows it: ``09:00-12:00, 13:00-18:00``."""
    return ", ".join(f"{start}-{end}" for start, end in day)


def parse_day_text(text: str) -> list[list[str]] | None:
    """The editor's text for one day as stored pairs; None when it cannot be read at all.

    Empty text is a closed day. Ranges are separated by commas (also "，" and ";") and
    written with "-", "–" or "~".
    """
    result: list[list[str]] = []
    for part in re.split(r"[,，;；]", text or ""):
        part = part.strip()
        if not part:
            continue
        bits = [bit.strip() for bit in re.split(r"\s*[-–~至]\s*", part)]
        if len(bits) != 2:
            return None
        result.append(bits)
    return result
