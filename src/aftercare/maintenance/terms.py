"""The terms of a maintenance plan's version (``AgreementVersion.terms``), checked and made
JSON-ready: the systems (of the plan's site), every N months or listed dates, the term, and what
happens to a date that is not worked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from aftercare.errors import Errors
from aftercare.maintenance.choices import NonWorkingDay
from aftercare.moments import plausible_year
from aftercare.sites.models import Site, System
from aftercare.standard.deadlines import add_months

MAX_YEARS = 5
MAX_DATES = 120


def _day(value: Any, field: str, errors: Errors) -> date | None:
    if isinstance(value, date):
        day: date | None = value
    else:
        try:
            day = date.fromisoformat(str(value)) if isinstance(value, str) else None
        except ValueError:
            day = None
    if day is None or not plausible_year(day):
        errors.add(field, _("Give the date as text, e.g. 2026-05-01 (years 2000 to 2100)."))
        return None
    return day


def _months(value: Any, errors: Errors) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 24:
        errors.add("every_months", _("Give a whole number of months from 1 to 24."))
        return None
    return value


def clean(site: Site | None, terms: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """The terms checked (problems added to `errors` by field) and normalised."""
    ids = terms.get("system_ids")
    system_ids: list[int] = []
    if not isinstance(ids, list | tuple) or not ids:
        errors.add("system_ids", _("Choose at least one system."))
    elif not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in ids):
        errors.add("system_ids", _("Choose systems of the plan's site."))
    else:
        system_ids = sorted(set(ids))
        found = set(
            System.objects.filter(site=site, pk__in=system_ids).values_list("pk", flat=True)
        ) if site is not None else set()  # fmt: skip
        if found != set(system_ids):
            errors.add("system_ids", _("Choose systems of the plan's site."))
    starts_on = _day(terms.get("starts_on"), "starts_on", errors)
    ends_on = _day(terms.get("ends_on"), "ends_on", errors)
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors.add("ends_on", _("The plan cannot end before it starts."))
        elif ends_on > add_months(starts_on, 12 * MAX_YEARS):
            errors.add("ends_on", _("A plan runs for at most %(n)s years.") % {"n": MAX_YEARS})
    every = terms.get("every_months")
    listed = terms.get("dates") or []
    months: int | None = None
    dates: list[str] = []
    if every is not None and listed:
        errors.add("every_months", _("Give either a frequency in months or a list of dates."))
    elif every is not None:
        months = _months(every, errors)
    elif not isinstance(listed, list | tuple) or not listed:
        errors.add("every_months", _("Give either a frequency in months or a list of dates."))
    elif len(listed) > MAX_DATES:
        errors.add("dates", _("At most %(n)s dates.") % {"n": MAX_DATES})
    else:
        found_days: set[date] = set()
        for index, value in enumerate(listed):
            day = _day(value, f"dates.{index}", errors)
            if day is None:
                continue
            if starts_on and ends_on and not starts_on <= day <= ends_on:
                errors.add(f"dates.{index}", _("This date is outside the plan's term."))
            found_days.add(day)
        dates = [day.isoformat() for day in sorted(found_days)]
    shift = terms.get("non_working_day") or NonWorkingDay.PREVIOUS
    if shift not in NonWorkingDay.values:
        errors.add("non_working_day", _("Choose previous, next or keep."))
    return {
        "system_ids": system_ids,
        "every_months": months,
        "dates": dates,
        "starts_on": starts_on.isoformat() if starts_on else None,
        "ends_on": ends_on.isoformat() if ends_on else None,
        "non_working_day": str(shift),
    }
