"""Forms of the monthly reports' pages: the list's filter and "generate now"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MONTHS_OFFERED = 24


def ended_months(today: date, count: int = MONTHS_OFFERED) -> list[str]:
    """The last `count` months before this one, newest first (YYYY-MM)."""
    months = []
    first = today.replace(day=1)
    for _step in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(f"{first:%Y-%m}")
    return months


class ReportFilterForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), required=False)
    q = forms.CharField(label=_("Site or owner"), required=False, max_length=100)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month = self.fields["month"]
        assert isinstance(month, forms.ChoiceField)
        month.choices = [("", _("Every month")), *[(m, m) for m in ended_months(today)]]
        month.widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})


class GenerateForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month = self.fields["month"]
        assert isinstance(month, forms.ChoiceField)
        month.choices = [(m, m) for m in ended_months(today, 12)]
        month.widget.attrs["class"] = "form-select"
