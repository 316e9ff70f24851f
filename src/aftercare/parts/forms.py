"""Forms of the spare-parts pages. They parse what was typed; the actions decide what is valid
(quantities in the part's unit, money with two places, a reason for an adjustment) and their
field errors are put on the form (``formfields.show_domain_error``), so most fields are optional
here and the action's translated messages say what is missing, all at once."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import MomentField
from aftercare.parts.choices import MovementKind, Unit
from aftercare.parts.models import Store

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
NUMBER = {**TEXT, "inputmode": "decimal"}
MONEY = {**TEXT, "inputmode": "decimal", "placeholder": "0.00"}
WHOLE = {**TEXT, "inputmode": "numeric", "pattern": "[0-9]*"}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )


class PartForm(forms.Form):
    """A new catalogue line."""

    code = forms.CharField(
        label=_("Code"), max_length=40, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    unit = forms.ChoiceField(
        label=_("Unit"), choices=Unit.choices, initial=Unit.PIECE, widget=forms.Select(attrs=SELECT)
    )
    unit_cost = forms.CharField(
        label=_("Unit cost"), max_length=20, required=False, widget=forms.TextInput(attrs=MONEY)
    )
    warranty_months = forms.CharField(
        label=_("Own warranty (months)"),
        max_length=5,
        required=False,
        initial="0",
        widget=forms.TextInput(attrs=WHOLE),
    )


class ChangePartForm(forms.Form):
    """What the catalogue says of a part; the code and unit stay (the ledger counts in it)."""

    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    unit_cost = forms.CharField(
        label=_("Unit cost"), max_length=20, required=False, widget=forms.TextInput(attrs=MONEY)
    )
    warranty_months = forms.CharField(
        label=_("Own warranty (months)"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs=WHOLE),
    )
    active = forms.BooleanField(
        label=_("Still kept (active)"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )


class StoreChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A store named with its branch, so one list serves an administrator's branches."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.branch.name} · {obj}"


class MovementForm(forms.Form):
    """A line of the stock ledger: a receipt, an adjustment with its reason, or an issue to /
    return from a ticket named by its number."""

    kind = forms.ChoiceField(
        label=_("Movement"),
        choices=[("", "---------"), *MovementKind.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    quantity = forms.CharField(
        label=_("Quantity"), max_length=20, required=False, widget=forms.TextInput(attrs=NUMBER)
    )
    ticket = forms.CharField(
        label=_("Ticket number (issue or return)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )
    reason = forms.CharField(
        label=_("Reason (required for an adjustment)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    store = StoreChoiceField(
        label=_("Store"),
        queryset=Store.objects.none(),
        required=False,
        empty_label=_("The main store of my branch"),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, stores: QuerySet[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["store"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = stores


class ReserveForm(forms.Form):
    """Hold stock for a ticket (its branch's main store)."""

    ticket = forms.CharField(
        label=_("Ticket number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )
    quantity = forms.CharField(
        label=_("Quantity"), max_length=20, required=False, widget=forms.TextInput(attrs=NUMBER)
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class InstallForm(forms.Form):
    """A part fitted to an equipment item on its own, the item named by its serial number (or
    its number in the register)."""

    equipment = forms.CharField(
        label=_("Equipment item (serial number)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )
    serial = forms.CharField(
        label=_("Serial number of the part fitted"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    installed_at = MomentField(label=_("Installed at"), required=False)
    ticket = forms.CharField(
        label=_("Ticket number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, tz: tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["installed_at"]
        assert isinstance(field, MomentField)
        field.tz = tz
