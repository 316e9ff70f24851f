"""Deadline arithmetic of STANDARD.md "Time conventions": days end at 23:59:59.999999 local,
working days follow the region's holidays and make-up days, hours pause outside service hours.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.standard.calendar import (
    MIDNIGHT,
    CalendarDays,
    ServiceHours,
    WorkingDays,
    add_service_hours,
    days_span,
    due_after_days,
    end_of_day,
    local_date,
    month_span,
    opens_after_days,
    start_of_day,
)

SH = ZoneInfo("Asia/Shanghai")
TPE = ZoneInfo("Asia/Taipei")
HKT = ZoneInfo("Asia/Hong_Kong")
NY = ZoneInfo("America/New_York")


def eod(y: int, m: int, d: int, tz: ZoneInfo = SH) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=tz)


def office(days=None, tz: ZoneInfo = SH) -> ServiceHours:
    """Mon–Fri 09:00–18:00, the calendar used by most examples below."""
    return ServiceHours.business(tz, time(9), time(18), days=days)


# --- local dates and day boundaries ---------------------------------------------------------


def test_two_calendar_days_fall_due_at_end_of_local_day():
    moment = datetime(2026, 1, 30, 14, 0, tzinfo=SH)
    assert due_after_days(moment, 2, CalendarDays(SH)) == eod(2026, 2, 1)


def test_event_recorded_in_utc_counts_from_its_local_date():
    moment = datetime(2026, 1, 29, 17, 0, tzinfo=UTC)
    assert local_date(moment, SH) == date(2026, 1, 30)
    assert due_after_days(moment, 2, CalendarDays(SH)) == eod(2026, 2, 1)


def test_due_moment_is_expressed_in_the_calendar_zone():
    due = due_after_days(datetime(2026, 1, 29, 17, 0, tzinfo=UTC), 2, CalendarDays(SH))
    assert due.tzinfo == SH
    assert due.isoformat() == "2026-02-01T23:59:59.999999+08:00"


def test_window_opens_at_start_of_local_day():
    moment = datetime(2026, 1, 30, 14, 0, tzinfo=SH)
    assert opens_after_days(moment, 1, CalendarDays(SH)) == datetime(2026, 1, 31, tzinfo=SH)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2028, 2, 28), date(2028, 2, 29)),
        (date(2027, 2, 28), date(2027, 3, 1)),
        (date(2026, 1, 31), date(2026, 2, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_one_calendar_day_crosses_month_and_leap_day_boundaries(day, expected):
    moment = datetime.combine(day, time(12), tzinfo=SH)
    assert due_after_days(moment, 1, CalendarDays(SH)) == end_of_day(expected, SH)


def test_negative_days_count_backwards_from_a_campaign_start():
    campaign_start = datetime(2026, 5, 20, 9, 0, tzinfo=SH)
    assert due_after_days(campaign_start, -14, CalendarDays(SH)) == eod(2026, 5, 6)


def test_zero_days_is_due_tonight():
    moment = datetime(2026, 5, 20, 9, 0, tzinfo=SH)
    assert due_after_days(moment, 0, CalendarDays(SH)) == eod(2026, 5, 20)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 1, 30, 14, 0), SH)


def test_day_boundaries_follow_dst_in_new_york():
    """The fall-back day lasts 25 hours; end_of_day must be its last microsecond."""
    fall_back = date(2026, 11, 1)
    length = end_of_day(fall_back, NY).astimezone(UTC) - start_of_day(fall_back, NY)
    assert length == timedelta(hours=25) - timedelta(microseconds=1)
    assert end_of_day(fall_back, NY).utcoffset() == timedelta(hours=-5)


# --- working days -----------------------------------------------------------------------------


def test_working_days_skip_national_day_golden_week():
    moment = datetime(2026, 9, 30, 15, 0, tzinfo=SH)  # Wednesday
    assert due_after_days(moment, 2, WorkingDays(SH)) == eod(2026, 10, 9)


def test_make_up_saturday_counts_as_a_working_day():
    moment = datetime(2026, 10, 9, 10, 0, tzinfo=SH)  # Friday; Sat 10 Oct is worked
    assert due_after_days(moment, 2, WorkingDays(SH)) == eod(2026, 10, 12)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 19), False),  # ordinary Saturday
        (date(2026, 9, 20), True),  # make-up Sunday
        (date(2026, 1, 4), True),  # make-up Sunday
        (date(2026, 10, 1), False),  # National Day, Thursday
        (date(2026, 9, 25), False),  # Mid-Autumn Festival, Friday
        (date(2026, 9, 24), True),  # ordinary Thursday
    ],
)
def test_mainland_working_day_classification(day, working):
    assert WorkingDays(SH).is_working_day(day) is working


def test_working_days_count_backwards_over_holidays():
    assert WorkingDays(SH).shift(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_zero_working_days_returns_the_day_even_on_a_holiday():
    assert WorkingDays(SH).shift(date(2026, 10, 1), 0) == date(2026, 10, 1)


def test_taiwan_skips_confucius_birthday_that_the_mainland_works():
    """2026-09-28 (Mon) is a holiday in TW only; 2026-09-25 is Mid-Autumn in both."""
    assert date(2026, 9, 28) in holidays.country_holidays("TW", years=2026)
    moment = datetime(2026, 9, 24, 11, 0, tzinfo=TPE)  # Thursday
    assert due_after_days(moment, 1, WorkingDays(TPE, region="TW")) == eod(2026, 9, 29, TPE)
    assert WorkingDays(SH).shift(date(2026, 9, 24), 1) == date(2026, 9, 28)


def test_taiwan_has_no_mainland_make_up_days():
    taiwan = WorkingDays(TPE, region="TW")
    assert not taiwan.is_working_day(date(2026, 10, 10))  # National Day there, Saturday anyway
    assert not taiwan.is_working_day(date(2026, 10, 9))  # observed National Day
    assert taiwan.shift(date(2026, 10, 8), 1) == date(2026, 10, 12)


def test_hong_kong_skips_establishment_day_and_works_mainland_holidays():
    hong_kong = WorkingDays(HKT, region="HK")
    assert hong_kong.shift(date(2026, 6, 30), 1) == date(2026, 7, 2)
    assert hong_kong.is_working_day(date(2026, 10, 2))  # mainland Golden Week only
    assert not hong_kong.is_working_day(date(2026, 10, 10))  # no make-up Saturday in HK


def test_hong_kong_general_holidays_need_closures():
    """The HK default category is statutory holidays; Good Friday is added as a closure."""
    good_friday = date(2026, 4, 3)
    assert WorkingDays(HKT, region="HK").is_working_day(good_friday)
    closed = WorkingDays(HKT, region="HK", closures=frozenset({good_friday}))
    assert closed.shift(date(2026, 4, 2), 1) == date(2026, 4, 8)  # 4-7 Mon/Tue holidays


def test_organisation_closure_is_skipped():
    closed = WorkingDays(SH, closures=frozenset({date(2026, 10, 8)}))
    assert closed.shift(date(2026, 9, 30), 1) == date(2026, 10, 9)


def test_closure_wins_over_a_make_up_day():
    closed = WorkingDays(SH, closures=frozenset({date(2026, 10, 10)}))
    assert not closed.is_working_day(date(2026, 10, 10))
    assert closed.shift(date(2026, 10, 9), 1) == date(2026, 10, 12)


def test_extra_working_day_counts():
    open_saturday = WorkingDays(SH, extra_working_days=frozenset({date(2026, 6, 6)}))
    assert open_saturday.shift(date(2026, 6, 5), 1) == date(2026, 6, 6)


def test_working_days_accept_plain_sets_and_stay_hashable():
    cal = WorkingDays(SH, closures={date(2026, 10, 8)})
    assert cal.closures == frozenset({date(2026, 10, 8)})
    assert hash(cal) == hash(WorkingDays(SH, closures=[date(2026, 10, 8)]))


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match="region"):
        WorkingDays(SH, region="XX")


# --- service hours ----------------------------------------------------------------------------


def test_four_service_hours_pause_over_mid_autumn_and_weekend():
    moment = datetime(2026, 9, 24, 16, 30, tzinfo=SH)  # Thursday; Fri 25 Sep is a holiday
    result = add_service_hours(moment, 4, office(WorkingDays(SH)))
    assert result == datetime(2026, 9, 28, 11, 30, tzinfo=SH)


def test_two_hours_on_24x7_cross_midnight():
    moment = datetime(2026, 3, 1, 23, 0, tzinfo=SH)
    assert add_service_hours(moment, 2, ServiceHours.always(SH)) == datetime(
        2026, 3, 2, 1, 0, tzinfo=SH
    )


def test_time_running_out_at_closing_returns_closing_not_next_morning():
    moment = datetime(2026, 9, 14, 17, 0, tzinfo=SH)  # Monday
    assert add_service_hours(moment, 1, office()) == datetime(2026, 9, 14, 18, 0, tzinfo=SH)


def test_clock_started_exactly_at_closing_resumes_next_morning():
    moment = datetime(2026, 9, 14, 18, 0, tzinfo=SH)
    assert add_service_hours(moment, 1, office()) == datetime(2026, 9, 15, 10, 0, tzinfo=SH)


def test_clock_started_before_opening_waits_for_opening():
    moment = datetime(2026, 9, 14, 7, 0, tzinfo=SH)
    assert add_service_hours(moment, 1, office()) == datetime(2026, 9, 14, 10, 0, tzinfo=SH)


def test_clock_started_on_saturday_waits_for_monday():
    moment = datetime(2026, 9, 12, 10, 0, tzinfo=SH)
    assert add_service_hours(moment, 1, office(WorkingDays(SH))) == datetime(
        2026, 9, 14, 10, 0, tzinfo=SH
    )


def test_make_up_sunday_uses_monday_hours():
    moment = datetime(2026, 9, 19, 10, 0, tzinfo=SH)  # Saturday; Sunday 20 Sep is worked
    assert add_service_hours(moment, 1, office(WorkingDays(SH))) == datetime(
        2026, 9, 20, 10, 0, tzinfo=SH
    )
    assert add_service_hours(moment, 1, office()) == datetime(2026, 9, 21, 10, 0, tzinfo=SH)


def test_lunch_break_pauses_the_clock():
    split = ((time(9), time(12)), (time(13), time(18)))
    cal = ServiceHours(SH, weekly=(split,) * 5 + ((), ()))
    moment = datetime(2026, 9, 14, 11, 0, tzinfo=SH)
    assert add_service_hours(moment, 2, cal) == datetime(2026, 9, 14, 14, 0, tzinfo=SH)


def test_hours_accept_floats_and_timedeltas():
    moment = datetime(2026, 9, 14, 17, 0, tzinfo=SH)
    expected = datetime(2026, 9, 15, 9, 30, tzinfo=SH)
    assert add_service_hours(moment, 1.5, office()) == expected
    assert add_service_hours(moment, timedelta(minutes=90), office()) == expected


def test_zero_hours_returns_the_same_instant():
    moment = datetime(2026, 9, 13, 3, 0, tzinfo=UTC)  # outside hours: still not moved
    assert add_service_hours(moment, 0, office()) == moment


def test_result_is_in_the_calendar_zone():
    moment = datetime(2026, 9, 14, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    result = add_service_hours(moment, 1, office())
    assert result.tzinfo == SH
    assert result.isoformat() == "2026-09-14T10:00:00+08:00"


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_service_hours(datetime(2026, 9, 14, tzinfo=SH), -1, office())


def test_calendar_without_hours_is_refused_instead_of_looping():
    with pytest.raises(ValueError, match="no hours"):
        add_service_hours(datetime(2026, 9, 14, tzinfo=SH), 1, ServiceHours(SH, ((),) * 7))


def test_calendar_closed_forever_is_refused_instead_of_looping():
    closures = frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(4 * 366))
    cal = office(WorkingDays(SH, closures=closures))
    with pytest.raises(ValueError, match="no hours"):
        add_service_hours(datetime(2026, 1, 1, tzinfo=SH), 1, cal)


@pytest.mark.parametrize(
    "weekly",
    [
        ((),) * 6,
        (((time(18), time(9)),),) + ((),) * 6,
        (((time(9), time(12)), (time(11), time(18))),) + ((),) * 6,
        (((time(9), MIDNIGHT), (time(10), time(11))),) + ((),) * 6,
    ],
    ids=["six-days", "end-before-start", "overlap", "overlap-after-midnight-end"],
)
def test_malformed_weekly_hours_are_refused(weekly):
    with pytest.raises(ValueError):
        ServiceHours(SH, weekly)


def test_24x7_across_new_york_spring_forward_counts_real_hours():
    moment = datetime(2026, 3, 8, 0, 30, tzinfo=NY)  # EST; 02:00 jumps to 03:00
    result = add_service_hours(moment, 3, ServiceHours.always(NY))
    assert result == datetime(2026, 3, 8, 4, 30, tzinfo=NY)
    assert result.utcoffset() == timedelta(hours=-4)


def test_24x7_across_new_york_fall_back_counts_real_hours():
    moment = datetime(2026, 11, 1, 0, 30, tzinfo=NY)  # EDT; 02:00 falls back to 01:00
    result = add_service_hours(moment, 3, ServiceHours.always(NY))
    assert result.astimezone(UTC) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert result.isoformat() == "2026-11-01T02:30:00-05:00"


def test_business_hours_on_spring_forward_day_are_one_hour_shorter():
    """Sunday 00:00–04:00 holds only three real hours on 2026-03-08."""
    cal = ServiceHours(NY, weekly=((),) * 6 + (((MIDNIGHT, time(4)),),))
    moment = datetime(2026, 3, 8, 0, 0, tzinfo=NY)
    assert add_service_hours(moment, 3, cal) == datetime(2026, 3, 8, 4, 0, tzinfo=NY)
    assert add_service_hours(moment, 3.5, cal) == datetime(2026, 3, 15, 0, 30, tzinfo=NY)


# --- properties -------------------------------------------------------------------------------

ZONES = [SH, TPE, NY]
moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([UTC, SH, NY]),
    allow_imaginary=False,
)
day_calendars = st.sampled_from(
    [CalendarDays(SH), WorkingDays(SH), WorkingDays(TPE, region="TW"), CalendarDays(NY)]
)
service_calendars = st.sampled_from(
    [
        office(WorkingDays(SH)),
        ServiceHours(SH, weekly=(((time(9), time(12)), (time(13), time(18))),) * 6 + ((),)),
        ServiceHours.business(NY, time(0, 30), time(3), weekdays=range(7)),
        ServiceHours.business(TPE, time(8, 30), time(17, 30), range(6), WorkingDays(TPE, "TW")),
    ]
)
durations = st.integers(min_value=1, max_value=60 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=200, deadline=None)
@given(moment=moments, n=st.integers(min_value=0, max_value=40), cal=day_calendars)
def test_due_moment_never_precedes_the_event(moment, n, cal):
    assert due_after_days(moment, n, cal) >= moment
    assert opens_after_days(moment, n, cal) <= due_after_days(moment, n, cal)


@settings(max_examples=200, deadline=None)
@given(
    moment=moments,
    n=st.integers(min_value=-400, max_value=400),
    m=st.integers(min_value=-400, max_value=400),
    tz=st.sampled_from(ZONES),
)
def test_calendar_days_compose(moment, n, m, tz):
    cal = CalendarDays(tz)
    assert due_after_days(due_after_days(moment, n, cal), m, cal) == due_after_days(
        moment, n + m, cal
    )


@settings(max_examples=200, deadline=None)
@given(moment=moments, n=st.integers(min_value=-40, max_value=40))
def test_shifted_working_day_is_a_working_day_in_the_right_direction(moment, n):
    cal = WorkingDays(SH)
    day = local_date(moment, SH)
    shifted = cal.shift(day, n)
    if n:
        assert cal.is_working_day(shifted)
    assert (shifted > day) if n > 0 else (shifted < day) if n < 0 else (shifted == day)


def _inside_hours(result: datetime, cal: ServiceHours) -> bool:
    day = local_date(result, cal.tz)
    instant = result.astimezone(UTC)
    spans = cal.intervals(day) + cal.intervals(day - timedelta(days=1))  # 24:00 ends
    return any(opens <= instant <= closes for opens, closes in spans)


@settings(max_examples=200, deadline=None)
@given(moment=moments, hours=durations, cal=service_calendars)
def test_service_hours_end_inside_service_hours(moment, hours, cal):
    result = add_service_hours(moment, hours, cal)
    assert result > moment
    assert _inside_hours(result, cal)


@settings(max_examples=100, deadline=None)
@given(moment=moments, h=durations, k=durations, cal=service_calendars)
def test_service_hours_compose_and_are_monotonic(moment, h, k, cal):
    first = add_service_hours(moment, h, cal)
    both = add_service_hours(moment, h + k, cal)
    assert add_service_hours(first, k, cal) == both
    assert first < both


@settings(max_examples=100, deadline=None)
@given(moment=moments, hours=durations)
def test_day_by_day_walk_equals_utc_addition_on_a_split_24x7_calendar(moment, hours):
    """Contiguous intervals through DST must add up to plain UTC addition."""
    split = ServiceHours(NY, weekly=(((MIDNIGHT, time(2, 30)), (time(2, 30), MIDNIGHT)),) * 7)
    expected = (moment.astimezone(UTC) + hours).astimezone(NY)
    assert add_service_hours(moment, hours, split) == expected
    assert add_service_hours(moment, hours, ServiceHours.always(NY)) == expected


def test_days_span_is_local_dates_both_included_as_half_open_moments():
    since, until = days_span(date(2026, 7, 1), date(2026, 7, 31), SH)
    assert since == datetime(2026, 7, 1, 0, 0, tzinfo=SH)
    assert until == datetime(2026, 8, 1, 0, 0, tzinfo=SH)  # 07-31 23:59:59.999999 is inside
    tp = ZoneInfo("Asia/Taipei")
    assert days_span(date(2028, 2, 29), date(2028, 2, 29), tp)[1] == datetime(2028, 3, 1, tzinfo=tp)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 14), (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2028, 2, 29), (date(2028, 2, 1), date(2028, 2, 29))),
        (date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2026, 1, 31), (date(2026, 1, 1), date(2026, 1, 31))),
    ],
)
def test_month_span_ends_on_the_months_last_day(day, expected):
    assert month_span(day) == expected
