"""Which period a recurring duty is in on a given local date (DS-12, DS-13).

Only the *schedule* lives here (which day a bin is due to be cleared, which months form an
inspection period); the deadline of each period comes from `standard.deadlines.window` through
`open_obligation`, from the period's scheduled day.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    first: date
    last: date


def clearance_day(starts_on: date, every_days: int, today: date) -> date | None:
    """The latest scheduled clearance day on or before `today`; None before the first one."""
    if today < starts_on:
        return None
    return today - timedelta(days=(today - starts_on).days % every_days)


def inspection_period(today: date, every_months: int) -> Period:
    """The period of `every_months` calendar months holding `today`, aligned on January
    (monthly: the month; quarterly: Jan–Mar, Apr–Jun, …)."""
    index = (today.year * 12 + today.month - 1) // every_months * every_months
    first = date(index // 12, index % 12 + 1, 1)
    end_index = index + every_months - 1
    year, month = end_index // 12, end_index % 12 + 1
    return Period(first, date(year, month, calendar.monthrange(year, month)[1]))


def replacement_notice(expires_on: date, notice_days: int) -> Period:
    """From `notice_days` before expiry to the day before expiry: the last day it may be used."""
    return Period(expires_on - timedelta(days=max(notice_days, 1)), expires_on - timedelta(days=1))
