"""Properties of a ticket's clocks read from its event log (hypothesis): pauses never bring a
due moment forward, a due moment always falls inside service hours and outside every pause,
and reading the same log twice gives the same moments."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.servicedesk import clocks
from aftercare.standard.calendar import HolidayDays, ServiceHours
from aftercare.standard.clocks import read_clock

SH = ZoneInfo("Asia/Shanghai")
OFFICE = ServiceHours(
    SH,
    ((((time(9), time(12)), (time(13, 30), time(18))),) * 5) + ((), ()),
    days=HolidayDays(SH, "CN"),
)
ALWAYS = ServiceHours.always(SH)
START = datetime(2026, 4, 27, tzinfo=SH)


@dataclass
class _Ticket:
    """The fields ``clocks.read`` reads of a ticket."""

    reported_at: datetime
    arrival_minutes: int
    fix_minutes: int | None


def _in_service(moment: datetime, hours: ServiceHours) -> bool:
    local = moment.astimezone(SH)
    for day in (local.date() - timedelta(days=1), local.date()):
        for opens, closes in hours.intervals(day):
            if opens <= moment <= closes:
                return True
    return False


reported = st.integers(0, 60 * 24 * 20).map(lambda m: START + timedelta(minutes=m))
gaps = st.lists(st.tuples(st.integers(0, 600), st.integers(1, 900)), max_size=5)


def _log(start: datetime, pairs: list[tuple[int, int]]) -> list[tuple[str, datetime, dict]]:
    """Pause/resume events after the report: (minutes until the pause, its length)."""
    events = [("reported", start, {})]
    cursor = start
    for wait, length in pairs:
        cursor += timedelta(minutes=wait)
        events.append(("paused", cursor, {"reason": "parts"}))
        cursor += timedelta(minutes=length)
        events.append(("resumed", cursor, {}))
    return events


@settings(max_examples=150, deadline=None)
@given(reported, st.integers(1, 600), gaps, st.sampled_from([OFFICE, ALWAYS]))
def test_pauses_only_ever_push_a_due_moment_later_and_into_service_hours(
    start, minutes, pairs, hours
):
    ticket = _Ticket(start, minutes, minutes * 2)
    stops = clocks.pauses(_log(start, pairs))
    first = clocks.read(ticket, hours, stops)
    again = clocks.read(ticket, hours, clocks.pauses(_log(start, pairs)))
    assert first.clocks == again.clocks
    for rule, duration in ((clocks.ARRIVAL, minutes), (clocks.FIX, minutes * 2)):
        uninterrupted = read_clock(start, timedelta(minutes=duration), hours).due_at
        due = first.clocks[rule].due_at
        assert due is not None and uninterrupted is not None
        assert due >= uninterrupted
        assert _in_service(due, hours)
        assert not any(s.starts_at < due < s.ends_at for s in stops if s.ends_at is not None)
        assert first.clocks[rule].counted_time == timedelta(minutes=duration)


@given(reported, gaps)
def test_a_pause_not_yet_resumed_stops_the_clock(start, pairs):
    events = [*_log(start, pairs), ("paused", start + timedelta(days=30), {"reason": "parts"})]
    stops = clocks.pauses(events)
    assert stops[-1].ends_at is None
    reading = clocks.read(_Ticket(start, 60 * 24 * 40, None), ALWAYS, stops).clocks[clocks.ARRIVAL]
    assert reading.due_at is None
    assert reading.stopped_since == start + timedelta(days=30)
