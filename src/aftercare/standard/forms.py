from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.org.models import TIME_ZONE_CHOICES, Region
from aftercare.standard.models import CalendarDay
from aftercare.standard.rules import DayCount


class RuleSettingForm(forms.Form):
    opens_after = forms.IntegerField(label=_("Opens after"), required=False)
    due_after = forms.IntegerField(label=_("Due after"), required=False)
    day_count = forms.ChoiceField(
        label=_("Day counting"), required=False, choices=[("", "—"), *DayCount.choices]
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False)


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class OrganisationCalendarForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIME_ZONE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )
    region = forms.ChoiceField(
        label=_("Holiday region"),
        choices=Region.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )
