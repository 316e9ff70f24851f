"""The service-item catalogue's form (administrators)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.workshop.models import ServiceItem

TEXT = {"class": "form-control"}


class ServiceItemForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, widget=forms.TextInput(attrs=TEXT),
        help_text=_("Unique in the organisation; imports and the API name items by it."),
    )  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ServiceItem.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip


class ServiceItemEditForm(ServiceItemForm):
    active = forms.BooleanField(
        label=_("Active (offered at check-in)"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
