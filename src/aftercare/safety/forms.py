"""Forms of the safety pages; every rule is checked once, in the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import MomentField
from aftercare.org.models import User
from aftercare.safety.choices import CapacityUnit, EquipmentKind, InspectionResult

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


def _staff_field(label):
    return forms.ModelChoiceField(
        label=label, queryset=User.objects.none(), widget=forms.Select(attrs=SELECT)
    )


class MinimumFields(forms.Form):
    min_count = forms.IntegerField(
        label=_("Minimum number of items"), initial=1,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )  # fmt: skip
    min_capacity = forms.DecimalField(
        label=_("Minimum total capacity"), required=False, max_digits=8, decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.1"}),
    )  # fmt: skip
    capacity_unit = forms.ChoiceField(
        label=_("Capacity unit"), choices=CapacityUnit.choices, initial=CapacityUnit.KG,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip


class PlaceForm(MinimumFields):
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    keeper = _staff_field(_("Responsible for the equipment"))
    field_order = ["name", "keeper", "min_count", "min_capacity", "capacity_unit"]

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper"].queryset = branch.staff.filter(is_active=True).order_by("username")


class BinForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    owner = _staff_field(_("Cleared by"))
    every_days = forms.IntegerField(
        label=_("Clear every (days)"), initial=1,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )  # fmt: skip
    clear_at = forms.TimeField(
        label=_("Clearance time"), required=False,
        widget=forms.TimeInput(attrs={**TEXT, "type": "time"}, format="%H:%M"),
    )  # fmt: skip
    starts_on = forms.DateField(
        label=_("First clearance day"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = branch.staff.filter(is_active=True).order_by("username")


class ClearanceForm(forms.Form):
    at = MomentField(label=_("Cleared at"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].tz = tz


class EquipmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=EquipmentKind.choices, widget=forms.Select(attrs=SELECT)
    )
    label = forms.CharField(
        label=_("Serial or label"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    capacity = forms.DecimalField(
        label=_("Capacity"), required=False, max_digits=7, decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.1"}),
    )  # fmt: skip
    unit = forms.ChoiceField(
        label=_("Unit"), choices=CapacityUnit.choices, widget=forms.Select(attrs=SELECT)
    )
    installed_on = forms.DateField(label=_("Installed on"), widget=forms.DateInput(attrs=DATE))
    expires_on = forms.DateField(
        label=_("Expiry date"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    inspect_every_months = forms.IntegerField(
        label=_("Inspect every (months)"), initial=1, widget=forms.NumberInput(attrs=TEXT)
    )
    replace_notice_days = forms.IntegerField(
        label=_("Replacement notice (days before expiry)"), initial=30,
        widget=forms.NumberInput(attrs=TEXT),
    )  # fmt: skip


YES_NO_NA = [("", _("Not applicable")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class InspectionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=InspectionResult.choices, initial=InspectionResult.OK,
        widget=forms.RadioSelect,
    )  # fmt: skip
    pressure_ok = forms.TypedChoiceField(
        label=_("Pressure OK"), choices=YES_NO_NA, coerce=_yes_no, empty_value=None,
        required=False, widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    seal_ok = forms.TypedChoiceField(
        label=_("Seal intact"), choices=YES_NO_NA, coerce=_yes_no, empty_value=None,
        required=False, widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    at = MomentField(label=_("Inspected at"))
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].tz = tz


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs=TEXT))
