"""Forms of the installed-base pages. They only parse what was typed; the actions decide what
is valid and their field errors are put on the form (``formfields.show_domain_error``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftercare import moments
from aftercare.customers.models import Customer
from aftercare.imports.models import ImportJob
from aftercare.sites.choices import SystemKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
DATE = {"class": "form-control", "type": "date"}


class DayField(forms.DateField):
    """A date typed on a page: years 2000 to 2100, like every other date of the pages."""

    widget = forms.DateInput(attrs=DATE)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, date) and not moments.plausible_year(value):
            raise forms.ValidationError(moments.DATE_OUT_OF_RANGE, code="out_of_range")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search sites"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search", "autocapitalize": "characters"}),
    )


class SiteForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Owner (company customer)"),
        queryset=Customer.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, owners: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = owners  # type: ignore[attr-defined]


class SystemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SystemKind.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    key = forms.BooleanField(
        label=_("Key system (BS-2: two trained people on the owner's side)"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class _ItemFields(forms.Form):
    """What describes an equipment item, whether added or put in as a replacement part."""

    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    model = forms.CharField(
        label=pgettext_lazy("building", "Model"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )


class EquipmentForm(_ItemFields):
    location = forms.CharField(
        label=_("Location in the building"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    installed_on = DayField(label=_("Installed on"), required=False)


class ReplaceForm(_ItemFields):
    """The new part keeps the old one's place; its installation day starts its warranty."""

    installed_on = DayField(label=_("Installed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["serial"].label = _("Serial number of the new part")


MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class EquipmentImportForm(forms.Form):
    """An equipment list (.xlsx or .csv) for one system, through the import machinery."""

    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    mode = forms.ChoiceField(
        label=_("When some rows are invalid"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload
