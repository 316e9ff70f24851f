"""Forms of the maintenance pages; the terms' own form is ``agreement.MaintenanceTermsForm``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import MomentField
from aftercare.maintenance.agreement import MaintenanceTermsForm
from aftercare.maintenance.choices import ChecklistItemKind, CheckResult, PlanState
from aftercare.maintenance.models import VisitCheck

TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 2}
DATE = {"type": "date", "class": "form-control"}


class PlanFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *PlanState.choices],
        widget=forms.Select(attrs={"class": "form-select", "data-submit-on-change": ""}),
    )  # fmt: skip


class SiteChoiceForm(forms.Form):
    """The new plan's first step: which site (its systems and contracts come from it)."""

    site = forms.TypedChoiceField(
        label=_("Site"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, sites: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *sites]


class PlanForm(MaintenanceTermsForm):
    """A new plan of a chosen site: its title, contract and engineer, and the first version's
    terms."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    contract = forms.TypedChoiceField(
        label=_("Maintenance contract"), coerce=int, required=False, empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    engineer = forms.TypedChoiceField(
        label=_("Engineer"), coerce=int, required=False, empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args: Any, contracts: Sequence[tuple[int, str]],
                 engineers: Sequence[tuple[int, str]], **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        for name, rows in (("contract", contracts), ("engineer", engineers)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", "—"), *rows]


class EngineerForm(forms.Form):
    engineer = forms.TypedChoiceField(
        label=_("Engineer"), coerce=int, required=False, empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args: Any, engineers: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["engineer"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("The branch's supervisor")), *engineers]


class RescheduleForm(forms.Form):
    to = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs=DATE))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs=AREA))  # fmt: skip


class ResultForm(forms.Form):
    """A visit's checklist on the phone: per check its result (ok / defect / n.a.), a reading
    where the item asks for one, a note and a photo; the owner's name and signature."""

    done_at = MomentField(label=_("Done at"))
    signed_by = forms.CharField(
        label=_("Name of the owner's representative"), max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )  # fmt: skip
    # A PNG data: URL drawn on the page's canvas (hotline.js).
    signature_png = forms.CharField(required=False, max_length=800_000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, checks: Sequence[VisitCheck], tz: tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        done_at = self.fields["done_at"]
        assert isinstance(done_at, MomentField)
        done_at.tz = tz
        self.checks = list(checks)
        for check in self.checks:
            self.fields[f"result_{check.pk}"] = forms.ChoiceField(
                label=check.label, choices=CheckResult.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose ok, defect or not applicable.")},
            )  # fmt: skip
            if check.kind == ChecklistItemKind.READING:
                self.fields[f"reading_{check.pk}"] = forms.DecimalField(
                    label=_("Reading (%(unit)s)") % {"unit": check.unit or "—"}, required=False,
                    max_digits=12, decimal_places=3,
                    widget=forms.NumberInput(attrs={**TEXT, "step": "any", "inputmode": "decimal"}),
                )  # fmt: skip
            self.fields[f"note_{check.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000,
                widget=forms.TextInput(attrs=TEXT),
            )  # fmt: skip
            self.fields[f"photo_{check.pk}"] = forms.FileField(
                label=_("Photo"), required=False,
                widget=forms.ClearableFileInput(
                    attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}
                ),
            )  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        """Each check with its bound fields, for the template."""
        return [
            {
                "check": check,
                "result": self[f"result_{check.pk}"],
                "reading": self[f"reading_{check.pk}"]
                if f"reading_{check.pk}" in self.fields
                else None,
                "note": self[f"note_{check.pk}"],
                "photo": self[f"photo_{check.pk}"],
            }
            for check in self.checks
        ]


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Item"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=ChecklistItemKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False,
                           widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    low = forms.DecimalField(label=_("Lowest"), required=False, max_digits=12, decimal_places=3,
                             widget=forms.NumberInput(attrs={**TEXT, "step": "any"}))  # fmt: skip
    high = forms.DecimalField(label=_("Highest"), required=False, max_digits=12, decimal_places=3,
                              widget=forms.NumberInput(attrs={**TEXT, "step": "any"}))  # fmt: skip
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=30000,
                               widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
