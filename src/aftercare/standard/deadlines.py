"""The one place where a rule and an event moment become an obligation's window.

Callers never do date arithmetic themselves: they ask `window(organisation, "DS-3", at)`.
"""

import calendar as _month_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aftercare.org.models import Organisation
from aftercare.standard import calendar as cal
from aftercare.standard.models import CalendarDay, RuleSetting
from aftercare.standard.rules import DayCount, Rule, Unit, default_rule


@dataclass(frozen=True)
class Window:
    opens_at: datetime | None
    due_at: datetime


def effective_rule(organisation: Organisation, rule_id: str) -> Rule:
    """The standard's default merged with the organisation's override, if any."""
    return effective_rules(organisation, [rule_id])[rule_id]


def effective_rules(organisation: Organisation, rule_ids: Iterable[str]) -> dict[str, Rule]:
    """`effective_rule` for several rules in one query (the hotline's BS-7 and BS-8)."""
    wanted = list(rule_ids)
    settings = {
        row.rule_id: row
        for row in RuleSetting.objects.filter(organisation=organisation, rule_id__in=wanted)
    }
    result = {}
    for rule_id in wanted:
        rule, setting = default_rule(rule_id), settings.get(rule_id)
        result[rule_id] = (
            rule
            if setting is None
            else rule.with_overrides(
                opens_after=setting.opens_after,
                due_after=setting.due_after,
                day_count=setting.day_count or None,
                enabled=setting.enabled,
            )
        )
    return result


def working_days(organisation: Organisation) -> cal.WorkingDays:
    days = CalendarDay.objects.filter(organisation=organisation).values_list("day", "kind")
    closures = frozenset(day for day, kind in days if kind == CalendarDay.Kind.CLOSURE)
    extra = frozenset(day for day, kind in days if kind == CalendarDay.Kind.WORKING)
    return cal.WorkingDays(
        tz=organisation.tz,
        region=organisation.region,
        closures=closures,
        extra_working_days=extra,
    )


def day_calendar(organisation: Organisation, rule: Rule) -> cal.WorkingDays | cal.CalendarDays:
    if rule.day_count == DayCount.WORKING:
        return working_days(organisation)
    return cal.CalendarDays(tz=organisation.tz)


def add_months(day: date, months: int) -> date:
    """Same day of month `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def window(
    organisation: Organisation,
    rule_id: str,
    event_at: datetime,
    *,
    service_hours: cal.ServiceHours | None = None,
    rule: Rule | None = None,
) -> Window:
    """When the obligation that `rule_id` opens for an event at `event_at` opens and falls due."""
    rule = rule or effective_rule(organisation, rule_id)
    if rule.due_after is None:
        raise ValueError(f"{rule.id} has no deadline of its own")
    tz = organisation.tz
    if rule.unit == Unit.HOURS:
        hours = service_hours or cal.ServiceHours.always(tz)
        return Window(opens_at=None, due_at=cal.add_service_hours(event_at, rule.due_after, hours))
    if rule.unit == Unit.MONTHS:
        day = add_months(cal.local_date(event_at, tz), rule.due_after)
        return Window(opens_at=None, due_at=cal.end_of_day(day, tz))
    days = day_calendar(organisation, rule)
    opens_at = (
        cal.opens_after_days(event_at, rule.opens_after, days)
        if rule.opens_after is not None
        else None
    )
    return Window(opens_at=opens_at, due_at=cal.due_after_days(event_at, rule.due_after, days))


def warranty_ends_on(organisation: Organisation, starts_on: date) -> date:
    """Last covered day of a warranty starting on `starts_on` (BS-5).

    "Two years from acceptance" ends on the day before the same date 24 months (the BS-5
    setting) later: accepted 2026-03-16 → covered through 2028-03-15. Month arithmetic clamps
    to the month's end, so 2024-02-29 → 2026-02-28 → covered through 2026-02-27.
    """
    rule = effective_rule(organisation, "BS-5")
    return last_covered_day(starts_on, rule.due_after if rule.due_after is not None else 24)


def last_covered_day(starts_on: date, months: int) -> date:
    """The last day of a warranty of `months` starting on `starts_on`: the day before the same
    date `months` later (a part's 12 months from 2026-07-20 cover through 2027-07-19)."""
    return add_months(starts_on, months) - timedelta(days=1)


def counted_back(organisation: Organisation, rule_id: str, last_day: date) -> Window:
    """The window of a rule that falls due N days *before* `last_day` (BS-6: 60 days before the
    last covered day), counted in the rule's days (calendar by default, or working days with
    make-up days and closures when the organisation sets so).
    """
    return window(organisation, rule_id, cal.start_of_day(last_day, organisation.tz))
