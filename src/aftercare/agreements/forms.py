"""Forms of the agreement workflow's pages (the kind's terms come from the kind's own form)."""

from datetime import tzinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import MomentField

TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}


class ConfirmForm(forms.Form):
    """The owner's representative confirms at the screen: name, moment, a drawn signature or a
    scanned confirmation."""

    confirmed_by = forms.CharField(
        label=_("Name of the owner's representative"),
        max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )
    at = MomentField(label=_("Confirmed at"))
    # A PNG data: URL drawn on the page's canvas (at most 512 KB once decoded, the action says).
    signature_png = forms.CharField(required=False, max_length=800_000, widget=forms.HiddenInput)
    scan = forms.FileField(
        label=_("Or a scanned confirmation (PDF, PNG or JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "application/pdf,image/png,image/jpeg"}
        ),
    )

    def __init__(self, *args: Any, tz: tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        at = self.fields["at"]
        assert isinstance(at, MomentField)
        at.tz = tz


class RejectForm(forms.Form):
    person = forms.CharField(
        label=_("Name of the owner's representative"),
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
    )
    reason = forms.CharField(
        label=_("Why the owner returned it"), max_length=2000, widget=forms.Textarea(attrs=AREA)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the plan changes"), max_length=2000, widget=forms.Textarea(attrs=AREA)
    )
