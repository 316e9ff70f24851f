"""Service clocks that stop (issue 12's moments): exact due moments from a start, a duration, a
service calendar and the pauses and suspensions, organisation in Asia/Shanghai, mainland
holidays."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.standard.calendar import MIDNIGHT, HolidayDays, ServiceHours, add_service_hours
from aftercare.standard.clocks import Stop, read_clock, service_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
TWO_HOURS, FOUR_HOURS = timedelta(hours=2), timedelta(hours=4)
# The contract's calendar: Mon–Fri 09:00–18:00 following the mainland's holidays and make-up days.
OFFICE = ServiceHours.business(SHANGHAI, time(9), time(18), days=HolidayDays(SHANGHAI, "CN"))
ALWAYS = ServiceHours.always(SHANGHAI)
LUNCH = ServiceHours(
    SHANGHAI,
    ((((time(9), time(12)), (time(13, 30), time(18))),) * 5) + ((), ()),
    days=HolidayDays(SHANGHAI, "CN"),
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_a_fault_before_the_may_holidays_is_due_after_them():
    reported = at(2026, 4, 30, 16, 30)  # Thursday; 1–5 May are holidays, 3 May a Sunday
    arrival = read_clock(reported, TWO_HOURS, OFFICE)
    assert arrival.due_at == at(2026, 5, 6, 9, 30)
    assert read_clock(reported, FOUR_HOURS, OFFICE).due_at == at(2026, 5, 6, 11, 30)
    # The explanation's parts: 1 h 30 on 30 April, 30 min on 6 May.
    assert [(s.starts_at, s.ends_at) for s in arrival.counted] == [
        (at(2026, 4, 30, 16, 30), at(2026, 4, 30, 18)),
        (at(2026, 5, 6, 9), at(2026, 5, 6, 9, 30)),
    ]
    assert arrival.counted_time == TWO_HOURS


def test_a_make_up_saturday_is_worked_with_mondays_hours():
    assert read_clock(at(2026, 5, 8, 17), TWO_HOURS, OFFICE).due_at == at(2026, 5, 9, 10)


def test_a_pause_moves_the_due_moment_by_the_service_time_it_took():
    reported = at(2026, 6, 2, 10)
    pause = Stop(at(2026, 6, 2, 11), at(2026, 6, 2, 12, 30), "owner_access")
    assert read_clock(reported, FOUR_HOURS, ALWAYS, [pause]).due_at == at(2026, 6, 2, 15, 30)


def test_a_pause_over_the_night_costs_only_the_service_hours_in_it():
    reported = at(2026, 6, 2, 16)  # Tuesday
    pause = Stop(at(2026, 6, 2, 17), at(2026, 6, 3, 10), "parts")
    assert read_clock(reported, FOUR_HOURS, OFFICE, [pause]).due_at == at(2026, 6, 3, 13)
    assert service_time(pause.starts_at, pause.ends_at, OFFICE) == timedelta(hours=2)


def test_a_lunch_break_does_not_count():
    assert read_clock(at(2026, 6, 2, 11), TWO_HOURS, LUNCH).due_at == at(2026, 6, 2, 14, 30)
    assert read_clock(at(2026, 6, 2, 12, 15), TWO_HOURS, LUNCH).due_at == at(2026, 6, 2, 15, 30)


def test_a_suspension_overlapping_a_pause_is_counted_once():
    reported = at(2026, 6, 2, 10)
    pause = Stop(at(2026, 6, 2, 11), at(2026, 6, 2, 12), "owner_request")
    typhoon = Stop(at(2026, 6, 2, 11, 30), at(2026, 6, 2, 13), "typhoon_8")
    assert read_clock(reported, FOUR_HOURS, ALWAYS, [typhoon, pause]).due_at == at(2026, 6, 2, 16)


def test_a_clock_stopped_without_an_end_has_no_due_moment_yet():
    reported = at(2026, 6, 2, 10)
    paused = read_clock(reported, FOUR_HOURS, ALWAYS, [Stop(at(2026, 6, 2, 11))])
    assert paused.due_at is None
    assert paused.stopped_since == at(2026, 6, 2, 11)
    assert paused.counted_time == timedelta(hours=1)
    # Paused after its time ran out, the clock had fallen due already.
    late = read_clock(reported, FOUR_HOURS, ALWAYS, [Stop(at(2026, 6, 2, 15))])
    assert late.due_at == at(2026, 6, 2, 14)


def test_time_running_out_when_service_closes_is_due_then():
    assert read_clock(at(2026, 6, 2, 16), TWO_HOURS, OFFICE).due_at == at(2026, 6, 2, 18)
    # Or when a pause begins: the time had run out, the pause does not move it.
    stop = Stop(at(2026, 6, 2, 12), at(2026, 6, 2, 13))
    assert read_clock(at(2026, 6, 2, 10), TWO_HOURS, ALWAYS, [stop]).due_at == at(2026, 6, 2, 12)


def test_bad_stops_and_durations_are_refused():
    with pytest.raises(ValueError, match="end before it starts"):
        Stop(at(2026, 6, 2, 12), at(2026, 6, 2, 11))
    with pytest.raises(ValueError, match="negative"):
        read_clock(at(2026, 6, 2, 12), -TWO_HOURS, ALWAYS)
    with pytest.raises(ValueError, match="needs a time zone"):
        read_clock(datetime(2026, 6, 2, 12), TWO_HOURS, ALWAYS)


# Properties over random reports, durations and pauses, on the three calendars.
moments = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2027, 1, 10), timezones=st.just(SHANGHAI)
)
durations = st.integers(min_value=1, max_value=60 * 40).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from([OFFICE, ALWAYS, LUNCH])


@st.composite
def pauses(draw, after):
    stops = []
    for _ in range(draw(st.integers(0, 4))):
        begins = after + timedelta(minutes=draw(st.integers(0, 60 * 24 * 10)))
        lasts = timedelta(minutes=draw(st.integers(0, 60 * 24 * 3)))
        stops.append(Stop(begins, begins + lasts))
    return stops


def in_service(moment: datetime, cal: ServiceHours) -> bool:
    """Inside an interval of the calendar, its end included (time can run out at closing)."""
    day = moment.astimezone(cal.tz).date()
    spans = cal.intervals(day) + cal.intervals(day - timedelta(days=1))
    return any(opens <= moment <= closes for opens, closes in spans)


@settings(max_examples=300, deadline=None)
@given(moments, durations, calendars, st.data())
def test_pauses_never_bring_a_due_moment_forward_and_it_falls_in_service(
    reported, duration, cal, data
):
    stops = data.draw(pauses(reported))
    uninterrupted = add_service_hours(reported, duration, cal)
    reading = read_clock(reported, duration, cal, stops)
    assert read_clock(reported, duration, cal, stops) == reading  # recomputed: the same
    assert read_clock(reported, duration, cal, list(reversed(stops))) == reading
    assert read_clock(reported, duration, cal).due_at == uninterrupted
    assert reading.due_at >= uninterrupted
    assert in_service(reading.due_at, cal)
    assert reading.counted_time == duration
    # Never due inside a pause (its start is fine: time ran out as it began).
    assert not any(s.starts_at < reading.due_at < s.ends_at for s in stops)
    # The service time it ran, pauses left out, is exactly the duration.
    assert service_time(reported, reading.due_at, cal, stops) == duration


def test_24x7_midnight_intervals_are_one_stretch_a_day():
    spans = read_clock(at(2026, 6, 2, 22), FOUR_HOURS, ALWAYS).counted
    assert [s.ends_at for s in spans] == [at(2026, 6, 3, 0), at(2026, 6, 3, 2)]
    assert ALWAYS.weekly[0] == ((MIDNIGHT, MIDNIGHT),)
