from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import FilterDateField
from aftercare.reviews import periods
from aftercare.reviews.actions import SUMMARY_MAX

PERIOD_CHOICES = [
    ("month", _("This month")),
    ("week", _("This week")),
    ("last_month", _("Last month")),
    ("range", _("Chosen range")),
]


class DashboardForm(forms.Form):
    """`?period=week|month|last_month|range&from=&to=` (local dates, inclusive) and, for
    administrators, `?branch=`."""

    branch = forms.TypedChoiceField(
        label=_("Branch"), required=False, coerce=int, empty_value=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=PERIOD_CHOICES,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    date_from = FilterDateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    date_to = FilterDateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def __init__(self, data=None, *, branches=()):
        if data is not None:  # the URL says from/to; `from` is no Python name
            data = data.copy()
            for key in ("from", "to"):
                if key in data:
                    data[f"date_{key}"] = data[key]
        super().__init__(data)
        self.fields["branch"].choices = [(b.pk, b.name) for b in branches]

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end comes before the start."))
        return data

    def chosen(self, today, tz) -> tuple[str, periods.Period]:
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or "month"
        if kind == "range" and (data.get("date_from") or data.get("date_to")):
            first = data.get("date_from") or data["date_to"].replace(day=1)
            last = data.get("date_to") or periods.month_of(first, tz).last
            return kind, periods.Period(first, last, tz)
        if kind == "week":
            return kind, periods.week_of(today, tz)
        if kind == "last_month":
            return kind, periods.month_of(today.replace(day=1) - timedelta(days=1), tz)
        return "month", periods.month_of(today, tz)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), max_length=SUMMARY_MAX, required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
    )  # fmt: skip
