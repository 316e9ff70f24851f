"""The maintenance plan as a kind of the one agreement workflow (``agreements.kinds.PlanKind``):
its terms, their page form, how they read side by side, and what confirmation and revision do
to the visits (``actions.schedule`` and ``actions.hold_back``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from aftercare.agreements.kinds import TermsForm
from aftercare.agreements.models import Agreement, AgreementVersion
from aftercare.errors import Errors
from aftercare.maintenance import terms as plan_terms
from aftercare.maintenance.choices import NonWorkingDay
from aftercare.org.models import User
from aftercare.sites.models import System

DATE = {"type": "date", "class": "form-control"}


class MaintenanceTermsForm(TermsForm):
    """A version's terms on a page: the site's systems, every N months or listed dates (one
    per line), the term and what happens on days not worked."""

    systems = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Systems"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    every_months = forms.IntegerField(
        label=gettext_lazy("Every … months"), required=False, min_value=1, max_value=24,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text=gettext_lazy("Or list the dates below."),
    )  # fmt: skip
    dates = forms.CharField(
        label=gettext_lazy("Dates (one per line, e.g. 2026-05-01)"), required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=forms.DateInput(DATE))
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=forms.DateInput(DATE))
    non_working_day = forms.ChoiceField(
        label=gettext_lazy("A date that is not a working day"), choices=NonWorkingDay.choices,
        initial=NonWorkingDay.PREVIOUS, widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, agreement=agreement, **kwargs)
        site = agreement.site
        systems = System.objects.filter(site=site).order_by("kind", "name", "id") if site else []
        field = self.fields["systems"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(row.pk, f"{row.name} · {row.get_kind_display()}") for row in systems]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        errors = Errors()
        plan_terms.clean(None, {**self.terms(), "system_ids": []}, errors)
        for field, messages in errors.items():
            if field == "system_ids":
                continue
            name = field.split(".")[0]
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return data

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        lines = [line.strip() for line in (data.get("dates") or "").splitlines() if line.strip()]
        every = data.get("every_months")
        return {
            "system_ids": list(data.get("systems") or []),
            "every_months": every if every else None,
            "dates": [] if every else lines,
            "starts_on": data["starts_on"].isoformat() if data.get("starts_on") else None,
            "ends_on": data["ends_on"].isoformat() if data.get("ends_on") else None,
            "non_working_day": data.get("non_working_day") or NonWorkingDay.PREVIOUS,
        }

    @classmethod
    def initial_from(cls, terms: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "systems": terms.get("system_ids") or [],
            "every_months": terms.get("every_months"),
            "dates": "\n".join(terms.get("dates") or []),
            "starts_on": terms.get("starts_on"),
            "ends_on": terms.get("ends_on"),
            "non_working_day": terms.get("non_working_day") or NonWorkingDay.PREVIOUS,
        }


def frequency_text(terms: Mapping[str, Any]) -> str:
    if terms.get("every_months"):
        months = int(terms["every_months"])
        return _("Every %(n)s months") % {"n": months} if months != 1 else _("Every month")
    return ", ".join(terms.get("dates") or [])


class MaintenanceKind:
    """BS-9: a maintenance plan, agreed with the owner like BS-4."""

    code = "maintenance"
    label: StrOrPromise = gettext_lazy("Maintenance plan")
    change_permission = "maintenance.change_maintenanceplan"
    view_permission = "maintenance.view_maintenanceplan"
    terms_form: type[TermsForm] = MaintenanceTermsForm

    def clean_terms(
        self, agreement: Agreement, terms: Mapping[str, Any], errors: Errors
    ) -> dict[str, Any]:
        return plan_terms.clean(agreement.site, terms, errors)

    def describe(self, terms: Mapping[str, Any]) -> list[tuple[StrOrPromise, str]]:
        names = dict(
            System.objects.filter(pk__in=terms.get("system_ids") or []).values_list("pk", "name")
        )
        shift = terms.get("non_working_day") or NonWorkingDay.PREVIOUS
        return [
            (
                _("Systems"),
                ", ".join(names.get(pk, f"#{pk}") for pk in terms.get("system_ids") or []),
            ),
            (_("Visits"), frequency_text(terms)),
            (_("Starts on"), str(terms.get("starts_on") or "—")),
            (_("Ends on"), str(terms.get("ends_on") or "—")),
            (_("A date that is not a working day"), str(NonWorkingDay(shift).label)),
        ]

    def confirmed(
        self, agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime
    ) -> None:
        from aftercare.maintenance.actions import schedule

        schedule(agreement, version, by=by, at=at)

    def revised(
        self, agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime
    ) -> None:
        from aftercare.maintenance.actions import hold_back

        hold_back(agreement, version, by=by, at=at)

    def url(self, agreement: Agreement) -> str:
        return reverse("maintenance:plan", args=[agreement.pk])


KIND = MaintenanceKind()
