"""Forms of the customer pages: Form 1 (the archive), a vehicle, the search box.

The forms only parse what was typed; the actions decide what is valid for the business and
their `InvalidInput.fields` are shown on the form with `show_domain_error`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.customers.choices import VEHICLE_TYPES, ContactChannel, ContactTime, WantedService
from aftercare.customers.models import Customer
from aftercare.org.models import Branch, User

# The action's field names → the customer form's.
CUSTOMER_ALIASES = {"followup_advisor_id": "followup_advisor"}


def staff_of(branch, organisation):
    """Who may be the follow-up advisor: active staff of the branch (or organisation)."""
    staff = User.objects.filter(is_active=True).order_by("display_name", "username")
    if branch is not None:
        return staff.filter(branch=branch)
    return staff.filter(organisation=organisation)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        """Also mark the widget `is-invalid`, so Bootstrap shows which input is wrong."""
        super().add_error(field, error)
        for name in self._errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class SearchForm(forms.Form):
    """The one search box: names, pinyin, initials, phones, plates, VINs (see queries.search)."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class CustomerForm(StyledForm):
    """Form 1 客戶檔案基本資料表: every field the archive keeps."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Customer.Kind.choices, initial=Customer.Kind.PERSON
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autofocus": True})
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    phones = forms.CharField(
        label=_("Phone numbers"),
        help_text=_("One number per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "inputmode": "tel"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    contact_time = forms.ChoiceField(
        label=_("Preferred contact time"),
        choices=[("", "—"), *ContactTime.choices],
        required=False,
    )
    contact_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=[("", "—"), *ContactChannel.choices], required=False
    )
    wanted_services = forms.MultipleChoiceField(
        label=_("Services hoped for"),
        choices=WantedService.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wanted_services_note = forms.CharField(label=_("Other wishes"), max_length=300, required=False)
    consents_to_sms = forms.BooleanField(label=_("Consents to SMS"), required=False)
    consents_to_letters = forms.BooleanField(
        label=_("Consents to letters"), required=False, initial=True
    )
    prefers_letters = forms.BooleanField(label=_("Prefers letters"), required=False)
    followup_advisor = forms.ModelChoiceField(
        label=_("Follow-up advisor"), queryset=User.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, customer=None, **kwargs):
        if customer is not None:
            kwargs.setdefault("initial", self.initial_for(customer))
        super().__init__(*args, **kwargs)
        branch = customer.branch if customer is not None else user.branch
        # Staff without a branch (administrators) pick the branch of a new customer.
        if customer is None and user.branch is None:
            self.fields["branch"].queryset = Branch.objects.filter(
                organisation_id=user.organisation_id
            )
        else:
            del self.fields["branch"]
        self.fields["followup_advisor"].queryset = staff_of(branch, user.organisation)

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        fields = [
            "kind", "name", "contact_person", "address", "email", "contact_time",
            "contact_channel", "wanted_services", "wanted_services_note", "consents_to_sms",
            "consents_to_letters", "prefers_letters", "notes",
        ]  # fmt: skip
        initial = {name: getattr(customer, name) for name in fields}
        initial["phones"] = "\n".join(phone.number for phone in customer.phones.all())
        initial["followup_advisor"] = customer.followup_advisor_id
        return initial

    def clean_phones(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["phones"].splitlines() if line.strip()]

    def action_fields(self, only_changed: bool = False) -> dict:
        """Keyword arguments for create_customer / update_customer."""
        data = dict(self.cleaned_data)
        data.pop("branch", None)
        if only_changed:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class VehicleForm(StyledForm):
    """A customer's vehicle with its maintenance cycle; the next maintenance is computed."""

    plate = forms.CharField(
        label=_("Number plate"), max_length=20, widget=forms.TextInput(attrs={"autofocus": True})
    )
    vin = forms.CharField(label=_("VIN"), max_length=20, required=False)
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=100, required=False)
    vehicle_type = forms.CharField(
        label=_("Vehicle type"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "vehicle-types"}),
    )
    purchase_date = forms.DateField(
        label=_("Purchase date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mileage = forms.IntegerField(
        label=_("Mileage (km)"), min_value=0, max_value=3_000_000, required=False
    )
    maintenance_months = forms.IntegerField(
        label=_("Maintenance cycle (months)"), min_value=1, max_value=60, required=False
    )
    maintenance_km = forms.IntegerField(
        label=_("Maintenance cycle (km)"), min_value=0, max_value=3_000_000, required=False
    )
    last_maintenance_on = forms.DateField(
        label=_("Last maintenance"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_maintenance_km = forms.IntegerField(
        label=_("Mileage at last maintenance"), min_value=0, max_value=3_000_000, required=False
    )
    next_maintenance_on = forms.DateField(
        label=_("Next maintenance date"),
        required=False,
        help_text=_("Leave empty to compute it from the last maintenance and the cycle."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    next_maintenance_km = forms.IntegerField(
        label=_("Next maintenance mileage"),
        min_value=0,
        max_value=3_000_000,
        required=False,
        help_text=_("Leave empty to compute it from the last maintenance and the cycle."),
    )

    vehicle_types = VEHICLE_TYPES
    OVERRIDES = ("next_maintenance_on", "next_maintenance_km")

    def __init__(self, *args, vehicle=None, **kwargs):
        if vehicle is not None:
            kwargs.setdefault("initial", self.initial_for(vehicle))
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, vehicle) -> dict:
        initial = {name: getattr(vehicle, name) for name in cls.base_fields}
        # A computed next maintenance is not shown as typed in, so it stays computed.
        if not vehicle.next_maintenance_overridden:
            for name in cls.OVERRIDES:
                initial[name] = None
        return initial

    def action_fields(self, only_changed: bool = False) -> dict:
        """Keyword arguments for add_vehicle / update_vehicle.

        Only fields the user touched are sent on edit: sending a next maintenance value tells
        the action it was set by hand, and an empty one means "compute it".
        """
        data = dict(self.cleaned_data)
        if only_changed:
            return {k: v for k, v in data.items() if k in self.changed_data}
        return {k: v for k, v in data.items() if k not in self.OVERRIDES or v is not None}


class ContactForm(StyledForm):
    """A contact person of a company customer."""

    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.CharField(label=_("Role or title"), max_length=100, required=False)
    phones = forms.CharField(
        label=_("Phone numbers"),
        help_text=_("One number per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, contact=None, **kwargs):
        if contact is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "name": contact.name,
                    "role": contact.role,
                    "phones": "\n".join(contact.phones),
                    "email": contact.email,
                },
            )
        super().__init__(*args, **kwargs)

    def clean_phones(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["phones"].splitlines() if line.strip()]

    def action_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "role", "phones", "email")}
