"""Forms of the bill pages. They parse what was typed; the actions decide what is valid (money
with at most two decimals, quantities within the line, the reasons) and their translated field
errors are put on the form, so most fields are optional text here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.billing.choices import BillState, LabourMode, LabourRounding
from aftercare.billing.models import BillLine
from aftercare.formfields import FilterDateField
from aftercare.money import Currency

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
MONEY = {"class": "form-control", "inputmode": "decimal", "autocomplete": "off"}
AREA = {"class": "form-control", "rows": 2}


class BillFilterForm(forms.Form):
    """The list's filters: state, issued between two local dates, the customer, the ticket."""

    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("any state")), *BillState.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    issued_from = FilterDateField(label=_("Issued from"))
    issued_to = FilterDateField(label=_("Issued to"))
    q = forms.CharField(
        label=_("Customer or number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )
    ticket = forms.CharField(
        label=_("Ticket number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )


class ReviewForm(forms.Form):
    """The supervisor's review of a draft: a note, the labour time corrected."""

    note = forms.CharField(
        label=_("Note on the bill"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs=AREA),
    )
    labour_minutes = forms.IntegerField(
        label=_("Labour (minutes)"),
        min_value=0,
        max_value=100_000,
        required=False,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the draft withdrawn?"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )


class CreditNoteForm(forms.Form):
    """A reason, and per line of the bill a quantity (at the line's price) or an amount."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args: Any, lines: Iterable[BillLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bill_lines = list(lines)
        for line in self.bill_lines:
            self.fields[f"quantity_{line.pk}"] = forms.CharField(
                label=_("Quantity to credit"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs=MONEY),
            )
            self.fields[f"amount_{line.pk}"] = forms.CharField(
                label=_("or amount"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs=MONEY),
            )

    def rows(self) -> list[tuple[BillLine, forms.BoundField, forms.BoundField]]:
        return [
            (line, self[f"quantity_{line.pk}"], self[f"amount_{line.pk}"])
            for line in self.bill_lines
        ]

    def credit_lines(self) -> list[dict[str, Any]]:
        """The lines given a quantity or an amount, as the action takes them."""
        chosen = []
        for line in self.bill_lines:
            quantity = self.cleaned_data.get(f"quantity_{line.pk}", "").strip()
            amount = self.cleaned_data.get(f"amount_{line.pk}", "").strip()
            if quantity or amount:
                given = {"quantity": quantity or None, "amount": amount or None}
                chosen.append({"bill_line_id": line.pk, **given})
        return chosen


class SettingsForm(forms.Form):
    """The organisation's labour fee, currency and letterhead (``actions.save_settings``)."""

    currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, widget=forms.Select(attrs=SELECT)
    )
    labour_mode = forms.ChoiceField(
        label=_("Labour fee"), choices=LabourMode.choices, widget=forms.Select(attrs=SELECT)
    )
    labour_rate = forms.CharField(
        label=_("Rate (per hour, or the flat fee)"),
        max_length=20,
        widget=forms.TextInput(attrs=MONEY),
    )
    labour_minimum = forms.CharField(
        label=_("Minimum labour fee"), max_length=20, widget=forms.TextInput(attrs=MONEY)
    )
    labour_rounding = forms.ChoiceField(
        label=_("Billed time"), choices=LabourRounding.choices, widget=forms.Select(attrs=SELECT)
    )
    company_name = forms.CharField(
        label=_("Company name"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=60, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    tax_number = forms.CharField(
        label=_("Tax number"), max_length=60, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    bank_account = forms.CharField(
        label=_("Bank and account"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    payment_terms = forms.CharField(
        label=_("Payment terms"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs=AREA),
    )
