"""The writer of the organisation's hotline settings (the calendar of calls no contract covers
and the emergency targets without a contract, BS-7/BS-13). A change applies to calls taken
from then on: a ticket keeps what its clocks were planned on."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftercare.contracts.models import ServiceCalendar
from aftercare.errors import Errors
from aftercare.org.access import ensure_allowed_in
from aftercare.org.models import Organisation, User
from aftercare.servicedesk.models import HotlineSettings

MAX_HOURS = Decimal("999.99")
CENT = Decimal("0.01")


def _hours(errors: Errors, field: str, value: Any) -> Decimal | None:
    """Hours above zero, at most 999.99, with at most two decimals."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Give the hours as a number, e.g. 2 or 1.5."))
        return None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        errors.add(field, _("Give between 0.01 and 999.99 hours."))
        return None
    if hours != hours.quantize(CENT):
        errors.add(field, _("Give the hours with at most two decimals."))
        return None
    return hours.quantize(CENT)


@transaction.atomic
def save_settings(
    *,
    by: User,
    organisation: Organisation,
    calendar: ServiceCalendar | None,
    emergency_arrival_hours: Any,
    emergency_fix_hours: Any,
) -> HotlineSettings:
    """Set the organisation's hotline defaults (one row per organisation, made on first save).
    No calendar means the built-in 24×7 one."""
    ensure_allowed_in(by, "servicedesk.change_hotlinesettings", organisation)
    errors = Errors()
    if calendar is not None and calendar.organisation_id != organisation.pk:
        errors.add("calendar", _("Choose a service calendar of your organisation."))
    arrival = _hours(errors, "emergency_arrival_hours", emergency_arrival_hours)
    fix = _hours(errors, "emergency_fix_hours", emergency_fix_hours)
    errors.raise_if_any(_("The hotline settings cannot be saved."))
    assert arrival is not None and fix is not None
    row = HotlineSettings.objects.select_for_update().filter(organisation=organisation).first()
    if row is None:
        row = HotlineSettings(organisation=organisation)
    row.calendar = calendar
    row.emergency_arrival_hours = arrival
    row.emergency_fix_hours = fix
    row.save()
    return row
