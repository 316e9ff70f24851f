"""Forms of the organisation's settings pages: branches and staff."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftercare.org.models import Branch
from aftercare.org.roles import STAFF_ROLES

TEXT = {"class": "form-control"}


class BranchForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32,
        help_text=_("Short, lower-case; it is part of register numbers and cannot change."),
        widget=forms.TextInput(attrs=TEXT),
    )  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    # The desks the branch runs: menus, My work and pages follow them.
    runs_dealership = forms.BooleanField(
        label=_("Runs the dealership desk (DS)"), required=False, initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    runs_building_systems = forms.BooleanField(
        label=_("Runs the building-systems desk (BS)"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip


class BranchEditForm(BranchForm):
    """A branch is renamed, never re-coded: its code is in every register number it wrote."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class StaffForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs=TEXT))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    branch: forms.ModelChoiceField[Branch] = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), required=False,
        empty_label=_("— every branch (administrators only)"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
    )  # fmt: skip
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class NewStaffForm(PasswordPairMixin, StaffForm):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs=TEXT)
    )
    field_order = ["username", "display_name", "email", "phone", "branch", "roles"]


class StaffPasswordForm(PasswordPairMixin):
    """An administrator sets a new password for a colleague: the typed pair, nothing else."""
