from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.documents.choices import DocumentKind

# What a phone offers first: documents and pictures (a photographed drawing), spreadsheets.
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.csv,.txt,.zip,.dwg,.dxf,image/*"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the action says "The file is empty." in its own words
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        for name in ("title", "note"):
            self.fields[name].widget.attrs["class"] = "form-control"


class AcceptanceForm(forms.Form):
    accepted_on = forms.DateField(
        label=_("Accepted on"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    accepted_by = forms.CharField(
        label=_("Owner's representative"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
