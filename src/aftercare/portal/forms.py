"""Forms of the owner's portal (choices always come from the owner's own read scopes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftercare.contracts.choices import FaultCategory
from aftercare.customers.models import Customer, CustomerContact
from aftercare.sites.models import Equipment, Site, System

TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 4}
SELECT = {"class": "form-select"}


class SystemChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.name} · {obj.name}"


class ItemChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        where = f" · {obj.location}" if obj.location else ""
        serial = f" ({obj.serial})" if obj.serial else ""
        return f"{obj.system.name} · {obj.name}{serial}{where}"


class FaultForm(forms.Form):
    """A fault reported by the owner: where, what, how urgent, and whom to call back."""

    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    system = SystemChoice(
        label=_("System"), queryset=System.objects.none(), required=False,
        empty_label=_("— from the equipment item —"), widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    equipment = ItemChoice(
        label=_("Equipment item (optional)"), queryset=Equipment.objects.none(), required=False,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    serial = forms.CharField(
        label=_("Or its serial number"), max_length=100, required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=_("What kind of fault"), choices=FaultCategory.choices,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    emergency = forms.BooleanField(
        label=_("Emergency (safety at risk, a key system down)"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs=AREA)
    )
    caller_name = forms.CharField(
        label=_("Your name"), max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )  # fmt: skip
    caller_phone = forms.CharField(
        label=_("Phone to call you back"), max_length=40, required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        sites: QuerySet[Site],
        systems: QuerySet[System],
        equipment: QuerySet[Equipment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["system"].queryset = systems  # type: ignore[attr-defined]
        self.fields["equipment"].queryset = equipment  # type: ignore[attr-defined]
        self._equipment = equipment

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        serial = (data.get("serial") or "").strip()
        if serial and data.get("equipment") is None:
            from aftercare.sites.models import serial_key

            item = self._equipment.filter(serial_key=serial_key(serial)).first()
            if item is None:
                self.add_error("serial", _("None of your equipment has this serial number."))
            else:
                data["equipment"] = item
        if data.get("system") is None and data.get("equipment") is None and not self.errors:
            self.add_error("system", _("Choose the system, or the equipment item."))
        return data


class ConfirmForm(forms.Form):
    """The owner's representative confirms a plan version with their name and signature."""

    confirmed_by = forms.CharField(
        label=_("Your name"), max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )  # fmt: skip
    # A PNG data: URL drawn on the page's canvas (the action checks it: at most 512 KB).
    signature_png = forms.CharField(required=False, max_length=800_000, widget=forms.HiddenInput)


class RejectForm(forms.Form):
    person = forms.CharField(
        label=_("Your name"), max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Why you return it"), max_length=2000, widget=forms.Textarea(attrs=AREA)
    )


class InviteForm(forms.Form):
    """Staff invite an owner's contact to the portal."""

    customer = forms.ModelChoiceField(
        label=_("Owner"), queryset=Customer.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    contact = forms.ModelChoiceField(
        label=_("Contact (optional)"), queryset=CustomerContact.objects.none(), required=False,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    email = forms.CharField(
        label=_("E-mail address"), max_length=254, required=False,
        widget=forms.EmailInput(attrs=TEXT),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Or mobile number (the link goes by SMS)"), max_length=40, required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel"}),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        customers: QuerySet[Customer],
        contacts: QuerySet[CustomerContact],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["contact"].label_from_instance = (  # type: ignore[attr-defined]
            lambda contact: f"{contact.customer.name} · {contact}"
        )


class AcceptForm(forms.Form):
    """The invited contact chooses a password (Django's validators, checked by the action)."""

    password1 = forms.CharField(
        label=_("Choose a password"), strip=False,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
    )  # fmt: skip
    password2 = forms.CharField(
        label=_("The same password again"), strip=False,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
