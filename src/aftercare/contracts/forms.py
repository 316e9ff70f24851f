"""Forms of the contract pages: a service calendar's week as text, its preview, a contract
offer and its signature."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftercare.contracts.calendars import parse_day_text
from aftercare.contracts.choices import WEEKDAYS, FaultCategory
from aftercare.contracts.models import ServiceCalendar
from aftercare.formfields import DATE_INPUT, MomentField
from aftercare.org.models import User
from aftercare.sites.models import System

DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TEXT = {"class": "form-control"}
NUMBER = {"class": "form-control", "inputmode": "decimal"}
CHECK = {"class": "form-check-input"}


class ServiceCalendarForm(forms.Form):
    """The week as one text per weekday, e.g. ``09:00-12:00, 13:00-18:00``; empty = closed."""

    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    follows_holidays = forms.BooleanField(
        label=_("Follow the holidays, closures and make-up working days"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, field in enumerate(DAY_FIELDS):
            self.fields[field] = forms.CharField(
                label=WEEKDAYS[index],
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={**TEXT, "placeholder": "09:00-12:00, 13:00-18:00"}),
            )

    def weekly(self) -> list[list[list[str]]] | None:
        """The week as the action reads it, or None with the unreadable days marked."""
        week: list[list[list[str]]] = []
        for index, field in enumerate(DAY_FIELDS):
            day = parse_day_text(self.cleaned_data.get(field) or "")
            if day is None:
                self.add_error(
                    field,
                    gettext("%(day)s: write the hours as 09:00-12:00, 13:00-18:00.")
                    % {"day": WEEKDAYS[index]},
                )
                continue
            week.append(day)
        return week if len(week) == 7 else None


class PreviewForm(forms.Form):
    at = MomentField(label=_("A fault reported at"))
    hours = forms.DecimalField(
        label=_("with (hours)"),
        min_value=Decimal("0"),
        max_value=Decimal("10000"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.25"}),
    )

    def __init__(self, *args: Any, tz: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        at = self.fields["at"]
        assert isinstance(at, MomentField)
        at.tz = tz


def _hours_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("999.99"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.5"}),
    )


ESCALATION_ROWS = 3


class ContractForm(forms.Form):
    """An offer for systems of one site: term, calendar, targets, emergency clauses, price."""

    systems = forms.ModelMultipleChoiceField(
        label=_("Covered systems"),
        queryset=System.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs=DATE_INPUT))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs=DATE_INPUT))
    service_calendar = forms.ModelChoiceField(
        label=_("Service calendar"),
        queryset=ServiceCalendar.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    price = forms.DecimalField(
        label=_("Price"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )
    parts_included = forms.BooleanField(
        label=_("Parts included"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    labour_included = forms.BooleanField(
        label=_("Labour included"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    visits_per_year = forms.IntegerField(
        label=_("Preventive visits per year"),
        min_value=0,
        max_value=365,
        initial=4,
        widget=forms.NumberInput(attrs=TEXT),
    )
    emergency_arrival = _hours_field(_("Emergency: on site within (hours)"))
    emergency_fix = _hours_field(_("Emergency: fixed within (hours)"))

    def __init__(
        self,
        *args: Any,
        systems: QuerySet[System],
        calendars: QuerySet[ServiceCalendar],
        colleagues: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        systems_field = self.fields["systems"]
        assert isinstance(systems_field, forms.ModelMultipleChoiceField)
        systems_field.queryset = systems
        calendar_field = self.fields["service_calendar"]
        assert isinstance(calendar_field, forms.ModelChoiceField)
        calendar_field.queryset = calendars
        for category in FaultCategory:
            self.fields[f"{category.value}_arrival"] = _hours_field(
                gettext("%(category)s: on site within (hours)") % {"category": category.label}
            )
            self.fields[f"{category.value}_fix"] = _hours_field(
                gettext("%(category)s: fixed within (hours)") % {"category": category.label}
            )
        for row in range(1, ESCALATION_ROWS + 1):
            self.fields[f"escalation_{row}_minutes"] = forms.IntegerField(
                label=gettext("Step %(n)d: after (minutes)") % {"n": row},
                required=False,
                min_value=0,
                max_value=100_000,
                widget=forms.NumberInput(attrs=TEXT),
            )
            self.fields[f"escalation_{row}_user"] = forms.ModelChoiceField(
                label=gettext("Step %(n)d: tell") % {"n": row},
                required=False,
                queryset=colleagues,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def target_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(c.label), self[f"{c.value}_arrival"], self[f"{c.value}_fix"])
            for c in FaultCategory
        ]

    def escalation_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"escalation_{row}_minutes"], self[f"escalation_{row}_user"])
            for row in range(1, ESCALATION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for category in FaultCategory:
            arrival = data.get(f"{category.value}_arrival")
            fix = data.get(f"{category.value}_fix")
            if (arrival is None) != (fix is None):
                self.add_error(
                    f"{category.value}_fix" if fix is None else f"{category.value}_arrival",
                    gettext("Give both targets of the category, or neither."),
                )
        if (data.get("emergency_arrival") is None) != (data.get("emergency_fix") is None):
            self.add_error("emergency_fix", gettext("Give both emergency targets, or neither."))
        for row in range(1, ESCALATION_ROWS + 1):
            minutes, user = (
                data.get(f"escalation_{row}_minutes"),
                data.get(f"escalation_{row}_user"),
            )
            if (minutes is None) != (user is None):
                self.add_error(
                    f"escalation_{row}_user",
                    gettext("Give both the minutes and the person, or neither."),
                )
        return data


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs=DATE_INPUT))
