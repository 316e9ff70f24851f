"""The dates of a maintenance plan's visits (BS-9): from the start by month arithmetic, clamped
to the month's end without drift, moved off days that are not worked (mainland calendar)."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from aftercare.standard.calendar import CalendarDays, WorkingDays
from aftercare.standard.schedules import (
    every_months,
    next_working_day,
    previous_working_day,
    shifted,
    visit_dates,
)

SH = ZoneInfo("Asia/Shanghai")
CN = WorkingDays(tz=SH, region="CN")


def test_quarterly_from_the_fifteenth():
    assert every_months(date(2026, 1, 15), 3, date(2026, 12, 31)) == [
        date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15), date(2026, 10, 15),
    ]  # fmt: skip


def test_month_end_is_clamped_and_counted_from_the_start_without_drift():
    days = every_months(date(2026, 1, 31), 1, date(2026, 6, 30))
    assert days == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31), date(2026, 6, 30),
    ]  # fmt: skip
    assert every_months(date(2027, 11, 30), 3, date(2028, 3, 1)) == [
        date(2027, 11, 30), date(2028, 2, 29),  # a leap year's February
    ]  # fmt: skip


def test_the_end_is_included_and_a_start_after_it_gives_nothing():
    assert every_months(date(2026, 1, 15), 6, date(2026, 7, 15))[-1] == date(2026, 7, 15)
    assert every_months(date(2026, 1, 15), 1, date(2026, 1, 14)) == []
    with pytest.raises(ValueError):
        every_months(date(2026, 1, 15), 0, date(2026, 12, 31))


def test_a_sunday_moves_to_friday_or_monday():
    sunday = date(2026, 11, 15)
    assert previous_working_day(sunday, CN) == date(2026, 11, 13)
    assert next_working_day(sunday, CN) == date(2026, 11, 16)
    assert shifted(sunday, CN, "keep") == sunday
    assert shifted(date(2026, 11, 16), CN, "previous") == date(2026, 11, 16)  # worked: stays


def test_national_day_moves_out_of_the_holiday_and_a_make_up_saturday_is_worked():
    holiday = date(2026, 10, 5)  # Monday, National Day (observed)
    assert shifted(holiday, CN, "previous") == date(2026, 9, 30)
    assert shifted(holiday, CN, "next") == date(2026, 10, 8)
    assert shifted(holiday, CN, "keep") == holiday
    make_up = date(2026, 10, 10)  # Saturday worked instead of 7 October
    assert shifted(make_up, CN, "previous") == make_up


def test_closures_count_and_calendar_days_never_move():
    closed = WorkingDays(tz=SH, region="CN", closures=frozenset({date(2026, 11, 13)}))
    assert previous_working_day(date(2026, 11, 15), closed) == date(2026, 11, 12)
    assert shifted(date(2026, 11, 15), CalendarDays(tz=SH), "previous") == date(2026, 11, 15)
    with pytest.raises(ValueError):
        shifted(date(2026, 11, 15), CN, "sideways")


def test_dates_shifting_onto_one_day_make_one_visit_and_the_term_bounds_them():
    planned = [date(2026, 10, 3), date(2026, 10, 4), date(2026, 9, 30), date(2027, 1, 1)]
    assert visit_dates(
        planned, CN, "previous", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    ) == [date(2026, 9, 30)]
    assert visit_dates(
        planned, CN, "next", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    ) == [date(2026, 9, 30), date(2026, 10, 8)]
