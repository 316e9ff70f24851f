"""How a ticket's clock got to its due moment, in words (the ticket and field pages).

Built from ``standard.clocks.Reading``: the stretches of service time it counted, and between
them what was not counted — a stop (a pause with its reason, or a declared suspension) or
time outside the calendar's service hours (closed, a holiday). Worded in the active language,
in the organisation's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import dateformat
from django.utils.translation import gettext as _

from aftercare.servicedesk.choices import PauseReason, SuspensionReason
from aftercare.standard.calendar import ServiceHours, local_date
from aftercare.standard.clocks import Reading, Stop, Stretch

MOMENT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Step:
    """One line of an explanation: what it is (for the page's look) and its words."""

    kind: str  # reported | counted | stop | closed | due | stopped
    text: str


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return moment.astimezone(tz)


def moment_text(moment: datetime, tz: tzinfo) -> str:
    return _local(moment, tz).strftime(MOMENT)


def length_text(minutes: int) -> str:
    """A span of service time in hours and minutes (the explanation, the visit report)."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


def stop_reason_text(reason: str) -> str:
    """A stop's reason in words: a pause reason's label, or the suspension's."""
    if reason.startswith("suspension:"):
        code = reason.partition(":")[2]
        label = SuspensionReason(code).label if code in SuspensionReason.values else code
        return _("service suspended: %(reason)s") % {"reason": label}
    label = PauseReason(reason).label if reason in PauseReason.values else reason
    return _("paused: %(reason)s") % {"reason": label}


def _stretch_text(stretch: Stretch, tz: tzinfo) -> str:
    starts, ends = _local(stretch.starts_at, tz), _local(stretch.ends_at, tz)
    midnight = ends.date() > starts.date() and ends.time() == time(0)
    return _("%(length)s on %(day)s (%(weekday)s), %(starts)s–%(ends)s") % {
        "length": length_text(round(stretch.length.total_seconds() / 60)),
        "day": starts.strftime("%Y-%m-%d"),
        "weekday": dateformat.format(starts, "D"),
        "starts": starts.strftime("%H:%M"),
        "ends": "24:00" if midnight else ends.strftime("%H:%M"),
    }


def _span_text(stop: Stop, tz: tzinfo) -> str:
    if stop.ends_at is None:
        return _("since %(start)s") % {"start": moment_text(stop.starts_at, tz)}
    return f"{moment_text(stop.starts_at, tz)}–{moment_text(stop.ends_at, tz)}"


def closed_days(start: datetime, end: datetime, hours: ServiceHours | None) -> list[date]:
    """The local days between two moments that holidays and the organisation's closures took
    out of the calendar, with the days without hours that join them (1–5 May 2026: Friday,
    the weekend, Monday and Tuesday). Empty when none was a holiday or closure."""
    if hours is None or hours.days is None:
        return []
    first, last = local_date(start, hours.tz), local_date(end, hours.tz)
    closed: list[date] = []  # days without service hours
    any_holiday = False
    day = first
    while day <= last:
        worked_week = bool(hours.weekly[day.weekday()])
        if not hours.intervals(day):
            closed.append(day)
            any_holiday = any_holiday or (worked_week and not hours.days.is_working_day(day))
        day += timedelta(days=1)
    if not any_holiday:
        return []
    holidays = [d for d in closed if hours.weekly[d.weekday()] and not hours.days.is_working_day(d)]
    return [d for d in closed if holidays[0] <= d <= holidays[-1]]


def _days_text(days: list[date]) -> str:
    """Consecutive days as "2026-05-01–05-05", others separated by commas."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}–{run[-1]:%m-%d}"
        for run in runs
    )


def _gap(
    start: datetime,
    end: datetime,
    stops: Sequence[Stop],
    tz: tzinfo,
    hours: ServiceHours | None = None,
) -> list[Step]:
    """What kept the clock from counting between two stretches: the stops overlapping the gap,
    else the calendar was closed (naming the holidays and closures in it)."""
    within = [
        stop
        for stop in stops
        if stop.starts_at < end and (stop.ends_at is None or stop.ends_at > start)
    ]
    if not within:
        span = {"start": moment_text(start, tz), "end": moment_text(end, tz)}
        holidays = closed_days(start, end, hours)
        if holidays:
            return [
                Step(
                    "closed",
                    _("not counted: holidays and closures %(days)s (%(start)s–%(end)s)")
                    % {"days": _days_text(holidays), **span},
                )
            ]
        return [Step("closed", _("not counted: outside service hours (%(start)s–%(end)s)") % span)]
    return [
        Step(
            "stop",
            _("not counted: %(reason)s (%(span)s)")
            % {"reason": stop_reason_text(stop.reason), "span": _span_text(stop, tz)},
        )
        for stop in sorted(within, key=lambda stop: stop.starts_at)
    ]


def explain(
    reported_at: datetime,
    reading: Reading,
    stops: Sequence[Stop],
    tz: tzinfo,
    hours: ServiceHours | None = None,
) -> list[Step]:
    """The explanation of one clock, line by line: reported, each counted stretch with what
    was not counted before it, then the due moment (or since when it is stopped)."""
    steps = [Step("reported", _("reported %(at)s") % {"at": moment_text(reported_at, tz)})]
    cursor = reported_at
    for stretch in reading.counted:
        if stretch.starts_at > cursor:
            steps.extend(_gap(cursor, stretch.starts_at, stops, tz, hours))
        steps.append(Step("counted", _stretch_text(stretch, tz)))
        cursor = stretch.ends_at
    if reading.due_at is not None:
        steps.append(Step("due", _("due %(at)s") % {"at": moment_text(reading.due_at, tz)}))
        return steps
    since = reading.stopped_since or cursor
    if since > cursor:
        steps.extend(_gap(cursor, since, stops, tz, hours))
    holding = [
        s for s in stops if s.starts_at <= since and (s.ends_at is None or s.ends_at > since)
    ]
    reason = stop_reason_text(holding[0].reason) if holding else ""
    steps.append(
        Step(
            "stopped",
            _("stopped since %(at)s (%(reason)s): the due moment is known once it runs again")
            % {"at": moment_text(since, tz), "reason": reason},
        )
    )
    return steps
