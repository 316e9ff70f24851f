from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftercare.errors import DomainError
from aftercare.org.http import StaffRequest
from aftercare.org.models import Organisation
from aftercare.standard import actions, queries
from aftercare.standard.forms import CalendarDayForm, OrganisationCalendarForm, RuleSettingForm
from aftercare.standard.rules import RULES


def _organisation(request: StaffRequest) -> Organisation:
    organisation = request.user.organisation
    assert organisation is not None, "the rulebook's pages need an organisation"
    return organisation


@login_required
@permission_required("standard.view_rulesetting", raise_exception=True)
def settings_page(request: StaffRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(
        request,
        "standard/settings.html",
        {
            "rows": queries.rulebook(organisation),
            "calendar_days": queries.calendar_days(organisation),
            "day_form": CalendarDayForm(),
            "org_form": OrganisationCalendarForm(
                initial={"time_zone": organisation.time_zone, "region": organisation.region}
            ),
            "can_edit": request.user.has_perm("standard.change_rulesetting"),
        },
    )


def _report(
    request: StaffRequest, form: forms.Form, do: Callable[[dict[str, Any]], object]
) -> None:
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:  # ErrorList yields the messages as str
                messages.error(request, str(message))
        return
    try:
        do(form.cleaned_data)
        messages.success(request, _("Saved."))
    except DomainError as error:
        messages.error(request, error.message)
        for texts in error.fields.values():
            for text in texts:
                messages.error(request, text)


@login_required
@permission_required("standard.change_rulesetting", raise_exception=True)
@require_POST
def edit_rule(request: StaffRequest, rule_id: str) -> HttpResponse:
    if rule_id not in RULES:
        messages.error(request, _("Unknown rule."))
        return redirect("standard:settings")
    organisation = _organisation(request)
    if request.POST.get("reset"):
        actions.reset_rule_setting(organisation, rule_id, by=request.user)
        messages.success(request, _("Restored the standard's default."))
        return redirect("standard:settings")
    _report(
        request,
        RuleSettingForm(request.POST),
        lambda data: actions.set_rule_setting(
            organisation,
            rule_id,
            by=request.user,
            opens_after=data["opens_after"],
            due_after=data["due_after"],
            day_count=data["day_count"],
            enabled=data["enabled"],
        ),
    )
    return redirect("standard:settings")


@login_required
@permission_required("standard.change_rulesetting", raise_exception=True)
@require_POST
def add_calendar_day(request: StaffRequest) -> HttpResponse:
    organisation = _organisation(request)
    _report(
        request,
        CalendarDayForm(request.POST),
        lambda data: actions.set_calendar_day(
            organisation, data["day"], kind=data["kind"], reason=data["reason"], by=request.user
        ),
    )
    return redirect("standard:settings")


@login_required
@permission_required("standard.change_rulesetting", raise_exception=True)
@require_POST
def remove_calendar_day(request: StaffRequest, day: str) -> HttpResponse:
    from datetime import date

    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        messages.error(request, _("Not a date."))
        return redirect("standard:settings")
    actions.remove_calendar_day(_organisation(request), parsed, by=request.user)
    messages.success(request, _("Removed."))
    return redirect("standard:settings")


@login_required
@permission_required("standard.change_rulesetting", raise_exception=True)
@require_POST
def edit_organisation_calendar(request: StaffRequest) -> HttpResponse:
    organisation = _organisation(request)
    _report(
        request,
        OrganisationCalendarForm(request.POST),
        lambda data: actions.set_organisation_calendar(
            organisation, time_zone=data["time_zone"], region=data["region"], by=request.user
        ),
    )
    return redirect("standard:settings")
