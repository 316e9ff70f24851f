"""Service calendars as data: the week's checks, and deadlines on them in Taipei with Taiwan's
holidays, the organisation's closures and midnight ends."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aftercare.contracts import actions
from aftercare.contracts.calendars import check_week, parse_day_text
from aftercare.errors import Errors, InvalidInput
from aftercare.standard import actions as standard
from aftercare.standard.calendar import add_service_hours
from tests.contracts.helpers import building

TPE = ZoneInfo("Asia/Taipei")
MON_SAT = [[["08:30", "17:30"]]] * 6 + [[]]


def tpe(*args) -> datetime:
    return datetime(*args, tzinfo=TPE)


@pytest.mark.django_db
def test_taiwan_holidays_and_closures_pause_the_clock():
    b = building(tz="Asia/Taipei", region="TW")
    follows = actions.create_service_calendar(
        by=b.ada, organisation=b.org, name="週一至六", weekly=MON_SAT, follows_holidays=True
    )
    plain = actions.create_service_calendar(
        by=b.ada, organisation=b.org, name="週一至六（不依假日）", weekly=MON_SAT
    )
    # Thursday 2026-10-08 16:30 + 4 h: 1 h on Thursday; Friday 9 (National Day observed) and
    # Saturday 10 (National Day) are holidays, Sunday is closed → Monday 12th 08:30 + 3 h.
    reported = tpe(2026, 10, 8, 16, 30)
    assert add_service_hours(reported, 4, follows.service_hours()) == tpe(2026, 10, 12, 11, 30)
    assert add_service_hours(reported, 4, plain.service_hours()) == tpe(2026, 10, 9, 11, 30)
    # An ordinary Saturday is worked: the calendar's own week decides.
    assert add_service_hours(tpe(2026, 11, 6, 17, 0), 1, follows.service_hours()) == tpe(
        2026, 11, 7, 9, 0
    )
    # The organisation closes Monday 2026-11-09: the clock skips it too.
    standard.set_calendar_day(b.org, date(2026, 11, 9), kind="closure", by=b.ada, reason="盤點")
    assert add_service_hours(tpe(2026, 11, 7, 17, 0), 1, follows.service_hours()) == tpe(
        2026, 11, 10, 9, 0
    )


@pytest.mark.django_db
def test_a_night_shift_ends_at_midnight_and_the_builtin_runs_around_the_clock():
    b = building(tz="Asia/Taipei", region="TW")
    night = actions.create_service_calendar(
        by=b.sam, organisation=b.org, name="夜班",
        weekly=[[["18:00", "24:00"]], [["00:00", "06:00"]], [], [], [], [], []],
    )  # fmt: skip
    assert night.weekly[0] == [["18:00", "24:00"]]
    assert add_service_hours(tpe(2026, 12, 7, 23, 0), 2, night.service_hours()) == tpe(
        2026, 12, 8, 1, 0
    )
    always = actions.builtin_calendar(b.org)
    assert always.name == "24×7" and always.builtin
    assert actions.builtin_calendar(b.org) == always
    assert add_service_hours(tpe(2026, 12, 5, 23, 0), 2, always.service_hours()) == tpe(
        2026, 12, 6, 1, 0
    )


@pytest.mark.django_db
def test_a_taken_name_or_another_organisations_staff_is_refused():
    b = building()
    actions.create_service_calendar(by=b.sam, organisation=b.org, name="辦公", weekly=MON_SAT)
    with pytest.raises(InvalidInput) as refused:
        actions.create_service_calendar(by=b.sam, organisation=b.org, name="24×7", weekly=MON_SAT)
    assert refused.value.fields == {"name": ["A service calendar of this name exists already."]}
    with pytest.raises(InvalidInput):
        actions.create_service_calendar(by=b.sam, organisation=b.org, name="辦公", weekly=MON_SAT)
    with pytest.raises(InvalidInput) as refused:
        actions.create_service_calendar(by=b.sam, organisation=b.org, name="空", weekly=[[]] * 7)
    assert refused.value.fields == {"weekly": ["A service calendar needs some hours in the week."]}


@pytest.mark.parametrize(
    ("week", "problems"),
    [
        ([[["09:00", "12:00"], ["12:00", "18:00"]]] * 7, {}),  # touching is not overlapping
        ([[["00:00", "24:00"]]] * 7, {}),
        ([[["24:00", "24:00"]]] + [[]] * 6,
         {"weekly.0": ["Monday: 24:00–24:00 is not a time of day (HH:MM, 00:00 to 24:00)."]}),
        ([[["09:00"]]] + [[]] * 6,
         {"weekly.0": ["Monday: each interval is a start and an end."]}),
        ([[]] * 3 + ["09:00-18:00"] + [[]] * 3,
         {"weekly.3": ["Thursday: give a list of intervals."]}),
        ([[]] * 4 + [[["10:00", "10:00"]]] + [[]] * 2,
         {"weekly.4": ["Friday: the interval 10:00–10:00 ends before it starts."]}),
        ("every day", {"weekly": ["Give exactly 7 days, Monday first."]}),
    ],
)  # fmt: skip
def test_the_week_is_checked_day_by_day(week, problems):
    errors = Errors()
    check_week(week, errors)
    assert dict(errors) == problems


def test_the_pages_text_for_a_day():
    assert parse_day_text("09:00-12:00, 13:00-18:00") == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert parse_day_text("09:00–12:00；13:00~18:00") == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert parse_day_text("") == []
    assert parse_day_text("九點") is None


def test_holiday_days_leave_the_weekdays_to_the_calendar():
    from aftercare.standard.calendar import HolidayDays

    days = HolidayDays(tz=ZoneInfo("Asia/Shanghai"), region="CN", closures={date(2026, 11, 9)})
    assert days.is_working_day(date(2026, 11, 7))  # an ordinary Saturday
    assert days.is_working_day(date(2026, 11, 8))  # an ordinary Sunday
    assert not days.is_working_day(date(2026, 10, 1))  # National Day
    assert days.is_working_day(date(2026, 10, 10)) and days.is_make_up_day(date(2026, 10, 10))
    assert not days.is_working_day(date(2026, 11, 9))  # the organisation's closure
