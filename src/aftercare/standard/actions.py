"""Administrators tune the rulebook for their organisation; every change is kept in history."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftercare.apps import calendar_changed
from aftercare.errors import InvalidInput
from aftercare.org.models import Organisation, User
from aftercare.standard.models import CalendarDay, RuleSetting
from aftercare.standard.rules import DayCount, Unit, default_rule


def _require_admin(by: User, organisation: Organisation) -> None:
    """An administrator tunes the rulebook of their own organisation only."""
    if not by.is_authenticated or not by.has_perm("standard.change_rulesetting"):
        raise PermissionDenied
    if not by.is_superuser and by.organisation_id != organisation.pk:
        raise PermissionDenied


@transaction.atomic
def set_rule_setting(
    organisation: Organisation,
    rule_id: str,
    *,
    by: User,
    opens_after: int | None,
    due_after: int | None,
    day_count: str = "",
    enabled: bool = True,
) -> RuleSetting:
    _require_admin(by, organisation)
    rule = default_rule(rule_id)
    errors: dict[str, list[str]] = {}
    if not rule.tracked and due_after is not None:
        errors["due_after"] = [str(_("This rule has no deadline of its own."))]
    if opens_after is not None and due_after is not None and opens_after > due_after:
        errors["opens_after"] = [str(_("The window must open before it falls due."))]
    if day_count and rule.unit != Unit.DAYS:
        errors["day_count"] = [str(_("Only rules counted in days can use working days."))]
    if day_count and day_count not in DayCount.values:
        errors["day_count"] = [str(_("Unknown way of counting days."))]
    if errors:
        raise InvalidInput(_("The setting cannot be saved."), fields=errors)
    setting, _created = RuleSetting.objects.select_for_update().get_or_create(
        organisation=organisation, rule_id=rule_id
    )
    setting.opens_after = opens_after
    setting.due_after = due_after
    setting.day_count = day_count
    setting.enabled = enabled
    # simple_history reads this attribute on save; its model type does not declare it.
    setting._change_reason = f"by {by.username}"  # type: ignore[attr-defined]
    setting.save()
    return setting


@transaction.atomic
def reset_rule_setting(organisation: Organisation, rule_id: str, *, by: User) -> None:
    _require_admin(by, organisation)
    RuleSetting.objects.filter(organisation=organisation, rule_id=rule_id).delete()


@transaction.atomic
def set_calendar_day(
    organisation: Organisation, day: date, *, kind: str, by: User, reason: str = ""
) -> CalendarDay:
    _require_admin(by, organisation)
    if kind not in CalendarDay.Kind.values:
        raise InvalidInput(_("Unknown kind of calendar day."), fields={"kind": ["invalid"]})
    row, _created = CalendarDay.objects.update_or_create(
        organisation=organisation, day=day, defaults={"kind": kind, "reason": reason}
    )
    calendar_changed(organisation.pk)
    return row


@transaction.atomic
def remove_calendar_day(organisation: Organisation, day: date, *, by: User) -> None:
    _require_admin(by, organisation)
    CalendarDay.objects.filter(organisation=organisation, day=day).delete()
    calendar_changed(organisation.pk)


@transaction.atomic
def set_organisation_calendar(
    organisation: Organisation, *, time_zone: str, region: str, by: User
) -> Organisation:
    _require_admin(by, organisation)
    organisation.time_zone = time_zone
    organisation.region = region
    organisation.full_clean()
    organisation.save(update_fields=["time_zone", "region"])
    calendar_changed(organisation.pk)
    return organisation
