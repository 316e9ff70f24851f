"""The period (and, for administrators, the branch) of a register form: `?from=&to=&branch=`."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import FilterDateField
from aftercare.standard.calendar import month_span

# A register prints on paper: a year at most keeps a PDF to a few hundred pages.
MAX_DAYS = 366


class PeriodForm(forms.Form):
    """Local dates, both inclusive; the current month when none are given."""

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        date_input = {"type": "date", "class": "form-control form-control-sm"}
        self.fields["from"] = FilterDateField(
            label=_("From"), widget=forms.DateInput(attrs=date_input)
        )
        self.fields["to"] = FilterDateField(label=_("To"), widget=forms.DateInput(attrs=date_input))
        if branches is not None and len(branches) > 1:
            self.fields["branch"] = forms.TypedChoiceField(
                label=_("Branch"),
                coerce=int,
                required=False,
                choices=[(b.pk, b.name) for b in branches],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end:
            if end < start:
                self.add_error("to", _("The end of the period is before its start."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error(
                    "to", _("Choose at most %(days)s days at a time.") % {"days": MAX_DAYS}
                )
        return data

    def period(self, today: date) -> tuple[date, date]:
        """The chosen period; the month of whichever date was given (or of today) otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("from"), data.get("to")
        if start and end:
            return start, end
        first, last = month_span(start or end or today)
        return start or first, end or last


class ExportRequestForm(forms.Form):
    """The hidden fields of "Prepare the PDF": which register, whose branch, which period."""

    form = forms.TypedChoiceField(coerce=int, choices=[(3, "3"), (4, "4")])
    branch = forms.IntegerField()
    # Declared in __init__: `from` is a Python keyword.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = FilterDateField(label=_("From"), required=True)
        self.fields["to"] = FilterDateField(label=_("To"), required=True)
